@testable import CixApp
@testable import CixCore
@testable import CixIO
import CixStore
import Foundation
import CixTestSupport
import Testing

/// Publication runs, traces, golden publications, built-in definitions (the structure the later
/// layers stand on).
@Suite(.serialized) struct StructureTests {
    /// METHODOLOGY.md §1.5: every published row names its run; a re-run that changes nothing is still
    /// a run, with zero values written.
    @Test func everyPublishedRowNamesItsRunAndAReRunWritesNothing() throws {
        let dir = try tempDir()
        let (s, c) = try smallDemoStore(dir, days: 6)
        let defs = try DefinitionLoader.methodology(repoRoot + "/Indices")
        let f1 = try FixingJob.run(store: s, defs: defs, from: c.first, to: c.end, now: "t1")
        let i1 = try IndexJob.run(store: s, defs: defs, from: c.first, to: c.end, now: "t1")
        // §5.5: only grades whose series has started (a first value) publish: fewer than all 132.
        #expect(f1.newVersions == f1.computed && f1.computed > 6 * 20 && f1.computed < 6 * 132 && i1.newVersions > 0)
        let f2 = try FixingJob.run(store: s, defs: defs, from: c.first, to: c.end, now: "t2")
        let i2 = try IndexJob.run(store: s, defs: defs, from: c.first, to: c.end, now: "t2")
        #expect(f2.newVersions == 0 && f2.unchanged == f1.computed && i2.newVersions == 0)
        let runs = try s.read { try $0.publicationRuns() }
        #expect(runs.map(\.job) == ["fix", "index", "fix", "index"])
        #expect(runs[2].written == 0 && runs[2].unchanged == f1.computed && runs[3].written == 0)
        #expect(runs.allSatisfy { $0.definitions.hasSuffix("Indices") && $0.codeVersion == CixVersion.current })
        #expect(runs[0].definitionsHash == defs.fixingHash && runs[1].definitionsHash == defs.indexHash)
        #expect(try s.read { try $0.publishedRowsWithoutRun() } == 0)
        #expect(try s.dbQueue.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM fixings WHERE run_id != ?", arguments: [f1.runID]) } == 0)
        // Published values are immutable (a change is a new version).
        #expect(throws: (any Error).self) { try s.dbQueue.write { try $0.execute(sql: "UPDATE fixings SET value = 1") } }
        #expect(throws: (any Error).self) { try s.dbQueue.write { try $0.execute(sql: "DELETE FROM index_levels") } }
    }

    /// §5 trace: `cix explain fixing` recomputes the stored value; per-source weights sum to 1 and
    /// respect the 30% cap (or are equal when the cap cannot hold, §5.4).
    @Test func explainReproducesStoredFixingsAndItsWeightsHoldTheCap() throws {
        let dir = try tempDir()
        let (s, c) = try smallDemoStore(dir, days: 4)
        let defs = try DefinitionLoader.methodology(repoRoot + "/Indices")
        _ = try FixingJob.run(store: s, defs: defs, from: c.first, to: c.end, now: "t")
        var checked = 0
        for g in ["H100-SXM.NA.OD", "H100-SXM.GLOBAL.OD", "A100-80GB.GLOBAL.OD", "H200.GLOBAL.OD", "H100-SXM.GLOBAL.SPOT", "B200.GLOBAL.OD"] {
            for d in [c.end, c.end.adding(days: -2)] {
                let e = try ExplainJob.fixing(store: s, defs: defs, grade: g, date: d)
                #expect(e.reproduces, "\(g) \(d)")
                let t = e.trace
                guard t.status == "ok" else { continue }
                checked += 1
                let sum = t.sources.reduce(0) { $0 + $1.weight }
                #expect(abs(sum - 1) < 1e-12, "\(g) \(d): weights sum to \(sum)")
                if Double(t.sources.count) * defs.fixing.sourceCap >= 1 {
                    #expect(t.sources.allSatisfy { $0.weight <= defs.fixing.sourceCap + 1e-12 })
                } else {
                    #expect(t.sources.allSatisfy { abs($0.weight - 1 / Double(t.sources.count)) < 1e-15 })
                }
                #expect(t.offers.count >= t.sources.reduce(0) { $0 + $1.offers })
                #expect(t.published == (try s.read { try $0.latestFixing(grade: g, date: d) })?.published)
            }
        }
        #expect(checked >= 6)
        // The same through the command line, as JSON.
        let out = dir + "/explain.json"
        #expect(CixMain.run(["explain", "fixing", "--db", s.path, "--grade", "H100-SXM.NA.OD", "--date", c.end.description, "--format", "json"]) == 0)
        _ = out
        let idx = try ExplainJob.index(store: s, defs: defs, index: "CIX-H100-NA", date: c.end)
        #expect(idx.stored == nil && !idx.reproduces, "index levels not computed yet")
    }

