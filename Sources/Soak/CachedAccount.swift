import Foundation
import SolanaCore

/// One watched account as the cache reports it (`GET /v1/accounts`): held or not yet.
struct CachedAccount: Equatable, Sendable {
    var address: String
    /// nil when the cache watches the account but holds no bytes for it.
    var held: (owner: String, slot: UInt64, data: [UInt8])?
    static func == (a: CachedAccount, b: CachedAccount) -> Bool {
        a.address == b.address && a.held?.owner == b.held?.owner && a.held?.slot == b.held?.slot && a.held?.data == b.held?.data
    }
}
