@testable import CixCore
import Foundation
import CixTestSupport
import Testing

/// Methodology 1.2 (METHODOLOGY.md §5.2, §5.4, §5.5, §5.8): each property of a fixing that moves with
/// prices and not with which sources reported, on numbers computed by hand (the worked examples of
/// §5.4 and §5.8).
@Suite struct PanelTests {
    static let d0 = CivilDate(iso: "2026-03-10")!

    /// A source with one offer at `value` and `capacity` GPUs (its §5.3 value is that price).
    static func source(_ name: String, _ value: Double, capacity: Double?) -> SourceSample {
        SourceSample(source: ObservationKeys.source(Array(name.utf8)), prices: [value], weights: [1], capacity: capacity, value: value)
    }

    static func window(_ sources: [SourceSample]) -> WindowSources {
        WindowSources(samples: sources.sorted { $0.source < $1.source }, outliers: 0, inputsHash: "h")
    }

    static func key(_ name: String) -> UInt64 { ObservationKeys.source(Array(name.utf8)) }

    /// §5.8's worked example: base capacities A 4000, B 1000, C 100, D 100 (weights 0.30, 0.30, 0.20, 0.20).
    static let review = PanelReview(date: CivilDate(iso: "2026-03-01")!, members: ["A", "B", "C", "D"].map(key).sorted(),
                                    capacity: [key("A"): 4000, key("B"): 1000, key("C"): 100, key("D"): 100])
    static let base: [String: Double] = ["A": 3.00, "B": 2.80, "C": 2.00, "D": 2.10]

    static var params: FixingParameters {
        var p = FixingParameters()
        p.minOffers = 3
        p.bootstrapSamples = 0
        return p
    }

    static func day(_ factor: Double, without: Set<String> = []) -> WindowSources {
        window(base.filter { !without.contains($0.key) }.map { source($0.key, $0.value * factor, capacity: 10) })
    }

    static func fix(_ today: WindowSources, history: [WindowSources], review: PanelReview = review, previous: PanelReview? = nil,
                    params p: FixingParameters = params) -> Panel.Evaluation {
        Panel.evaluate(date: d0, today: today, history: history.enumerated().map { (d0.adding(days: -($0.offset + 1)), $0.element) },
                       review: review, previousReview: previous, params: p, seedKey: 1)
    }

    static func value(_ e: Panel.Evaluation) -> Double? {
        if case .success(let w) = e.result { return w.value }
        return nil
    }

    /// §5.4: the weighted trimmed mean. 1, 2, 3, 4 under 0.30, 7/30, 7/30, 7/30 is 35/15 (1.1's weighted
    /// median: 2); five equal weights at 2.0…2.4 give 2.2; t = 0 is the weighted mean.
    @Test func trimmedMeanWorkedExamples() {
        let w = [0.30, 7.0 / 30, 7.0 / 30, 7.0 / 30]
        #expect(abs(Stats.weightedTrimmedMean(sortedValues: [1, 2, 3, 4], weights: w, trim: 0.25) - 35.0 / 15) < 1e-14)
        #expect(abs(Stats.weightedTrimmedMean(sortedValues: [2.0, 2.1, 2.2, 2.3, 2.4], weights: [1, 1, 1, 1, 1], trim: 0.25) - 2.2) < 1e-14)
        #expect(abs(Stats.weightedTrimmedMean(sortedValues: [1, 2, 3], weights: [1, 1, 2], trim: 0) - 9.0 / 4) < 1e-14)
        // §5.8 worked example: C 2.00, D 2.10, B 2.80, A 3.00 under 0.2, 0.2, 0.3, 0.3: overlaps 0, 0.15, 0.30, 0.05 → 2.61.
        #expect(abs(Stats.weightedTrimmedMean(sortedValues: [2.0, 2.1, 2.8, 3.0], weights: [0.2, 0.2, 0.3, 0.3], trim: 0.25) - 2.61) < 1e-14)
    }

