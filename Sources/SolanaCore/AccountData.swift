/// One account as the chain (or an RPC node) reports it: the unit every decoder reads and
/// every store update carries.
public struct AccountData: Sendable, Equatable {
    public var address: Pubkey
    public var owner: Pubkey
    public var data: [UInt8]
    public var lamports: UInt64
    /// Slot at which this state was observed (0 when unknown, e.g. an old dump).
    public var slot: UInt64

    public init(address: Pubkey, owner: Pubkey, data: [UInt8], lamports: UInt64 = 0, slot: UInt64 = 0) {
        self.address = address; self.owner = owner; self.data = data; self.lamports = lamports; self.slot = slot
    }
}

/// A read-only view of accounts by address (a folder of snapshots, or the live store).
public protocol AccountLookup {
    func account(_ address: Pubkey) -> AccountData?
}

extension Dictionary: AccountLookup where Key == Pubkey, Value == AccountData {
    public func account(_ address: Pubkey) -> AccountData? { self[address] }
}
