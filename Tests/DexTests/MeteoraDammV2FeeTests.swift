@testable import Dex
import Foundation
import SolanaCore
import XCTest

/// DAMM v2 base-fee schedulers and rate limiter on the real 8Pm2 pool with its fee bytes rewritten;
/// expectations are worked by hand from the formulas in damm-v2 state/fee.rs (`BaseFeeMode` doc) and
/// base_fee/fee_rate_limiter.rs (header comment).
final class MeteoraDammV2FeeTests: XCTestCase {
    func pool(_ edit: (inout [UInt8]) -> Void) throws -> MeteoraDammV2Pool {
        let all = try MeteoraDammV2Tests.accounts()
        var a = all[MeteoraDammV2Tests.concentrated]!
        edit(&a.data)
        var m = try MeteoraDammV2Pool(pool: a)
        for k in m.accountsToWatch() { if let d = all[k] { _ = try m.apply(d) } }
        return m
    }
    static func put(_ d: inout [UInt8], _ v: UInt64, at o: Int, width: Int) {
        for i in 0..<width { d[o + i] = UInt8(truncatingIfNeeded: v >> (8 * UInt64(i))) }
    }
    let activation: UInt64 = 1_754_985_927

    func testLinearTimeScheduler() throws {
        // cliff 400_000, 10 periods of 60 s, −20_000 per period.
        let m = try pool { d in
            Self.put(&d, 0, at: 16, width: 1); Self.put(&d, 10, at: 22, width: 2)
            Self.put(&d, 60, at: 24, width: 8); Self.put(&d, 20_000, at: 32, width: 8)
        }
        func fee(_ point: UInt64) throws -> UInt64 {
            try m.totalTradingFeeNumerator(currentPoint: point, includedFeeAmount: 1_000, aToB: true, maxFeeNumerator: 500_000_000)
        }
        XCTAssertEqual(try fee(activation + 125), 400_000 - 2 * 20_000)
        XCTAssertEqual(try fee(activation + 100_000), 400_000 - 10 * 20_000)
        XCTAssertEqual(try fee(activation - 1), 400_000 - 10 * 20_000)  // before activation: alpha vault, last period
        // And it reaches the quote: fee = ceil(gross × 360_000 / 1e9) on the output.
        let q = try m.quote(amountIn: 1_000_000_000, inputMint: m.mintA, context: QuoteContext(now: Int64(activation + 125)))
        let gross = UInt128(q.amountOut + q.feeAmount)
        XCTAssertEqual(UInt128(q.feeAmount), (gross * 360_000 + 999_999_999) / 1_000_000_000)
    }

    func testExponentialTimeScheduler() throws {
        // cliff 400_000 × (1 − 1000/10_000)^2 = 324_000 (Q64 floor may shave a unit or so).
        let m = try pool { d in
            Self.put(&d, 1, at: 16, width: 1); Self.put(&d, 10, at: 22, width: 2)
            Self.put(&d, 60, at: 24, width: 8); Self.put(&d, 1_000, at: 32, width: 8)
        }
        let f = try m.totalTradingFeeNumerator(
            currentPoint: activation + 125, includedFeeAmount: 1, aToB: true,
            maxFeeNumerator: 500_000_000)
        XCTAssertLessThanOrEqual(f, 324_000)
        XCTAssertGreaterThanOrEqual(f, 323_990)
    }

