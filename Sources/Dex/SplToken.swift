import SolanaCore

// SPL Token / Token-2022 token accounts and mints.
// Source: solana-program-library token/program/src/state.rs (Account 165 B, Mint 82 B);
// token-2022 extension/transfer_fee/mod.rs (TransferFeeConfig, type 1). dex-layouts.md §2.

/// A token account (pool vault). Amount u64 @64 in both token programs.
public struct TokenAccount: AccountLayout, Equatable {
    public static let program = "spl-token"
    public static let kind = "TokenAccount"
    public static let size = 165
    public var address: Pubkey
    public var mint: Pubkey
    public var owner: Pubkey
    public var amount: UInt64
    public var state: UInt8
    public var isNativeTag: UInt32
    public var isToken2022: Bool
    public var hasExtensions: Bool

    public static func matches(_ a: AccountData) -> Bool {
        guard a.owner == ProgramIds.splToken || a.owner == ProgramIds.token2022 else { return false }
        if a.data.count == size { return true }
        // Token-2022 extended account: account_type byte @165 == 2 (Account).
        return a.owner == ProgramIds.token2022 && a.data.count > size && a.data[size] == 2
    }

    public init(_ a: AccountData) throws {
        try LayoutCheck.owner(a, ProgramIds.splToken, ProgramIds.token2022, kind: Self.kind)
        if a.owner == ProgramIds.splToken || a.data.count == Self.size {
            try LayoutCheck.size(a, exactly: Self.size, kind: Self.kind)
        } else {
            try LayoutCheck.size(a, atLeast: Self.size + 1, kind: Self.kind)
            guard a.data[Self.size] == 2 else {
                throw DecodeError.wrongDiscriminator(kind: Self.kind, expected: "account_type 2 @165", got: "account_type \(a.data[Self.size])")
            }
        }
        let r = ByteReader(a.data)
        address = a.address
        mint = try r.pubkey(0)
        owner = try r.pubkey(32)
        amount = try r.u64(64)
        state = try r.u8(108)
        isNativeTag = try r.u32(109)
        guard state <= 2 else { throw DecodeError.invalidField(kind: Self.kind, field: "state", reason: "\(state) is not 0, 1 or 2") }
        isToken2022 = a.owner == ProgramIds.token2022
        hasExtensions = a.data.count > Self.size
    }

    public var fields: Fields {
        [
            ("mint", .pubkey(mint)), ("owner", .pubkey(owner)), ("amount", .u(amount)), ("state", .u(state)),
            ("is_native_tag", .u(isNativeTag)), ("ext", .bool(hasExtensions)),
        ]
    }
}

/// Token-2022 transfer fee for one epoch range (`TransferFee`).
public struct TransferFee: Sendable, Equatable {
    public var epoch: UInt64
    public var maximumFee: UInt64
    public var basisPoints: UInt16

    /// `TransferFee::calculate_fee`: ceil(amount * bps / 10000), capped at maximum_fee.
    public func fee(on amount: UInt64) -> UInt64 {
        if basisPoints == 0 || amount == 0 { return 0 }
        let raw = (UInt128(amount) * UInt128(basisPoints) + 9_999) / 10_000
        // Capped at maximum_fee; also at the amount itself so hostile bps > 10000 can't underflow callers.
        return UInt64(min(raw, UInt128(maximumFee), UInt128(amount)))
    }

    /// `TransferFee::calculate_inverse_fee`: the fee on the pre-fee amount that nets `post` after fees.
    public func inverseFee(forNet post: UInt64) -> UInt64 {
        if basisPoints == 0 || post == 0 { return 0 }
        if basisPoints == 10_000 { return maximumFee }
        let numerator = UInt128(post) * 10_000
        let denominator = UInt128(10_000 - UInt64(basisPoints))
        let pre = (numerator + denominator - 1) / denominator
        let f = pre - UInt128(post)
        return UInt64(min(f, UInt128(maximumFee)))
    }
}

/// Token-2022 `TransferFeeConfig` extension (type 1, 108 bytes).
public struct TransferFeeConfig: Sendable, Equatable {
    public var olderTransferFee: TransferFee
    public var newerTransferFee: TransferFee
    public var withheldAmount: UInt64

    /// `get_epoch_fee`: the newer fee applies from its epoch on.
    public func fee(forEpoch epoch: UInt64) -> TransferFee {
        epoch >= newerTransferFee.epoch ? newerTransferFee : olderTransferFee
    }
}

