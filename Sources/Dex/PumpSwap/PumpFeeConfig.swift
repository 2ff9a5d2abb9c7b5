import PoolMath
import SolanaCore

/// The pump fee program's `FeeConfig` for PumpSwap (PDA ["fee_config", pump_amm_program] of `pfeeUx…`):
/// flat fees for non-pump pools and market-cap fee tiers for pools of pump.fun coins.
public struct PumpFeeConfig: AccountLayout, Equatable {
    public static let program = "pump-fees"
    public static let kind = "FeeConfig"
    public static let discriminator = "8f3492bbdb7b4c9b"
    /// bump(1) + admin(32) + flat_fees(24) + two Vec length prefixes.
    public static let minimumSize = 8 + 1 + 32 + 24 + 4 + 4

    public struct Tier: Sendable, Equatable {
        public var marketCapLamportsThreshold: UInt128
        public var fees: PumpSwapFees
    }

    public var admin: Pubkey
    public var flatFees: PumpSwapFees
    public var feeTiers: [Tier]
    public var stableFeeTiers: [Tier]

    public static var pdaAddress: Pubkey? {
        ProgramAddress.find(seeds: [Array("fee_config".utf8), ProgramIds.pumpSwap.bytes], programId: ProgramIds.pumpFees)?.0
    }

    public static func matches(_ a: AccountData) -> Bool {
        a.owner == ProgramIds.pumpFees && a.data.count >= minimumSize && LayoutCheck.hasDiscriminator(a, discriminator)
    }

    public init(_ a: AccountData) throws {
        try LayoutCheck.anchor(a, owner: ProgramIds.pumpFees, size: Self.minimumSize, atLeast: true, disc: Self.discriminator, kind: Self.kind)
        let r = ByteReader(a.data)
        admin = try r.pubkey(9)
        func fees(_ o: Int) throws -> PumpSwapFees {
            PumpSwapFees(lpFeeBps: try r.u64(o), protocolFeeBps: try r.u64(o + 8), creatorFeeBps: try r.u64(o + 16))
        }
        flatFees = try fees(41)
        var o = 65
        func tiers() throws -> [Tier] {
            let n = Int(try r.u32(o)); o += 4
            // Each tier is 40 bytes; a count the account can't hold is corrupt data, not a reason to allocate.
            guard n <= (a.data.count - o) / 40 else {
                throw DecodeError.invalidField(kind: Self.kind, field: "fee_tiers", reason: "\(n) tiers do not fit in \(a.data.count) bytes")
            }
            var out: [Tier] = []
            for _ in 0..<n {
                out.append(Tier(marketCapLamportsThreshold: try r.u128(o), fees: try fees(o + 16)))
                o += 40
            }
            return out
        }
        feeTiers = try tiers()
        stableFeeTiers = try tiers()
    }

    /// SDK `calculateFeeTier`: below the first threshold → first tier; else the highest tier whose threshold ≤ market cap.
    public func tier(marketCapLamports: UInt128) -> PumpSwapFees {
        guard let first = feeTiers.first else { return flatFees }
        if marketCapLamports < first.marketCapLamportsThreshold { return first.fees }
        return feeTiers.last(where: { marketCapLamports >= $0.marketCapLamportsThreshold })?.fees ?? first.fees
    }

    public var fields: Fields {
        [
            ("admin", .pubkey(admin)), ("flat_lp_fee_bps", .u(flatFees.lpFeeBps)), ("flat_protocol_fee_bps", .u(flatFees.protocolFeeBps)),
            ("flat_creator_fee_bps", .u(flatFees.creatorFeeBps)), ("fee_tiers", .u(feeTiers.count)), ("stable_fee_tiers", .u(stableFeeTiers.count)),
        ]
    }
}