    /// §5.2 (1.2) trace of a hand-computed case: C's offers 2.40, 2.45, 50.00 have median 2.45 and MAD
    /// 0.05 (band 0.22239), so 50.00 (offer o6) is dropped within C; the sources A 2.05, B 2.25, C 2.425,
    /// D 2.50 (median 2.3375) are all within ×/÷ 3; equal weights 0.25: the interquartile mean is
    /// (2.25 + 2.425) ÷ 2 = 2.3375.
    @Test func theTraceNamesTheDroppedOutlier() throws {
        let o = [obs(1, "A", 2.00), obs(2, "A", 2.10), obs(3, "B", 2.20), obs(4, "B", 2.30), obs(5, "C", 2.40), obs(6, "C", 50.00),
                 obs(7, "C", 2.45), obs(8, "D", 2.50)]
        var names: [UInt64: String] = [:]
        for x in ["A", "B", "C", "D"] { names[GradeObservation.key(x)] = x }
        for i in 1...8 { names[GradeObservation.key("o\(i)")] = "o\(i)" }
        let e = FixingEngine.evaluate(o, windowEnd: 86_400, params: params, seedKey: 1)
        let date = CivilDate(iso: "1970-01-01")!
        let f = FixingEngine.fixing(grade: "G", date: date, today: e.result, history: [], params: params)
        let t = FixingTrace(grade: "G", date: date, window: FixingWindow(start: 0, end: 86_400), observations: 8, evaluation: e.window,
                            panel: e.panel, review: date, fixing: f, params: params, names: names)
        let dropped = t.offers.filter { $0.status.hasPrefix("dropped") }
        #expect(dropped.map(\.offer) == ["o6"] && dropped.map(\.source) == ["C"])
        #expect(dropped[0].status.contains("outlier in its source") && dropped[0].status.contains("band 0.22239"))
        #expect(t.outlierMedian == 2.3375 && t.outlierBand == 3)
        #expect(t.sources.map(\.source) == ["A", "B", "C", "D"].sorted { GradeObservation.key($0) < GradeObservation.key($1) })
        #expect(abs(t.value! - 2.3375) < 1e-15 && t.fallback == "none" && t.initialPanel)
        #expect(ExplainRender.text(t, stored: nil).contains("o6"))
    }

    /// A golden publication: a 60-day seeded demo's fixings, indices and weights exports, byte for byte.
    /// `CIX_RECORD_GOLDEN=1 swift test --filter goldenPublication` re-records them (README "Golden files").
    @Test func goldenPublication() throws {
        let dir = try tempDir()
        let (s, c) = try smallDemoStore(dir, days: 60, quotesPerDay: 1500, end: "2025-04-15")
        let defs = try DefinitionLoader.methodology(repoRoot + "/Indices")
        _ = try FixingJob.run(store: s, defs: defs, from: c.first, to: c.end, now: "t")
        _ = try IndexJob.run(store: s, defs: defs, from: c.first, to: c.end, now: "t")
        let golden = repoRoot + "/Tests/CixTests/Golden"
        try FileManager.default.createDirectory(atPath: golden, withIntermediateDirectories: true)
        for kind in [ExportKind.fixings, .indices, .weights] {
            let out = dir + "/\(kind.rawValue).csv"
            try ExportJob.run(store: s, kind: kind, range: DateRange(), format: .csv, out: out)
            let produced = FileManager.default.contents(atPath: out)!
            let path = golden + "/\(kind.rawValue).csv"
            if recordGolden {
                try produced.write(to: URL(fileURLWithPath: path))
            } else {
                let expected = FileManager.default.contents(atPath: path)
                #expect(expected != nil, "missing \(path): record with CIX_RECORD_GOLDEN=1")
                #expect(produced == expected, "\(kind.rawValue).csv differs from Tests/CixTests/Golden (diff them; re-record only for an intended change)")
            }
        }
    }

