/// How a fixing came about, stage by stage (METHODOLOGY.md §5): every offer with its time weight and
/// whether it was dropped and why, every source with its median, capacity and capped weight, and the
/// fallback taken. Not stored; recomputed from the store on demand (`cix explain fixing`).
public struct FixingTrace: Sendable, Codable, Hashable {
    public struct Offer: Sendable, Codable, Hashable {
        public var source: String
        /// `offer_id @ location`, or `quote N` for a quote without an offer id.
        public var offer: String
        public var observations: Int
        /// §5.1 time weight: seconds from the first observation to the window end.
        public var heldSeconds: Double
        public var price: Double
        public var availableGPUs: Double?
        /// `kept`, or `dropped` with the reason.
        public var status: String
    }

    public struct Source: Sendable, Codable, Hashable {
        public var source: String
        public var offers: Int
        /// §5.3 capacity-weighted median of its kept offers.
        public var median: Double
        /// Sum of its offers' available GPUs (nil: no capacity data, takes the median of the others).
        public var capacityGPUs: Double?
        /// Share before the cap (§5.4).
        public var capacityShare: Double
        /// Weight after the cap (§5.4).
        public var weight: Double
        public var capped: Bool
    }

    public var grade: String
    public var date: String
    public var windowStart: String
    public var windowEnd: String
    public var observations: Int
    public var offers: [Offer]
    public var outlierMedian: Double?
    public var outlierMAD: Double?
    /// max(MAD, min_relative_mad × |median|) (§5.2).
    public var outlierScale: Double?
    /// k × 1.4826 × MAD; nil when the filter dropped nothing by rule (MAD = 0 or fewer than 3 offers).
    public var outlierBand: Double?
    public var outliersDropped: Int
    public var sources: [Source]
    public var minSources: Int
    public var minOffers: Int
    public var sufficient: Bool
    /// `none`, `stale` (carried from `carriedFrom`) or `suspended` (§5.5).
    public var fallback: String
    public var carriedFrom: String?
    public var status: String
    public var value: Double?
    public var published: String?
    public var ciLow: Double?
    public var ciHigh: Double?
    public var inputsHash: String?

    /// Builds the trace of a fixing from its window's evaluation. `names` maps source and offer keys to
    /// their texts.
    public init(grade: String, date: CivilDate, window: FixingWindow, observations: Int, evaluation e: FixingEngine.Evaluation,
                fixing f: Fixing, params p: FixingParameters, names: [UInt64: String]) {
        self.grade = grade
        self.date = date.description
        windowStart = Timestamp.format(window.start)
        windowEnd = Timestamp.format(window.end)
        self.observations = observations
        offers = zip(e.offers, e.status).map { o, st in
            var status = "kept"
            switch st {
            case .kept: break
            case .soldOut: status = "dropped: sold out (0 GPUs available)"
            case .outlier: status = "dropped: outlier, |p − median| = \(abs(o.price - (e.outliers.median ?? 0))) > band \(e.outliers.band ?? 0)"
            }
            return Offer(source: names[o.source] ?? String(o.source, radix: 16),
                         offer: o.offer.map { names[$0] ?? String($0, radix: 16) } ?? "quote \(o.firstQuoteID)",
                         observations: o.observations, heldSeconds: o.heldSeconds, price: o.price,
                         availableGPUs: o.available, status: status)
        }
        outlierMedian = e.outliers.median
        outlierMAD = e.outliers.mad
        outlierScale = e.outliers.scale
        outlierBand = e.outliers.band
        outliersDropped = e.outliers.dropped
        let rawTotal = e.rawCapacities.reduce(0, +)
        sources = e.sources.enumerated().map { i, s in
            Source(source: names[s.source] ?? String(s.source, radix: 16), offers: s.prices.count, median: s.value,
                   capacityGPUs: s.capacity, capacityShare: rawTotal > 0 ? e.rawCapacities[i] / rawTotal : 0,
                   weight: e.crossWeights[i], capped: e.crossWeights[i] < e.rawCapacities[i] / rawTotal - 1e-15)
        }
        minSources = p.minSources
        minOffers = p.minOffers
        if case .success = e.result { sufficient = true } else { sufficient = false }
        fallback = f.status == .ok ? "none" : f.status.rawValue
        carriedFrom = f.carriedFrom?.description
        status = f.status.rawValue
        value = f.value
        published = f.published(p)
        ciLow = f.window?.ciLow
        ciHigh = f.window?.ciHigh
        inputsHash = f.window?.inputsHash
    }
}