    func testRateLimiterOnlyBToAInWindow() throws {
        // OnlyB pool; reference 1e9, +10 bps per reference step, max 50 %, 1 h window.
        let m = try pool { d in
            Self.put(&d, 1, at: 484, width: 1)
            Self.put(&d, 2, at: 16, width: 1); Self.put(&d, 10, at: 22, width: 2)
            Self.put(&d, 3_600, at: 24, width: 4); Self.put(&d, 5_000, at: 28, width: 4)
            Self.put(&d, 1_000_000_000, at: 32, width: 8)
        }
        func fee(_ amount: UInt64, aToB: Bool = false, point: UInt64? = nil) throws -> UInt64 {
            try m.totalTradingFeeNumerator(
                currentPoint: point ?? activation + 100, includedFeeAmount: amount, aToB: aToB,
                maxFeeNumerator: 500_000_000)
        }
        // 2.5 × x0: a = 1, b = x0/2 → fee = x0(c + c + i) + b(c + 2i) = 3e15 / 1e9 = 3e6 → numerator 3e6·1e9/2.5e9.
        XCTAssertEqual(try fee(2_500_000_000), 1_200_000)
        XCTAssertEqual(try fee(1_000_000_000), 400_000)  // ≤ reference: cliff
        XCTAssertEqual(try fee(2_500_000_000, aToB: true), 400_000)  // a→b never rate limited
        XCTAssertEqual(try fee(2_500_000_000, point: activation + 3_601), 400_000)  // window over
        // Quote b→a: fee on the input (OnlyB), in token B.
        let q = try m.quote(amountIn: 2_500_000_000, inputMint: m.mintB, context: QuoteContext(now: Int64(activation + 100)))
        XCTAssertEqual(q.feeMint, m.mintB)
        XCTAssertEqual(q.feeAmount, 3_000_000)
    }

    func testVariableFeeFromVolatility() throws {
        // HybT: (700_000 × 1)^2 × 956 / 1e11, ceil = 4_684.4 → 4_685, plus cliff 10_000_000.
        let a = try MeteoraDammV2Tests.accounts()[MeteoraDammV2Tests.compounding]!
        let m = try MeteoraDammV2Pool(pool: a)
        XCTAssertEqual(try m.variableFee(), 4_685)
        XCTAssertEqual(
            try m.totalTradingFeeNumerator(
                currentPoint: 1_783_200_000, includedFeeAmount: 1, aToB: true,
                maxFeeNumerator: 990_000_000), 10_004_685)
    }
}

/// Token-2022 transfer fees (token_b_flag = 1): excluded from the input before the swap and from the
/// output after it (swap_exact_in.rs calculate_transfer_fee_excluded_amount).
final class MeteoraDammV2Token2022Tests: XCTestCase {
    /// A Token-2022 mint with a TransferFeeConfig (token-2022 extension/transfer_fee/mod.rs layout).
    private static func feeMint(address: Pubkey, decimals: UInt8, bps: UInt16, maxFee: UInt64) -> AccountData {
        var w = ByteWriter([UInt8](repeating: 0, count: 166 + 4 + 108))
        w.put(1_000_000_000, at: 36)
        w.bytes[44] = decimals
        w.bytes[45] = 1
        w.bytes[165] = 1  // AccountType::Mint
        w.put(1, at: 166, width: 2)  // ExtensionType::TransferFeeConfig
        w.put(108, at: 168, width: 2)
        let v = 170
        w.put(maxFee, at: v + 80); w.put(UInt64(bps), at: v + 88, width: 2)  // older
        w.put(maxFee, at: v + 98); w.put(UInt64(bps), at: v + 106, width: 2)  // newer (epoch 0)
        return AccountData(address: address, owner: ProgramIds.token2022, data: w.bytes)
    }

    func testTransferFeeOnTokenB() throws {
        var all = try MeteoraDammV2Tests.accounts()
        let key = MeteoraDammV2Tests.concentrated, ctx = MeteoraDammV2Tests.context
        let baseline = try SnapshotQuoter.pool(address: key, accounts: all)
        all[key]!.data[483] = 1  // token_b_flag: Token-2022
        all[baseline.mintB] = Self.feeMint(address: baseline.mintB, decimals: 6, bps: 100, maxFee: 1 << 40)
        let t22 = try SnapshotQuoter.pool(address: key, accounts: all)
        // b→a: 1 % of 100 USDC is withheld before the pool sees the input.
        XCTAssertEqual(
            try t22.quote(amountIn: 100_000_000, inputMint: t22.mintB, context: ctx).amountOut,
            try baseline.quote(amountIn: 99_000_000, inputMint: baseline.mintB, context: ctx).amountOut)
        // a→b: the output transfer loses ceil(out × 1 %).
        let gross = try baseline.quote(amountIn: 1_000_000_000, inputMint: baseline.mintA, context: ctx).amountOut
        XCTAssertEqual(
            try t22.quote(amountIn: 1_000_000_000, inputMint: t22.mintA, context: ctx).amountOut,
            gross - (gross * 100 + 9_999) / 10_000)
    }
}
