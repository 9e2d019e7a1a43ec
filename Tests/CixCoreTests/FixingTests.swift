@testable import CixCore
import Foundation
import CixTestSupport
import Testing


@Suite struct FixingTests {
    /// Offers 2.00 2.10 (A), 2.20 2.30 (B), 2.40 50.00 (C), 2.35 (D). Within each source fewer than 3
    /// offers: nothing dropped; source values A 2.05, B 2.25, C 26.2, D 2.35; their median 2.30, so C
    /// (above 3 × 2.30) counts as missing: its two offers are dropped. Three sources cannot respect a 30%
    /// cap: equal weights; the interquartile mean of 2.05, 2.25, 2.35 at 1/3 each is (2.05/12 + 2.25/3 +
    /// 2.35/12) ÷ 0.5 = 2.233333…. METHODOLOGY.md §5.2, §5.3, §5.4.
    @Test func outliersAreDroppedAndTheMediansComputedByHand() throws {
        let w = try fix([obs(1, "A", 2.00), obs(2, "A", 2.10), obs(3, "B", 2.20), obs(4, "B", 2.30), obs(5, "C", 2.40), obs(6, "C", 50.00),
                         obs(7, "D", 2.35)]).get()
        #expect(abs(w.value - (2.05 / 12 + 2.25 / 3 + 2.35 / 12) / 0.5) < 1e-14, "\(w.value)")
        #expect(w.outliers == 2)
        #expect(w.offers == 5)
        #expect(w.sources == 3)
        #expect(abs(w.p25 - 2.10) < 1e-12)
        #expect(abs(w.p75 - 2.30) < 1e-12)
        #expect(w.min == 2.00)
        #expect(w.max == 2.35)
        #expect(w.ciLow <= w.value && w.value <= w.ciHigh)
    }

    /// Capacities 1000, 100, 100, 100 GPUs: shares 0.769, 0.077 ×3; the 30% cap binds: A 0.30, the
    /// excess spread pro rata: 0.2333 each. Values 1, 2, 3, 4: the interquartile mean is 35/15 (§5.4's
    /// worked example; 1.1's weighted median gave 2.00). Uncapped, A alone would be the median (1.00).
    /// METHODOLOGY.md §5.4.
    @Test func theSourceCapBinds() throws {
        let w = Stats.cappedWeights([1000, 100, 100, 100], cap: 0.3)
        #expect(abs(w[0] - 0.3) < 1e-15)
        let rest = w[1...].allSatisfy { abs($0 - 0.7 / 3) < 1e-15 }
        #expect(rest)
        let r = try fix([obs(1, "A", 1.00, available: 500), obs(2, "A", 1.00, available: 500), obs(3, "B", 2.00, available: 100),
                         obs(4, "C", 3.00, available: 100), obs(5, "D", 4.00, available: 100)]).get()
        #expect(abs(r.value - 35.0 / 15) < 1e-14)
        #expect(Stats.weightedMedian(sortedValues: [1, 2, 3, 4], weights: [1000, 100, 100, 100]) == 1.00)
        // Three sources cannot all be at or under 30%: equal weights.
        let third: Double = 1.0 / 3
        let equal: [Double] = Stats.cappedWeights([5, 1, 1], cap: 0.3)
        #expect(equal == [third, third, third])
    }

    /// An offer seen at 00:00 at 2.00 and at 18:00 at 3.00, window ending at 24:00: (2 × 18 + 3 × 6) / 24
    /// = 2.25. Seen first at 12:00: (2 × 6 + 3 × 6) / 12 = 2.50. It counts as one offer.
    /// METHODOLOGY.md §5.1.
    @Test func aReObservedOfferIsTimeWeighted() throws {
        let a = OfferPricing.timeWeighted([obs(1, "A", 2.00, at: 0), obs(2, "A", 3.00, at: 64_800)], windowEnd: 86_400)
        #expect(a.price == 2.25)
        let b = OfferPricing.timeWeighted([obs(2, "A", 3.00, at: 64_800), obs(1, "A", 2.00, at: 43_200)], windowEnd: 86_400)
        #expect(b.price == 2.50)
        let r = try fix([obs(1, "A", 2.00, offer: "x", at: 0), obs(2, "A", 3.00, offer: "x", at: 64_800), obs(3, "B", 2.2),
                         obs(4, "B", 2.3), obs(5, "C", 2.4), obs(6, "C", 2.5)]).get()
        #expect(r.offers == 5)
    }

