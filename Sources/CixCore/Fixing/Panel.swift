/// The panel of a grade (METHODOLOGY.md §5.8, methodology 1.2): which sources a fixing counts, with which
/// weight, and what stands for a panel source that missed the window. A fixing must move with prices,
/// not with which sources happened to report: a missing source is imputed, its weight is set at a
/// monthly review, and panel changes are named.

/// The panel review governing a month (§5.8): the sources live in at least one window of the review
/// period whose review level is within the source outlier factor, each with its base capacity (the mean
/// of its capacity over the windows where it was live) and its review level (the median over the period
/// of its value ÷ the window's median source value).
public struct PanelReview: Sendable, Hashable {
    public var date: CivilDate
    /// Members in key order.
    public var members: [UInt64]
    /// Base capacity of the members with capacity data (the others take the median, §5.4).
    public var capacity: [UInt64: Double]
    /// Review level of the members that had one (windows of 3 sources or more); 1 otherwise.
    public var level: [UInt64: Double] = [:]
    /// Sources live in the period but left out: their review level is beyond the factor (§5.2).
    public var excluded: [UInt64] = []

    public init(date: CivilDate, members: [UInt64], capacity: [UInt64: Double], level: [UInt64: Double] = [:], excluded: [UInt64] = []) {
        self.date = date
        self.members = members
        self.capacity = capacity
        self.level = level
        self.excluded = excluded
    }

    /// §5.8: from the review period's windows (any order); sources whose review level is beyond
    /// `factor` (§5.2) are left out.
    public static func make(date: CivilDate, period: [WindowSources], factor: Double) -> PanelReview {
        var sum: [UInt64: Double] = [:]
        var days: [UInt64: Int] = [:]
        var levels: [UInt64: [Double]] = [:]
        var seen = Set<UInt64>()
        for w in period {
            for s in w.samples {
                seen.insert(s.source)
                if let c = s.capacity { sum[s.source, default: 0] += c; days[s.source, default: 0] += 1 }
                if let r = w.ratio(s) { levels[s.source, default: []].append(r) }
            }
        }
        var capacity: [UInt64: Double] = [:]
        var level: [UInt64: Double] = [:]
        var members: [UInt64] = []
        var excluded: [UInt64] = []
        for s in seen.sorted() {
            let l = levels[s].map { Stats.median($0) }
            if let l, Outliers.isOutlier(level: l, expected: 1, factor: factor) { excluded.append(s); continue }
            members.append(s)
            if let l { level[s] = l }
            if let v = sum[s] { capacity[s] = v / Double(days[s]!) }
        }
        return PanelReview(date: date, members: members, capacity: capacity, level: level, excluded: excluded)
    }

    public var isEmpty: Bool { members.isEmpty }
    public func contains(_ s: UInt64) -> Bool { SourceKeys.index(of: s, in: members, key: \.self) != nil }
    public func isExcluded(_ s: UInt64) -> Bool { SourceKeys.index(of: s, in: excluded, key: \.self) != nil }
}

/// A source's part in a fixing (§5.8).
public enum PanelState: Sendable, Hashable {
    /// In the panel, with kept offers in the window.
    case live
    /// In the panel, missing from the window, carried from its last live window.
    case imputed(ImputedSource)
    /// In the panel, silent for longer than `max_imputed_days`: out of the fixing until it reports again.
    case dormant
    /// Live in the window but not in the panel: it enters at the next review.
    case newcomer
    /// Live in the window but left out of the panel as an outlier (§5.2): at the review, or, in the
    /// initial panel, on the day.
    case excluded
}

/// A panel change named in the trace and published with the fixing (§5.8).
public struct PanelEvent: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable {
        /// At a review: a source enters the panel.
        case joined
        /// At a review: a source leaves the panel.
        case left
        /// A member silent for longer than `max_imputed_days`: out of the fixing from this date.
        case dormant
        /// A dormant member reports again: back in the fixing.
        case returned
    }
    public var kind: Kind
    public var source: UInt64
    public init(kind: Kind, source: UInt64) {
        self.kind = kind
        self.source = source
    }

    /// As published in `panel_changes` and shown in the trace: `kind: source`.
    public func text(_ name: (UInt64) -> String) -> String { "\(kind.rawValue): \(name(source))" }
}

