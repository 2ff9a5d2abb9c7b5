import SolanaCore
import XCTest

final class ProgramAddressTests: XCTestCase {
    let whirlpoolProgram = try! Pubkey(base58: "whirLbMiicVdio4qvUfM5KAg6Ct8VwpYzGff3uctyCc")

    func testSha256KnownVectors() {
        XCTAssertEqual(Hex.encode(SHA256.hash([])), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        XCTAssertEqual(Hex.encode(SHA256.hash(Array("abc".utf8))), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        let long = Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)
        XCTAssertEqual(Hex.encode(SHA256.hash(long)), "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    func testAnchorDiscriminatorsMatchLayoutDoc() {
        XCTAssertEqual(SHA256.anchorDiscriminator("PoolState"), "f7ede3f5d7c3de46")
        XCTAssertEqual(SHA256.anchorDiscriminator("Whirlpool"), "3f95d10ce1806309")
        XCTAssertEqual(SHA256.anchorDiscriminator("LbPair"), "210b3162b565b10d")
        XCTAssertEqual(SHA256.anchorDiscriminator("Pool"), "f19a6d0411b16dbc")
    }

    /// Whirlpool tick array PDA ["tick_array", whirlpool, start.to_string()] from the fixtures.
    func testWhirlpoolTickArrayPda() throws {
        let pool = try Pubkey(base58: "Czfq3xZZDmsdGdUyrNLtRhGc47cXcZtLG4crryfu44zE")
        let cases: [(Int32, String)] = [
            (-25696, "2s4eJvC4t2oscWNFDw4sZShL3SfB3Zifmr6R8Qayp7mU"), (-24992, "65cUCgkA4THMitgKTyatqDnKHPSytxkt5GGJ1VMVNarC"),
            (-24640, "8Rs3qKaVGBndwNdeDqHcayatonVzdBrdYoq27CKyjuE7"), (-26048, "ChxrcGgr1UNLhgE6bge26EQRwDzbv9Q6co5ea12no6JP"),
            (-25344, "DXi5Z4FeJKHm4kcZPdmfoWSkJG7sj5s3wrvnpxy3DAny"),
        ]
        for (start, expected) in cases {
            let found = ProgramAddress.find(seeds: [Array("tick_array".utf8), pool.bytes, Array(String(start).utf8)], programId: whirlpoolProgram)
            XCTAssertEqual(found?.0.base58, expected, "start \(start)")
        }
    }

    /// Raydium AMM v4 authority: create_program_address(["amm authority", [nonce]]) (dex-layouts §3).
    func testRaydiumAuthorityCreateProgramAddress() throws {
        let program = try Pubkey(base58: "675kPX9MHTjS2zt1qfr1NYHuzeLXfQM9H24wFSUt1Mp8")
        let key = ProgramAddress.create(seeds: [Array("amm authority".utf8), [254]], programId: program)
        XCTAssertEqual(key?.base58, "5Q544fKrFoe6tsEbD7S8EmxGTJYAKtTVhAW5Q5pge4j1")
    }

    /// A real pubkey (a wallet) is on the curve; a PDA is not.
    func testOnCurveCheck() throws {
        // y = 0 and y = 1 are points (x² = 1 and x = 0); so is the base point.
        XCTAssertTrue(Ed25519Probe.isOnCurve(.zero))
        // The ed25519 base point B (RFC 8032), compressed.
        let base = Pubkey(bytes: Hex.decode("5866666666666666666666666666666666666666666666666666666666666666")!)!
        XCTAssertTrue(Ed25519Probe.isOnCurve(base))
        let pda = try Pubkey(base58: "2s4eJvC4t2oscWNFDw4sZShL3SfB3Zifmr6R8Qayp7mU")
        XCTAssertFalse(Ed25519Probe.isOnCurve(pda))
    }
}
