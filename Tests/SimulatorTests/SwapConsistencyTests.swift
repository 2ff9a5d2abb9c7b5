import Dex
import PoolMath
import SolanaCore
import XCTest
@testable import Simulator

/// Every simulated swap, read back from the bytes the cluster wrote, must be the swap the chain
/// would have made: vaults moved by exactly the quoted amounts (per DEX rules), the new state prices
/// at the quote's `priceAfter`, and a model rebuilt from the bytes quotes like the cluster's own.
final class SwapConsistencyTests: XCTestCase {
    struct UnknownModel: Error {}

    static func sameValue(_ a: Ratio, _ b: Ratio) -> Bool { a.num * b.den == b.num * a.den }

    /// The two token accounts holding the pool's reserves (A side, B side).
    static func reserveAccounts(_ model: any PoolModel, _ accounts: [Pubkey: AccountData]) throws -> (Pubkey, Pubkey) {
        switch model {
        case let m as RaydiumAmmV4Pool: return (m.info.coinVault, m.info.pcVault)
        case let m as RaydiumCpmmPool: return (m.state.token0Vault, m.state.token1Vault)
        case let m as OrcaTokenSwapPool: return (m.state.tokenA, m.state.tokenB)
        case let m as RaydiumClmmPool: return (m.state.tokenVault0, m.state.tokenVault1)
        case let m as OrcaWhirlpoolPool: return (m.state.tokenVaultA, m.state.tokenVaultB)
        case let m as MeteoraDlmmPool: return (m.pair.reserveX, m.pair.reserveY)
        case let m as MeteoraDammV2Pool: return (m.state.tokenAVault, m.state.tokenBVault)
        case let m as PumpSwapPool: return (m.state.poolBaseTokenAccount, m.state.poolQuoteTokenAccount)
        case let m as MeteoraDammV1Pool:
            // The pool's reserves sit in shared Meteora vaults; their token accounts hold the tokens.
            let va = try MeteoraVault(accounts[m.state.aVault]!), vb = try MeteoraVault(accounts[m.state.bVault]!)
            return (va.tokenVault, vb.tokenVault)
        default:
            // A DEX added without a case here must fail the all-DEX check, not skip it.
            XCTFail("no reserve accounts known for \(type(of: model)): add its case")
            throw UnknownModel()
        }
    }

    static func amount(_ key: Pubkey, _ accounts: [Pubkey: AccountData]) throws -> Int128 {
        Int128(try TokenAccount(accounts[key]!).amount)
    }

    static func byAddress(_ cluster: Cluster) -> [Pubkey: AccountData] {
        Dictionary(cluster.allAccounts().map { ($0.address, $0) }, uniquingKeysWith: { a, _ in a })
    }