    /// Thin data: stale for five days (carrying the last ok value), then suspended, then back.
    /// METHODOLOGY.md §5.5.
    @Test func staleThenSuspendedThenBack() {
        let ok = WindowResult(value: 2.0, offers: 9, sources: 4, outliers: 0, p25: 0, p75: 0, min: 0, max: 0, ciLow: 0, ciHigh: 0,
                              capacityGPUs: 0, inputsHash: "")
        let thin: Result<WindowResult, InsufficientData> = .failure(InsufficientData(offers: 2, sources: 1))
        var days: [Result<WindowResult, InsufficientData>] = [.success(ok)] + Array(repeating: thin, count: 7)
        var back = ok
        back.value = 2.5
        days.append(.success(back))
        let d0 = CivilDate(iso: "2026-01-01")!
        var statuses: [FixingStatus] = []
        for i in days.indices {
            let history = (1...5).map { i - $0 >= 0 ? days[i - $0] : nil }
            let f = FixingEngine.fixing(grade: "G", date: d0.adding(days: i), today: days[i], history: history, params: params)
            statuses.append(f.status)
            if f.status == .stale { #expect(f.value == 2.0 && f.carriedFrom == d0) }
            if f.status == .suspended { #expect(f.value == nil) }
            if i == 8 { #expect(f.value == 2.5) }
        }
        #expect(statuses == [.ok, .stale, .stale, .stale, .stale, .stale, .suspended, .suspended, .ok])
        // Fewer than 3 sources or 5 offers is insufficient.
        #expect(throws: InsufficientData.self) { try fix([obs(1, "A", 2), obs(2, "B", 2), obs(3, "B", 2), obs(4, "B", 2), obs(5, "B", 2)]).get() }
        #expect(throws: InsufficientData.self) { try fix([obs(1, "A", 2), obs(2, "B", 2), obs(3, "C", 2), obs(4, "C", 2)]).get() }
    }

    /// Multiplying every price by k multiplies the fixing (and its statistics) by k.
    /// METHODOLOGY.md §5.3–§5.6.
    @Test(arguments: [0.5, 3.7, 1000])
    func scalingPricesScalesTheFixing(k: Double) throws {
        let base = demoObservations(seed: 11)
        let a = try fix(base).get()
        let b = try fix(base.map { var o = $0; o.price *= k; return o }).get()
        for (x, y) in [(a.value, b.value), (a.p25, b.p25), (a.p75, b.p75), (a.ciLow, b.ciLow), (a.ciHigh, b.ciHigh)] {
            #expect(abs(y - k * x) <= 1e-12 * abs(k * x))
        }
    }

    /// METHODOLOGY.md §1.2, §5.
    @Test func quoteOrderDoesNotMatter() throws {
        let base = demoObservations(seed: 12)
        let a = try fix(base).get()
        var rng = TestRNG()
        for _ in 0..<5 { #expect(try fix(base.shuffled(using: &rng)).get() == a) }
    }

    /// METHODOLOGY.md §5.2.
    @Test func oneExtremeOutlierDoesNotMoveTheFixing() throws {
        let base = demoObservations(seed: 13)
        let a = try fix(base).get()
        for extreme in [1e6, 1e-6] {
            let b = try fix(base + [obs(999_999, "vast", extreme, available: 1_000_000)]).get()
            #expect(b.value == a.value)
            #expect(b.outliers == a.outliers + 1)
        }
    }

    /// A window with several sources, offers re-observed during the day and capacity data.
    func demoObservations(seed: UInt64) -> [GradeObservation] {
        var r = SplitMixCore(seed: seed)
        var out: [GradeObservation] = []
        var id: Int64 = 0
        for (s, level) in [("vast", 1.8), ("runpod", 2.1), ("lambda", 2.9), ("nebius", 2.95), ("crusoe", 3.4)] {
            for offer in 0..<Int(3 + r.next() % 20) {
                let n = 1 + Int(r.next() % 4)
                for k in 0..<n {
                    id += 1
                    let p = level * (0.8 + Double(r.next() % 400) / 1000)
                    out.append(obs(id, s, p, offer: "\(s)-\(offer)", at: Int64(k * 20_000), available: s == "lambda" ? nil : Int(1 + r.next() % 64)))
                }
            }
        }
        return out
    }
}

@Suite struct IndexTests {
    /// Statistics Finland's chain-linking example: a Dec-2003 level of 104.47 on the old base (and
    /// 101.88 on a second base) linked with the Jan-2004 index 100.34 on the new base (Dec 2003 = 100;
    /// unrounded 100.335) gives 104.82 and 102.22. Linking the rounded 100.34 would give 104.83 and
    /// 102.23: linking must use the unrounded value.
    /// METHODOLOGY.md §6.3, §1.4.
    @Test func statisticsFinlandChainLinking() {
        let unrounded = 100.335 / 100
        #expect(Decimals.format(IndexEngine.link(104.47, relative: unrounded), places: 2) == "104.82")
        #expect(Decimals.format(IndexEngine.link(101.88, relative: unrounded), places: 2) == "102.22")
        let rounded = Decimals.roundPublished(100.335, places: 2) / 100
        #expect(Decimals.format(IndexEngine.link(104.47, relative: rounded), places: 2) == "104.83")
        #expect(Decimals.format(IndexEngine.link(101.88, relative: rounded), places: 2) == "102.23")
    }

    func def(_ grades: [String], base: String, weighting: IndexDefinition.Weighting = .capacity, weights: [String: Double]? = nil) -> IndexDefinition {
        IndexDefinition(id: "T", name: "T", kind: grades.count == 1 ? .single : .composite, grades: grades, weighting: weighting,
                        weights: weights, cap: 1, floor: 0, baseDate: CivilDate(iso: base)!)
    }

    /// Two constituents at equal capacity from 2026-01-02 (a Friday; weights from data up to five
    /// business days before): G1 2.0 → 2.2 and G2 4.0 flat give 1000 × (0.5 × 1.1 + 0.5 × 1.0) = 1050.
    /// G3 starts quoting in February: it enters at the 2026-04-01 rebalance with no jump in the level.
    /// METHODOLOGY.md §6.2, §6.3, §6.4.
    @Test func compositeAcrossARebalanceWithAnEntry() {
        let start = CivilDate(iso: "2025-12-01")!
        func price(_ g: String, _ d: CivilDate) -> ConstituentPrice? {
            let t = d.dayNumber - start.dayNumber
            switch g {
            case "G1": return ConstituentPrice(value: d >= CivilDate(iso: "2026-01-03")! ? 2.2 : 2.0, status: .ok, capacityGPUs: 100)
            case "G2": return ConstituentPrice(value: 4.0 + (d > CivilDate(iso: "2026-04-01")! ? 0.4 : 0), status: .ok, capacityGPUs: 100)
            case "G3": return d >= CivilDate(iso: "2026-02-01")! ? ConstituentPrice(value: 6.0 + Double(t % 3) * 0.1, status: .ok, capacityGPUs: 200) : nil
            default: return nil
            }
        }
        let series = IndexEngine.compute(def(["G1", "G2", "G3"], base: "2026-01-02"), calendar: .weekdays, through: CivilDate(iso: "2026-04-10")!,
                                         prices: price, performance: { _ in 1 })
        let byDate = Dictionary(uniqueKeysWithValues: series.map { ($0.date.description, $0) })
        #expect(byDate["2026-01-02"]!.level == 1000)
        #expect(byDate["2026-01-02"]!.constituents.map(\.grade) == ["G1", "G2"])
        #expect(abs(byDate["2026-01-03"]!.level! - 1050) < 1e-9)
        // 2026-04-01 (Wednesday) is the rebalance: its level uses the old link; G3 joins the new link.
        let r = byDate["2026-04-01"]!
        #expect(abs(r.level! - 1050) < 1e-9)
        #expect(r.linkDate == CivilDate(iso: "2026-01-02"))
        let after = byDate["2026-04-02"]!
        #expect(after.linkDate == CivilDate(iso: "2026-04-01"))
        #expect(after.constituents.map(\.grade) == ["G1", "G2", "G3"])
        // Weights at the new link: capacity over the 91 days to 2026-03-25: G1 and G2 91 × 100 × 24, G3 53 days × 200 × 24.
        let w = after.constituents.map(\.weight)
        let raw = [91.0 * 2400, 91.0 * 2400, 53.0 * 4800]
        for i in 0..<3 { #expect(abs(w[i] - raw[i] / raw.reduce(0, +)) < 1e-12) }
        // On 04-02 only G2 moved (+10%) and G3 moved with its 3-day cycle: the level follows, no jump.
        let g3 = after.constituents[2]
        let expected = 1050 * (w[0] * 1 + w[1] * 4.4 / 4.0 + w[2] * g3.price / g3.linkPrice)
        #expect(abs(after.level! - expected) < 1e-9)
    }

    /// A suspended constituent is held at its last price and flagged; a suspended single-grade index
    /// publishes nothing.
    /// METHODOLOGY.md §6.5, §6.1.
    @Test func suspendedConstituentsAreHeld() {
        let d0 = CivilDate(iso: "2026-01-05")!
        func price(_ g: String, _ d: CivilDate) -> ConstituentPrice? {
            if g == "G2", d.dayNumber - d0.dayNumber == 3 { return ConstituentPrice(value: nil, status: .suspended, capacityGPUs: 0) }
            return ConstituentPrice(value: g == "G1" ? 2 : 4 + Double(d.dayNumber - d0.dayNumber) * 0.1, status: .ok, capacityGPUs: 1)
        }
        let comp = IndexEngine.compute(def(["G1", "G2"], base: "2026-01-05"), calendar: .weekdays, through: d0.adding(days: 4), prices: price, performance: { _ in 1 })
        #expect(comp[3].status == .partial)
        #expect(comp[3].constituents[1].held)
        #expect(comp[3].constituents[1].price == comp[2].constituents[1].price)
        let single = IndexEngine.compute(def(["G2"], base: "2026-01-05"), calendar: .weekdays, through: d0.adding(days: 4), prices: price, performance: { _ in 1 })
        #expect(single[3].status == .suspended)
        #expect(single[3].level == nil)
        #expect(single[4].level != nil)
    }

    /// Two years of demo-shaped fixings (the demo market's price paths with noise, B200 entering in
    /// March 2025, gaps): the engine agrees with a naive path that recomputes every level directly from
    /// the base through each link, to 1e-9 relative; and multiplying every price by k leaves every
    /// level unchanged.
    /// METHODOLOGY.md §6.2, §6.3.
    @Test func engineAgreesWithANaivePathOnTwoYearsOfDemoData() {
        let first = CivilDate(iso: "2024-11-25")!
        let grades = ["H100", "H200", "B200", "A100", "L40S"]
        let ratio = ["H100": 1.0, "H200": 1.28, "B200": 1.95, "A100": 0.58, "L40S": 0.42]
        let entry = ["B200": CivilDate(iso: "2025-03-01")!]
        func price(_ g: String, _ d: CivilDate, k: Double = 1) -> ConstituentPrice? {
            if let e = entry[g], d < e { return nil }
            var r = SplitMixCore(seed: UInt64(bitPattern: d.dayNumber) &* 31 &+ UInt64(g.utf8.count))
            if g == "A100" && r.next() % 50 == 0 { return ConstituentPrice(value: nil, status: .suspended, capacityGPUs: 0) }
            let noise = 1 + (Double(r.next() % 1000) / 1000 - 0.5) * 0.04
            let level = DemoMarketShape.h100(d) * ratio[g]! * noise * k
            return ConstituentPrice(value: level, status: .ok, capacityGPUs: Double(100 + r.next() % 900))
        }
        var d = def(grades, base: "2024-12-02")
        d.cap = 0.5
        d.floor = 0.05
        d.h100Equivalent = true
        let perf = ["H100": 1.0, "H200": 1.0, "B200": 2250.0 / 989, "A100": 312.0 / 989, "L40S": 362.0 / 989]
        let end = first.adding(days: 729)
        let engine = IndexEngine.compute(d, calendar: .weekdays, through: end, prices: { price($0, $1) }, performance: { perf[$0]! })
        #expect(engine.count > 700)
        // Naive path (NaiveIndex): link dates, weights, link prices and levels computed independently.
        let naive = NaiveIndex(def: d, calendar: .weekdays, prices: { price($0, $1)?.value }, capacity: { price($0, $1)?.capacityGPUs ?? 0 },
                               performance: { perf[$0]! }).run(through: end)
        var maxRel = 0.0
        for v in engine {
            guard let expected = naive.levels[v.date] else { Issue.record("no naive level on \(v.date)"); continue }
            #expect((expected == nil) == (v.level == nil))
            if let e = expected, let l = v.level { maxRel = max(maxRel, abs(e - l) / e) }
        }
        #expect(maxRel < 1e-9)
        let engineLinks = engine.reduce(into: [CivilDate]()) { if $0.last != $1.linkDate { $0.append($1.linkDate!) } }
        #expect(engineLinks == naive.links.map(\.date).filter { $0 <= engine.last!.date }.prefix(engineLinks.count).map { $0 })
        let links = naive.links
        #expect(links.count >= 8, "two years of quarterly rebalances")
        let b200Later = links.contains { $0.weights["B200"] != nil }
        let b200AtBase = links[0].weights["B200"] != nil
        #expect(b200Later)
        #expect(!b200AtBase)
        let scaled = IndexEngine.compute(d, calendar: .weekdays, through: end, prices: { price($0, $1, k: 7.3) }, performance: { perf[$0]! })
        for (a, b) in zip(engine, scaled) { #expect(abs(a.level! - b.level!) <= 1e-9 * a.level!) }
    }
}

/// The demo market's H100 path (a copy of its anchors' shape, so this test does not depend on the I/O module).
enum DemoMarketShape {
    static func h100(_ d: CivilDate) -> Double {
        let t = Double(d.dayNumber - CivilDate(iso: "2024-11-25")!.dayNumber)
        return 2.6 - 0.8 * sin(t / 240) + (d >= CivilDate(iso: "2026-06-29")! ? -0.4 : 0)
    }
}

/// §9.4: the first fixing date a new quote touches (fixing time 16:00 UTC, the window ending at it).
@Suite struct FirstDateTouchedTests {
    @Test(arguments: [("2026-11-24T15:59:59Z", "2026-11-24"), ("2026-11-24T16:00:00Z", "2026-11-24"), ("2026-11-24T16:00:01Z", "2026-11-25"),
                      ("2026-11-24T00:00:00Z", "2026-11-24"), ("1969-12-31T23:00:00Z", "1970-01-01"), ("1969-12-31T15:00:00Z", "1969-12-31")])
    func firstDateTouched(observed: String, date: String) throws {
        guard case .success(let epoch) = Timestamp.parse(observed) else { Issue.record("bad time"); return }
        var p = FixingParameters()
        p.fixingTimeSeconds = 16 * 3600
        #expect(p.firstDateTouched(byObservationAt: epoch).description == date, "\(observed)")
    }
}
