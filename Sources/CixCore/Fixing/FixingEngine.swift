/// The daily fixing of a grade (METHODOLOGY.md §5), as the stages of §5.1–§5.8 composed: the window's
/// own stages (§5.1–§5.3, `FixingEngine.window`), then the panel (§5.8, `Panel.evaluate`) that imputes
/// missing sources, weighs the sources by their review capacity and takes the cross-source value (§5.4).

/// The result of the computation on one date (before carry-forward).
public struct WindowResult: Sendable, Hashable {
    public var value: Double
    /// Offers in the fixing: the live sources' kept offers and the imputed sources' (§5.8).
    public var offers: Int
    /// Sources in the fixing, live and imputed.
    public var sources: Int
    public var outliers: Int
    public var p25: Double
    public var p75: Double
    public var min: Double
    public var max: Double
    public var ciLow: Double
    public var ciHigh: Double
    /// Time-weighted available GPUs of the offers in the fixing (for capacity weights, §6.4).
    public var capacityGPUs: Double
    public var inputsHash: String
    /// Sources in the fixing with offers in the window itself (§5.8).
    public var liveSources: Int = 0
    /// Sources in the fixing carried from an earlier window (§5.8).
    public var imputed: [ImputedSource] = []
    /// §5.9: the level that decided, and each level's share of the cross-source weight.
    public var inputLevel: InputLevel = .firm
    public var shares: LevelShares = .firmOnly

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

/// A panel source missing from the window, carried at its last live window's prices times the imputation
/// factor (§5.8).
public struct ImputedSource: Sendable, Hashable {
    public var source: UInt64
    /// Fixing dates since its last live window (1 = the previous fixing date).
    public var age: Int
    public var from: CivilDate
    public var factor: Double
}

public struct Fixing: Sendable, Hashable {
    public var grade: String
    public var date: CivilDate
    public var status: FixingStatus
    /// Full precision; nil when suspended.
    public var value: Double?
    /// The date's result when the data sufficed (status ok); nil otherwise.
    public var window: WindowResult?
    /// For stale fixings: the date of the ok fixing carried forward.
    public var carriedFrom: CivilDate?
    /// Offers and sources found in the window even when insufficient.
    public var windowOffers: Int
    public var windowSources: Int
    /// Panel changes on this date (§5.8), whatever the status.
    public var events: [PanelEvent] = []

    /// The published text of the value (§1.4).
    public func published(_ p: FixingParameters) -> String? { value.flatMap { p.rounding.format($0) } }
}

/// One window's sources after §5.1–§5.3: what the panel (§5.8) works from.
public struct WindowSources: Sendable, Hashable {
    /// Sources with kept offers in the window (live), in key order.
    public var samples: [SourceSample]
    /// Offers dropped by §5.2 within their source.
    public var outliers: Int
    /// §5.7, when asked for.
    public var inputsHash: String?
    /// §5.2: the median of the sources' values, with at least 3 sources.
    public var median: Double?
    /// §5.9: the window's transaction sources (volume-weighted, `InputHierarchy.transactionSamples`) and
    /// the transactions dropped within their source; the sources of its indicative quotes (formed as
    /// firm offers are) and, per source, the indicative offers dropped (§5.9 counts only those of sources
    /// that contribute an indicative value).
    public var transactions: [SourceSample] = []
    public var transactionOutliers = 0
    public var indicative: [SourceSample] = []
    public var indicativeOutliersBySource: [UInt64: Int] = [:]

    public init(samples: [SourceSample], outliers: Int, inputsHash: String?) {
        self.samples = samples
        self.outliers = outliers
        self.inputsHash = inputsHash
        median = samples.count >= 3 ? Stats.median(samples.map(\.value)) : nil
    }

    /// §5.2: a source's value relative to the window's median source value.
    public func ratio(_ s: SourceSample) -> Double? { median.flatMap { $0 > 0 ? s.value / $0 : nil } }
    public static let empty = WindowSources(samples: [], outliers: 0, inputsHash: nil)
    public var keptOffers: Int { samples.reduce(0) { $0 + $1.prices.count } }
    public func sample(_ source: UInt64) -> SourceSample? {
        SourceKeys.index(of: source, in: samples, key: \.source).map { samples[$0] }
    }
}

/// Lists kept in source key order (§5.1) are searched by binary search.
enum SourceKeys {
    static func index<T>(of source: UInt64, in a: [T], key: KeyPath<T, UInt64>) -> Int? {
        var lo = 0, hi = a.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if a[mid][keyPath: key] < source { lo = mid + 1 } else { hi = mid }
        }
        return lo < a.count && a[lo][keyPath: key] == source ? lo : nil
    }
}

public enum FixingEngine {
    /// What happened to an offer (§5.1–§5.2).
    public enum OfferStatus: Sendable, Hashable {
        case kept
        /// Zero available GPUs over the window: not transactable (§5.1).
        case soldOut
        /// Outside its source's band (§5.2: median ± band of the source's own offers).
        case outlier(median: Double, band: Double)
        /// Listed by a reseller on behalf of another source, which counts it (§5.1, `sources.yaml`).
        case resold
    }

