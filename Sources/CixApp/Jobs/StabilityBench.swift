import CixCore
import CixIO
import Foundation

/// `cix bench stability` (METHODOLOGY.md §5.8): a synthetic market with a known common price factor and
/// random source outages, fixed under the 1.1 rules and the 1.2 rules. A benchmark must move with the
/// factor, not with which sources reported: for each rule it reports how far the fixings' daily log
/// changes stray from the factor's.
public struct StabilityConfig: Sendable {
    public var seed: UInt64 = 1
    public var grades = 24
    public var days = 180
    /// Probability that a source misses a day.
    public var outageRate = 0.2
    /// The largest source of each grade also misses every n-th day.
    public var largestEvery = 7
    /// Daily volatility of the common factor and each offer's own noise.
    public var factorVol = 0.01
    public var offerNoise = 0.003
    /// Days before the statistics start (the first review must have data).
    public var warmup = 40
    public init() {}
}

public struct StabilityRow: Sendable {
    public var rule: String
    /// RMS and worst absolute daily difference between the fixing's and the factor's log changes.
    public var rms: Double
    public var worst: Double
    /// Grades ok on every measured day, and grade-days not ok.
    public var gradesAllOK: Int
    public var daysNotOK: Int
    public var grades: Int
    public var measured: Int
}

public enum StabilityBench {
    struct Source {
        var name: String
        var capacity: Int
        var offers: [Double]
        var large: Bool
    }

    /// A grade's sources: 2–4 large clouds (few offers near 3.0, 1,000–8,000 GPUs) and 4–8 marketplaces
    /// (many offers near 2.0, tens to hundreds of GPUs), like the real market's two tiers.
    static func market(_ rng: inout SplitMixCore, grade: Int) -> [Source] {
        var out: [Source] = []
        let level = 1 + rng.unit()
        for k in 0..<(2 + rng.int(3)) {
            let n = 1 + rng.int(3)
            out.append(Source(name: "cloud\(k)", capacity: 1000 * (1 + rng.int(8)),
                              offers: (0..<n).map { _ in 3.0 * level * exp(0.05 * rng.normal()) }, large: true))
        }
        for k in 0..<(4 + rng.int(5)) {
            let n = 5 + rng.int(40)
            out.append(Source(name: "market\(k)", capacity: 20 + rng.int(400),
                              offers: (0..<n).map { _ in 2.0 * level * exp(0.08 * rng.normal()) }, large: false))
        }
        return out
    }

    public static func run(_ c: StabilityConfig) -> [StabilityRow] {
        var p = FixingParameters()
        p.bootstrapSamples = 0
        var rng = SplitMixCore(seed: c.seed)
        let start = CivilDate(iso: "2026-01-01")!
        var factor: [Double] = [1]
        for _ in 1..<c.days { factor.append(factor.last! * exp(c.factorVol * rng.normal())) }
        var legacy: [[Double?]] = []
        var panel: [[Double?]] = []
        var legacyOK: [[Bool]] = []
        var panelOK: [[Bool]] = []
        for g in 0..<c.grades {
            let sources = market(&rng, grade: g)
            let largest = sources.indices.max { sources[$0].capacity < sources[$1].capacity }!
            var windows: [WindowSources] = []
            var lv: [Double?] = [], pv: [Double?] = [], lo: [Bool] = [], po: [Bool] = []
            for day in 0..<c.days {
                let date = start.adding(days: day)
                let end = p.window(date).end
                var obs: [GradeObservation] = []
                var q: Int64 = 0
                for (si, s) in sources.enumerated() {
                    let out = rng.unit() < c.outageRate || (si == largest && day % c.largestEvery == 3)
                    if out { continue }
                    for (oi, base) in s.offers.enumerated() {
                        q += 1
                        obs.append(GradeObservation(quoteID: q, source: s.name, offer: "\(s.name)-\(oi)", epoch: end - 3600,
                                                    price: base * factor[day] * exp(c.offerNoise * rng.normal()),
                                                    availableGPUs: max(1, s.capacity / s.offers.count)))
                    }
                }
                // 1.1: offers pooled for the outlier filter, the day's capacities, a weighted median across sources.
                let offers = OfferPricing.offers(obs, windowEnd: end)
                let f = Outliers.filter(offers.map(\.price), k: p.outlierK, minRelativeMAD: p.outlierMinRelativeMAD)
                let samples = SourceMedians.samples(zip(offers, f.kept).filter(\.1).map(\.0))
                if samples.count >= p.minSources && samples.reduce(0, { $0 + $1.prices.count }) >= p.minOffers {
                    let w = CrossSource.weights(capacities: samples.map(\.capacity), cap: p.sourceCap)
                    let order = samples.indices.sorted { (samples[$0].value, $0) < (samples[$1].value, $1) }
                    lv.append(Stats.weightedMedian(sortedValues: order.map { samples[$0].value }, weights: order.map { w[$0] }))
                    lo.append(true)
                } else {
                    lv.append(lv.last ?? nil)
                    lo.append(false)
                }
                // 1.2: the window, then the panel with its history and review.
                let today = FixingEngine.window(obs, windowEnd: end, params: p, hash: false).sources
                let history = (1...(p.maxImputedDays + 1)).compactMap { k in day - k >= 0 ? (start.adding(days: day - k), windows[day - k]) : nil }
                let r = p.review(for: date, calendar: .weekdays)
                let period = r.period.compactMap { d -> WindowSources? in
                    let i = Int(d.dayNumber - start.dayNumber)
                    return i >= 0 && i < windows.count ? windows[i] : nil
                }
                let e = Panel.evaluate(date: date, today: today, history: history, review: PanelReview.make(date: r.date, period: period, factor: p.sourceOutlierFactor),
                                       previousReview: nil, params: p, seedKey: 0)
                if case .success(let w) = e.result { pv.append(w.value); po.append(true) } else { pv.append(pv.last ?? nil); po.append(false) }
                windows.append(today)
            }
            legacy.append(lv); panel.append(pv); legacyOK.append(lo); panelOK.append(po)
        }
        func row(_ rule: String, _ v: [[Double?]], _ ok: [[Bool]]) -> StabilityRow {
            var sq = 0.0, worst = 0.0, n = 0, allOK = 0, notOK = 0
            for g in 0..<c.grades {
                var good = true
                for d in max(1, c.warmup)..<c.days {
                    if !ok[g][d] { good = false; notOK += 1 }
                    guard let a = v[g][d], let b = v[g][d - 1] else { continue }
                    let diff = log(a / b) - log(factor[d] / factor[d - 1])
                    sq += diff * diff
                    worst = max(worst, abs(diff))
                    n += 1
                }
                if good { allOK += 1 }
            }
            return StabilityRow(rule: rule, rms: n > 0 ? (sq / Double(n)).squareRoot() : 0, worst: worst, gradesAllOK: allOK,
                                daysNotOK: notOK, grades: c.grades, measured: n)
        }
        return [row("1.1 (pooled outliers, daily weights, weighted median)", legacy, legacyOK),
                row("1.2 (panel: imputation, review weights, trimmed mean)", panel, panelOK)]
    }
}
