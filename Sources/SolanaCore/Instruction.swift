import Foundation

/// One Solana instruction, as a transaction message carries it (solana-program `instruction.rs`
/// `Instruction { program_id, accounts: Vec<AccountMeta>, data }`), in the JSON shape Jupiter's
/// `/swap-instructions` answers: `{programId, accounts: [{pubkey, isSigner, isWritable}], data}`.
///
/// ```swift
/// let ix = Instruction(programId: ProgramIds.splToken, accounts: [.writable(ata)], data: [17])  // SyncNative
/// ix.json.rendered   // {"programId":"Tokenkeg…","accounts":[…],"data":"EQ=="}
/// ```
public struct Instruction: Sendable, Equatable {
    /// `AccountMeta { pubkey, is_signer, is_writable }`.
    public struct Account: Sendable, Equatable {
        public var pubkey: Pubkey
        public var isSigner: Bool
        public var isWritable: Bool
        public init(_ pubkey: Pubkey, signer: Bool = false, writable: Bool = false) {
            self.pubkey = pubkey; self.isSigner = signer; self.isWritable = writable
        }
        public static func readonly(_ k: Pubkey) -> Account { Account(k) }
        public static func writable(_ k: Pubkey) -> Account { Account(k, writable: true) }
        public static func signer(_ k: Pubkey, writable: Bool = false) -> Account { Account(k, signer: true, writable: writable) }
    }

    public var programId: Pubkey
    public var accounts: [Account]
    public var data: [UInt8]

    public init(programId: Pubkey, accounts: [Account], data: [UInt8]) {
        self.programId = programId; self.accounts = accounts; self.data = data
    }

    public var json: JSONText {
        .object([
            ("programId", .string(programId.base58)),
            (
                "accounts",
                .array(
                    accounts.map {
                        .object([("pubkey", .string($0.pubkey.base58)), ("isSigner", .bool($0.isSigner)), ("isWritable", .bool($0.isWritable))])
                    })
            ),
            ("data", .string(Data(data).base64EncodedString())),
        ])
    }

    /// Anchor's instruction discriminator: sha256("global:<name>")[..8] (anchor-lang `Discriminator`).
    public static func anchorDiscriminator(_ name: String) -> [UInt8] { Array(SHA256.hash(Array("global:\(name)".utf8)).prefix(8)) }
}

/// Little-endian instruction data, field by field as Borsh writes it.
public struct InstructionData: Sendable {
    public private(set) var bytes: [UInt8]
    public init(_ prefix: [UInt8] = []) { bytes = prefix }
    public mutating func u8(_ v: UInt8) { bytes.append(v) }
    public mutating func bool(_ v: Bool) { bytes.append(v ? 1 : 0) }
    public mutating func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { bytes += $0 } }
    public mutating func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { bytes += $0 } }
    public mutating func u128(_ v: UInt128) { withUnsafeBytes(of: v.littleEndian) { bytes += $0 } }
}
