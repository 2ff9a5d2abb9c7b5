import PoolMath
import SolanaCore

// Orca Whirlpool (whirLbMiicVdio4qvUfM5KAg6Ct8VwpYzGff3uctyCc): account layouts and the
// exact-in swap, from orca-so/whirlpools `programs/whirlpool/src` @630c0e01:
// state/{whirlpool,tick,fixed_tick_array,dynamic_tick_array,fee_tier,config,oracle}.rs,
// manager/{swap_manager,fee_rate_manager}.rs, util/{swap_tick_sequence,sparse_swap}.rs,
// instructions/v2/swap.rs. Offsets in dex-layouts.md §6.

/// A Whirlpool tick array, either layout: the fixed `TickArray` (9988 B, `fixed_tick_array.rs`)
/// or the variable-size `DynamicTickArray` (148…10004 B, `dynamic_tick_array.rs`). Both hold 88
/// ticks spaced `tick_spacing` apart from `start_tick_index`; uninitialized ticks are nil.
///
/// ```swift
/// let array = try OrcaWhirlpoolTickArray(account)
/// let next = array.ticks.firstIndex { $0 != nil }
/// ```
public struct OrcaWhirlpoolTickArray: AccountLayout, Equatable {
    public static let program = "orca-whirlpool"
    public static let kind = "TickArray"
    public static let fixedSize = 9988  // 8 + 36 + 113 * 88
    public static let fixedDiscriminator = "4561bdbe6e0742bb"  // sha256("account:TickArray")
    public static let dynamicDiscriminator = "11d8f68ee1c7da38"  // sha256("account:DynamicTickArray")
    public static let dynamicMinSize = 8 + 4 + 32 + 16 + 88  // DynamicTickArray::MIN_LEN = 148
    public static let dynamicMaxSize = 8 + 4 + 32 + 16 + 113 * 88  // MAX_LEN = 10004

    public var address: Pubkey
    public var isDynamic: Bool
    public var whirlpool: Pubkey
    public var startTickIndex: Int32
    /// 88 entries; nil = uninitialized tick.
    public var ticks: [OrcaWhirlpoolTick?]

    public static func matches(_ a: AccountData) -> Bool {
        guard a.owner == ProgramIds.orcaWhirlpool else { return false }
        if a.data.count == fixedSize && LayoutCheck.hasDiscriminator(a, fixedDiscriminator) { return true }
        return (dynamicMinSize...dynamicMaxSize).contains(a.data.count) && LayoutCheck.hasDiscriminator(a, dynamicDiscriminator)
    }

    public init(_ a: AccountData) throws {
        try LayoutCheck.owner(a, ProgramIds.orcaWhirlpool, kind: Self.kind)
        self = LayoutCheck.hasDiscriminator(a, Self.dynamicDiscriminator) ? try Self.dynamic(a) : try Self.fixed(a)
    }

    init(address: Pubkey, isDynamic: Bool, whirlpool: Pubkey, startTickIndex: Int32, ticks: [OrcaWhirlpoolTick?]) {
        self.address = address; self.isDynamic = isDynamic; self.whirlpool = whirlpool
        self.startTickIndex = startTickIndex; self.ticks = ticks
    }

    /// Fixed TickArray: start_tick_index i32 @8; ticks[88] @12, 113 B each (initialized u8,
    /// liquidity_net i128 +1, liquidity_gross u128 +17, …); whirlpool @9956 (#[repr(C, packed)]).
    static func fixed(_ a: AccountData) throws -> Self {
        try LayoutCheck.size(a, exactly: fixedSize, kind: "TickArray(fixed)")
        try LayoutCheck.discriminator(a, fixedDiscriminator, kind: "TickArray(fixed)")
        let r = ByteReader(a.data)
        let ticks: [OrcaWhirlpoolTick?] = try (0..<OrcaWhirlpoolIds.ticksPerArray).map { i in
            let o = 12 + 113 * i
            guard try r.bool(o) else { return nil }
            return OrcaWhirlpoolTick(liquidityNet: try r.i128(o + 1), liquidityGross: try r.u128(o + 17))
        }
        return Self(address: a.address, isDynamic: false, whirlpool: try r.pubkey(9956), startTickIndex: try r.i32(8), ticks: ticks)
    }

