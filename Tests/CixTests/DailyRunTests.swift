@testable import CixApp
import CixCore
import CixIO
import CixStore
import Foundation
import CixTestSupport
import Testing

/// The daily job, restatements, verify, crash safety and the factsheet (METHODOLOGY.md §9).
@Suite(.serialized) struct DailyRunTests {
    static let indices = repoRoot + "/Indices"

    /// A 30-day demo inbox ending on Friday 2025-03-21, without its last day's quote file (kept aside).
    func inbox(_ dir: String) throws -> String {
        var c = DemoConfig()
        c.days = 30
        c.quotesPerDay = 1500
        c.end = CivilDate(iso: "2025-03-21")!
        c.out = dir + "/inbox"
        _ = try DemoJob.generate(c)
        return c.out
    }

    func run(_ args: [String]) -> Int32 { CixMain.run(args + ["--indices", DailyRunTests.indices]) }

    func export(_ kind: String, _ db: String, _ extra: [String] = []) throws -> String {
        let (code, out, err) = try runProcess(builtCix, ["export", kind, "--db", db] + extra)
        #expect(code == 0, "\(err)")
        return out
    }

    /// §9.4: a re-run with the same inputs writes nothing and says so.
    @Test func rerunWritesNothing() throws {
        let dir = try tempDir()
        let box = try inbox(dir)
        let store = try Store(path: dir + "/s.sqlite")
        let defs = try DefinitionLoader.methodology(DailyRunTests.indices)
        var r = RunRequest(from: CivilDate(iso: "2025-03-10")!, to: CivilDate(iso: "2025-03-21")!)
        r.inbox = box
        r.now = "2025-03-22T00:00:00Z"
        let first = try RunJob.run(store: store, defs: defs, request: r)
        #expect(first.files.count == 35 && first.days == 12 && !first.wroteNothing, "12 quote days, FX, settlements, rates, reference prints, auctions")
        let runs = try store.read { try $0.publicationRuns().count }
        let second = try RunJob.run(store: store, defs: defs, request: r)
        #expect(second.wroteNothing && second.days == 0 && second.skippedFiles == 35)
        #expect(second.series.allSatisfy { $0.counts.new == 0 && $0.counts.restated == 0 && $0.counts.held == 0 })
        #expect(try store.read { try $0.publicationRuns().count } == runs, "a re-run opens no publication run")
        #expect(FileManager.default.fileExists(atPath: dir + "/published/2025-03-21/fixings.csv"))
    }

    /// Issue 21 #5, #7, #9, #16: a corrected file with the same size and modification time (`cp -p`,
    /// `touch -r`) is read again; a symbolic link out of the inbox is not followed and its target's
    /// content never printed; a FIFO is reported and left without blocking the job; a file of unknown kind
    /// is reported by path.
    @Test func inboxFilesAreReadWhenTheyMayHaveChanged() throws {
        let dir = try tempDir()
        let box = dir + "/inbox"
        try FileManager.default.createDirectory(atPath: box, withIntermediateDirectories: true)
        let a = quotesCSV(["2025-03-20T10:00:00Z,lambda,o1,H100 SXM,8,us-east-1,on_demand,2.10,USD,hour,gpu,8,"])
        let b = quotesCSV(["2025-03-20T11:00:00Z,lambda,o1,H100 SXM,8,us-east-1,on_demand,2.10,USD,hour,gpu,8,"])
        #expect(a.utf8.count == b.utf8.count)
        try write(a, to: box + "/q.csv")
        let stamp = Date(timeIntervalSince1970: 1_742_400_000)
        try FileManager.default.setAttributes([.modificationDate: stamp], ofItemAtPath: box + "/q.csv")
        try write("secret-header,not,quotes\nroot:x:0:0\n", to: dir + "/outside.csv")
        try FileManager.default.createSymbolicLink(atPath: box + "/link.csv", withDestinationPath: dir + "/outside.csv")
        try write("whatever,unknown\n1,2\n", to: box + "/notes.csv")
        #expect(mkfifo(box + "/pipe.csv", 0o644) == 0)
        try write("x", to: box + "/.hidden.csv")
        try write("x", to: box + "/old.csv.rejects.csv")
        try write("{}", to: box + "/manifest.json")
        let store = try Store(path: dir + "/s.sqlite")
        let defs = try DefinitionLoader.methodology(DailyRunTests.indices)
        var r = RunRequest(from: CivilDate(iso: "2025-03-20")!, to: CivilDate(iso: "2025-03-20")!)
        r.inbox = box
        r.now = "2025-03-21T00:00:00Z"
        r.writeFiles = false
        let first = try RunJob.run(store: store, defs: defs, request: r)
        #expect(first.files.map(\.path) == [box + "/q.csv"])
        #expect(Set(first.unknownFiles) == [box + "/link.csv", box + "/notes.csv", box + "/pipe.csv"])
        // Issue 21 #17: files left out by name are said, with why.
        #expect(first.ignoredFiles.map(\.why).sorted() == ["hidden", "manifest", "rejects"])
        let words = first.warnings.joined(separator: "\n")
        #expect(words.contains("symbolic link out of the inbox") && words.contains("not a regular file") && !words.contains("root:x"))
        #expect(!words.contains("secret-header"))
        // The corrected file: same size, modification time put back.
        try write(b, to: box + "/q.csv")
        try FileManager.default.setAttributes([.modificationDate: stamp], ofItemAtPath: box + "/q.csv")
        r.now = "2025-03-21T01:00:00Z"
        let second = try RunJob.run(store: store, defs: defs, request: r)
        #expect(second.files.map(\.path) == [box + "/q.csv"], "the corrected bytes are read")
        #expect(try store.read { try $0.quoteCount() } == 2)
        // Nothing changed since: not read again.
        r.now = "2025-03-21T02:00:00Z"
        let third = try RunJob.run(store: store, defs: defs, request: r)
        #expect(third.files.isEmpty && third.skippedFiles == 1)
    }

