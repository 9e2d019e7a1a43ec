/// The outlier filter (METHODOLOGY.md §5.2).
public struct OutlierFilter: Sendable, Hashable {
    /// Median and MAD of the offers' prices; nil when the filter does not apply (fewer than 3 offers).
    public var median: Double?
    public var mad: Double?
    /// Half-width of the kept band, k × 1.4826 × MAD; nil when nothing can be dropped (MAD = 0 or
    /// fewer than 3 offers).
    public var band: Double?
    /// Per offer, whether it is kept.
    public var kept: [Bool]

    public var dropped: Int { kept.lazy.filter { !$0 }.count }
}

public enum Outliers {
    /// The consistency constant that makes the MAD estimate a normal distribution's σ.
    public static let madScale = 1.4826

    /// §5.2: an offer is dropped when |p − m| > k × 1.4826 × MAD. Nothing is dropped when MAD = 0 or
    /// when there are fewer than 3 offers.
    public static func filter(_ prices: [Double], k: Double) -> OutlierFilter {
        guard prices.count >= 3 else { return OutlierFilter(median: nil, mad: nil, band: nil, kept: prices.map { _ in true }) }
        let m = Stats.median(prices)
        let mad = Stats.mad(prices, median: m)
        guard mad > 0 else { return OutlierFilter(median: m, mad: mad, band: nil, kept: prices.map { _ in true }) }
        let band = k * madScale * mad
        return OutlierFilter(median: m, mad: mad, band: band, kept: prices.map { abs($0 - m) <= band })
    }
}
