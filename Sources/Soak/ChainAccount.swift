import Foundation
import SolanaCore

/// One account as the simulator holds it: bytes, owner and the slot of its last write.
struct ChainAccount: Equatable, Sendable {
    var owner: String
    var data: [UInt8]
    var writeSlot: UInt64
}