    /// Issue 21 #6: a file is known by the hash of the bytes ingested. Replaced between the scan and the
    /// ingest, the new bytes are stored under their own hash, so the old version delivered again later is
    /// taken; the same bytes under another name are not stored twice.
    @Test func aFileReplacedDuringARunIsKnownByTheBytesIngested() throws {
        let dir = try tempDir()
        let box = dir + "/inbox"
        try FileManager.default.createDirectory(atPath: box, withIntermediateDirectories: true)
        let a = quotesCSV(["2025-03-20T10:00:00Z,lambda,o1,H100 SXM,8,us-east-1,on_demand,2.10,USD,hour,gpu,8,"])
        let b = quotesCSV(["2025-03-20T11:00:00Z,lambda,o2,H100 SXM,8,us-east-1,on_demand,2.20,USD,hour,gpu,8,",
                           "2025-03-20T12:00:00Z,lambda,o3,H100 SXM,8,us-east-1,on_demand,2.30,USD,hour,gpu,8,"])
        try write(a, to: box + "/q.csv")
        let store = try Store(path: dir + "/s.sqlite")
        let defs = try DefinitionLoader.methodology(DailyRunTests.indices)
        var r = RunRequest(from: CivilDate(iso: "2025-03-20")!, to: CivilDate(iso: "2025-03-20")!)
        r.inbox = box
        r.now = "2025-03-21T00:00:00Z"
        r.writeFiles = false
        let path = box + "/q.csv"
        r.afterScan = { try b.write(toFile: path, atomically: true, encoding: .utf8) }
        _ = try RunJob.run(store: store, defs: defs, request: r)
        func sha(_ t: String) -> String { FixingAudit.sha256(t) }
        let hashes = try store.dbQueue.read { try String.fetchAll($0, sql: "SELECT hash FROM inbox_files") }
        #expect(hashes == [sha(b)], "recorded under the hash of the bytes stored (B), not of the scanned version (A)")
        #expect(try store.read { try $0.quoteCount() } == 2)
        // Version A delivered again, under another name: it was never ingested, so it is now.
        r.afterScan = nil
        try write(a, to: box + "/q-again.csv")
        r.now = "2025-03-21T01:00:00Z"
        let again = try RunJob.run(store: store, defs: defs, request: r)
        #expect(again.files.map(\.path) == [box + "/q-again.csv"])
        #expect(try store.read { try $0.quoteCount() } == 3)
        // B's bytes under a third name: read once, found taken, rolled back, not stored twice.
        try write(b, to: box + "/copy-of-b.csv")
        r.now = "2025-03-21T02:00:00Z"
        let copy = try RunJob.run(store: store, defs: defs, request: r)
        #expect(copy.files.isEmpty && copy.skippedFiles == 3, "\(copy.files.map(\.path)) \(copy.skippedFiles)")
        #expect(try store.read { try $0.quoteCount() } == 3)
        #expect(try store.dbQueue.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM ingest_batches") } == 2, "the copy's batch was rolled back")
    }