    func testEverySimulatedSwapIsTheChainSwapForEveryDex() throws {
        let cluster = try Cluster.bundled(seed: 3, swapsPerSlot: 0)
        var checked: [DexKind: Int] = [:]
        var refused: [String] = []
        var crossed: Set<DexKind> = []
        // Small trades, then trades of 1/40 of the input reserve that cross ticks and bins.
        for divisor: UInt64 in [3_000, 40] {
            for pool in cluster.poolAddresses {
                for aToB in [true, false] {
                    let model = try XCTUnwrap(cluster.model(pool))
                    let before = Self.byAddress(cluster)
                    let ctx = QuoteContext(now: cluster.now)
                    let reserves = try model.price(context: ctx)
                    let reserveIn = (aToB ? reserves.reserveA : reserves.reserveB) ?? 0
                    let amountIn = max(1_000, reserveIn / divisor)
                    let tickBefore = (model as? RaydiumClmmPool)?.state.tickCurrent ?? (model as? OrcaWhirlpoolPool)?.state.tickCurrentIndex
                    let binBefore = (model as? MeteoraDlmmPool)?.pair.activeId
                    let swap: SimulatedSwap
                    do {
                        swap = try cluster.swap(pool: pool, inputMint: aToB ? model.mintA : model.mintB, amountIn: amountIn)
                    } catch {
                        refused.append("\(model.dex.rawValue) \(pool) \(aToB ? "A→B" : "B→A"): \(error)")
                        continue
                    }
                    let q = swap.quote
                    let after = Self.byAddress(cluster)
                    let (va, vb) = try Self.reserveAccounts(model, before)
                    let (vin, vout) = aToB ? (va, vb) : (vb, va)
                    let dIn = try Self.amount(vin, after) - Self.amount(vin, before)
                    let dOut = try Self.amount(vout, after) - Self.amount(vout, before)
                    let label = "\(model.dex.rawValue) \(pool) \(aToB ? "A→B" : "B→A") in \(amountIn)"

                    // Reserves move by exactly amount_in / amount_out, per DEX rules.
                    switch model.dex {
                    case .meteoraDammV1:
                        // The protocol fee is sent to the admin fee account, never into the vault.
                        let protocolFee = swap.after?.feeAccountDeltas.values.reduce(0, +) ?? 0
                        XCTAssertEqual(dIn + protocolFee, Int128(q.amountIn), label)
                        XCTAssertLessThanOrEqual(protocolFee, Int128(q.feeAmount), label)
                        XCTAssertEqual(dOut, -Int128(q.amountOut), label)
                    case .pumpSwap:
                        // Protocol and creator fees (in quote) leave the pool; the LP fee stays.
                        if aToB {
                            XCTAssertEqual(dIn, Int128(q.amountIn), label)
                            XCTAssertTrue(dOut <= -Int128(q.amountOut) && dOut >= -Int128(q.amountOut) - Int128(q.feeAmount), label)
                        } else {
                            XCTAssertTrue(dIn <= Int128(q.amountIn) && dIn >= Int128(q.amountIn) - Int128(q.feeAmount), label)
                            XCTAssertEqual(dOut, -Int128(q.amountOut), label)
                        }
                    default:
                        XCTAssertEqual(dIn, Int128(q.amountIn), label)
                        XCTAssertEqual(dOut, -Int128(q.amountOut), label)
                    }

                    // The new state, decoded from the written bytes by a fresh model, prices at price_after.
                    let fresh = try SnapshotQuoter.pool(address: pool, accounts: after)
                    let spot = try fresh.price(context: QuoteContext(now: cluster.now)).priceBPerA
                    let directional = aToB ? spot : spot.inverted
                    XCTAssertTrue(
                        Self.sameValue(directional, q.priceAfter),
                        "\(label): new price \(directional.decimalString(significant: 12)) ≠ price_after \(q.priceAfter.decimalString(significant: 12))"
                    )

                    // Quoted again on the new state, the fresh model and the cluster's model agree exactly.
                    let live = try XCTUnwrap(cluster.model(pool))
                    let nextCtx = QuoteContext(now: cluster.now, slot: cluster.slot)
                    for mint in [model.mintA, model.mintB] {
                        let probe = max(1, amountIn / 7)
                        // Both quote, or both refuse with the same error: a refusal on one side only is a mismatch.
                        let a = Result { try fresh.quote(amountIn: probe, inputMint: mint, context: nextCtx) }
                        let b = Result { try live.quote(amountIn: probe, inputMint: mint, context: nextCtx) }
                        XCTAssertEqual(
                            Self.outcome(a) { "\($0.amountOut) fee \($0.feeAmount)" }, Self.outcome(b) { "\($0.amountOut) fee \($0.feeAmount)" },
                            "\(label): requote")
                        if case .success(let qa) = a, case .success(let qb) = b {
                            XCTAssertTrue(Self.sameValue(qa.priceAfter, qb.priceAfter), "\(label): requote price")
                        }
                    }
                    checked[model.dex, default: 0] += 1
                    // Did this trade leave the starting tick spacing / bin? (covers crossing paths)
                    if let t = tickBefore, let after = swap.after?.tickCurrent {
                        let spacing = Int32((model as? RaydiumClmmPool)?.state.tickSpacing ?? (model as? OrcaWhirlpoolPool)?.state.tickSpacing ?? 1)
                        if abs(Int64(after) - Int64(t)) > Int64(spacing) { crossed.insert(model.dex) }
                    }
                    if let b = binBefore, swap.after?.activeBinId != b { crossed.insert(model.dex) }
                }
            }
        }
        XCTAssertEqual(crossed, [.raydiumClmm, .orcaWhirlpool, .meteoraDlmm], "large trades crossed ticks and bins")
        for kind in DexKind.allCases {
            XCTAssertGreaterThan(checked[kind] ?? 0, 0, "no simulated swap checked for \(kind.rawValue); refused: \(refused)")
        }
        print(
            "swap consistency: \(checked.map { "\($0.key.rawValue)=\($0.value)" }.sorted().joined(separator: " ")); refused \(refused.count): \(refused)"
        )
    }

