@testable import CixApp
import CixCore
import CixIO
import CixStore
import Foundation
import CixTestSupport
import Testing

@Suite struct DemoTests {
    @Test func sameSeedByteIdenticalFiles() throws {
        var c = DemoConfig()
        c.days = 4
        c.quotesPerDay = 2500
        let dirs = [try tempDir("demoA"), try tempDir("demoB")]
        for d in dirs {
            c.out = d
            _ = try DemoJob.generate(c)
        }
        let files = try FileManager.default.subpathsOfDirectory(atPath: dirs[0]).filter { $0.hasSuffix(".csv") || $0.hasSuffix(".json") }.sorted()
        #expect(files.count == 10, "quote days, FX, settlements, T-bill rates, reference prints, auction results, manifest")
        for f in files {
            #expect(FileManager.default.contents(atPath: dirs[0] + "/" + f) == FileManager.default.contents(atPath: dirs[1] + "/" + f), "\(f)")
        }
        c.seed = 43
        c.out = try tempDir("demoC")
        _ = try DemoJob.generate(c)
        #expect(FileManager.default.contents(atPath: dirs[0] + "/" + files[0]) != FileManager.default.contents(atPath: c.out + "/" + files[0]))
    }

    /// Two years of the demo market (list prices plus marketplace listings), parsed, normalized and
    /// fixed in memory for the Compute Capacity Composite's grades; the index engine's levels agree
    /// with a naive path that walks from the base through every link, to 1e-9 relative.
    /// METHODOLOGY.md §3–§6.
    @Test func naivePathAgreesOnTwoYearsOfTheDemoMarket() throws {
        let defs = try DefinitionLoader.methodology(repoRoot + "/Indices")
        let ccc = defs.indices.first { $0.id == "CIX-CCC" }!
        var params = defs.fixing
        params.bootstrapSamples = 0
        let market = DemoMarket(seed: 42, quotesPerDay: 1400)
        let end = CivilDate(iso: "2026-11-24")!
        let first = end.adding(days: -729)
        var rates: [FXRate] = []
        var d = first.adding(days: -7)
        while d <= end {
            if d.isoWeekday <= 5 { for c in ["EUR", "GBP"] { rates.append(FXRate(currency: c, date: d, usdPerUnit: DemoMarket.usdPerUnit(c, on: d, seed: 42))) } }
            d = d.adding(days: 1)
        }
        let fx = FXTable(rates)
        let grades = Set(ccc.grades)
        // Observations by (grade, fixing date): a quote at time t belongs to the first fixing at or after t.
        var obs: [String: [Int64: [GradeObservation]]] = [:]
        var id: Int64 = 0
        d = first
        while d <= end {
            var text = ""
            _ = market.writeDay(d) { text += $0 }
            let reader = try CanonicalCSVReader(source: MemoryByteSource(Array(text.utf8)), path: "day")
            while let row = try reader.next() {
                guard case .quote(let q, _) = row else { continue }
                id += 1
                let n = Normalization.normalize(q, ref: defs.reference, fx: fx)
                guard let usd = n.usdPerGPUHour, let chip = n.chip else { continue }
                let fixDay = Timestamp.utcDate(q.observedEpoch - Int64(params.fixingTimeSeconds) + 86_399).dayNumber
                for g in n.grades where grades.contains(g) {
                    let qf = defs.reference.grades.grade(id: g)!.chips[chip]!
                    obs[g, default: [:]][fixDay, default: []].append(GradeObservation(
                        quoteID: id, source: q.source, offer: q.offerID.map { $0 + "@" + q.location }, epoch: q.observedEpoch,
                        price: usd / qf, availableGPUs: q.availableGPUs))
                }
            }
            d = d.adding(days: 1)
        }
        // Fixings with carry-forward, as the job computes them.
        var prices: [String: [Int64: ConstituentPrice]] = [:]
        for g in ccc.grades {
            var windows: [Int64: Result<WindowResult, InsufficientData>] = [:]
            d = first
            while d <= end {
                let o = obs[g]?[d.dayNumber] ?? []
                windows[d.dayNumber] = FixingEngine.compute(o, windowEnd: params.window(d).end, params: params, seedKey: 0)
                let f = FixingEngine.fixing(grade: g, date: d, today: windows[d.dayNumber]!,
                                            history: (1...params.maxStaleDays).map { windows[d.dayNumber - Int64($0)] }, params: params)
                prices[g, default: [:]][d.dayNumber] = ConstituentPrice(value: f.value, status: f.status, capacityGPUs: f.window?.capacityGPUs ?? 0)
                d = d.adding(days: 1)
            }
        }
        let perf = { (g: String) in IndexEngine.parPerformanceFactor(defs.reference, grade: g) }
        let engine = IndexEngine.compute(ccc, calendar: defs.calendar, through: end, prices: { prices[$0]?[$1.dayNumber] }, performance: perf)
        #expect(engine.count >= 690)
        // The naive path (NaiveIndex) computes its own link dates, weights and link prices.
        let naive = NaiveIndex(def: ccc, calendar: defs.calendar, prices: { prices[$0]?[$1.dayNumber]?.value },
                               capacity: { prices[$0]?[$1.dayNumber]?.capacityGPUs ?? 0 }, performance: perf).run(through: end)
        let links = naive.links.map { ($0.date, $0.weights) }
        #expect(links.count >= 7)
        var maxRel = 0.0
        for v in engine {
            guard let expected = naive.levels[v.date] else { Issue.record("no naive level on \(v.date)"); continue }
            #expect((expected == nil) == (v.level == nil), "\(v.date)")
            if let e = expected, let l = v.level { maxRel = max(maxRel, abs(e - l) / e) }
        }
        #expect(maxRel < 1e-9)
        // B200 quotes from March 2025 and enters at a later rebalance, without a jump.
        let entry = links.firstIndex { $0.1["B200.GLOBAL.OD"] != nil }
        #expect(entry != nil && entry! > 0)
    }

