/// The outlier filter (METHODOLOGY.md §5.2).
public struct OutlierFilter: Sendable, Hashable {
    /// Median and MAD of the offers' prices; nil when the filter does not apply (fewer than 3 offers).
    public var median: Double?
    public var mad: Double?
    /// The dispersion used: max(MAD, min_relative_mad × |median|).
    public var scale: Double?
    /// Half-width of the kept band, k × 1.4826 × scale; nil when nothing can be dropped (fewer than 3
    /// offers, or a scale of 0: every price 0, which the plausibility range excludes).
    public var band: Double?
    /// Per offer, whether it is kept.
    public var kept: [Bool]

    public var dropped: Int { kept.lazy.filter { !$0 }.count }
}

public enum Outliers {
    /// The consistency constant that makes the MAD estimate a normal distribution's σ.
    public static let madScale = 1.4826

    /// §5.2: with m the median and MAD the median absolute deviation of the offers' prices, and
    /// scale = max(MAD, r × |m|) (r = `outlier_min_relative_mad`, the dispersion floor), an offer is
    /// dropped when |p − m| > k × 1.4826 × scale. Nothing is dropped with fewer than 3 offers.
    public static func filter(_ prices: [Double], k: Double, minRelativeMAD r: Double = 0) -> OutlierFilter {
        guard prices.count >= 3 else {
            return OutlierFilter(median: nil, mad: nil, scale: nil, band: nil, kept: prices.map { _ in true })
        }
        let m = Stats.median(prices)
        let mad = Stats.mad(prices, median: m)
        let scale = max(mad, r * abs(m))
        guard scale > 0 else { return OutlierFilter(median: m, mad: mad, scale: scale, band: nil, kept: prices.map { _ in true }) }
        let band = k * madScale * scale
        return OutlierFilter(median: m, mad: mad, scale: scale, band: band, kept: prices.map { abs($0 - m) <= band })
    }
}

extension Outliers {
    /// §5.2 across sources (1.2): a source's level is its value ÷ the window's median source value. It is
    /// an outlier when its level is more than `factor` times above or below `expected` (1 for a source
    /// never reviewed; its review level otherwise, §5.8). A ratio, not a MAD band: the market has two
    /// tiers (large clouds near 3, marketplaces near 2), whose spread a MAD of a few sources reads as
    /// dispersion one day and as outliers the next.
    public static func isOutlier(level: Double, expected: Double, factor: Double) -> Bool {
        let r = level / expected
        return !(r <= factor && r >= 1 / factor)
    }
}
