import Dex
import Foundation
import SolanaCore
import XCTest

/// Hostile bytes never trap: every fixture account truncated at every length, bit-flipped, and
/// given a wrong owner either decodes or throws a typed error — and so do pool models built from it.
final class RobustnessTests: XCTestCase {
    static func allFixtureAccounts() throws -> [(String, AccountData)] {
        try Fixtures.files.map { entry in
            let path = entry["file"] as! String
            return (path, try Fixtures.account(path))
        }
    }

    /// Decoding and, for pools, building + quoting must not trap on these bytes.
    func exercise(_ account: AccountData) {
        _ = try? AccountRegistry.decode(account)
        if var model = try? AccountRegistry.poolModel(for: account) {
            _ = try? model.apply(account)
            for mint in [model.mintA, model.mintB] {
                _ = try? model.quote(amountIn: 1_000_000, inputMint: mint, context: QuoteContext(now: 1_783_355_400))
            }
            _ = try? model.price(context: QuoteContext())
        }
    }

    func testTruncatedAtEveryLengthNeverTraps() throws {
        for (path, account) in try Self.allFixtureAccounts() {
            // Every length for accounts up to 2 KB; every 7th length plus the boundaries for the 10 KB arrays.
            let step = account.data.count > 2_048 ? 7 : 1
            var lengths = Array(stride(from: 0, to: account.data.count, by: step))
            lengths += [account.data.count - 1, account.data.count - 8].filter { $0 >= 0 }
            for n in lengths {
                var a = account
                a.data = Array(account.data.prefix(n))
                // A strictly shorter account never decodes as the full layout of fixed-size kinds.
                if let decoded = try? AccountRegistry.decode(a), n < account.data.count, let original = try? AccountRegistry.decode(account) {
                    XCTAssertFalse(
                        decoded.kind == original.kind && decoded.program == original.program && !Self.variableSize.contains(original.kind),
                        "\(path) truncated to \(n) still decodes as \(decoded.kind)")
                }
                exercise(a)
            }
        }
    }

    /// Kinds whose size legitimately varies (Token-2022 TLV, PumpSwap pools, dynamic tick arrays, FeeConfig vectors).
    static let variableSize: Set<String> = ["Pool", "Mint", "TokenAccount", "DynamicTickArray", "FeeConfig"]

    func testBitFlipsNeverTrap() throws {
        var rng = SplitMix64(seed: 0xB17F)  // seeded: a failure reproduces
        for (_, account) in try Self.allFixtureAccounts() {
            for _ in 0..<40 {
                var a = account
                for _ in 0..<Int.random(in: 1...8, using: &rng) where !a.data.isEmpty {
                    let i = Int.random(in: 0..<a.data.count, using: &rng)
                    a.data[i] ^= UInt8(1) << UInt8.random(in: 0..<8, using: &rng)
                }
                exercise(a)
            }
        }
    }

    func testWrongOwnerIsATypedError() throws {
        let foreign = try Pubkey(base58: "11111111111111111111111111111111")
        for (path, account) in try Self.allFixtureAccounts() {
            var a = account
            a.owner = foreign
            XCTAssertThrowsError(try AccountRegistry.decode(a), path) { error in
                XCTAssertTrue(error is DecodeError, "\(path): \(error)")
            }
            XCTAssertThrowsError(try AccountRegistry.poolModel(for: a), path)
        }
    }

    func testEveryDecodeErrorNamesTheCheck() throws {
        let pool = try Fixtures.account("accounts/raydium-cpmm/7JuwJuNU88gurFnyWeiyGKbFmExMWcmRZntn9imEzdny.json")
        var shortPool = pool
        shortPool.data.removeLast()
        XCTAssertThrowsError(try RaydiumCpmmPoolState(shortPool)) { XCTAssertEqual("\($0)", "PoolState: wrong size 636 bytes (expected 637)") }
        var badDisc = pool
        badDisc.data[0] ^= 0xff
        XCTAssertThrowsError(try RaydiumCpmmPoolState(badDisc)) { XCTAssertTrue("\($0)".contains("wrong discriminator")) }
        var badOwner = pool
        badOwner.owner = ProgramIds.raydiumAmmV4
        XCTAssertThrowsError(try RaydiumCpmmPoolState(badOwner)) { XCTAssertTrue("\($0)".contains("wrong owner program")) }
    }

    func testRandomBytesWithRealOwnersNeverTrap() {
        var rng = SplitMix64(seed: 0x5EED)  // seeded: a failure reproduces
        let owners = [
            ProgramIds.raydiumAmmV4, ProgramIds.raydiumCpmm, ProgramIds.raydiumClmm, ProgramIds.orcaWhirlpool, ProgramIds.meteoraDlmm,
            ProgramIds.meteoraDammV1, ProgramIds.meteoraDammV2, ProgramIds.meteoraVault, ProgramIds.orcaTokenSwapV2,
            ProgramIds.pumpSwap, ProgramIds.pumpFees, ProgramIds.splToken, ProgramIds.token2022,
        ]
        let sizes = [0, 8, 82, 165, 166, 175, 211, 236, 300, 324, 637, 653, 752, 904, 907, 1112, 1387, 1544, 4073, 9988, 10136, 10240]
        for owner in owners {
            for size in sizes {
                var data = (0..<size).map { _ in UInt8.random(in: 0...255, using: &rng) }
                // Keep real discriminators in a third of the cases so field parsing is reached.
                if size >= 8, Bool.random(using: &rng) {
                    let discs = [
                        "f7ede3f5d7c3de46", "daf42168cbcb2b6f", "f19a6d0411b16dbc", "95089ccaa0fcb0d9", "8f3492bbdb7b4c9b",
                        "3f95d10ce1806309", "210b3162b565b10d", "5c8e5cdc059446b5", "c09b55cd31f9812a", "4561bdbe6e0742bb",
                    ]
                    let d = Hex.decode(discs.randomElement(using: &rng)!)!
                    for i in 0..<8 { data[i] = d[i] }
                }
                exercise(AccountData(address: Pubkey(w0: .random(in: 0...UInt64.max, using: &rng), w1: 1, w2: 2, w3: 3), owner: owner, data: data))
            }
        }
    }
}
