import Dex
import RPC
import SolanaCore

/// Decides how each followed account is subscribed (pure). Per DEX, `accounts` mode gives every
/// account its own `accountSubscribe`; `program` mode covers, with one `programSubscribe` each:
/// the DEX program's account kinds from its descriptor (pools, tick/bin arrays, bitmap
/// extensions, oracles: `dataSize` and/or a discriminator `memcmp` at 0), and its pools' token
/// vaults grouped by their owner (Token program, `memcmp` at offset 32): the DEX's one vault
/// authority when it has one (AMM v4, CPMM, DAMM v2), or any owner holding two or more followed
/// vaults (a pool that owns its own vaults: one subscription instead of two). An account not on
/// chain yet that only program-mode DEXes read (an uninitialized tick/bin array) is let through
/// by each of their kind subscriptions, so its creation arrives without a subscription of its
/// own. Mints go through one Token-program subscription per mint layout once at least
/// `threshold` of them are followed. Everything else (configs, other programs' accounts, a few
/// mints) keeps `accountSubscribe`.
/// `auto` puts a DEX in program mode when it has at least `threshold` followed accounts (a
/// connection's worth).
///
/// ```swift
/// let plan = SubscriptionPlanner(mode: .auto, threshold: 99).plan(followed)
/// plan.programs       // [ProgramSubscription: accounts it carries]
/// plan.accounts       // subscribed one by one
/// ```
public struct SubscriptionPlanner: Sendable {
    public let mode: IngestMode
    public let threshold: Int
    public let dexes: [DexDescriptor]

    public init(mode: IngestMode, threshold: Int, dexes: [DexDescriptor] = DexRegistry.all) {
        self.mode = mode; self.threshold = max(1, threshold); self.dexes = dexes
    }

    public struct Plan: Sendable, Equatable {
        public var accounts: Set<Pubkey> = []
        public var programs: [ProgramSubscription: Set<Pubkey>] = [:]
        /// DEXes whose accounts go through program subscriptions.
        public var programDexes: [DexKind] = []
        public var items: Set<SubscriptionItem> {
            Set(accounts.map(SubscriptionItem.account)).union(programs.keys.map(SubscriptionItem.program))
        }
    }

    public func plan(_ followed: [FollowedAccount]) -> Plan {
        var out = Plan()
        var perDex: [DexKind: Int] = [:]
        for a in followed { for d in a.dexes { perDex[d, default: 0] += 1 } }
        let chosen = dexes.filter { d in
            switch mode {
            case .accounts: return false
            case .program: return perDex[d.kind] != nil
            case .auto: return perDex[d.kind, default: 0] >= threshold
            }
        }
        out.programDexes = chosen.map(\.kind)
        let kinds = Set(out.programDexes)
        guard !kinds.isEmpty else {
            out.accounts = Set(followed.map(\.address))
            return out
        }
        // Vaults by owner: one Token-program subscription per owner that pays for itself.
        let shared = Set(chosen.compactMap(\.vaultAuthority))
        var groups: [ProgramSubscription: [Pubkey]] = [:]
        for a in followed where !a.dexes.isDisjoint(with: kinds) {
            guard let program = a.owner, let authority = a.tokenOwner else { continue }
            groups[Self.tokenSubscription(program: program, owner: authority), default: []].append(a.address)
        }
        var covered = Set<Pubkey>()
        for (sub, members) in groups {
            guard let authority = Self.memcmpOwner(sub), members.count >= 2 || shared.contains(authority) else { continue }
            out.programs[sub] = Set(members)
            covered.formUnion(members)
        }
        // Mints, when a connection's worth of them is followed: one subscription per mint layout
        // (it also sends every other mint's changes, which are rare and dropped undecoded).
        var mints: [ProgramSubscription: [Pubkey]] = [:]
        for a in followed where !a.dexes.isDisjoint(with: kinds) {
            guard let program = a.owner, let filter = a.mintFilter else { continue }
            mints[ProgramSubscription(program: program, filters: [filter]), default: []].append(a.address)
        }
        for (sub, members) in mints where members.count >= threshold {
            out.programs[sub] = Set(members)
            covered.formUnion(members)
        }
        // The chosen DEXes' own account kinds.
        let kindSubs = chosen.flatMap { d in d.programAccountKinds.map { (d.program, $0, Self.subscription(program: d.program, kind: $0)) } }
        let subsOf = Dictionary(grouping: kindSubs, by: { sub in chosen.first { $0.program == sub.0 }!.kind })
        for a in followed where !covered.contains(a.address) {
            if let owner = a.owner {
                if let hit = kindSubs.first(where: { $0.0 == owner && $0.1.matches(size: a.dataSize, head: a.head) }) {
                    out.programs[hit.2, default: []].insert(a.address)
                } else {
                    out.accounts.insert(a.address)
                }
            } else if !a.dexes.isEmpty, a.dexes.isSubset(of: kinds), a.dexes.allSatisfy({ subsOf[$0] != nil }) {
                // Not on chain yet (an uninitialized tick/bin array next to the price): when its
                // program creates it, one of the DEX's kind subscriptions delivers it, so every
                // one of them lets it through (an HTTP re-read of quiet pools backs this up).
                for d in a.dexes { for sub in subsOf[d] ?? [] { out.programs[sub.2, default: []].insert(a.address) } }
            } else {
                out.accounts.insert(a.address)
            }
        }
        return out
    }

    public static func subscription(program: Pubkey, kind: ProgramAccountKind) -> ProgramSubscription {
        var filters: [JSONRPCClient.Filter] = []
        if let n = kind.dataSize { filters.append(.dataSize(n)) }
        if !kind.discriminator.isEmpty { filters.append(.memcmp(offset: 0, bytes: kind.discriminator)) }
        return ProgramSubscription(program: program, filters: filters)
    }

    /// Token accounts of `owner`: SPL Token ones are exactly 165 bytes; Token-2022 ones may carry extensions (no size filter).
    public static func tokenSubscription(program: Pubkey, owner: Pubkey) -> ProgramSubscription {
        let size: [JSONRPCClient.Filter] = program == ProgramIds.splToken ? [.dataSize(FollowedAccount.tokenAccountSize)] : []
        return ProgramSubscription(program: program, filters: size + [.memcmp(offset: FollowedAccount.tokenOwnerOffset, bytes: owner.bytes)])
    }

    static func memcmpOwner(_ sub: ProgramSubscription) -> Pubkey? {
        for f in sub.filters { if case let .memcmp(offset, bytes) = f, offset == FollowedAccount.tokenOwnerOffset { return Pubkey(bytes: bytes) } }
        return nil
    }
}
