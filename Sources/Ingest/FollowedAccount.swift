import Dex
import RPC
import SolanaCore

/// What a source may know of one account it is asked to follow, to choose how to subscribe it:
/// its owner program, size, leading bytes, token-account owner and the DEXes whose pools read
/// it. An account not (yet) on chain has no owner: it can only be followed by address.
///
/// ```swift
/// let f = FollowedAccount(address: key, held: store.account(key), dexes: [.raydiumClmm])
/// ```
public struct FollowedAccount: Sendable, Hashable {
    public var address: Pubkey
    public var owner: Pubkey?
    public var dataSize: Int
    /// The first 8 bytes (an Anchor discriminator).
    public var head: [UInt8]
    /// For an SPL Token / Token-2022 token account: its owner (the authority at offset 32).
    public var tokenOwner: Pubkey?
    /// The mint filter an SPL Token / Token-2022 mint account matches (nil for any other account).
    public var mintFilter: JSONRPCClient.Filter?
    public var dexes: Set<DexKind>

    public init(address: Pubkey, owner: Pubkey?, dataSize: Int, head: [UInt8], tokenOwner: Pubkey?, dexes: Set<DexKind>) {
        self.address = address; self.owner = owner; self.dataSize = dataSize; self.head = head
        self.tokenOwner = tokenOwner; self.dexes = dexes
    }

    public init(
        address: Pubkey, owner: Pubkey?, dataSize: Int, head: [UInt8], tokenOwner: Pubkey?, mintFilter: JSONRPCClient.Filter?, dexes: Set<DexKind>
    ) {
        self.init(address: address, owner: owner, dataSize: dataSize, head: head, tokenOwner: tokenOwner, dexes: dexes)
        self.mintFilter = mintFilter
    }

    /// From the bytes the cache holds (nil: not on chain, or not read yet).
    public init(address: Pubkey, held: AccountData?, dexes: Set<DexKind>) {
        self.init(
            address: address, owner: held?.owner, dataSize: held?.data.count ?? 0, head: held.map { Array($0.data.prefix(8)) } ?? [],
            tokenOwner: held.flatMap(Self.tokenOwner), mintFilter: held.flatMap(Self.mintFilter), dexes: dexes)
    }

    /// SPL Token account layout: mint @0, owner @32, 165 bytes; Token-2022 accounts may be longer,
    /// with the account type byte (2 = account) at 165 (spl-token-2022 `extension/mod.rs`).
    public static let tokenAccountSize = 165
    public static let tokenOwnerOffset = 32

    /// SPL Token mints are 82 bytes; Token-2022 mints with extensions are longer, with the account
    /// type byte (1 = mint) at 165 (spl-token-2022 `extension/mod.rs`, `AccountType`).
    public static let mintSize = 82

    static func mintFilter(_ a: AccountData) -> JSONRPCClient.Filter? {
        guard a.owner == ProgramIds.splToken || a.owner == ProgramIds.token2022 else { return nil }
        if a.data.count == mintSize { return .dataSize(mintSize) }
        if a.owner == ProgramIds.token2022 && a.data.count > tokenAccountSize && a.data[tokenAccountSize] == 1 {
            return .memcmp(offset: tokenAccountSize, bytes: [1])
        }
        return nil
    }

    static func tokenOwner(_ a: AccountData) -> Pubkey? {
        guard a.owner == ProgramIds.splToken || a.owner == ProgramIds.token2022 else { return nil }
        let isAccount =
            a.data.count == tokenAccountSize || (a.owner == ProgramIds.token2022 && a.data.count > tokenAccountSize && a.data[tokenAccountSize] == 2)
        guard isAccount else { return nil }
        return Pubkey(bytes: a.data[tokenOwnerOffset..<(tokenOwnerOffset + 32)])
    }
}

/// One subscription a connection carries: an account, or a program with filters.
public enum SubscriptionItem: Sendable, Hashable, Comparable {
    case program(ProgramSubscription)
    case account(Pubkey)

    /// Programs order first, so a connection budget squeezes per-account subscriptions, not them.
    public static func < (a: Self, b: Self) -> Bool {
        switch (a, b) {
        case let (.program(x), .program(y)): return x < y
        case let (.account(x), .account(y)): return x < y
        case (.program, .account): return true
        case (.account, .program): return false
        }
    }

    public var account: Pubkey? {
        if case .account(let k) = self { return k }
        return nil
    }
    public var program: ProgramSubscription? {
        if case .program(let p) = self { return p }
        return nil
    }
}