    /// The binary carries the shipped definitions byte for byte (regenerated with CIX_RECORD_BUILTIN=1,
    /// apart from the golden files).
    @Test func builtInDefinitionsAreTheShippedFiles() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: repoRoot + "/Indices").filter { $0.hasSuffix(".yaml") }.sorted()
            + FileManager.default.contentsOfDirectory(atPath: repoRoot + "/Indices/flows").filter { $0.hasSuffix(".csv") }.sorted().map { "flows/" + $0 }
        if ProcessInfo.processInfo.environment["CIX_RECORD_BUILTIN"] == "1" {
            var out = "// Generated from Indices/ by `CIX_RECORD_BUILTIN=1 swift test --filter builtInDefinitions`; do not edit.\n"
            out += "// A test fails when this copy differs from Indices/, so a released binary always carries the shipped definitions.\n\n"
            out += "/// The shipped definition files, byte for byte, built into the binary (used when neither --indices nor\n"
            out += "/// $CIX_INDICES names a folder).\nenum BuiltinDefinitions {\n    static let files: [String: String] = [\n"
            for f in files {
                let text = try String(contentsOfFile: repoRoot + "/Indices/" + f, encoding: .utf8)
                out += "        \"\(f)\": #\"\"\"\n" + text + "\n\"\"\"#,\n"
            }
            out += "    ]\n}\n"
            try out.write(toFile: repoRoot + "/Sources/CixIO/Definitions/BuiltinDefinitions.swift", atomically: true, encoding: .utf8)
            return
        }
        #expect(BuiltinDefinitions.files.keys.sorted() == files.sorted())
        for f in files {
            #expect(BuiltinDefinitions.files[f] == (try String(contentsOfFile: repoRoot + "/Indices/" + f, encoding: .utf8)),
                    "\(f) differs from its built-in copy: run CIX_RECORD_BUILTIN=1 swift test --filter builtInDefinitions, then rebuild")
        }
        let builtIn = try DefinitionLoader.methodology(.builtIn)
        let folder = try DefinitionLoader.methodology(repoRoot + "/Indices")
        #expect(builtIn.fixingHash == folder.fixingHash && builtIn.indexHash == folder.indexHash)
        #expect(DefinitionSource.locate(nil, environment: [:]) == .builtIn)
        #expect(DefinitionSource.locate(nil, environment: ["CIX_INDICES": "/x"]) == .folder("/x"))
        #expect(DefinitionSource.locate("/y", environment: ["CIX_INDICES": "/x"]) == .folder("/y"))
    }

    /// An installed `cix` (the binary copied elsewhere) run from an empty folder without CIX_INDICES
    /// ingests, fixes and exports with the built-in definitions, and says so.
    @Test func anInstalledBinaryWorksFromAnyFolder() throws {
        let dir = try tempDir()
        let bin = dir + "/bin"
        let work = dir + "/work"
        try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: builtCix, toPath: bin + "/cix")
        var c = DemoConfig()
        c.days = 1
        c.quotesPerDay = 1500
        c.end = CivilDate(iso: "2025-03-20")!
        c.out = dir + "/data"
        let m = try DemoJob.generate(c)
        var env = ProcessInfo.processInfo.environment
        env["CIX_INDICES"] = nil
        env["CIX_DB"] = nil
        let cix = bin + "/cix"
        let ingest = try runProcess(cix, ["ingest", "--db", "s.sqlite", dir + "/data/" + m.files[0]], cwd: work, environment: env)
        #expect(ingest.0 == 0 || ingest.0 == 3, "\(ingest.2)")
        #expect(ingest.1.contains("definitions: built-in"))
        let fix = try runProcess(cix, ["fix", "--db", "s.sqlite", "--date", "2025-03-20"], cwd: work, environment: env)
        #expect(fix.0 == 0, "\(fix.2)")
        #expect(fix.1.contains("definitions: built-in"))
        let export = try runProcess(cix, ["export", "fixings", "--db", "s.sqlite"], cwd: work, environment: env)
        #expect(export.0 == 0 && export.1.hasPrefix("grade,date,version,status,value") && export.1.contains("H100-SXM.NA.OD,2025-03-20,1,ok"))
        let version = try runProcess(cix, ["--version"], cwd: work, environment: env)
        #expect(version.1.contains(CixVersion.current))
    }
}