/// One source of a fixing with its state, the sample that stands for it and its weight (§5.8, §5.4).
public struct PanelSource: Sendable, Hashable {
    public var source: UInt64
    public var state: PanelState
    /// The live sample, or the imputed one (last live prices × factor); nil when dormant.
    public var sample: SourceSample?
    /// Base capacity from the review (the initial panel: the window's), nil without capacity data.
    public var baseCapacity: Double?
    /// Capacity used for the weight (nil filled per §5.4); 0 when not in the fixing.
    public var rawCapacity: Double
    /// Weight after the cap; 0 when not in the fixing.
    public var weight: Double
    /// Reported in the window but an outlier against its review level (§5.2): counted as missing.
    public var outlierToday = false
}

public enum Panel {
    /// Everything of §5.8 on one date, with the window results of the date and the fixing dates before it.
    public struct Evaluation: Sendable {
        public var result: Result<WindowResult, InsufficientData>
        /// Members in key order, then newcomers in key order.
        public var sources: [PanelSource]
        /// No review had any member: the window's live sources are the panel.
        public var initial: Bool
        public var events: [PanelEvent]
        public var live: Int
        public var imputedCount: Int
        /// §5.9: the level that decided and why (set by `InputHierarchy.apply`).
        public var decision: LevelDecision? = nil
    }

    /// §5.2, §5.8: the source's sample in a window when it is live there: it kept an offer and its level
    /// (value ÷ the window's median source value) is within the factor of its review level.
    static func liveSample(_ s: UInt64, in w: WindowSources, expected: Double, factor: Double) -> SourceSample? {
        guard let x = w.sample(s) else { return nil }
        if let r = w.ratio(x), Outliers.isOutlier(level: r, expected: expected, factor: factor) { return nil }
        return x
    }

    /// A member's state on the date `k` fixing dates back from `today` (k = 0: today), from the
    /// windows `today` and `history` (history[0] = the previous fixing date, …).
    static func state(_ s: UInt64, at k: Int, today: WindowSources, history: [(date: CivilDate, sources: WindowSources)],
                      expected: Double, params p: FixingParameters) -> (live: Bool, imputedFrom: Int?) {
        func window(_ i: Int) -> WindowSources? { i == 0 ? today : (i - 1 < history.count ? history[i - 1].sources : nil) }
        if let w = window(k), liveSample(s, in: w, expected: expected, factor: p.sourceOutlierFactor) != nil { return (true, nil) }
        if p.maxImputedDays > 0 {
            for j in 1...p.maxImputedDays {
                guard let w = window(k + j) else { break }
                if liveSample(s, in: w, expected: expected, factor: p.sourceOutlierFactor) != nil { return (false, j) }
            }
        }
        return (false, nil)
    }