    /// Property 3, continuity: two clusters (2.0 and 3.0); as the 3.0 cluster's weight goes from 0.40 to
    /// 0.60 in steps of 0.001 the trimmed mean never moves more than 0.01 a step (1.1's weighted median
    /// jumps the whole 1.0 between clusters when the weight crosses a half).
    @Test func continuousInTheWeights() {
        var last: Double?
        var lastMedian: Double?
        var maxStep = 0.0, maxMedianStep = 0.0
        for i in 0...200 {
            let w = 0.40 + Double(i) / 1000
            let v = Stats.weightedTrimmedMean(sortedValues: [2.0, 3.0], weights: [1 - w, w], trim: 0.25)
            let m = Stats.weightedMedian(sortedValues: [2.0, 3.0], weights: [1 - w, w])
            if let last { maxStep = max(maxStep, abs(v - last)) }
            if let lastMedian { maxMedianStep = max(maxMedianStep, abs(m - lastMedian)) }
            last = v
            lastMedian = m
        }
        // By hand: d value / d w = 1.0 × (1 ÷ 0.5) = 2 per unit weight, 0.002 a step of 0.001.
        #expect(maxStep < 0.0021 && maxStep > 0.0019, "\(maxStep)")
        #expect(maxMedianStep >= 0.5)
    }