    /// After many random slots, every pool's live model equals a model rebuilt from the bytes
    /// (fee counters, volatility state, bins and ticks were all written back).
    func testRandomTradingKeepsBytesAndModelsInStep() throws {
        let cluster = try Cluster.bundled(seed: 11, swapsPerSlot: 6)
        for _ in 0..<150 { cluster.advance() }
        let kinds = Set(cluster.swapLog.map(\.quote.dex))
        XCTAssertEqual(kinds, Set(DexKind.allCases), "random trading reached every DEX kind")
        let accounts = Self.byAddress(cluster)
        let ctx = QuoteContext(now: cluster.now, slot: cluster.slot)
        for pool in cluster.poolAddresses {
            let live = try XCTUnwrap(cluster.model(pool))
            let fresh = try SnapshotQuoter.pool(address: pool, accounts: accounts)
            let price = try live.price(context: ctx)
            for (mint, reserve) in [(live.mintA, price.reserveA), (live.mintB, price.reserveB)] {
                let amount = max(1, (reserve ?? 1_000_000) / 1_000)
                let liveSim = try XCTUnwrap(live as? any SwapSimulation), freshSim = try XCTUnwrap(fresh as? any SwapSimulation)
                let a = Result { try liveSim.simulate(amountIn: amount, inputMint: mint, context: ctx) }
                let b = Result { try freshSim.simulate(amountIn: amount, inputMint: mint, context: ctx) }
                XCTAssertEqual(
                    Self.outcome(a) { "\($0.quote.amountOut)" }, Self.outcome(b) { "\($0.quote.amountOut)" }, "\(live.dex.rawValue) \(pool)")
                if case .success(let sa) = a, case .success(let sb) = b {
                    XCTAssertEqual(sa.after, sb.after, "\(live.dex.rawValue) \(pool) state after")
                }
            }
        }
    }

    /// Every written account still decodes with the foundation decoders.
    func testWrittenAccountsStillDecode() throws {
        let cluster = try Cluster.bundled(seed: 5, swapsPerSlot: 8)
        var written = 0
        for _ in 0..<40 {
            guard let e = cluster.advance() else { continue }
            for a in e.changed {
                XCTAssertNoThrow(try AccountRegistry.decode(a), "\(a.address)")
                XCTAssertEqual(a.slot, e.slot)
                written += 1
            }
        }
        XCTAssertGreaterThan(written, 0)
    }

    func testDeterministicWithSeed() throws {
        func run(_ seed: UInt64) throws -> [Pubkey: [UInt8]] {
            let c = try Cluster.bundled(seed: seed, swapsPerSlot: 3)
            for _ in 0..<60 { c.advance() }
            return Dictionary(uniqueKeysWithValues: c.allAccounts().map { ($0.address, $0.data) })
        }
        let a = try run(42), b = try run(42), c = try run(43)
        XCTAssertEqual(a, b, "same seed → same account bytes after 60 slots")
        XCTAssertNotEqual(a, c, "another seed trades differently")
    }

    /// A result as text: the rendered value, or the error's description (so two refusals compare equal only when they agree).
    static func outcome<T>(_ r: Result<T, Error>, _ render: (T) -> String) -> String {
        switch r {
        case .success(let v): return render(v)
        case .failure(let e): return "error: \(e)"
        }
    }
}