    /// §5.8 then §5.4–§5.6 for one grade and date. `history` holds the windows of the fixing dates before
    /// `date`, most recent first: `max_imputed_days` + 1 of them where available (one more than the
    /// imputation needs, to tell when a member turns dormant). `review` governs the date's month;
    /// `previousReview`, given on a review date, names who joined and left.
    public static func evaluate(date: CivilDate, today: WindowSources, history: [(date: CivilDate, sources: WindowSources)],
                                review: PanelReview, previousReview: PanelReview?, params p: FixingParameters,
                                seedKey: UInt64) -> Evaluation {
        let initial = review.isEmpty
        let f = p.sourceOutlierFactor
        // The initial panel: the day's live sources within the factor of the median (§5.2).
        let members: [UInt64] = initial ? today.samples.filter { liveSample($0.source, in: today, expected: 1, factor: f) != nil }.map(\.source)
            : review.members
        var sources: [PanelSource] = []
        var events: [PanelEvent] = []
        let A = p.maxImputedDays
        func expected(_ m: UInt64) -> Double { review.level[m] ?? 1 }
        for m in members {
            let base = initial ? today.sample(m)!.capacity : review.capacity[m]
            let now = state(m, at: 0, today: today, history: history, expected: expected(m), params: p)
            let joinedToday = previousReview.map { !$0.contains(m) } ?? false
            if now.live {
                sources.append(PanelSource(source: m, state: .live, sample: today.sample(m)!, baseCapacity: base, rawCapacity: 0, weight: 0))
                if !initial && !joinedToday && history.count > A {
                    let before = state(m, at: 1, today: today, history: history, expected: expected(m), params: p)
                    if !before.live, before.imputedFrom == nil { events.append(PanelEvent(kind: .returned, source: m)) }
                }
                continue
            }
            let outlierToday = today.sample(m) != nil
            if let j = now.imputedFrom {
                let from = history[j - 1]
                let last = liveSample(m, in: from.sources, expected: expected(m), factor: f)!
                // The factor: the median change since that window of the other members live in both.
                var ratios: [Double] = []
                for o in members where o != m {
                    if let a = liveSample(o, in: today, expected: expected(o), factor: f), let b = liveSample(o, in: from.sources, expected: expected(o), factor: f),
                       b.value > 0 { ratios.append(a.value / b.value) }
                }
                let factor = ratios.isEmpty ? 1 : Stats.median(ratios)
                var sample = last
                sample.prices = last.prices.map { $0 * factor }
                sample.value = last.value * factor
                sources.append(PanelSource(source: m, state: .imputed(ImputedSource(source: m, age: j, from: from.date, factor: factor)),
                                           sample: sample, baseCapacity: base, rawCapacity: 0, weight: 0, outlierToday: outlierToday))
            } else {
                sources.append(PanelSource(source: m, state: .dormant, sample: nil, baseCapacity: base, rawCapacity: 0, weight: 0,
                                           outlierToday: outlierToday))
                if history.count > A && !joinedToday {
                    let before = state(m, at: 1, today: today, history: history, expected: expected(m), params: p)
                    if before.live || before.imputedFrom != nil { events.append(PanelEvent(kind: .dormant, source: m)) }
                }
            }
        }
        for s in today.samples where SourceKeys.index(of: s.source, in: members, key: \.self) == nil {
            let excluded = initial || review.isExcluded(s.source)
            sources.append(PanelSource(source: s.source, state: excluded ? .excluded : .newcomer, sample: s, baseCapacity: s.capacity,
                                       rawCapacity: 0, weight: 0))
        }
        // After an initial month (no members before), every member is named as joining.
        if !initial, let prev = previousReview {
            for m in review.members where !prev.contains(m) { events.append(PanelEvent(kind: .joined, source: m)) }
            for m in prev.members where !review.contains(m) { events.append(PanelEvent(kind: .left, source: m)) }
        }
        events.sort { ($0.kind.order, $0.source) < ($1.kind.order, $1.source) }
        let included = sources.indices.filter { i in
            switch sources[i].state { case .live, .imputed: true; default: false }
        }
        let live = sources.filter { $0.state == .live }.count
        let imputedCount = included.count - live
        let offerCount = included.reduce(0) { $0 + sources[$1].sample!.prices.count }
        guard live >= p.minLiveSources, Sufficiency.suffices(offers: offerCount, sources: included.count, params: p) else {
            return Evaluation(result: .failure(InsufficientData(offers: today.keptOffers, sources: today.samples.count)),
                              sources: sources, initial: initial, events: events, live: live, imputedCount: imputedCount)
        }
        // §5.4: base capacities, nil filled with the median of the others, capped; the weighted trimmed mean.
        let raw = CrossSource.rawCapacities(included.map { sources[$0].baseCapacity })
        let w = Stats.cappedWeights(raw, cap: p.sourceCap)
        for (k, i) in included.enumerated() {
            sources[i].rawCapacity = raw[k]
            sources[i].weight = w[k]
        }
        let samples = included.map { sources[$0].sample! }
        let value = CrossSource.value(samples.map(\.value), weights: w, trim: p.crossSourceTrim)
        // §5.6 over the sources in the fixing, each with its base capacity.
        var boot = samples
        for k in boot.indices { boot[k].capacity = raw[k] }
        let ci = Bootstrap.interval(boot, cap: p.sourceCap, trim: p.crossSourceTrim, samples: p.bootstrapSamples,
                                    seed: p.bootstrapSeed ^ seedKey, fallback: value)
        let all = samples.flatMap(\.prices).sorted()
        // §5.2: offers dropped within their source, and the offers of sources live today but out as outliers.
        let outlying = sources.reduce(0) { n, s in
            n + ((s.state == .excluded || s.outlierToday) ? (today.sample(s.source)?.prices.count ?? 0) : 0)
        }
        var result = WindowResult(value: value, offers: offerCount, sources: included.count, outliers: today.outliers + outlying,
                                  p25: Stats.quantile(sorted: all, 0.25), p75: Stats.quantile(sorted: all, 0.75),
                                  min: all.first!, max: all.last!, ciLow: ci.low, ciHigh: ci.high,
                                  capacityGPUs: samples.reduce(0) { $0 + ($1.capacity ?? 0) }, inputsHash: today.inputsHash ?? "")
        result.liveSources = live
        result.imputed = included.compactMap { i in
            if case .imputed(let x) = sources[i].state { return x }
            return nil
        }
        return Evaluation(result: .success(result), sources: sources, initial: initial, events: events, live: live,
                          imputedCount: imputedCount)
    }
}

extension PanelEvent.Kind {
    var order: Int {
        switch self {
        case .joined: 0
        case .left: 1
        case .dormant: 2
        case .returned: 3
        }
    }
}
