/// Per-source values: the capacity-weighted median of a source's offers (METHODOLOGY.md §5.3).
public struct SourceSample: Sendable, Hashable {
    public var source: UInt64
    /// The source's kept offer prices, ascending.
    public var prices: [Double]
    /// The capacity weight of each price (same order).
    public var weights: [Double]
    /// Sum of the offers' available GPUs when any offer reports a positive figure; nil otherwise.
    public var capacity: Double?
    /// The weighted median of `prices` under `weights`.
    public var value: Double
}

public enum SourceMedians {
    /// §5.3: offers weighted by available GPUs; an offer without capacity data (or reporting 0) takes the
    /// median positive capacity of the source's offers (all weights 1 when none report one).
    public static func samples(_ offers: [OfferPrice]) -> [SourceSample] {
        var bySource: [UInt64: [OfferPrice]] = [:]
        for o in offers { bySource[o.source, default: []].append(o) }
        return bySource.keys.sorted().map { s in
            // Ascending price, ties by offer key then first quote id (the order the bootstrap draws from, §5.6).
            let mine = bySource[s]!.sorted { ($0.price, $0.offer ?? 0, $0.firstQuoteID) < ($1.price, $1.offer ?? 0, $1.firstQuoteID) }
            let caps = mine.compactMap(\.available).filter { $0 > 0 }
            let fill = caps.isEmpty ? 1 : Stats.median(caps)
            let w = mine.map { o -> Double in
                if let a = o.available, a > 0 { return a }
                return fill
            }
            let prices = mine.map(\.price)
            return SourceSample(source: s, prices: prices, weights: w,
                                capacity: caps.isEmpty ? nil : mine.compactMap(\.available).reduce(0, +),
                                value: Stats.weightedMedian(sortedValues: prices, weights: w))
        }
    }
}
