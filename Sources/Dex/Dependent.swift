import SolanaCore

/// A dependent account of a pool (vault, config, mint…): its address, its role for error
/// messages, and its decoded value once applied.
///
/// ```swift
/// var coinVault = Dependent<TokenAccount>(address: info.coinVault, role: "coin vault")
/// _ = try coinVault.apply(update)        // false if the update is for another account
/// let amount = try coinVault.get().amount  // throws "coin vault … not provided" until applied
/// ```
public struct Dependent<Value: AccountLayout>: Sendable {
    public let address: Pubkey
    public let role: String
    public private(set) var value: Value?

    public init(address: Pubkey, role: String, value: Value? = nil) {
        self.address = address; self.role = role; self.value = value
    }

    /// Decodes and stores the account if it is this one. Bad bytes throw and keep the old value.
    public mutating func apply(_ account: AccountData) throws -> Bool {
        guard account.address == address else { return false }
        do { value = try Value(account) } catch let e as DecodeError {
            throw QuoteError.invalidAccount(role: role, address: address, reason: e.description)
        }
        return true
    }

    public func get() throws -> Value {
        guard let v = value else { throw QuoteError.missingAccount(role: role, address: address) }
        return v
    }
}
