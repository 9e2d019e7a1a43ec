@testable import CixApp
@testable import CixCore
@testable import CixIO
import CixStore
import Foundation
import Testing

/// Property 5 and the published columns, through the store: a reseller's copy of an upstream offer
/// counts once (`sources.yaml`), an imputed source is published in `imputed_sources`, and
/// `cix explain fixing` names it with its age.
@Suite(.serialized) struct PanelStoreTests {
    func run(_ rows: [String], dates: [String]) throws -> (Store, MethodologyDefinitions) {
        let dir = try tempDir()
        let s = try Store(path: dir + "/s.sqlite")
        try write(quotesCSV(rows), to: dir + "/q.csv")
        var o = IngestOptions()
        o.writeRejectFiles = false
        _ = try IngestJob.run(store: s, paths: [dir + "/q.csv"], options: o)
        let defs = try DefinitionLoader.methodology(repoRoot + "/Indices")
        _ = try NormalizeJob.run(store: s, ref: defs.reference)
        _ = try FixingJob.run(store: s, defs: defs, from: CivilDate(iso: dates.first!)!, to: CivilDate(iso: dates.last!)!, now: "t")
        return (s, defs)
    }

    @Test func resoldOffersCountOnce() throws {
        var rows: [String] = []
        for (i, src) in ["lambda", "b", "c", "d", "e"].enumerated() {
            rows.append("2026-11-24T0\(i):00:00Z,\(src),o\(i),H100 SXM,8,us-east-1,on_demand,2.\(i),USD,hour,gpu,8,")
        }
        // primeintellect relists lambda's offer (prefix lambdalabs__) at a markup, and lists one of its own.
        rows.append("2026-11-24T06:00:00Z,primeintellect,lambdalabs__gpu_8x_h100@us-east-1,H100 SXM,8,us-east-1,on_demand,2.60,USD,hour,gpu,8,")
        rows.append("2026-11-24T07:00:00Z,primeintellect,own-1,H100 SXM,8,us-east-1,on_demand,2.50,USD,hour,gpu,8,")
        let (s, defs) = try run(rows, dates: ["2026-11-24"])
        let f = try s.read { try $0.latestFixing(grade: "H100-SXM.NA.OD", date: CivilDate(iso: "2026-11-24")!) }!
        // Sources lambda 2.0, b 2.1, c 2.2, d 2.3, e 2.4, primeintellect 2.5 (its own offer only), 8 GPUs
        // each (initial panel): six equal weights, overlaps with [0.25, 0.75]: 2.1 1/12, 2.2 1/6, 2.3 1/6, 2.4 1/12 → 2.25.
        #expect(f.sources == 6 && f.offers == 6)
        #expect(abs(f.value! - 2.25) < 1e-12, "\(f.value!)")
        let e = try ExplainJob.fixing(store: s, defs: defs, grade: "H100-SXM.NA.OD", date: CivilDate(iso: "2026-11-24")!)
        #expect(e.trace.offers.filter { $0.status.hasPrefix("dropped: resold") }.map(\.source) == ["primeintellect"])
        #expect(e.reproduces)
    }

    /// A member of November's review (period October 4–31) misses 2026-11-03: imputed from 11-02 with
    /// age 1 and factor 1, the fixing unchanged (constant prices), `imputed_sources` `e:1`.
    @Test func imputedSourcesArePublishedAndExplained() throws {
        var rows: [String] = []
        for (day, sources) in [("2026-10-20", ["a", "b", "c", "d", "e"]), ("2026-11-02", ["a", "b", "c", "d", "e"]), ("2026-11-03", ["a", "b", "c", "d"])] {
            for (i, src) in sources.enumerated() {
                let gpus = src == "e" ? 64 : 8
                rows.append("\(day)T0\(i):00:00Z,\(src),o\(i),H100 SXM,8,us-east-1,on_demand,2.\(i),USD,hour,gpu,\(gpus),")
            }
        }
        let (s, defs) = try run(rows, dates: ["2026-11-02", "2026-11-03"])
        let g = try s.read { try $0.latestFixing(grade: "H100-SXM.NA.OD", date: CivilDate(iso: "2026-11-03")!) }!
        let g0 = try s.read { try $0.latestFixing(grade: "H100-SXM.NA.OD", date: CivilDate(iso: "2026-11-02")!) }!
        // Weights from the review: e (64 GPUs) capped at 0.30, a–d 0.175 each; values 2.0 2.1 2.2 2.3 | e 2.4:
        // C = .175 .35 .525 .70 1: overlaps 0 .10 .175 .175 .05 → (.21 + .385 + .4025 + .12) ÷ .5 = 2.235.
        #expect(abs(g0.value! - 2.235) < 1e-12, "\(g0.value!)")
        #expect(g.value == g0.value && g.status == "ok")
        #expect(g.imputedSources == "e:1" && g.liveSources == 4 && g.sources == 5 && g0.imputedSources == nil)
        let e = try ExplainJob.fixing(store: s, defs: defs, grade: "H100-SXM.NA.OD", date: CivilDate(iso: "2026-11-03")!)
        let src = e.trace.sources.first { $0.source == "e" }!
        #expect(src.state == "imputed" && src.imputedAge == 1 && src.imputedFrom == "2026-11-02" && src.imputationFactor == 1)
        #expect(e.reproduces && e.trace.reviewDate == "2026-11-01" && !e.trace.initialPanel)
        let text = ExplainRender.text(e.trace, stored: e.stored)
        #expect(text.contains("imputed: age 1 fixing date, last live 2026-11-02, factor 1.0"))
    }
}