    /// Issue 19 #7: the demo documents its outages in the manifest; a list source missing a day after the
    /// first review is imputed (`imputed_sources`), and the reseller's copies of lambda's offers are
    /// dropped (`cix explain fixing`).
    @Test func theDemoShowsOutagesImputationAndResales() throws {
        let dir = try tempDir()
        var c = DemoConfig()
        c.days = 40
        c.quotesPerDay = 600
        c.end = CivilDate(iso: "2025-03-21")!
        c.out = dir + "/inbox"
        let manifest = try DemoJob.generate(c)
        let outages = manifest.days.flatMap { d in d.outages.map { (d.date, $0) } }
        #expect(!outages.isEmpty)
        let store = try Store(path: dir + "/s.sqlite")
        let defs = try DefinitionLoader.methodology(repoRoot + "/Indices")
        var r = RunRequest(from: c.first, to: c.end)
        r.inbox = c.out
        r.now = "2025-03-22T00:00:00Z"
        r.writeFiles = false
        _ = try RunJob.run(store: store, defs: defs, request: r)
        let fixings = try store.read { try $0.latestFixings(from: CivilDate(iso: "2025-03-02")!, grades: ["H100-SXM.NA.OD"]) }
        // Every March outage of a source that is in the grade's fixings is published as imputed, age 1+.
        var checked = 0
        for (date, source) in outages where date >= "2025-03-02" {
            guard let f = fixings.first(where: { $0.date == date }), f.status == "ok" else { continue }
            let members = Set(try ExplainJob.fixing(store: store, defs: defs, grade: "H100-SXM.NA.OD", date: CivilDate(iso: date)!)
                .trace.sources.filter { $0.state != "newcomer" && $0.state != "excluded" }.map(\.source))
            guard members.contains(source) else { continue }
            #expect(f.imputedSources?.split(separator: ";").contains { $0.hasPrefix(source + ":") } == true, "\(date) \(source): \(f.imputedSources ?? "-")")
            checked += 1
        }
        #expect(checked > 0)
        let e = try ExplainJob.fixing(store: store, defs: defs, grade: "H100-SXM.NA.OD", date: CivilDate(iso: "2025-03-20")!)
        #expect(e.trace.offers.contains { $0.source == "primeintellect" && $0.status.hasPrefix("dropped: resold") })
        #expect(e.reproduces)
    }
}