    /// DynamicTickArray: start i32 @8, whirlpool @12, tick_bitmap u128 @44, then 88 Borsh
    /// `DynamicTick` entries from @60, each 0x00 or 0x01 + 112 bytes; must be read in order.
    static func dynamic(_ a: AccountData) throws -> Self {
        let kind = "DynamicTickArray"
        try LayoutCheck.size(a, atLeast: dynamicMinSize, kind: kind)
        guard a.data.count <= dynamicMaxSize else {
            throw DecodeError.wrongSize(kind: kind, expected: "\(dynamicMinSize)...\(dynamicMaxSize)", got: a.data.count)
        }
        try LayoutCheck.discriminator(a, dynamicDiscriminator, kind: kind)
        let r = ByteReader(a.data)
        let bitmap = try r.u128(44)
        guard bitmap >> 88 == 0 else {
            throw DecodeError.invalidField(kind: kind, field: "tick_bitmap", reason: "bits above 87 are set")
        }
        var o = 60
        var ticks: [OrcaWhirlpoolTick?] = []
        ticks.reserveCapacity(OrcaWhirlpoolIds.ticksPerArray)
        for i in 0..<OrcaWhirlpoolIds.ticksPerArray {
            let tag = try r.u8(o)
            switch tag {
            case 0:
                ticks.append(nil); o += 1
            case 1:
                ticks.append(OrcaWhirlpoolTick(liquidityNet: try r.i128(o + 1), liquidityGross: try r.u128(o + 17)))
                o += 113
            default:
                throw DecodeError.invalidField(kind: kind, field: "ticks[\(i)]", reason: "enum tag \(tag) is not 0 or 1")
            }
            // The program finds ticks through tick_bitmap and byte offsets derived from it; both
            // views agree on any account it wrote, so a disagreement means corrupt data.
            guard ((bitmap >> UInt128(i)) & 1 == 1) == (tag == 1) else {
                throw DecodeError.invalidField(kind: kind, field: "tick_bitmap", reason: "bit \(i) disagrees with tick entry")
            }
        }
        return Self(address: a.address, isDynamic: true, whirlpool: try r.pubkey(12), startTickIndex: try r.i32(8), ticks: ticks)
    }

    public var initializedTickCount: Int { ticks.reduce(0) { $0 + ($1 == nil ? 0 : 1) } }

    /// Sum of liquidity_net over initialized ticks; nil if it does not fit i128 (corrupt data).
    public var sumLiquidityNet: Int128? {
        var sum: Int128 = 0
        for case let t? in ticks {
            let (s, o) = sum.addingReportingOverflow(t.liquidityNet)
            if o { return nil }
            sum = s
        }
        return sum
    }

    public var fields: Fields {
        [
            ("layout", .string(isDynamic ? "dynamic" : "fixed")), ("whirlpool", .pubkey(whirlpool)),
            ("start_tick_index", .u(startTickIndex)), ("initialized_ticks", .u(initializedTickCount)),
            ("sum_liquidity_net", sumLiquidityNet.map { .u($0) } ?? .string("overflow")),
        ]
    }

    /// `Tick::check_is_valid_start_tick` (tick.rs): a multiple of 88·spacing, or the one
    /// left-edge array that starts below MIN_TICK_INDEX.
    public static func isValidStart(_ start: Int, tickSpacing: Int) -> Bool {
        let ticksInArray = OrcaWhirlpoolIds.ticksPerArray * tickSpacing
        guard ticksInArray > 0 else { return false }
        if start < WhirlpoolMath.minTick || start > WhirlpoolMath.maxTick {
            if start > WhirlpoolMath.minTick { return false }
            let minArrayStart = WhirlpoolMath.minTick - (WhirlpoolMath.minTick % ticksInArray + ticksInArray)
            return start == minArrayStart
        }
        return start % ticksInArray == 0
    }
}