/// METHODOLOGY.md §1.4: half away from zero on the shortest round-trip decimal form, digit by digit.
@Suite struct RoundingTests {
    @Test(arguments: [
        (2.675, 2, "2.68"), (-2.675, 2, "-2.68"), (2.665, 2, "2.67"), (2.0000499999, 4, "2.0000"), (2.00005, 4, "2.0001"),
        (2.0000500001, 4, "2.0001"), (1152.614999, 2, "1152.61"), (1152.615, 2, "1152.62"), (1152.6150001, 2, "1152.62"),
        (0.00005, 4, "0.0001"), (0.000049999, 4, "0.0000"), (-0.00004, 4, "0.0000"), (9.99995, 4, "10.0000"), (999.995, 2, "1000.00"),
        (100.335, 2, "100.34"), (Double.leastNonzeroMagnitude, 4, "0.0000"), (1.8e15, 4, "1800000000000000.0000"), (123.0, 0, "123"), (0.5, 0, "1"),
        (1e21, 2, "1000000000000000000000.00"),
    ] as [(Double, Int, String)])
    func halfAwayFromZeroOnTheDecimalForm(value: Double, decimals: Int, expected: String) {
        #expect(Rounding(decimals: decimals).format(value) == expected)
    }

    @Test func halfEvenAndNonFinite() {
        let even = Rounding(decimals: 2, mode: .halfEven)
        #expect(even.format(2.665) == "2.66" && even.format(2.675) == "2.68" && even.format(2.6651) == "2.67")
        #expect(Rounding(decimals: 4).format(.infinity) == nil && Rounding(decimals: 4).format(.nan) == nil)
        #expect(Rounding(decimals: 2).format(1e308)!.count == 309 + 3)
    }
}

/// METHODOLOGY.md §1.6 and §6.4: the business calendar and the quarterly rebalance dates.
@Suite struct CalendarTests {
    let nyse = try! DefinitionLoader.methodology(repoRoot + "/Indices").calendar

    @Test func rebalanceDatesSkipHolidays() {
        // 2026-01-01 (Thursday) is New Year's Day: the January 2026 rebalance is Friday 2026-01-02.
        #expect(!nyse.isRebalanceDate(CivilDate(iso: "2026-01-01")!))
        #expect(nyse.isRebalanceDate(CivilDate(iso: "2026-01-02")!))
        #expect(BusinessCalendar.weekdays.isRebalanceDate(CivilDate(iso: "2026-01-01")!))
        // 2025-07-01 Tuesday; 2023-07-01 is outside the list: first weekday, Monday 2023-07-03.
        #expect(nyse.isRebalanceDate(CivilDate(iso: "2025-07-01")!))
        #expect(nyse.isRebalanceDate(CivilDate(iso: "2023-07-03")!))
        #expect(!nyse.isRebalanceDate(CivilDate(iso: "2025-06-02")!), "June is not a rebalance month")
    }

    @Test func businessDaysBeforeCountsOnlyBusinessDays() {
        // Five business days before Monday 2025-04-21: Good Friday 2025-04-18 is a holiday, so
        // Thu 17, Wed 16, Tue 15, Mon 14, Fri 11.
        #expect(nyse.businessDaysBefore(CivilDate(iso: "2025-04-21")!, 5) == CivilDate(iso: "2025-04-11"))
        #expect(BusinessCalendar.weekdays.businessDaysBefore(CivilDate(iso: "2025-04-21")!, 5) == CivilDate(iso: "2025-04-14"))
        #expect(nyse.businessDaysBefore(CivilDate(iso: "2025-04-21")!, 0) == CivilDate(iso: "2025-04-21"))
        #expect(nyse.isHoliday(CivilDate(iso: "2025-01-09")!), "the unscheduled closure of 2025-01-09")
        #expect(nyse.businessDays(from: CivilDate(iso: "2025-12-22")!, to: CivilDate(iso: "2025-12-31")!).count == 7)
    }
}