    /// §9.4 catch-up (issue 22 #1): a run as of Monday after one as of Friday publishes Saturday's and
    /// Sunday's fixings too (`fixing_days: every_day`), as the cron line on business days expects.
    @Test func aRunCatchesUpTheWeekend() throws {
        let dir = try tempDir()
        var c = DemoConfig()
        c.days = 20
        c.quotesPerDay = 800
        c.end = CivilDate(iso: "2025-03-24")!
        c.out = dir + "/inbox"
        _ = try DemoJob.generate(c)
        let store = try Store(path: dir + "/s.sqlite")
        let defs = try DefinitionLoader.methodology(DailyRunTests.indices)
        var friday = RunRequest(from: CivilDate(iso: "2025-03-21")!, to: CivilDate(iso: "2025-03-21")!)
        friday.inbox = c.out
        friday.now = "2025-03-22T00:00:00Z"
        friday.writeFiles = false
        _ = try RunJob.run(store: store, defs: defs, request: friday)
        var monday = RunRequest(from: CivilDate(iso: "2025-03-24")!, to: CivilDate(iso: "2025-03-24")!)
        monday.inbox = c.out
        monday.now = "2025-03-25T00:00:00Z"
        monday.writeFiles = false
        let m = try RunJob.run(store: store, defs: defs, request: monday)
        #expect(m.recomputed.map { $0.lowerBound.description } == "2025-03-22")
        let dates = Set(try store.read { try $0.latestFixings(grades: ["H100-SXM.NA.OD"]) }.map(\.date))
        #expect(dates.isSuperset(of: ["2025-03-21", "2025-03-22", "2025-03-23", "2025-03-24"]), "\(dates.sorted())")
        // Issue 22 #5: each run names the date it published; a late quote for Sunday restates one value
        // and the run records the others it recomputed unchanged.
        let runs = try store.read { try $0.publicationRuns() }.filter { $0.job == "run" }
        #expect(Set(runs.compactMap(\.publishedDates)).isSuperset(of: ["2025-03-21", "2025-03-22", "2025-03-23", "2025-03-24"]))
        try write(quotesCSV(["2025-03-23T10:00:00Z,newcomer,z1,H100 SXM,8,us-east-1,on_demand,1.10,USD,hour,gpu,8,"]), to: c.out + "/late.csv")
        monday.now = "2025-03-25T01:00:00Z"
        _ = try RunJob.run(store: store, defs: defs, request: monday)
        let late = try store.read { try $0.publicationRuns() }.filter { $0.startedAt == "2025-03-25T01:00:00Z" }
        let sunday = late.first { $0.publishedDates == "2025-03-23" }
        #expect(sunday.map { $0.written >= 1 && $0.unchanged > 20 } == true, "\(late)")
    }

