// Where a program's checked arithmetic returns an error (`MathOverflow`, `checked_*` → None) or
// would panic, PoolMath's fee and curve functions throw this instead of trapping.

/// A checked operation failed; `what` names it (Dex reports it as `QuoteError.mathOverflow(what)`).
///
/// ```swift
/// do { _ = try FeeScheduler.feeInPeriod(cliff: 1, reduction: 2, period: 1, exponential: false) }
/// catch let e as MathOverflow { print(e.what) }   // "fee scheduler"
/// ```
public struct MathOverflow: Error, Equatable, Sendable, CustomStringConvertible {
    public let what: String
    @inlinable public init(_ what: String) { self.what = what }
    public var description: String { what }
}