/// A mint: decimals, supply and (Token-2022) the transfer-fee extension.
public struct TokenMint: AccountLayout, Equatable {
    public static let program = "spl-token"
    public static let kind = "Mint"
    public static let size = 82
    public var address: Pubkey
    public var mintAuthority: Pubkey?
    public var supply: UInt64
    public var decimals: UInt8
    public var isInitialized: Bool
    public var freezeAuthority: Pubkey?
    public var isToken2022: Bool
    public var hasExtensions: Bool
    public var transferFeeConfig: TransferFeeConfig?
    /// Token-2022 `TransferHook` extension (type 14: authority, program_id; both OptionalNonZeroPubkey):
    /// the hook program every transfer of this mint invokes, nil when absent or zero.
    public var transferHookProgram: Pubkey?

    public static func matches(_ a: AccountData) -> Bool {
        guard a.owner == ProgramIds.splToken || a.owner == ProgramIds.token2022 else { return false }
        if a.data.count == size { return true }
        return a.owner == ProgramIds.token2022 && a.data.count > 165 && a.data[165] == 1
    }

    public init(_ a: AccountData) throws {
        try LayoutCheck.owner(a, ProgramIds.splToken, ProgramIds.token2022, kind: Self.kind)
        if a.owner == ProgramIds.splToken || a.data.count == Self.size {
            try LayoutCheck.size(a, exactly: Self.size, kind: Self.kind)
        } else {
            try LayoutCheck.size(a, atLeast: 166, kind: Self.kind)
            guard a.data[165] == 1 else {
                throw DecodeError.wrongDiscriminator(kind: Self.kind, expected: "account_type 1 @165", got: "account_type \(a.data[165])")
            }
        }
        let r = ByteReader(a.data)
        address = a.address
        mintAuthority = try r.optionPubkey(0)
        supply = try r.u64(36)
        decimals = try r.u8(44)
        isInitialized = try r.bool(45)
        freezeAuthority = try r.optionPubkey(46)
        isToken2022 = a.owner == ProgramIds.token2022
        hasExtensions = a.data.count > Self.size
        transferFeeConfig = nil
        transferHookProgram = nil
        if hasExtensions {
            // TLV entries from @166: u16 type, u16 length, value. Type 1 = TransferFeeConfig.
            var o = 166
            while o + 4 <= a.data.count {
                let type = try r.u16(o), len = Int(try r.u16(o + 2))
                if type == 0 && len == 0 { break }  // uninitialized tail
                guard o + 4 + len <= a.data.count else {
                    throw DecodeError.invalidField(kind: Self.kind, field: "extension \(type)", reason: "length \(len) runs past the account end")
                }
                if type == 1 {
                    guard len == 108 else {
                        throw DecodeError.invalidField(kind: Self.kind, field: "TransferFeeConfig", reason: "length \(len), expected 108")
                    }
                    let v = o + 4
                    // authority(32) withdraw_withheld_authority(32) withheld_amount u64 @64, older @72, newer @90
                    func fee(_ at: Int) throws -> TransferFee {
                        TransferFee(epoch: try r.u64(at), maximumFee: try r.u64(at + 8), basisPoints: try r.u16(at + 16))
                    }
                    transferFeeConfig = TransferFeeConfig(
                        olderTransferFee: try fee(v + 72), newerTransferFee: try fee(v + 90),
                        withheldAmount: try r.u64(v + 64))
                }
                if type == 14 && len >= 64, case let hook = try r.pubkey(o + 4 + 32), hook != .zero { transferHookProgram = hook }
                o += 4 + len
            }
        }
    }

    /// Transfer fee charged when `amount` of this token moves, at `epoch` (0 for non-fee mints).
    public func transferFee(on amount: UInt64, epoch: UInt64) -> UInt64 {
        transferFeeConfig?.fee(forEpoch: epoch).fee(on: amount) ?? 0
    }

    /// The transfer fee on the pre-fee amount that nets `net` at `epoch` (`calculate_inverse_epoch_fee`;
    /// the exact-out instructions charge it on top of what they must deliver or take).
    public func transferInverseFee(forNet net: UInt64, epoch: UInt64) -> UInt64 {
        transferFeeConfig?.fee(forEpoch: epoch).inverseFee(forNet: net) ?? 0
    }

    public var fields: Fields {
        var f: Fields = [
            ("supply", .u(supply)), ("decimals", .u(decimals)), ("is_initialized", .u(isInitialized ? 1 : 0)),
            ("mint_authority", .key(mintAuthority)), ("freeze_authority", .key(freezeAuthority)),
            ("ext", .bool(hasExtensions)),
        ]
        if let t = transferFeeConfig {
            let cur = t.newerTransferFee
            f += [
                ("transfer_fee_basis_points", .u(cur.basisPoints)), ("transfer_fee_maximum", .u(cur.maximumFee)),
                ("transfer_fee_epoch", .u(cur.epoch)), ("transfer_fee_older_basis_points", .u(t.olderTransferFee.basisPoints)),
            ]
        }
        return f
    }
}