    /// §9.2–§9.3: a late quote inside the window restates the fixing (both vintages exported); one
    /// outside the window is recorded, not published, until `cix run --restate --reason`.
    @Test func lateQuoteRestatesWithinTheWindowAndIsHeldOutsideIt() throws {
        let dir = try tempDir()
        let box = try inbox(dir)
        let db = dir + "/s.sqlite"
        let now = ["--now", "2025-03-22T00:00:00Z"]
        #expect([0, 6].contains(run(["run", "--from", "2025-03-17", "--to", "2025-03-20", "--inbox", box, "--db", db] + now)))
        let before = try export("fixings", db, ["--from", "2025-03-20", "--to", "2025-03-20"])
        let line = { (csv: String, g: String) in csv.split(separator: "\n").first { $0.hasPrefix(g + ",") }.map(String.init) ?? "" }
        // Three new sources at 1.10 on 2025-03-20 pull the H100-SXM.NA.OD median down.
        try FileManager.default.createDirectory(atPath: box + "/late", withIntermediateDirectories: true)
        try write(quotesCSV((1...3).map { "2025-03-20T10:00:00Z,late\($0),l\($0),H100 SXM5 80GB,8,us-east-1,on_demand,1.10,USD,hour,gpu,4096,infiniband" }),
                  to: box + "/late/a.csv")
        // As of Friday 2025-03-21, one business day after the value's first publication: restated.
        #expect([0, 6].contains(run(["run", "--date", "2025-03-21", "--inbox", box, "--db", db, "--now", "2025-03-22T01:00:00Z"])))
        let restatements = try export("restatements", db)
        #expect(restatements.contains("fixings,H100-SXM.NA.OD,2025-03-20,1,2,"), "\(restatements)")
        #expect(restatements.contains("late quote,true"))
        let first = try export("fixings", db, ["--from", "2025-03-20", "--to", "2025-03-20", "--vintage", "first"])
        let latest = try export("fixings", db, ["--from", "2025-03-20", "--to", "2025-03-20"])
        #expect(line(first, "H100-SXM.NA.OD") == line(before, "H100-SXM.NA.OD"))
        #expect(line(latest, "H100-SXM.NA.OD").hasPrefix("H100-SXM.NA.OD,2025-03-20,2,"))
        #expect(line(first, "H100-SXM.NA.OD") != line(latest, "H100-SXM.NA.OD"))
        let asOf = try export("fixings", db, ["--from", "2025-03-20", "--to", "2025-03-20", "--vintage", "2025-03-22T00:30:00Z"])
        #expect(line(asOf, "H100-SXM.NA.OD") == line(first, "H100-SXM.NA.OD"), "as of a time before the restatement: the first vintage")

        // A late quote for 2025-03-18 found as of Tuesday 2025-03-25 (more than one business day later): held.
        try write(quotesCSV((1...3).map { "2025-03-18T10:00:00Z,late\($0),m\($0),H100 SXM5 80GB,8,us-east-1,on_demand,1.10,USD,hour,gpu,4096,infiniband" }),
                  to: box + "/late/b.csv")
        #expect(run(["run", "--date", "2025-03-25", "--inbox", box, "--db", db, "--now", "2025-03-26T00:00:00Z"]) == 6)
        let held = try export("restatements", db, ["--from", "2025-03-18", "--to", "2025-03-18"])
        #expect(held.contains("fixings,H100-SXM.NA.OD,2025-03-18,1,,"), "\(held)")
        #expect(held.contains("late quote,false"))
        #expect(line(try export("fixings", db, ["--from", "2025-03-18", "--to", "2025-03-18"]), "H100-SXM.NA.OD").hasPrefix("H100-SXM.NA.OD,2025-03-18,1,"))
        // verify: the held change is reported as held, not as a failure.
        let (vcode, vout, _) = try runProcess(builtCix, ["verify", "--db", db, "--indices", DailyRunTests.indices])
        #expect(vcode == 0, "\(vout)")
        #expect(vout.contains("held fixings H100-SXM.NA.OD 2025-03-18"))
        // --restate needs a reason; with one, the held change is published.
        #expect(run(["run", "--date", "2025-03-25", "--db", db, "--restate"]) == 2)
        #expect([0, 6].contains(run(["run", "--date", "2025-03-25", "--db", db, "--restate", "--reason", "late feed from a new source",
                                     "--now", "2025-03-26T01:00:00Z"])))
        #expect(line(try export("fixings", db, ["--from", "2025-03-18", "--to", "2025-03-18"]), "H100-SXM.NA.OD").hasPrefix("H100-SXM.NA.OD,2025-03-18,2,"))
        #expect(try export("restatements", db, ["--from", "2025-03-18", "--to", "2025-03-18"]).contains("manual: late feed from a new source,true"))
    }

    /// Issue 22 #3 and #4: only a grade that got worse since the previous fixing date makes the run exit 6;
    /// one that stays stale is a note. A series with nothing computed says why; `cix report` writes no
    /// empty factsheet and its index page says which series have none and why.
    @Test func onlyNewWarningsAlertAndEmptySeriesSayWhy() throws {
        let dir = try tempDir()
        let box = dir + "/inbox"
        try FileManager.default.createDirectory(atPath: box, withIntermediateDirectories: true)
        let rows = threeSourceRows(["2025-03-17"])
        try write(quotesCSV(rows), to: box + "/monday.csv")
        let store = try Store(path: dir + "/s.sqlite")
        let defs = try DefinitionLoader.methodology(DailyRunTests.indices)
        func day(_ d: String, _ now: String) throws -> RunReport {
            var r = RunRequest(from: CivilDate(iso: d)!, to: CivilDate(iso: d)!)
            r.inbox = box
            r.now = now
            r.writeFiles = false
            return try RunJob.run(store: store, defs: defs, request: r)
        }
        let monday = try day("2025-03-17", "2025-03-18T00:00:00Z")
        #expect(monday.warnings.isEmpty, "\(monday.warnings)")
        #expect(monday.notes.contains { $0.hasPrefix("curves: none for CXH on 2025-03-17: none of its strip grades") }, "\(monday.notes)")
        #expect(monday.notes.contains { $0.hasPrefix("fund_nav: none computed: no settlement and no model-curve price") })
        let tuesday = try day("2025-03-18", "2025-03-19T00:00:00Z")
        #expect(tuesday.warnings.contains { $0.contains("grades stale on 2025-03-18 that were not on 2025-03-17") && $0.contains("H100-SXM.NA.OD") },
                "newly stale: a warning (exit 6): \(tuesday.warnings)")
        let wednesday = try day("2025-03-19", "2025-03-20T00:00:00Z")
        #expect(!wednesday.warnings.contains { $0.contains("stale") }, "still stale: not a warning: \(wednesday.warnings)")
        #expect(wednesday.notes.contains { $0.contains("grades still stale on 2025-03-19") && $0.contains("H100-SXM.NA.OD") })
        // The factsheets: none for the rolling indices and funds (nothing published), each named with why.
        let out = dir + "/fs"
        let files = try ReportJob.run(store: store, defs: defs, date: CivilDate(iso: "2025-03-19")!, out: out)
        #expect(!files.contains { $0.hasSuffix("CXH-FRONT.html") || $0.hasSuffix("CXH-ROLL.html") }, "\(files)")
        let index = try String(contentsOfFile: out + "/index.html", encoding: .utf8)
        #expect(index.contains("Series without a factsheet") && index.contains("CXH-ROLL") && index.contains("no NAV published by 2025-03-19"))
    }

    /// Issue 22 #6 (§9.3): a change caused by a late FX file alone is recorded as "late FX rate", not as a
    /// late quote.
    @Test func aLateFXFileIsNamedAsTheReason() throws {
        let dir = try tempDir()
        let box = dir + "/inbox"
        try FileManager.default.createDirectory(atPath: box, withIntermediateDirectories: true)
        var rows = threeSourceRows(["2025-03-17"])
        // A fourth source prices in euros.
        rows.append("2025-03-17T10:00:00Z,eurocloud,e1,H100 SXM,8,us-east-1,on_demand,1.90,EUR,hour,gpu,8,")
        rows.append("2025-03-17T10:00:00Z,eurocloud,e2,H100 SXM,8,us-east-1,on_demand,1.91,EUR,hour,gpu,8,")
        try write(quotesCSV(rows), to: box + "/monday.csv")
        try write("date,currency,usd_per_unit\n2025-03-14,EUR,1.05\n2025-03-17,EUR,1.05\n", to: box + "/fx.csv")
        let db = dir + "/s.sqlite"
        #expect([0, 6].contains(run(["run", "--date", "2025-03-17", "--inbox", box, "--db", db, "--now", "2025-03-18T00:00:00Z"])))
        // A corrected euro rate for Monday arrives on Tuesday (within the window): Monday is restated.
        try write("date,currency,usd_per_unit\n2025-03-17,EUR,1.25\n", to: box + "/fx-corrected.csv")
        #expect([0, 6].contains(run(["run", "--date", "2025-03-18", "--inbox", box, "--db", db, "--now", "2025-03-19T00:00:00Z"])))
        let r = try export("restatements", db, ["--from", "2025-03-17", "--to", "2025-03-17"])
        #expect(r.contains("fixings,H100-SXM.NA.OD,2025-03-17,1,2,") && r.contains("late FX rate,true") && !r.contains("late quote"), "\(r)")
    }

    /// Issue 22 #2 (§5.5, §9.2): a held recomputation never feeds a published value. A grade fixes on
    /// Monday only; Tuesday to Thursday carry Monday's value. A late quote for Monday found on Thursday is
    /// held (outside the window), and the stale days published that run carry Monday's published value,
    /// not the held one; the index is built from the published fixings; verify agrees.
    @Test func aHeldValueNeverFeedsAPublishedOne() throws {
        let dir = try tempDir()
        let box = dir + "/inbox"
        try FileManager.default.createDirectory(atPath: box, withIntermediateDirectories: true)
        let rows = threeSourceRows(["2025-03-17"])
        try write(quotesCSV(rows), to: box + "/monday.csv")
        let db = dir + "/s.sqlite"
        #expect([0, 6].contains(run(["run", "--date", "2025-03-17", "--inbox", box, "--db", db, "--now", "2025-03-18T00:00:00Z"])))
        let store = try Store(path: db, readOnly: true)
        func value(_ d: String) throws -> FixingRecord? { try store.read { try $0.latestFixing(grade: "H100-SXM.NA.OD", date: CivilDate(iso: d)!) } }
        let monday = try #require(try value("2025-03-17"))
        #expect(monday.status == "ok")
        // A late, much lower quote from a fourth source for Monday, found on Thursday.
        try write(quotesCSV(["2025-03-17T11:00:00Z,late,l1,H100 SXM,8,us-east-1,on_demand,1.50,USD,hour,gpu,8,",
                             "2025-03-17T11:00:00Z,late,l2,H100 SXM,8,us-east-1,on_demand,1.51,USD,hour,gpu,8,"]), to: box + "/late.csv")
        #expect(run(["run", "--date", "2025-03-20", "--inbox", box, "--db", db, "--now", "2025-03-21T00:00:00Z"]) == 6)
        let held = try export("restatements", db, ["--from", "2025-03-17", "--to", "2025-03-17"])
        #expect(held.contains("fixings,H100-SXM.NA.OD,2025-03-17,1,,"), "the change to Monday is held: \(held)")
        #expect(try value("2025-03-17")?.version == 1)
        for d in ["2025-03-18", "2025-03-19", "2025-03-20"] {
            let f = try #require(try value(d))
            #expect(f.status == "stale" && f.carriedFrom == "2025-03-17" && f.value == monday.value,
                    "\(d) carries Monday's published \(monday.value ?? 0), not the held recomputation: \(f.value ?? 0)")
        }
        let (vcode, vout, _) = try runProcess(builtCix, ["verify", "--db", db, "--indices", DailyRunTests.indices])
        #expect(vcode == 0, "\(vout)")
    }

    /// Issue 23 (METHODOLOGY §7.8): a month's final settlement is published once its last averaged day is,
    /// and a late quote for that day found within the restatement window restates it like any series.
    @Test func aLateQuoteRestatesAFinalSettlement() throws {
        let dir = try tempDir()
        let box = dir + "/inbox"
        try FileManager.default.createDirectory(atPath: box, withIntermediateDirectories: true)
        // The last business week of February 2025 (Friday the 28th ends the month).
        try write(quotesCSV(threeSourceRows(["2025-02-24", "2025-02-25", "2025-02-26", "2025-02-27", "2025-02-28"])), to: box + "/week.csv")
        let db = dir + "/s.sqlite"
        #expect([0, 6].contains(run(["run", "--from", "2025-02-24", "--to", "2025-02-28", "--inbox", box, "--db", db,
                                     "--now", "2025-03-01T00:00:00Z"])))
        let first = try export("final-settlements", db)
        let gpux = { (csv: String) in csv.split(separator: "\n").first { $0.hasPrefix("GPUX,2025-02-28,GPUXG25,") }.map(String.init) ?? "" }
        // 19 business days in February 2025 (the 17th is a holiday of the shipped calendar), 5 with a fixing:
        // coverage 5 ÷ 19, provisional; the 14 before the first fixing count at the first one's value.
        #expect(gpux(first).hasPrefix("GPUX,2025-02-28,GPUXG25,1,provisional,"), "\(first)")
        #expect(gpux(first).contains(",19,5,0,0,14,0.2631578947368421,14,14 missing days at the next averaged day's value,"), "\(first)")
        // A late, lower quote from two more sources for Friday the 28th, found as of Monday 3 March: restated.
        try write(quotesCSV((1...2).map { "2025-02-28T11:00:00Z,late\($0),l\($0),H100 SXM,8,us-east-1,on_demand,1.50,USD,hour,gpu,8," }),
                  to: box + "/late.csv")
        #expect([0, 6].contains(run(["run", "--date", "2025-03-03", "--inbox", box, "--db", db, "--now", "2025-03-04T00:00:00Z"])))
        let restatements = try export("restatements", db)
        #expect(restatements.contains("final_settlements,GPUX GPUXG25,2025-02-28,1,2,"), "\(restatements)")
        #expect(restatements.contains("fixings,H100-SXM.NA.OD,2025-02-28,1,2,"))
        #expect(gpux(try export("final-settlements", db)).hasPrefix("GPUX,2025-02-28,GPUXG25,2,provisional,"))
        let (vcode, vout, _) = try runProcess(builtCix, ["verify", "--db", db, "--indices", DailyRunTests.indices])
        #expect(vcode == 0 && vout.contains("final_settlements"), "\(vout)")
        let (scode, sout, _) = try runProcess(builtCix, ["futures", "settle", "--db", db, "--indices", DailyRunTests.indices, "--root", "GPUX",
                                                         "--month", "2025-02"])
        #expect(scode == 0 && sout.contains("recomputed settlement equals the published one"), "\(sout)")
        // March has begun, not ended: nothing to settle yet, and the command says how far it is.
        let (mcode, _, merr) = try runProcess(builtCix, ["futures", "settle", "--db", db, "--indices", DailyRunTests.indices, "--root", "GPUX",
                                                         "--month", "2025-03"])
        #expect(mcode == 2 && merr.contains("GPUXH25 has not settled: 1 of its 21 averaged days are published (through 2025-03-03)"), "\(merr)")
    }

    /// §9.2–§9.3: a corrected settlement restates the rolling index as "corrected settlement"; a
    /// chain-linked value whose earlier change is held is held too, even inside the window.
    @Test func correctedSettlementAndHeldChains() throws {
        let dir = try tempDir()
        let box = try inbox(dir)
        let db = dir + "/s.sqlite"
        // Published day by day, each as of its own date.
        for d in ["2025-03-17", "2025-03-18", "2025-03-19", "2025-03-20", "2025-03-21"] {
            #expect([0, 6].contains(run(["run", "--date", d, "--inbox", box, "--db", db])))
        }
        let original = try String(contentsOfFile: box + "/futures/cxh-settlements.csv", encoding: .utf8).split(separator: "\n")
        func corrected(_ date: String) -> [String] {
            original.filter { $0.hasPrefix(date + ",") }.map { line in
                var f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
                f[2] = String(format: "%.4f", Double(f[2])! * 1.05)
                return f.joined(separator: ",")
            }
        }
        // As of Friday 2025-03-21, a correction of Thursday's settlements is inside the window.
        try write((["date,contract,settle,volume,open_interest"] + corrected("2025-03-20")).joined(separator: "\n") + "\n", to: box + "/corr1.csv")
        #expect([0, 6].contains(run(["run", "--date", "2025-03-21", "--inbox", box, "--db", db])))
        let r1 = try export("restatements", db, ["--from", "2025-03-20", "--to", "2025-03-20"])
        #expect(r1.contains("futures_index_levels,CXH-ROLL,2025-03-20,1,2,"), "\(r1)")
        #expect(r1.contains("corrected settlement,true"))
        // As of Monday 2025-03-24: the 03-18 correction is outside the window (held), and the 03-21 one,
        // inside it, is held too because CXH-ROLL on 03-21 chains from the held 03-18 value.
        try write((["date,contract,settle,volume,open_interest"] + corrected("2025-03-18") + corrected("2025-03-21")).joined(separator: "\n") + "\n",
                  to: box + "/corr2.csv")
        #expect(run(["run", "--date", "2025-03-24", "--inbox", box, "--db", db]) == 6)
        let r2 = try export("restatements", db, ["--from", "2025-03-18", "--to", "2025-03-21"])
        #expect(r2.contains("futures_index_levels,CXH-ROLL,2025-03-18,1,,"), "\(r2)")
        #expect(r2.contains("futures_index_levels,CXH-ROLL,2025-03-21,2,,"), "\(r2)")
        #expect(!r2.contains("futures_index_levels,CXH-ROLL,2025-03-21,2,3,"))
        let (vcode, vout, _) = try runProcess(builtCix, ["verify", "--db", db, "--indices", DailyRunTests.indices])
        #expect(vcode == 0, "\(vout)")
        // A run as of an earlier date than the store's is refused: runs go forward.
        #expect(run(["run", "--date", "2025-03-19", "--inbox", box, "--db", db]) == 2)
    }

    /// §9.6: verify passes on a published store and names a value altered behind its back.
    @Test func verifyFindsAnAlteredValue() throws {
        let dir = try tempDir()
        let box = try inbox(dir)
        let db = dir + "/s.sqlite"
        #expect([0, 6].contains(run(["run", "--from", "2025-03-03", "--to", "2025-03-21", "--inbox", box, "--db", db])))
        let (ok, out, _) = try runProcess(builtCix, ["verify", "--db", db, "--indices", DailyRunTests.indices])
        #expect(ok == 0, "\(out)")
        #expect(out.contains("every published value is reproduced"))
        let (sq, _, sqErr) = try runProcess("/usr/bin/env", ["sqlite3", db, """
            DROP TRIGGER fixings_immutable; UPDATE fixings SET value = value + 0.01 WHERE grade_id = 'H100-SXM.NA.OD' AND date = '2025-03-12';
            DROP TRIGGER fund_nav_immutable; UPDATE fund_nav SET nav_per_share = nav_per_share * 1.001 WHERE fund_id = 'CXH-FRONT' AND date = '2025-03-14';
            """])
        #expect(sq == 0, "sqlite3: \(sqErr)")
        let (bad, out2, _) = try runProcess(builtCix, ["verify", "--db", db, "--indices", DailyRunTests.indices])
        #expect(bad == 4)
        #expect(out2.contains("DIFFERS fixings H100-SXM.NA.OD 2025-03-12"), "\(out2)")
        #expect(out2.contains("DIFFERS fund_nav CXH-FRONT 2025-03-14"), "\(out2)")
        // Issue 21 #12: the published tables refuse DELETE and UPDATE; rows removed behind the store's
        // back (triggers dropped) are found missing.
        let (refused, _, _) = try runProcess("/usr/bin/env", ["sqlite3", db, "DELETE FROM fund_nav WHERE fund_id = 'CXH-FRONT' AND date = '2025-03-13';"])
        #expect(refused != 0)
        let (upd, _, _) = try runProcess("/usr/bin/env", ["sqlite3", db, "UPDATE index_weights SET weight = 0.5;"])
        #expect(upd != 0)
        let (sq2, _, sqErr2) = try runProcess("/usr/bin/env", ["sqlite3", db, """
            DROP TRIGGER fund_nav_no_delete; DELETE FROM fund_nav WHERE fund_id = 'CXH-FRONT' AND date = '2025-03-13';
            DROP TRIGGER futures_index_levels_no_delete; DELETE FROM futures_index_levels WHERE index_id = 'CXH-ROLL' AND date = '2025-03-13';
            """])
        #expect(sq2 == 0, "sqlite3: \(sqErr2)")
        let (bad2, out3, _) = try runProcess(builtCix, ["verify", "--db", db, "--indices", DailyRunTests.indices])
        #expect(bad2 == 4)
        #expect(out3.contains("fund_nav CXH-FRONT 2025-03-13") && out3.contains("futures_index_levels CXH-ROLL 2025-03-13"), "\(out3)")
    }

    /// §9.4: a backfill killed by SIGKILL at random moments and run again gives exports byte-identical
    /// to an uninterrupted run; two uninterrupted runs give identical exports.
    @Test func killedBackfillResumesToIdenticalExports() throws {
        let dir = try tempDir()
        let box = try inbox(dir)
        let args = { (db: String) in ["run", "--from", "2025-02-20", "--to", "2025-03-21", "--inbox", box, "--db", db, "--out", dir + "/pub",
                                      "--indices", DailyRunTests.indices, "--now", "2025-03-22T00:00:00Z"] }
        // runs.csv too (the clock is fixed): a file and its inbox record commit together, so nothing is
        // ingested twice and no run is added by the resumption.
        let kinds = ["fixings", "indices", "weights", "settlements", "curves", "futures-indices", "funds", "restatements", "runs"]
        func exports(_ db: String) throws -> [String] { try kinds.map { try export($0, db) } }
        let clean = dir + "/clean.sqlite"
        #expect(try [0, 6].contains(runProcess(builtCix, args(clean)).0))
        let reference = try exports(clean)
        let again = dir + "/again.sqlite"
        #expect(try [0, 6].contains(runProcess(builtCix, args(again)).0))
        #expect(try exports(again) == reference, "two runs on the same inputs")
        var rng = TestRNG()
        for attempt in 0..<3 {
            let db = dir + "/killed\(attempt).sqlite"
            for _ in 0..<2 {
                let p = Process()
                p.executableURL = URL(fileURLWithPath: builtCix)
                p.arguments = args(db)
                p.standardOutput = FileHandle.nullDevice
                p.standardError = FileHandle.nullDevice
                try p.run()
                Thread.sleep(forTimeInterval: Double.random(in: 0.2...4.0, using: &rng))
                kill(p.processIdentifier, SIGKILL)
                p.waitUntilExit()
            }
            #expect(try [0, 6].contains(runProcess(builtCix, args(db)).0))
            let got = try exports(db)
            for (k, (a, b)) in zip(kinds, zip(got, reference)) { #expect(a == b, "\(k).csv differs after a killed run (attempt \(attempt))") }
        }
    }

    /// §9.7: the factsheets render in headless Chromium without errors and their charts draw paths.
    @Test func factsheetRendersInChromium() throws {
        let dir = try tempDir()
        let box = try inbox(dir)
        let db = dir + "/s.sqlite"
        #expect([0, 6].contains(run(["run", "--from", "2025-02-24", "--to", "2025-03-21", "--inbox", box, "--db", db])))
        #expect(run(["report", "--db", db, "--date", "2025-03-21", "--out", dir + "/fs"]) == 0)
        let page = dir + "/fs/CIX-CCC.html"
        let html = try String(contentsOfFile: page, encoding: .utf8)
        #expect(!html.contains("<script"), "no scripts")
        #expect(!html.contains("src=\""), "no external assets")
        let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first { FileManager.default.isExecutableFile(atPath: $0) }
        try #require(chromium != nil, "Chromium is needed for this test: .ci/run installs it (apt-get install chromium)")
        let flags = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--enable-logging=stderr", "--v=0"]
        let (dc, dom, derr) = try runProcess(chromium!, flags + ["--dump-dom", "file://" + page])
        #expect(dc == 0, "\(derr)")
        #expect(!derr.contains("CONSOLE"), "the page logged to the console: \(derr)")
        let paths = dom.components(separatedBy: "<path d=\"M").count - 1
        #expect(paths >= 4, "the charts drew \(paths) paths")
        let png = dir + "/ccc.png"
        let (sc, _, serr) = try runProcess(chromium!, flags + ["--window-size=900,2000", "--screenshot=" + png, "file://" + page])
        #expect(sc == 0, "\(serr)")
        let data = try Data(contentsOf: URL(fileURLWithPath: png))
        #expect(data.count > 20_000 && data.starts(with: [0x89, 0x50, 0x4E, 0x47]))
        for f in ["index.html", "CXH-ROLL.html", "CXH-FRONT.html"] { #expect(FileManager.default.fileExists(atPath: dir + "/fs/" + f)) }
    }

    /// Every new export loads with a plain pandas.read_csv.
    @Test func newExportsLoadWithPandas() throws {
        let dir = try tempDir()
        let box = try inbox(dir)
        let db = dir + "/s.sqlite"
        #expect([0, 6].contains(run(["run", "--from", "2025-03-17", "--to", "2025-03-21", "--inbox", box, "--db", db])))
        try write(quotesCSV(["2025-03-20T10:00:00Z,late1,l1,H100 SXM5 80GB,8,us-east-1,on_demand,1.10,USD,hour,gpu,4096,infiniband",
                             "2025-03-20T10:00:00Z,late2,l2,H100 SXM5 80GB,8,us-east-1,on_demand,1.10,USD,hour,gpu,4096,infiniband",
                             "2025-03-20T10:00:00Z,late3,l3,H100 SXM5 80GB,8,us-east-1,on_demand,1.10,USD,hour,gpu,4096,infiniband"]),
                  to: box + "/late.csv")
        #expect([0, 6].contains(run(["run", "--date", "2025-03-21", "--inbox", box, "--db", db])))
        for k in ["restatements", "rejects", "runs"] { try write(try export(k, db), to: dir + "/\(k).csv") }
        let script = """
        import pandas as pd, sys
        d = sys.argv[1]
        r = pd.read_csv(d + "/restatements.csv"); j = pd.read_csv(d + "/rejects.csv"); u = pd.read_csv(d + "/runs.csv")
        assert len(r) > 0 and str(r["old_value"].dtype) == "float64" and r["published"].dtype == bool, r.dtypes
        assert len(j) > 0 and str(j["line"].dtype) == "int64"
        assert "as_of" in u.columns
        print(len(r), len(j), len(u))
        """
        let (status, _, e) = try runProcess("/usr/bin/env", ["python3", "-c", script, dir])
        #expect(status == 0, "\(e)")
    }
}
