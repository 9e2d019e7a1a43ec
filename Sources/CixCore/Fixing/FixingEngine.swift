/// The daily fixing of a grade (METHODOLOGY.md §5), as the stages of §5.1–§5.7 composed.

/// The result of the computation on one window (before carry-forward).
public struct WindowResult: Sendable, Hashable {
    public var value: Double
    public var offers: Int
    public var sources: Int
    public var outliers: Int
    public var p25: Double
    public var p75: Double
    public var min: Double
    public var max: Double
    public var ciLow: Double
    public var ciHigh: Double
    /// Time-weighted available GPUs over the offers that report it (for capacity weights, §6.4).
    public var capacityGPUs: Double
    public var inputsHash: String

    public init(value: Double, offers: Int, sources: Int, outliers: Int, p25: Double, p75: Double, min: Double, max: Double,
                ciLow: Double, ciHigh: Double, capacityGPUs: Double, inputsHash: String) {
        self.value = value
        self.offers = offers
        self.sources = sources
        self.outliers = outliers
        self.p25 = p25
        self.p75 = p75
        self.min = min
        self.max = max
        self.ciLow = ciLow
        self.ciHigh = ciHigh
        self.capacityGPUs = capacityGPUs
        self.inputsHash = inputsHash
    }
}

public struct Fixing: Sendable, Hashable {
    public var grade: String
    public var date: CivilDate
    public var status: FixingStatus
    /// Full precision; nil when suspended.
    public var value: Double?
    /// The window result when the data sufficed (status ok); nil otherwise.
    public var window: WindowResult?
    /// For stale fixings: the date of the ok fixing carried forward.
    public var carriedFrom: CivilDate?
    /// Offers and sources found in the window even when insufficient.
    public var windowOffers: Int
    public var windowSources: Int

    /// The published text of the value (§1.4).
    public func published(_ p: FixingParameters) -> String? { value.flatMap { p.rounding.format($0) } }
}

public enum FixingEngine {
    /// Computes one window's result, or the counts when data do not suffice (§5.5).
    public static func compute(_ observations: [GradeObservation], windowEnd: Int64, params p: FixingParameters,
                               seedKey: UInt64) -> Result<WindowResult, InsufficientData> {
        evaluate(observations, windowEnd: windowEnd, params: p, seedKey: seedKey).result
    }

    /// What happened to an offer (§5.1–§5.2).
    public enum OfferStatus: Sendable, Hashable {
        case kept
        /// Zero available GPUs over the window: not transactable (§5.1).
        case soldOut
        case outlier
    }

    /// Every stage's intermediate result, for a trace (§5: `FixingTrace`).
    public struct Evaluation: Sendable {
        public var result: Result<WindowResult, InsufficientData>
        public var offers: [OfferPrice]
        public var status: [OfferStatus]
        /// The filter over the offers that are not sold out.
        public var outliers: OutlierFilter
        public var sources: [SourceSample]
        public var crossWeights: [Double]
        public var rawCapacities: [Double]
    }

    /// The stages in order: offers (§5.1), outliers (§5.2), sufficiency (§5.5), per-source medians
    /// (§5.3), cross-source weights and value (§5.4), statistics and interval (§5.6), inputs hash (§5.7).
    public static func evaluate(_ observations: [GradeObservation], windowEnd: Int64, params p: FixingParameters,
                                seedKey: UInt64) -> Evaluation {
        let allOffers = OfferPricing.offers(observations, windowEnd: windowEnd)
        // §5.1: an offer with no GPUs available over the window (every observation reports 0) is sold out.
        let available = allOffers.filter { $0.available != 0 }
        let filter = Outliers.filter(available.map(\.price), k: p.outlierK, minRelativeMAD: p.outlierMinRelativeMAD)
        var status: [OfferStatus] = []
        status.reserveCapacity(allOffers.count)
        var j = 0
        for o in allOffers {
            if o.available == 0 { status.append(.soldOut); continue }
            status.append(filter.kept[j] ? .kept : .outlier)
            j += 1
        }
        let offers = zip(available, filter.kept).filter(\.1).map(\.0)
        let sourceCount = Set(offers.map(\.source)).count
        guard Sufficiency.suffices(offers: offers.count, sources: sourceCount, params: p) else {
            return Evaluation(result: .failure(InsufficientData(offers: offers.count, sources: sourceCount)),
                              offers: allOffers, status: status, outliers: filter, sources: [], crossWeights: [], rawCapacities: [])
        }
        let samples = SourceMedians.samples(offers)
        let capacities = samples.map(\.capacity)
        let crossWeights = CrossSource.weights(capacities: capacities, cap: p.sourceCap)
        let value = CrossSource.value(samples.map(\.value), weights: crossWeights)
        let all = offers.map(\.price).sorted()
        let ci = Bootstrap.interval(samples, cap: p.sourceCap, samples: p.bootstrapSamples, seed: p.bootstrapSeed ^ seedKey, fallback: value)
        let capacity = offers.compactMap(\.available).reduce(0, +)
        let result = WindowResult(value: value, offers: offers.count, sources: samples.count, outliers: filter.dropped,
                                  p25: Stats.quantile(sorted: all, 0.25), p75: Stats.quantile(sorted: all, 0.75),
                                  min: all.first!, max: all.last!, ciLow: ci.low, ciHigh: ci.high,
                                  capacityGPUs: capacity, inputsHash: FixingAudit.inputsHash(observations))
        return Evaluation(result: .success(result), offers: allOffers, status: status, outliers: filter, sources: samples,
                          crossWeights: crossWeights, rawCapacities: CrossSource.rawCapacities(capacities))
    }
}
