import Dex
import Foundation
import SolanaCore
import XCTest

/// The simulator's write-back against what the real programs write: swaps executed by each DEX's
/// mainnet binary under LiteSVM (scripts/oracle-swap-writes.py over the shared oracle tool), with the
/// bytes the program changed in every fixture account. A simulated swap of the same state must
///   - write every account the program wrote (so the cluster notifies what the chain notifies),
///   - leave token accounts, mints and Meteora vaults byte for byte as the program did,
///   - leave the pool in a state that quotes and prices exactly like the program's post-swap state.
/// Bytes no quote reads (fee-growth accumulators, swap totals, reward timestamps, oracle
/// observations) are counted and printed, not required.
final class ProgramWritesTests: XCTestCase {
    static let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Vectors/program-writes.json")

    struct Case {
        let dex: String, label: String
        let accounts: [Pubkey: AccountData]
        let programAfter: [Pubkey: AccountData]
        let pool: Pubkey, inputMint: Pubkey, amountIn: UInt64, amountOut: String
        let context: QuoteContext
    }

    static func cases() throws -> [Case] {
        let vectors = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [[String: Any]])
        return try vectors.map { v in
            var accounts: [Pubkey: AccountData] = [:]
            for path in v["accounts"] as! [String] {
                let a = try Fixtures.account(path)
                accounts[a.address] = a
            }
            for s in v["synthesized"] as? [[String: Any]] ?? [] {
                let key = try Pubkey(base58: s["address"] as! String)
                accounts[key] = AccountData(
                    address: key, owner: try Pubkey(base58: s["owner"] as! String),
                    data: [UInt8](Data(base64Encoded: s["data_base64"] as! String)!))
            }
            var after: [Pubkey: AccountData] = [:]
            for w in v["written"] as! [[String: Any]] {
                let key = try Pubkey(base58: w["address"] as! String)
                var a = try XCTUnwrap(accounts[key], "written account \(key) not in the fixture")
                for change in w["changes"] as! [[Any]] {
                    let at = (change[0] as! NSNumber).intValue
                    let bytes = try XCTUnwrap(Hex.decode(change[1] as! String))
                    a.data.replaceSubrange(at..<at + bytes.count, with: bytes)
                }
                after[key] = a
            }
            let amountIn = try XCTUnwrap(UInt64(v["amount_in"] as! String))
            return Case(
                dex: v["dex"] as! String, label: "\(v["dex"]!) \((v["pool"] as! String).prefix(8)) in \(amountIn)",
                accounts: accounts, programAfter: after, pool: try Pubkey(base58: v["pool"] as! String),
                inputMint: try Pubkey(base58: v["input_mint"] as! String), amountIn: amountIn, amountOut: v["amount_out"] as! String,
                context: QuoteContext(
                    now: (v["clock_unix_timestamp"] as! NSNumber).int64Value, epoch: (v["epoch"] as! NSNumber).uint64Value,
                    slot: (v["slot"] as? NSNumber)?.uint64Value ?? 0))
        }
    }

    /// Quotes and price of the pool over the given accounts, as comparable text.
    static func behaviour(_ pool: Pubkey, _ accounts: [Pubkey: AccountData], _ ctx: QuoteContext) throws -> [String] {
        let model = try SnapshotQuoter.pool(address: pool, accounts: accounts)
        var out = ["price \(try model.price(context: ctx))"]
        for mint in [model.mintA, model.mintB] {
            for amount: UInt64 in [1, 997, 1_000_003, 1_000_000_007, 1_000_000_000_039] {
                do {
                    let q = try model.quote(amountIn: amount, inputMint: mint, context: ctx)
                    out.append("\(mint.description.prefix(4)) \(amount): \(q.amountOut) fee \(q.feeAmount) partial \(q.partial?.filledIn ?? 0)")
                } catch { out.append("\(mint.description.prefix(4)) \(amount): \(error)") }
            }
        }
        return out
    }

    func testSimulatedSwapsWriteWhatTheProgramWrites() throws {
        let cases = try Self.cases()
        XCTAssertGreaterThan(cases.count, 50)
        var checked: [String: Int] = [:], unmodelledBytes: [String: Int] = [:], refused: [String: Int] = [:]
        for c in cases {
            let sim = try XCTUnwrap(try SnapshotQuoter.pool(address: c.pool, accounts: c.accounts) as? any SwapSimulation, c.label)
            let effect = try sim.simulate(amountIn: c.amountIn, inputMint: c.inputMint, context: c.context)
            XCTAssertEqual("\(effect.quote.amountOut)", c.amountOut, c.label)
            let written: [AccountData]
            do { written = try sim.writeBack(effect, accounts: c.accounts) } catch SwapWriteError.unsupported(_, let why) {
                // The model cannot state this swap's result exactly: the simulator does not trade it.
                refused[c.dex, default: 0] += 1
                print("program-writes: \(c.label): simulator refuses (\(why))")
                continue
            }
            let mine = Dictionary(uniqueKeysWithValues: written.map { ($0.address, $0) })
            XCTAssertFalse(c.programAfter.isEmpty, c.label)
            for (key, program) in c.programAfter {
                guard let simulated = mine[key] else {
                    XCTFail("\(c.label): the program writes \(key) (owner \(program.owner)), the simulator does not")
                    continue
                }
                if program.owner == ProgramIds.splToken || program.owner == ProgramIds.token2022 || program.data.count == 82 {
                    XCTAssertEqual(simulated.data, program.data, "\(c.label): token account/mint \(key)")
                } else {
                    unmodelledBytes[c.dex, default: 0] += zip(simulated.data, program.data).filter { $0 != $1 }.count
                }
            }
            var simulatedState = c.accounts, programState = c.accounts
            for (key, a) in mine { simulatedState[key] = a }
            for (key, a) in c.programAfter { programState[key] = a }
            XCTAssertEqual(
                try Self.behaviour(c.pool, simulatedState, c.context), try Self.behaviour(c.pool, programState, c.context),
                "\(c.label): the simulator's post-swap state quotes differently from the program's")
            checked[c.dex, default: 0] += 1
        }
        print(
            "program-writes: checked \(checked.sorted { $0.key < $1.key }), refused \(refused), unmodelled bytes \(unmodelledBytes.sorted { $0.key < $1.key })"
        )
        XCTAssertEqual(checked.count, 7, "every DEX with a binary has a checked swap")
    }
}
