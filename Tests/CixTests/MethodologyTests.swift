@testable import CixApp
@testable import CixCore
@testable import CixIO
import CixStore
import Foundation
import GRDB
import CixTestSupport
import Testing

/// Methodology 1.1: each defect found by the independent re-implementation, pinned with a number
/// computed by hand (or by `Reference/methodology_reference.py`, written from METHODOLOGY.md alone).
@Suite(.serialized) struct MethodologyTests {
    let indices = repoRoot + "/Indices"

    func reference(_ what: String, _ input: [String: Any]) throws -> Any {
        let data = try JSONSerialization.data(withJSONObject: input)
        let tmp = try tempDir("ref") + "/in.json"
        try data.write(to: URL(fileURLWithPath: tmp))
        let (code, out, err) = try runProcess("/bin/sh", ["-c", "python3 \(repoRoot)/Tests/CixTests/Reference/methodology_reference.py \(what) < \(tmp)"])
        #expect(code == 0, "\(err)")
        return try JSONSerialization.jsonObject(with: Data(out.utf8), options: [.fragmentsAllowed])
    }

    // 1. Bounded weights (§6.4)

    /// Four grades whose capacity shares pin three at the 0.30 cap: the fourth is not left at its 0.02
    /// floor (the old sum 0.92) but takes the rest: 0.30, 0.30, 0.30, 0.10.
    @Test func floorAndCapTogetherStillSumToOne() {
        let w = Stats.boundedWeights([400, 400, 400, 10], floor: 0.02, cap: 0.30)
        #expect(w.map { ($0 * 1e12).rounded() / 1e12 } == [0.3, 0.3, 0.3, 0.1])
        // CIX-CCC's bounds, shares .50 .45 .015 .015 .01 .01: two capped at .40; λ = (1 − .8) / .05 = 4 for the
        // others: .06 .06 .04 .04 (the old rule dropped the level 12% at the rebalance).
        let c = Stats.boundedWeights([50, 45, 1.5, 1.5, 1, 1], floor: 0.02, cap: 0.40)
        let expected = [0.4, 0.4, 0.06, 0.06, 0.04, 0.04]
        for i in 0..<6 { #expect(abs(c[i] - expected[i]) < 1e-15, "\(c)") }
        // Both bounds bind: shares .9 .05 .03 .02 with floor .1, cap .5: .5, then λ solves .1-floors…
        let b = Stats.boundedWeights([90, 5, 3, 2], floor: 0.1, cap: 0.5)
        // λ·.05 + λ·.03 + λ·.02 would be .5 at λ = 5: .25 .15 .10, all ≥ .1: exact.
        for (x, y) in zip(b, [0.5, 0.25, 0.15, 0.1]) { #expect(abs(x - y) < 1e-15, "\(b)") }
        // Infeasible bounds (two constituents under a 0.40 cap): equal weights.
        #expect(Stats.boundedWeights([3, 1], floor: 0.02, cap: 0.40) == [0.5, 0.5])
    }

    /// Property: random capacities, weights sum to 1 within [floor, cap], and a composite with flat prices
    /// keeps its level across rebalances.
    @Test func boundedWeightsPropertiesAndFlatLevels() {
        var r = SplitMixCore(seed: 99)
        for _ in 0..<500 {
            let n = 2 + Int(r.next() % 8)
            let floor = Double(r.next() % 10) / 100 / Double(n)
            let cap = min(1, 1 / Double(n) + Double(r.next() % 60) / 100)
            let raw = (0..<n).map { _ in Double(r.next() % 10_000) * (r.next() % 3 == 0 ? 0.001 : 1) + 0.001 }
            let w = Stats.boundedWeights(raw, floor: floor, cap: cap)
            #expect(abs(w.reduce(0, +) - 1) < 1e-12)
            #expect(w.allSatisfy { $0 >= floor - 1e-15 && $0 <= cap + 1e-15 })
            // The free weights keep their raw proportions.
            let free = w.indices.filter { w[$0] > floor + 1e-12 && w[$0] < cap - 1e-12 }
            if free.count >= 2 { #expect(abs(w[free[0]] / w[free[1]] - raw[free[0]] / raw[free[1]]) < 1e-9) }
        }
        let def = IndexDefinition(id: "T", name: "T", kind: .composite, grades: ["A", "B", "C", "D"], cap: 0.3, floor: 0.02,
                                  baseDate: CivilDate(iso: "2026-01-02")!)
        let caps = ["A": 400.0, "B": 400, "C": 400, "D": 10]
        let series = IndexEngine.compute(def, calendar: .weekdays, through: CivilDate(iso: "2026-07-31")!,
                                         prices: { g, _ in ConstituentPrice(value: 2.0, status: .ok, capacityGPUs: caps[g]!) },
                                         performance: { _ in 1 })
        #expect(series.allSatisfy { $0.level! == 1000 || abs($0.level! - 1000) < 1e-9 })
        let total: Double = series.last!.constituents.map(\.weight).reduce(0, +)
        #expect(abs(total - 1) < 1e-15)
    }

    // 3. The outlier filter when MAD = 0 (§5.2)

    /// One source's five offers at 2.00 and one at 9.99 (1.2: the filter works within each source; two
    /// more sources at 2.00 make the fixing sufficient): MAD = 0, so the dispersion floor 0.005 × 2.00 =
    /// 0.01 sets the band 3 × 1.4826 × 0.01 = 0.044478: 9.99 is dropped. Both sides of the band: 2.04
    /// (0.04) is kept, 2.05 (0.05) dropped.
    @Test func aWildOfferIsDroppedWhenTheOthersAgreeExactly() throws {
        let five = (1...5).map { obs(Int64($0), "A", 2.00) } + [obs(7, "B", 2.00), obs(8, "C", 2.00)]
        let w = try fix(five + [obs(6, "A", 9.99)]).get()
        #expect(w.outliers == 1 && w.max == 2.00 && w.value == 2.00)
        let near = try fix(five + [obs(6, "A", 2.04)]).get()
        #expect(near.outliers == 0 && near.max == 2.04)
        let far = try fix(five + [obs(6, "A", 2.05)]).get()
        #expect(far.outliers == 1 && far.max == 2.00)
        let f = Outliers.filter([2, 2, 2, 2, 2, 2.05], k: 3, minRelativeMAD: 0.005)
        #expect(f.mad == 0 && f.scale == 0.01 && abs(f.band! - 0.044478) < 1e-15)
    }

    // 4. Fractions of a second at the window ends (§5.1)

    /// The window of D is (D−1 16:00:00, D 16:00:00] at full precision: 16:00:00.5 on D belongs to D+1,
    /// 16:00:00.5 on D−1 to D, and 16:00:00 exactly to D.
    @Test func windowEndsAreComparedAtFullPrecision() throws {
        let dir = try tempDir()
        let s = try Store(path: dir + "/s.sqlite")
        let rows = ["2026-11-24T16:00:00.5Z,a,x1,H100,8,us-east-1,on_demand,2.0,USD,hour,gpu,,",
                    "2026-11-23T16:00:00.5Z,a,x2,H100,8,us-east-1,on_demand,2.0,USD,hour,gpu,,",
                    "2026-11-24T16:00:00Z,a,x3,H100,8,us-east-1,on_demand,2.0,USD,hour,gpu,,",
                    "2026-11-23T16:00:00Z,a,x4,H100,8,us-east-1,on_demand,2.0,USD,hour,gpu,,",
                    "2026-11-24T17:00:00.000000001+01:00,a,x5,H100,8,us-east-1,on_demand,2.0,USD,hour,gpu,,"]
        try write(quotesCSV(rows), to: dir + "/q.csv")
        var o = IngestOptions()
        o.writeRejectFiles = false
        _ = try IngestJob.run(store: s, paths: [dir + "/q.csv"], options: o)
        let defs = try DefinitionLoader.methodology(indices)
        _ = try NormalizeJob.run(store: s, ref: defs.reference)
        let gi = defs.reference.grades.grades.firstIndex { $0.id == "H100-SXM.NA.OD" }!
        func offers(_ d: String) throws -> [String] {
            let b = try s.read { try FixingJob.observations($0, date: CivilDate(iso: d)!, defs: defs, recordNames: true) }
            return b.observations[gi].map { b.names![$0.offer!]! }.map { String($0.prefix(2)) }.sorted()
        }
        #expect(try offers("2026-11-24") == ["x2", "x3"])
        #expect(try offers("2026-11-25") == ["x1", "x5"])
        #expect(try offers("2026-11-23") == ["x4"])
    }

    // 5. A reproducible inputs hash (§5.7, §6.7)

    /// The inputs hash depends on no store-internal id: the same quotes in another order give the same
    /// hash, and the reference script recomputes it from `cix export quotes` alone; likewise an index's
    /// from the indices and weights exports.
    @Test func inputsHashesAreRecomputedFromTheExports() throws {
        let dir = try tempDir()
        let (s, c) = try smallDemoStore(dir + "/a", days: 2)
        let defs = try DefinitionLoader.methodology(indices)
        _ = try FixingJob.run(store: s, defs: defs, from: c.first, to: c.end, now: "t")
        _ = try IndexJob.run(store: s, defs: defs, from: c.first, to: c.end, now: "t")
        try ExportJob.run(store: s, kind: .quotes, range: DateRange(), format: .csv, out: dir + "/q.csv")
        try ExportJob.run(store: s, kind: .indices, range: DateRange(), format: .csv, out: dir + "/i.csv")
        try ExportJob.run(store: s, kind: .weights, range: DateRange(), format: .csv, out: dir + "/w.csv")
        let w = defs.fixing.window(c.end)
        for grade in ["H100-SXM.NA.OD", "A100-80GB.GLOBAL.OD"] {
            let stored = try s.read { try $0.latestFixing(grade: grade, date: c.end) }!.inputsHash!
            let ext = try reference("inputs-hash", ["export": dir + "/q.csv", "grade": grade,
                                                    "start": Timestamp.format(w.start), "end": Timestamp.format(w.end)]) as! String
            #expect(ext == stored, "\(grade)")
        }
        let idx = try s.read { try $0.latestIndexLevel(index: "CIX-CCC", date: c.end) }!
        let ext = try reference("index-hash", ["indices": dir + "/i.csv", "weights": dir + "/w.csv", "index": "CIX-CCC", "date": c.end.description]) as! String
        #expect(ext == idx.inputsHash)
        // The same day's file ingested in reverse order into another store: same fixing inputs hash.
        let lines = try String(contentsOfFile: dir + "/a/quotes/\(c.end).csv", encoding: .utf8).split(separator: "\n")
        try write(([String(lines[0])] + lines.dropFirst().reversed().map(String.init)).joined(separator: "\n") + "\n", to: dir + "/rev.csv")
        let s2 = try Store(path: dir + "/b.sqlite")
        var o = IngestOptions()
        o.writeRejectFiles = false
        _ = try IngestJob.run(store: s2, paths: [dir + "/a/quotes/\(c.first).csv", dir + "/rev.csv"], options: o)
        _ = try FXJob.ingest(store: s2, paths: [dir + "/a/fx/eurofxref-hist.csv"], now: "t")
        _ = try NormalizeJob.run(store: s2, ref: defs.reference)
        _ = try FixingJob.run(store: s2, defs: defs, from: c.end, to: c.end, now: "t")
        for grade in ["H100-SXM.NA.OD", "H100-SXM.GLOBAL.OD"] {
            let a = try s.read { try $0.latestFixing(grade: grade, date: c.end) }!
            let b = try s2.read { try $0.latestFixing(grade: grade, date: c.end) }!
            #expect(a.inputsHash == b.inputsHash && a.value == b.value && a.ciLow == b.ciLow)
        }
    }

    // 6. A confidence interval that is not a point (§5.6)

    /// Four sources with one offer each (2.0, 2.3, 2.5, 2.7): resampling sources as well as offers gives
    /// an interval, not the point [2.3, 2.3]; the reference script reproduces it from the document, and
    /// it is pinned here.
    @Test func theClusterBootstrapIsReproducibleOutside() throws {
        let o = [obs(1, "A", 2.0, available: 10), obs(2, "B", 2.3, available: 10), obs(3, "C", 2.5, available: 10), obs(4, "D", 2.7, available: 10)]
        var p = params
        p.minOffers = 4
        let seedKey = Bootstrap.seedKey(grade: "G", date: CivilDate(iso: "2026-11-24")!)
        let e = FixingEngine.evaluate(o, windowEnd: 86_400, params: p, seedKey: seedKey)
        let w = try e.result.get()
        #expect(w.ciLow < w.ciHigh)
        let sources = e.sources.map { ["prices": $0.prices, "weights": $0.weights, "capacity": $0.capacity as Any] as [String: Any] }
        let ext = try reference("bootstrap", ["sources": sources, "cap": p.sourceCap, "samples": p.bootstrapSamples,
                                              "seed": NSNumber(value: p.bootstrapSeed ^ seedKey)]) as! [Double]
        #expect(ext == [w.ciLow, w.ciHigh])
        #expect(w.ciLow == 2.0 && w.ciHigh == 2.7, "pinned: [\(w.ciLow), \(w.ciHigh)]")
        // Four sources at 30% cap: 0.25 each; the value is the mean of the two middle ones, 2.4.
        #expect(abs(w.value - 2.4) < 1e-15)
        // A richer case, pinned against the reference too.
        let rich = (1...12).map { obs(Int64($0), "S\($0 % 5)", 2 + Double($0 % 7) / 10, offer: "o\($0)", available: $0 * 3) }
        let e2 = FixingEngine.evaluate(rich, windowEnd: 86_400, params: params, seedKey: 7)
        let w2 = try e2.result.get()
        let s2 = e2.sources.map { ["prices": $0.prices, "weights": $0.weights, "capacity": $0.capacity as Any] as [String: Any] }
        let ext2 = try reference("bootstrap", ["sources": s2, "cap": params.sourceCap, "samples": params.bootstrapSamples,
                                               "seed": NSNumber(value: params.bootstrapSeed ^ 7)]) as! [Double]
        #expect(ext2 == [w2.ciLow, w2.ciHigh])
    }

    // 8. Offers with no GPUs available (§5.1)

    /// A sold-out offer (0 GPUs available) is not transactable: it does not count and does not weigh.
    @Test func soldOutOffersDoNotCount() throws {
        let five = [obs(1, "A", 2.0, available: 8), obs(2, "B", 2.1, available: 8), obs(3, "C", 2.2, available: 8),
                    obs(4, "D", 2.3, available: 8), obs(5, "E", 2.4, available: 8)]
        let w = try fix(five + [obs(6, "F", 1.0, available: 0)]).get()
        #expect(w.offers == 5 && w.sources == 5 && w.value == 2.2 && w.min == 2.0)
        #expect(throws: InsufficientData.self) { try fix(Array(five.prefix(4)) + [obs(6, "F", 2.0, available: 0)]).get() }
        let e = FixingEngine.evaluate(five + [obs(6, "F", 1.0, available: 0)], windowEnd: 86_400, params: params, seedKey: 1)
        #expect(e.window.status.filter { $0 == .soldOut }.count == 1)
    }

    // 9. Definition hashes per grade and per index (§1.1)

    /// Adding an index creates no new version of any existing value; editing one grade gives new versions
    /// of that grade's fixings only; every hash's definition is in the store.
    @Test func onlyWhatChangedGetsANewVersion() throws {
        let dir = try tempDir()
        let (s, c) = try smallDemoStore(dir, days: 2)
        let defs = try DefinitionLoader.methodology(indices)
        _ = try FixingJob.run(store: s, defs: defs, from: c.first, to: c.end, now: "t")
        _ = try IndexJob.run(store: s, defs: defs, from: c.first, to: c.end, now: "t")
        let more = try editedIndices { $0["indices.yaml"]! += """
              - id: CIX-L40S
                name: L40S on-demand, global
                type: single
                grade: L40S.GLOBAL.OD
                base_date: 2025-01-02

            """ }
        let d2 = try DefinitionLoader.methodology(more)
        let i2 = try IndexJob.run(store: s, defs: d2, from: c.first, to: c.end, now: "t2")
        #expect(i2.newVersions == 2, "only the new index's two days")
        let f2 = try FixingJob.run(store: s, defs: d2, from: c.first, to: c.end, now: "t2")
        #expect(f2.newVersions == 0)
        let edited = try editedIndices { $0["grades.yaml"] = $0["grades.yaml"]!.replacingOccurrences(
            of: "  - id: H100-SXM.NA.OD\n    description: H100 SXM 80GB, North America, on-demand\n    chips: {H100-SXM: 1.0}",
            with: "  - id: H100-SXM.NA.OD\n    description: H100 SXM 80GB, North America, on-demand\n    chips: {H100-SXM: 1.0, H100-NVL: 1.1}") }
        let d3 = try DefinitionLoader.methodology(edited)
        _ = try NormalizeJob.run(store: s, ref: d3.reference)
        let f3 = try FixingJob.run(store: s, defs: d3, from: c.first, to: c.end, now: "t3")
        #expect(f3.newVersions == 2, "H100-SXM.NA.OD's two days only")
        let h = try s.read { try $0.latestFixing(grade: "H100-SXM.NA.OD", date: c.end) }!.definitionHash
        let stored = try s.read { try $0.definition(hash: h) }
        #expect(stored?.canonical.contains("chips=H100-NVL:1.1,H100-SXM:1.0") == true && stored?.version == "1.3")
        // Editing a comment changes nothing.
        let comment = try editedIndices { $0["fixing.yaml"] = "# a new comment\n" + $0["fixing.yaml"]! }
        #expect(try DefinitionLoader.methodology(comment).fixingHash(grade: "H100-SXM.NA.OD") == defs.fixingHash(grade: "H100-SXM.NA.OD"))
    }

    // Gaps: live constituents, re-entry, cessation (§6.5, §6.6)

    func compositeDefinition(_ grades: [String], base: String = "2026-01-02") -> IndexDefinition {
        IndexDefinition(id: "T", name: "T", kind: .composite, grades: grades, cap: 1, floor: 0, baseDate: CivilDate(iso: base)!,
                        minConstituents: 2, minLiveWeight: 0.5, cessationDays: 10)
    }

    /// A composite with every constituent suspended publishes nothing (status suspended, not "partial
    /// 1000.00"); it needs two constituents with a value to start.
    @Test func aCompositeNeedsLiveConstituents() {
        let d0 = CivilDate(iso: "2026-01-05")!
        func price(_ g: String, _ d: CivilDate) -> ConstituentPrice? {
            let t = d.dayNumber - d0.dayNumber
            if g == "B" && t < 2 { return nil }                       // B starts on day 2: the index starts then
            if (5...7).contains(t) { return ConstituentPrice(value: nil, status: .suspended, capacityGPUs: 0) }
            if g == "A" && t == 9 { return ConstituentPrice(value: nil, status: .suspended, capacityGPUs: 0) }
            return ConstituentPrice(value: 2, status: .ok, capacityGPUs: 10)
        }
        let v = IndexEngine.compute(compositeDefinition(["A", "B"], base: "2026-01-05"), calendar: .weekdays, through: d0.adding(days: 9),
                                    prices: price, performance: { _ in 1 })
        #expect(v.first?.date == d0.adding(days: 2))
        let byDay = Dictionary(uniqueKeysWithValues: v.map { (Int($0.date.dayNumber - d0.dayNumber), $0) })
        #expect((5...7).allSatisfy { byDay[$0]?.status == .suspended && byDay[$0]?.level == nil })
        #expect(byDay[8]?.status == .ok && byDay[8]?.level == 1000)
        #expect(byDay[9]?.status == .partial && byDay[9]?.level == 1000, "A held, B live: live weight 0.5 is enough")
    }

    /// A constituent suspended on the quarterly rebalance date re-enters on the next month's first business
    /// day with a new link (no jump); a grade that was never a constituent waits for a quarterly rebalance.
    @Test func aSuspendedConstituentReEntersNextMonth() {
        func price(_ g: String, _ d: CivilDate) -> ConstituentPrice? {
            if g == "B", d == CivilDate(iso: "2026-04-01")! { return ConstituentPrice(value: nil, status: .suspended, capacityGPUs: 0) }
            let p = g == "A" || g == "D" ? 2.0 : (d >= CivilDate(iso: "2026-04-15")! ? 4.4 : 4.0)
            return ConstituentPrice(value: p, status: .ok, capacityGPUs: 10)
        }
        let v = IndexEngine.compute(compositeDefinition(["A", "B", "C", "D"]), calendar: .weekdays, through: CivilDate(iso: "2026-05-05")!,
                                    prices: { g, d in g == "C" && d < CivilDate(iso: "2026-04-20")! ? nil : price(g, d) },
                                    performance: { _ in 1 })
        let byDate = Dictionary(uniqueKeysWithValues: v.map { ($0.date.description, $0) })
        #expect(byDate["2026-04-02"]!.constituents.map(\.grade) == ["A", "D"], "B out after the 04-01 rebalance")
        #expect(byDate["2026-04-15"]!.level == byDate["2026-04-14"]!.level, "B is out: its move does not count")
        #expect(byDate["2026-05-04"]!.constituents.map(\.grade) == ["A", "B", "D"], "B re-entered at the 05-01 link; C waits for July")
        #expect(byDate["2026-05-01"]!.linkDate == CivilDate(iso: "2026-04-01"))
        #expect(byDate["2026-05-04"]!.linkDate == CivilDate(iso: "2026-05-01"))
        #expect(byDate["2026-05-04"]!.level == byDate["2026-05-01"]!.level, "no jump at the re-entry link")
    }

    /// Suspended for more than `cessation_days` consecutive fixing days: ceased, and it stays ceased.
    @Test func anIndexCeasesAfterItsCessationDays() {
        let d0 = CivilDate(iso: "2026-01-05")!
        let def = IndexDefinition(id: "S", name: "S", kind: .single, grades: ["G"], baseDate: d0, cessationDays: 3)
        let v = IndexEngine.compute(def, calendar: .weekdays, through: d0.adding(days: 12), prices: { _, d in
            let t = d.dayNumber - d0.dayNumber
            return (2...5).contains(t) ? ConstituentPrice(value: nil, status: .suspended, capacityGPUs: 0) : ConstituentPrice(value: 3, status: .ok, capacityGPUs: 1)
        }, performance: { _ in 1 })
        #expect(v.map(\.status.rawValue) == ["ok", "ok", "suspended", "suspended", "suspended", "ceased", "ceased", "ceased", "ceased",
                                             "ceased", "ceased", "ceased", "ceased"])
    }

    /// Statistics Finland's chain-linking example through the index engine: a link at the unrounded
    /// level gives 104.82 (and 102.22), a link at the published one 104.83 (102.23).
    @Test func statisticsFinlandThroughTheEngine() {
        func level(base: Double, january: Double) -> String {
            let d0 = CivilDate(iso: "2003-12-31")!
            let def = IndexDefinition(id: "F", name: "F", kind: .composite, grades: ["P"], baseDate: d0, baseValue: base, minConstituents: 1)
            let v = IndexEngine.compute(def, calendar: .weekdays, through: d0.adding(days: 1), prices: { _, d in
                ConstituentPrice(value: d == d0 ? 100 : january, status: .ok, capacityGPUs: 1)
            }, performance: { _ in 1 })
            return v[1].published(def.rounding)!
        }
        #expect(level(base: 104.47, january: 100.335) == "104.82")
        #expect(level(base: 101.88, january: 100.335) == "102.22")
        #expect(level(base: 104.47, january: 100.34) == "104.83")
        #expect(level(base: 101.88, january: 100.34) == "102.23")
    }
}

/// The fixing job on a hand-made store (§5): window ends with fractions of a second, a wild offer with
/// MAD = 0 among equals, a sold-out offer, a pinned interval and a pinned inputs hash.
@Suite struct FixingJobByHandTests {
    @Test func aHandMadeStoreFixesAsComputedByHand() throws {
        let dir = try tempDir()
        let s = try Store(path: dir + "/s.sqlite")
        var rows: [String] = []
        // Five sources, one offer each at 2.0…2.4 with 8 GPUs: equal capacity shares 0.2 (under the 30%
        // cap); the interquartile mean of 2.0 2.1 2.2 2.3 2.4 at equal weights is 2.2 (§5.4).
        for (i, src) in ["a", "b", "c", "d", "e"].enumerated() {
            rows.append("2026-11-24T0\(i):00:00Z,\(src),o\(i),H100 SXM,8,us-east-1,on_demand,2.\(i),USD,hour,gpu,8,")
        }
        rows.append("2026-11-24T10:00:00Z,f,wild,H100 SXM,8,us-east-1,on_demand,9.99,USD,hour,gpu,8,")      // outlier (§5.2)
        rows.append("2026-11-24T11:00:00Z,g,soldout,H100 SXM,8,us-east-1,on_demand,1.00,USD,hour,gpu,0,")   // sold out (§5.1)
        rows.append("2026-11-24T16:00:00.25Z,h,late,H100 SXM,8,us-east-1,on_demand,1.50,USD,hour,gpu,8,")   // after the window end
        rows.append("2026-11-23T16:00:00Z,h,early,H100 SXM,8,us-east-1,on_demand,1.50,USD,hour,gpu,8,")     // at the start: outside
        try write(quotesCSV(rows), to: dir + "/q.csv")
        var o = IngestOptions()
        o.writeRejectFiles = false
        _ = try IngestJob.run(store: s, paths: [dir + "/q.csv"], options: o)
        let defs = try DefinitionLoader.methodology(repoRoot + "/Indices")
        _ = try NormalizeJob.run(store: s, ref: defs.reference)
        _ = try FixingJob.run(store: s, defs: defs, from: CivilDate(iso: "2026-11-24")!, to: CivilDate(iso: "2026-11-24")!, now: "t")
        let f = try s.read { try $0.latestFixing(grade: "H100-SXM.NA.OD", date: CivilDate(iso: "2026-11-24")!) }!
        #expect(f.status == "ok" && f.value == 2.2 && f.published == "2.2000")
        #expect(f.offers == 5 && f.sources == 5 && f.outliers == 1 && f.min == 2.0 && f.max == 2.4)
        #expect(f.capacityGPUs == 40)
        // Pinned: the two-stage bootstrap (§5.6) with the shipped seed, as Reference/methodology_reference.py
        // computes it from the document; and the inputs hash (§5.7) of the seven lines in the window.
        // 1.2 (trimmed mean in each replicate): the reference prints [2.0300000000000002, 2.37] (sources in key order: e, d, a, c, b).
        #expect(f.ciLow == 2.0300000000000002 && f.ciHigh == 2.37, "[\(f.ciLow!), \(f.ciHigh!)]")
        #expect(f.inputsHash == "8f5f65a9e365fb3722601297f7eb6dc2863b34a6a9aca35b830273ca148f28eb")
        let lines = ["2026-11-24T00:00:00Z|a|o0|us-east-1|H100-SXM|2.0|8\n", "2026-11-24T01:00:00Z|b|o1|us-east-1|H100-SXM|2.1|8\n",
                     "2026-11-24T02:00:00Z|c|o2|us-east-1|H100-SXM|2.2|8\n", "2026-11-24T03:00:00Z|d|o3|us-east-1|H100-SXM|2.3|8\n",
                     "2026-11-24T04:00:00Z|e|o4|us-east-1|H100-SXM|2.4|8\n", "2026-11-24T10:00:00Z|f|wild|us-east-1|H100-SXM|9.99|8\n",
                     "2026-11-24T11:00:00Z|g|soldout|us-east-1|H100-SXM|1.0|0\n"]
        #expect(f.inputsHash == FixingAudit.sha256(lines.sorted().joined()))
    }
}

/// §5.1 contributors and offers: quotes without an offer_id are keyed by their listing, so one source
/// repeating a listing cannot reach the offer minimum by repetition.
@Suite struct ContributorTests {
    @Test func repeatedListingsWithoutIdsCountOnce() throws {
        let dir = try tempDir()
        let s = try Store(path: dir + "/s.sqlite")
        var rows: [String] = []
        // Source "x" posts the same listing (no offer_id) five times; "y" and "z" one offer each.
        for h in 0..<5 { rows.append("2026-11-24T0\(h):00:00Z,x,,H100 SXM,8,us-east-1,on_demand,2.\(h),USD,hour,gpu,8,") }
        rows.append("2026-11-24T06:00:00Z,y,y1,H100 SXM,8,us-east-1,on_demand,2.5,USD,hour,gpu,8,")
        rows.append("2026-11-24T07:00:00Z,z,z1,H100 SXM,8,us-east-1,on_demand,2.6,USD,hour,gpu,8,")
        // A different listing of x (another location) is another offer.
        rows.append("2026-11-24T08:00:00Z,x,,H100 SXM,8,us-west-2,on_demand,2.7,USD,hour,gpu,8,")
        try write(quotesCSV(rows), to: dir + "/q.csv")
        var o = IngestOptions()
        o.writeRejectFiles = false
        _ = try IngestJob.run(store: s, paths: [dir + "/q.csv"], options: o)
        let defs = try DefinitionLoader.methodology(repoRoot + "/Indices")
        _ = try NormalizeJob.run(store: s, ref: defs.reference)
        let e = try ExplainJob.fixing(store: s, defs: defs, grade: "H100-SXM.NA.OD", date: CivilDate(iso: "2026-11-24")!)
        // 8 observations, 4 offers (x's repeated listing once, time-weighted), 3 sources: below 5 offers.
        #expect(e.trace.observations == 8 && e.trace.offers.count == 4)
        #expect(e.trace.offers.filter { $0.source == "x" }.map(\.observations).sorted() == [1, 5])
        #expect(e.trace.status == "suspended" && !e.trace.sufficient)
    }
}