    /// §5.8 worked example: all four live give 2.61 with the review's weights.
    @Test func allLive() {
        let e = Self.fix(Self.day(1), history: [Self.day(1)])
        #expect(abs(Self.value(e)! - 2.61) < 1e-14)
        #expect(e.live == 4 && e.imputedCount == 0 && e.events.isEmpty)
        let weights = Dictionary(uniqueKeysWithValues: e.sources.map { ($0.source, $0.weight) })
        for (n, w) in [("A", 0.3), ("B", 0.3), ("C", 0.2), ("D", 0.2)] { #expect(abs(weights[Self.key(n)]! - w) < 1e-15) }
    }

    /// Property 1, outage invariance: with constant prices the fixing does not move when any one source
    /// misses a day, the largest included; the missing one is imputed with age 1.
    @Test func outageInvariance() {
        for missing in ["A", "B", "C", "D"] {
            let e = Self.fix(Self.day(1, without: [missing]), history: [Self.day(1)])
            #expect(abs(Self.value(e)! - 2.61) < 1e-14, "\(missing)")
            guard case .success(let w) = e.result else { Issue.record("not ok"); continue }
            #expect(w.liveSources == 3 && w.sources == 4)
            #expect(w.imputed.map(\.source) == [Self.key(missing)] && w.imputed[0].age == 1 && w.imputed[0].factor == 1)
        }
        // Missing for three days: imputed from the last live window, age 3.
        let e = Self.fix(Self.day(1, without: ["A"]), history: [Self.day(1, without: ["A"]), Self.day(1, without: ["A"]), Self.day(1)])
        guard case .success(let w) = e.result else { Issue.record("not ok"); return }
        #expect(w.imputed.first?.age == 3 && w.imputed.first?.from == Self.d0.adding(days: -3))
    }

    /// Property 2, pass-through: every price 2% up and A (the largest) missing: A is imputed at
    /// 3.00 × 1.02 = 3.06, the fixing is 2.61 × 1.02 = 2.6622. (1.1: the day's capacities give B, C, D a
    /// third each and the weighted median is D's 2.142, −18%.)
    @Test func passThrough() {
        let e = Self.fix(Self.day(1.02, without: ["A"]), history: [Self.day(1)])
        #expect(abs(Self.value(e)! - 2.6622) < 1e-12)
        let a = e.sources.first { $0.source == Self.key("A") }!
        #expect(abs(a.sample!.value - 3.06) < 1e-12)
        if case .imputed(let x) = a.state { #expect(abs(x.factor - 1.02) < 1e-14) } else { Issue.record("A not imputed") }
        // Any factor, any single source missing: the fixing moves by the factor.
        for f in [0.9, 0.97, 1.05, 1.3] {
            for missing in ["A", "B", "C", "D"] {
                let v = Self.value(Self.fix(Self.day(f, without: [missing]), history: [Self.day(1)]))!
                #expect(abs(v / 2.61 - f) < 1e-12, "\(f) \(missing)")
            }
        }
    }

    /// Property 4, explicit panel changes: A silent for longer than `max_imputed_days` (10) is dormant from
    /// the 11th fixing date, out of the fixing, named `dormant`; B, C, D then fix at 2.244 (weights 1/3:
    /// overlaps 1/12, 1/3, 1/12 of 2.04, 2.142, 2.856 ÷ 0.5 at factor 1.02 → 2.2 × 1.02); A returning is named.
    @Test func dormantAndReturned() {
        let silent = Self.day(1.02, without: ["A"])
        var history = [WindowSources](repeating: silent, count: 10)
        history.append(Self.day(1))   // 11 dates back: A's last live window, beyond the maximum age
        let e = Self.fix(silent, history: history)
        #expect(e.sources.first { $0.source == Self.key("A") }!.state == .dormant)
        #expect(e.events == [PanelEvent(kind: .dormant, source: Self.key("A"))])
        #expect(abs(Self.value(e)! - 2.2 * 1.02) < 1e-12)
        // Ten dates back it is still imputed (age 10), and no event.
        var h10 = [WindowSources](repeating: silent, count: 9)
        h10.append(Self.day(1))
        h10.append(Self.day(1))
        let e10 = Self.fix(silent, history: h10)
        #expect(e10.imputedCount == 1 && e10.events.isEmpty)
        // A reports again after being dormant: live, `returned`.
        var back = [WindowSources](repeating: silent, count: 11)
        back.append(Self.day(1))
        let r = Self.fix(Self.day(1.02), history: back)
        #expect(r.events == [PanelEvent(kind: .returned, source: Self.key("A"))] && r.live == 4)
    }

    /// Property 4: a source live on the date but not in the review's panel is a newcomer: out of the
    /// fixing until the next review; at a review, who joined and who left is named.
    @Test func newcomersWaitForTheReview() {
        var today = Self.day(1).samples
        today.append(Self.source("E", 2.5, capacity: 100_000))
        let e = Self.fix(Self.window(today), history: [Self.day(1)])
        #expect(abs(Self.value(e)! - 2.61) < 1e-14)
        #expect(e.sources.first { $0.source == Self.key("E") }!.state == .newcomer)
        // At the next review E is a member and D has left.
        let next = PanelReview.make(date: Self.d0, period: [Self.window(today.filter { $0.source != Self.key("D") })], factor: 3)
        let r = Self.fix(Self.window(today), history: [Self.day(1)], review: next, previous: Self.review)
        #expect(r.events == [PanelEvent(kind: .joined, source: Self.key("E")), PanelEvent(kind: .left, source: Self.key("D"))])
    }

    /// After an initial month (a review with no members), every member of the first real review is
    /// named as joining, in source key order.
    @Test func theFirstReviewNamesEveryMember() {
        let empty = PanelReview(date: CivilDate(iso: "2026-02-01")!, members: [], capacity: [:])
        let e = Self.fix(Self.day(1), history: [Self.day(1)], previous: empty)
        #expect(e.events == Self.review.members.map { PanelEvent(kind: .joined, source: $0) })
    }

    /// §1.2: observations at one instant are ordered by price, not by arrival: the same quotes ingested
    /// in either order give the same time-weighted price (2.00 and 3.00 at 00:00, 2.50 at 12:00, window
    /// end 24:00: the 3.00 holds 12 h, the 2.50 12 h → 2.75).
    @Test func sameInstantObservationsDoNotDependOnArrival() {
        let a = [obs(1, "A", 3.00, offer: "x", at: 0), obs(2, "A", 2.00, offer: "x", at: 0), obs(3, "A", 2.50, offer: "x", at: 43_200)]
        let b = [obs(1, "A", 2.00, offer: "x", at: 0), obs(2, "A", 3.00, offer: "x", at: 0), obs(3, "A", 2.50, offer: "x", at: 43_200)]
        let x = OfferPricing.timeWeighted(a, windowEnd: 86_400), y = OfferPricing.timeWeighted(b, windowEnd: 86_400)
        #expect(x.price == 2.75 && y.price == 2.75)
    }

    /// The review's base capacity is the mean over the windows where the source was live: an outage
    /// in the review period does not lower its weight.
    @Test func reviewCapacityIgnoresOutages() {
        let r = PanelReview.make(date: Self.d0, period: [
            Self.window([Self.source("A", 3, capacity: 4000), Self.source("B", 2, capacity: 900)]),
            Self.window([Self.source("B", 2, capacity: 1100)]),
            Self.window([Self.source("A", 3, capacity: 2000), Self.source("B", 2, capacity: nil)]),
        ], factor: 3)
        #expect(r.members == [Self.key("A"), Self.key("B")].sorted())
        #expect(r.capacity[Self.key("A")] == 3000 && r.capacity[Self.key("B")] == 1000)
    }

    /// Property 6, coverage: four sources with `min_sources` 4: one missing keeps the grade ok with three
    /// live and one imputed; imputed sources alone never fix (at least one live source).
    @Test func coverageCountsLiveAndImputed() {
        var p = Self.params
        p.minSources = 4
        let e = Self.fix(Self.day(1, without: ["C"]), history: [Self.day(1)], params: p)
        #expect(Self.value(e) != nil && e.live == 3 && e.imputedCount == 1)
        let none = Self.fix(Self.window([]), history: [Self.day(1)], params: p)
        #expect(Self.value(none) == nil && none.imputedCount == 4 && none.live == 0)
        // Too few even with imputation: two live, nothing to impute.
        let few = Self.fix(Self.day(1, without: ["A", "B"]), history: [Self.day(1, without: ["A", "B"])], params: p)
        #expect(Self.value(few) == nil)
    }

    /// §5.2 worked examples: within a source, 2.00 2.02 2.04 9.99 drops 9.99 (band 0.088956); across
    /// sources, 2.0…2.4 and 9.99 (median 2.25; levels kept within [1/3, 3]) leave the source at 9.99 out;
    /// 6.70 (level 2.98) stays, 6.80 (3.02) is out.
    @Test func outliersWithinAndAcrossSources() throws {
        let f = Outliers.filter([2.00, 2.02, 2.04, 9.99], k: 3, minRelativeMAD: 0.005)
        #expect(f.kept == [true, true, true, false] && abs(f.band! - 0.088956) < 1e-12)
        #expect(Outliers.isOutlier(level: 9.99 / 2.25, expected: 1, factor: 3))
        #expect(!Outliers.isOutlier(level: 6.70 / 2.25, expected: 1, factor: 3))
        #expect(Outliers.isOutlier(level: 6.80 / 2.25, expected: 1, factor: 3))
        // A source whose review level is 3.2 (a hyperscaler above the crowd) is judged against it: 3.2 × 3.
        #expect(!Outliers.isOutlier(level: 6.80 / 2.25, expected: 3.2, factor: 3))
        // In a window fixed alone (initial panel): the source at 9.99 is excluded, its offer counted dropped.
        let p = FixingParameters()
        var obs: [GradeObservation] = []
        for (i, (src, price)) in [("a", 2.0), ("b", 2.1), ("c", 2.2), ("d", 2.3), ("e", 2.4), ("f", 9.99)].enumerated() {
            obs.append(GradeObservation(quoteID: Int64(i), source: src, offer: "o\(i)", epoch: Self.d0.startEpoch, price: price, availableGPUs: 8))
        }
        let e = FixingEngine.evaluate(obs, windowEnd: p.window(Self.d0).end, params: p, seedKey: 1)
        let w = try e.result.get()
        #expect(e.window.sources.median == 2.25 && w.sources == 5 && w.outliers == 1 && w.value == 2.2)
        #expect(e.panel.sources.first { $0.source == Self.key("f") }!.state == .excluded)
        // At a review, a source whose median level over the period is beyond the factor is left out.
        let r = PanelReview.make(date: Self.d0, period: [e.window.sources], factor: 3)
        #expect(r.members.count == 5 && r.excluded == [Self.key("f")])
    }

    /// A member that reports a wild value for a day (level 10 against its review level 1) counts as
    /// missing: imputed from its last live window, not dropped from the weights.
    @Test func anOutlierDayIsImputed() {
        var wild = Self.day(1).samples
        let i = wild.firstIndex { $0.source == Self.key("A") }!
        wild[i] = Self.source("A", 30.0, capacity: 10)
        let e = Self.fix(Self.window(wild), history: [Self.day(1)])
        #expect(abs(Self.value(e)! - 2.61) < 1e-14)
        let a = e.sources.first { $0.source == Self.key("A") }!
        #expect(a.outlierToday && { if case .imputed = a.state { true } else { false } }())
    }
}

