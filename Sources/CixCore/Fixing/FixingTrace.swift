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
        /// §5.8: `live`, `imputed`, `dormant` (silent too long: out), `newcomer` (enters at the next review) or
        /// `excluded` (an outlier, §5.2); `(outlier today)` when it reported but counts as missing.
        public var state: String
        public var offers: Int
        /// §5.3 capacity-weighted median of its kept offers (imputed: the last live one × factor).
        public var median: Double?
        /// Sum of its offers' available GPUs in the window that stands for it.
        public var capacityGPUs: Double?
        /// §5.8 base capacity from the review (nil: no capacity data, takes the median of the others).
        public var baseCapacity: Double?
        /// Share before the cap (§5.4).
        public var capacityShare: Double
        /// Weight after the cap (§5.4).
        public var weight: Double
        public var capped: Bool
        /// Imputed: fixing dates since its last live window, that window's date and the factor (§5.8).
        public var imputedAge: Int?
        public var imputedFrom: String?
        public var imputationFactor: Double?
    }

    public var grade: String
    public var date: String
    public var windowStart: String
    public var windowEnd: String
    public var observations: Int
    public var offers: [Offer]
    /// §5.2 across sources: the median of the window's source values; `outlierBand` holds the factor.
    public var outlierMedian: Double?
    public var outlierMAD: Double?
    /// max(MAD, min_relative_mad × |median|) (§5.2).
    public var outlierScale: Double?
    /// k × 1.4826 × MAD; nil when the filter dropped nothing by rule (MAD = 0 or fewer than 3 offers).
    public var outlierBand: Double?
    public var outliersDropped: Int
    public var sources: [Source]
    /// §5.8: the review governing the date, and whether the panel is the initial one (no review had members).
    public var reviewDate: String
    public var initialPanel: Bool
    /// §5.8 panel changes on this date, e.g. `dormant: nebius`.
    public var panelChanges: [String]
    /// §5.4 trim at each end of the cross-source weight.
    public var trim: Double
    public var liveSources: Int
    public var imputedSources: Int
    public var minLiveSources: Int
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
    /// §5.9 (1.3): the level that decided (nil when nothing did), why, each level's share of the weight,
    /// and the sources of a transaction or indicative fixing (empty for a firm one: `sources` above).
    public var inputLevel: String?
    public var levelReason: String?
    public var transactionShare: Double?
    public var firmShare: Double?
    public var indicativeShare: Double?
    public var levelSources: [Source] = []

    /// Builds the trace of a fixing from its window's evaluation and its panel's. `names` maps source
    /// and offer keys to their texts.
    public init(grade: String, date: CivilDate, window: FixingWindow, observations: Int, evaluation e: FixingEngine.WindowEvaluation,
                panel: Panel.Evaluation, review: CivilDate, fixing f: Fixing, params p: FixingParameters, names: [UInt64: String]) {
        self.grade = grade
        self.date = date.description
        windowStart = Timestamp.format(window.start)
        windowEnd = Timestamp.format(window.end)
        self.observations = observations
        func name(_ k: UInt64) -> String { names[k] ?? String(k, radix: 16) }
        offers = zip(e.offers, e.status).map { o, st in
            var status = "kept"
            switch st {
            case .kept: break
            case .soldOut: status = "dropped: sold out (0 GPUs available)"
            case .outlier(let m, let b): status = "dropped: outlier in its source, |p − \(m)| = \(abs(o.price - m)) > band \(b)"
            case .resold: status = "dropped: resold on behalf of another source, whose own listing counts (sources.yaml)"
            }
            return Offer(source: name(o.source), offer: o.offer.map { name($0) } ?? "quote \(o.firstQuoteID)",
                         observations: o.observations, heldSeconds: o.heldSeconds, price: o.price,
                         availableGPUs: o.available, status: status)
        }
        outlierMedian = e.sources.median
        outlierMAD = nil
        outlierScale = nil
        outlierBand = e.sources.median.map { _ in p.sourceOutlierFactor }
        outliersDropped = e.sources.outliers
        func describe(_ list: [PanelSource]) -> [Source] {
            let rawTotal = list.reduce(0) { $0 + $1.rawCapacity }
            return list.map { s in
                var state = "live"
                var age: Int?, from: String?, factor: Double?
                switch s.state {
                case .live: break
                case .imputed(let x): state = "imputed"; age = x.age; from = x.from.description; factor = x.factor
                case .dormant: state = "dormant"
                case .newcomer: state = "newcomer"
                case .excluded: state = "excluded"
                }
                if s.outlierToday { state += " (outlier today)" }
                return Source(source: name(s.source), state: state, offers: s.sample?.prices.count ?? 0, median: s.sample?.value,
                              capacityGPUs: s.sample?.capacity, baseCapacity: s.baseCapacity,
                              capacityShare: rawTotal > 0 ? s.rawCapacity / rawTotal : 0, weight: s.weight,
                              capped: rawTotal > 0 && s.weight < s.rawCapacity / rawTotal - 1e-15,
                              imputedAge: age, imputedFrom: from, imputationFactor: factor)
            }
        }
        sources = describe(panel.sources)
        if let d = panel.decision {
            levelReason = d.reason
            levelSources = describe(d.sources)
        }
        if let w = f.window {
            inputLevel = w.inputLevel.rawValue
            transactionShare = w.shares.transaction
            firmShare = w.shares.firm
            indicativeShare = w.shares.indicative
        }
        reviewDate = review.description
        initialPanel = panel.initial
        panelChanges = f.events.map { $0.text(name) }
        trim = p.crossSourceTrim
        liveSources = panel.live
        imputedSources = panel.imputedCount
        minLiveSources = p.minLiveSources
        minSources = p.minSources
        minOffers = p.minOffers
        if case .success = panel.result { sufficient = true } else { sufficient = false }
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