    /// Every stage's intermediate result of one window, for a trace (§5: `FixingTrace`).
    public struct WindowEvaluation: Sendable {
        public var offers: [OfferPrice]
        public var status: [OfferStatus]
        public var sources: WindowSources
    }

    /// The window's stages in order: resold offers set aside and offers formed (§5.1), sold-out offers
    /// dropped (§5.1), outliers within each source (§5.2), per-source medians (§5.3); the inputs hash
    /// (§5.7) when asked. Outlying sources are judged by the panel (§5.2, §5.8).
    public static func window(_ all: [GradeObservation], windowEnd: Int64, params p: FixingParameters,
                              hash: Bool) -> WindowEvaluation {
        // §5.9: the firm offers go through §5.1–§5.3; transactions and indicative quotes are kept aside.
        let typed = all.contains { $0.inputType != .firm }
        let observations = typed ? all.filter { $0.inputType == .firm } : all
        var w = listings(observations, windowEnd: windowEnd, params: p)
        w.sources.inputsHash = hash && !all.isEmpty ? FixingAudit.inputsHash(all) : nil
        if typed {
            let tx = InputHierarchy.transactionSamples(all.filter { $0.inputType == .transaction }, params: p)
            w.sources.transactions = tx.samples
            w.sources.transactionOutliers = tx.outliers
            let ind = listings(all.filter { $0.inputType == .indicative }, windowEnd: windowEnd, params: p)
            w.sources.indicative = ind.sources.samples
            for (o, st) in zip(ind.offers, ind.status) {
                if case .outlier = st { w.sources.indicativeOutliersBySource[o.source, default: 0] += 1 }
            }
        }
        return w
    }

    /// §5.1–§5.3 for listed prices (firm offers, or indicative quotes): offers formed, sold-out and
    /// resold ones set aside, outliers within each source dropped, each source's weighted median.
    static func listings(_ observations: [GradeObservation], windowEnd: Int64, params p: FixingParameters) -> WindowEvaluation {
        let resold = observations.contains { $0.resoldFrom != nil }
        let direct = resold ? observations.filter { $0.resoldFrom == nil } : observations
        var allOffers = OfferPricing.offers(direct, windowEnd: windowEnd)
        var status = [OfferStatus](repeating: .kept, count: allOffers.count)
        // Offers come in source key order: each source's run is filtered on its own (§5.2).
        var kept: [OfferPrice] = []
        kept.reserveCapacity(allOffers.count)
        var outliers = 0
        var i = 0
        while i < allOffers.count {
            var j = i
            while j < allOffers.count && allOffers[j].source == allOffers[i].source { j += 1 }
            let idx = (i..<j).filter { allOffers[$0].available != 0 }
            for k in i..<j where allOffers[k].available == 0 { status[k] = .soldOut }
            let f = Outliers.filter(idx.map { allOffers[$0].price }, k: p.outlierK, minRelativeMAD: p.outlierMinRelativeMAD)
            for (n, k) in idx.enumerated() {
                if f.kept[n] { kept.append(allOffers[k]) } else { status[k] = .outlier(median: f.median ?? 0, band: f.band ?? 0); outliers += 1 }
            }
            i = j
        }
        let samples = SourceMedians.samples(kept)
        if resold {
            let set = OfferPricing.offers(observations.filter { $0.resoldFrom != nil }, windowEnd: windowEnd)
            allOffers += set
            status += set.map { _ in .resold }
        }
        let sources = WindowSources(samples: samples, outliers: outliers, inputsHash: nil)
        return WindowEvaluation(offers: allOffers, status: status, sources: sources)
    }

    /// Every stage of one window fixed alone (the initial panel of §5.8: no earlier window, no review).
    public struct Evaluation: Sendable {
        public var result: Result<WindowResult, InsufficientData>
        public var window: WindowEvaluation
        public var panel: Panel.Evaluation
        /// The samples in the fixing, in key order (live ones: the initial panel imputes nothing).
        public var sources: [SourceSample] { panel.sources.compactMap { $0.weight > 0 ? $0.sample : nil } }
    }

    public static func evaluate(_ observations: [GradeObservation], windowEnd: Int64, params p: FixingParameters,
                                seedKey: UInt64) -> Evaluation {
        let w = window(observations, windowEnd: windowEnd, params: p, hash: true)
        let date = CivilDate(dayNumber: (windowEnd - Int64(p.fixingTimeSeconds)) / 86_400)
        let e = InputHierarchy.evaluate(date: date, today: w.sources, history: [], review: PanelReview(date: date, members: [], capacity: [:]),
                                        previousReview: nil, params: p, seedKey: seedKey)
        return Evaluation(result: e.result, window: w, panel: e)
    }

    /// §5.1–§5.8 on one window with no earlier windows and no review: every live source in the panel
    /// (the initial panel of §5.8), weighted by its capacity in the window.
    public static func compute(_ observations: [GradeObservation], windowEnd: Int64, params p: FixingParameters,
                               seedKey: UInt64) -> Result<WindowResult, InsufficientData> {
        evaluate(observations, windowEnd: windowEnd, params: p, seedKey: seedKey).result
    }
}
