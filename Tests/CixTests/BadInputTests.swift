@testable import CixApp
@testable import CixCore
@testable import CixIO
import CixStore
import Foundation
import GRDB
import CixTestSupport
import Testing

/// Issue findings of the bad-input sweep, one test per item (README "Exit codes", METHODOLOGY.md §2.2,
/// §3.5, §3.7).
@Suite(.serialized) struct BadInputTests {
    let indices = repoRoot + "/Indices"

    /// Runs cix in this process with the shipped definitions (for the commands that read them).
    func run(_ args: [String]) -> Int32 {
        let takesIndices = ["ingest", "normalize", "fix", "index", "explain", "demo", "fx"].contains(args[0])
        return CixMain.run(args + (takesIndices ? ["--indices", indices] : []))
    }

    // 1. NUL bytes

    /// §2.2: a NUL (or any control character) in a field rejects the row, in CSV and JSON Lines; the
    /// store stays usable.
    @Test func nulBytesAreRejectedNotStored() throws {
        let dir = try tempDir()
        let db = dir + "/s.sqlite"
        try write(quotesCSV(["2026-11-24T15:00:00Z,lambda,o\u{0}5,H100,8,US,on_demand,2.99,USD,hour,gpu,,",
                             "2026-11-24T15:00:00Z,lambda,o6,H100,8,US,on_demand,2.99,USD,hour,gpu,,"]), to: dir + "/nul.csv")
        #expect(run(["ingest", "--db", db, dir + "/nul.csv"]) == 3)
        try write(#"{"observed_at":"2026-11-24T15:00:00Z","source":"lambda","offer_id":"x\u0000y","chip":"H100","gpu_count":8,"location":"US","term":"on_demand","price":2.99,"currency":"USD","price_unit":"hour","price_basis":"gpu"}"# + "\n",
                  to: dir + "/nul.jsonl")
        #expect(run(["ingest", "--db", db, dir + "/nul.jsonl"]) == 3)
        let s = try Store(path: db)
        let rejects = try s.dbQueue.read { try Row.fetchAll($0, sql: "SELECT field, reason FROM rejects ORDER BY id") }
        #expect(rejects.count == 2)
        #expect(rejects.allSatisfy { ($0[0] as String) == "offer_id" && ($0[1] as String).contains("control character U+0000") })
        #expect(try s.read { try $0.quoteCount() } == 1)
        #expect(run(["normalize", "--db", db]) == 0)
        #expect(run(["fix", "--db", db, "--date", "2026-11-24"]) == 0)
    }

    /// §2.5: a block that cannot be read back (as an older cix could store) is quarantined: normalize
    /// exits 5 and carries on; a good file ingested afterwards is normalized, fixed and exported.
    @Test func anUnreadableBlockIsQuarantinedAndTheRestCarriesOn() throws {
        let dir = try tempDir()
        let db = dir + "/s.sqlite"
        let s = try Store(path: db)
        // A block holding a NUL inside a record, written behind the writer's back as cix 0.2 did.
        try s.dbQueue.write { db in
            try db.execute(sql: "INSERT INTO ingest_batches (source_path, format, started_at) VALUES ('old.csv', 'csv', 't')")
            let record = "2,2026-11-24T15:00:00Z,lambda,o\u{0}5,H100,8,US,on_demand,2.99,USD,hour,gpu,,\n"
            try db.execute(sql: "INSERT INTO raw_blocks (batch_id, first_quote_id, count, min_epoch, max_epoch, data) VALUES (1, 1, 1, ?, ?, CAST(? AS TEXT))",
                           arguments: [Int64(1_795_964_400), Int64(1_795_964_400), Data(record.utf8)])
            try db.execute(sql: "INSERT INTO quote_identities (identity) VALUES (1)")
        }
        #expect(run(["normalize", "--db", db]) == 5)
        #expect(try s.read { try $0.quarantinedBlocks() }.count == 1)
        #expect(run(["normalize", "--db", db]) == 0, "found once, then left out")
        var rows: [String] = []
        for (i, src) in ["lambda", "nebius", "crusoe", "vast", "runpod"].enumerated() {
            rows.append("2026-11-24T1\(i):00:00Z,\(src),g\(i),H100 SXM,8,us-east-1,on_demand,2.\(50 + i),USD,hour,gpu,64,")
        }
        try write(quotesCSV(rows), to: dir + "/good.csv")
        #expect(run(["ingest", "--db", db, dir + "/good.csv"]) == 0)
        #expect(run(["fix", "--db", db, "--date", "2026-11-24"]) == 0)
        let f = try s.read { try $0.latestFixing(grade: "H100-SXM.NA.OD", date: CivilDate(iso: "2026-11-24")!) }
        #expect(f?.status == "ok" && f?.offers == 5 && f?.value == 2.52)
        #expect(run(["export", "quotes", "--db", db, "--out", dir + "/q.csv"]) == 5, "the quarantined block is reported")
        let exported = try String(contentsOfFile: dir + "/q.csv", encoding: .utf8)
        #expect(exported.split(separator: "\n").count == 6)
    }

    /// §2.5: each block is read back before it commits; a failing check stores nothing of the file.
    @Test func aBlockThatWouldNotReadBackStoresNothing() throws {
        let dir = try tempDir()
        let s = try Store(path: dir + "/s.sqlite")
        try write(quotesCSV(["2026-11-24T15:00:00Z,lambda,a,H100,8,US,on_demand,2.99,USD,hour,gpu,,"]), to: dir + "/a.csv")
        let reader = try CanonicalCSVReader(source: try FileByteSource(path: dir + "/a.csv"), path: "a.csv")
        #expect(throws: (any Error).self) {
            try s.write { sess in
                let w = try sess.quoteBatchWriter(sourcePath: "a.csv", format: "csv", sourceName: nil, startedAt: "t")
                w.blockCheck = { _ in throw StoreCorruption("simulated") }
                var chunk = QuoteChunk()
                while let row = try reader.next() { if case .quote(let q, let line) = row { chunk.append(q, line: line) } }
                try w.add(chunk)
                try w.finish(finishedAt: "t")
            }
        }
        #expect(try s.read { try $0.quoteCount() } == 0 && (try s.read { try $0.batchCount() }) == 0)
    }

    // 2. cix demo and existing stores

    @Test func demoRefusesAnExistingStoreUnlessForced() throws {
        let dir = try tempDir()
        let db = dir + "/real.sqlite"
        try write(quotesCSV(["2026-11-24T15:00:00Z,lambda,a,H100,8,US,on_demand,2.99,USD,hour,gpu,,"]), to: dir + "/a.csv")
        #expect(run(["ingest", "--db", db, dir + "/a.csv"]) == 0)
        #expect(run(["demo", "--days", "2", "--quotes-per-day", "1200", "--out", dir + "/demo", "--db", db]) == 2)
        #expect(try Store(path: db).read { try $0.quoteCount() } == 1, "the real store is untouched")
        // A store that holds other batches never receives demo quotes, even when opened by the job.
        let s = try Store(path: db)
        var c = DemoConfig()
        c.days = 1
        c.out = dir + "/demo2"
        let m = try DemoJob.generate(c)
        #expect(throws: DemoJob.CheckFailure.self) {
            try DemoJob.run(c, store: s, defs: try DefinitionLoader.methodology(indices), generated: m)
        }
        #expect(run(["demo", "--days", "2", "--quotes-per-day", "1200", "--out", dir + "/demo3", "--end", "2025-03-20"]) == 0)
        #expect(run(["demo", "--days", "2", "--quotes-per-day", "1200", "--out", dir + "/demo3", "--end", "2025-03-20"]) == 2)
        #expect(run(["demo", "--days", "2", "--quotes-per-day", "1200", "--out", dir + "/demo3", "--end", "2025-03-20", "--force"]) == 0)
    }

    // 3. Huge, tiny and infinite prices

    /// §3.7: prices outside the plausible USD per GPU-hour are kept unpriced with the reason, never
    /// fixed; nothing traps.
    @Test func implausiblePricesAreKeptUnpricedAndNeverFixed() throws {
        let dir = try tempDir()
        let db = dir + "/s.sqlite"
        var rows: [String] = []
        for (i, src) in ["a", "b", "c", "d", "e"].enumerated() {
            rows.append("2026-11-24T1\(i):00:00Z,\(src),x\(i),H100,8,us-east-1,on_demand,2e15,USD,hour,gpu,,")
            rows.append("2026-11-24T1\(i):00:00Z,\(src),y\(i),H100,8,us-east-1,on_demand,1e308,USD,second,gpu,,")
            rows.append("2026-11-24T1\(i):00:00Z,\(src),z\(i),H100,8,us-east-1,on_demand,1e-320,USD,month,gpu,,")
        }
        try write(quotesCSV(rows), to: dir + "/q.csv")
        #expect(run(["ingest", "--db", db, dir + "/q.csv"]) == 0)
        #expect(run(["fix", "--db", db, "--date", "2026-11-24"]) == 0)
        #expect(run(["index", "--db", db, "--from", "2025-01-02", "--to", "2026-11-24"]) == 0)
        let s = try Store(path: db)
        let reasons = try normalizedRows(s).compactMap(\.unpricedReason)
        #expect(reasons.count == 15 && reasons.allSatisfy { $0.hasPrefix("implausible price") })
        let f = try s.read { try $0.latestFixing(grade: "H100-SXM.NA.OD", date: CivilDate(iso: "2026-11-24")!) }
        #expect(f == nil, "never fixed, so its series never starts (§5.5): nothing is published")
        #expect(run(["export", "fixings", "--db", db, "--format", "json", "--out", dir + "/f.jsonl"]) == 0)
        #expect(!(try String(contentsOfFile: dir + "/f.jsonl", encoding: .utf8)).contains("inf"))
    }

    // 4. Out-of-range parameters and options

    @Test(arguments: ["bootstrap_samples: 200" => "bootstrap_samples: -5", "max_stale_days: 5" => "max_stale_days: -3",
                      "published_decimals: 4" => "published_decimals: 30", "published_decimals: 4" => "published_decimals: -2",
                      "window_hours: 24" => "window_hours: 0", "outlier_k: 3" => "outlier_k: 0", "source_cap: 0.30" => "source_cap: 1.5",
                      "transaction_min_volume_gpu_hours: 10000" => "transaction_min_volume_gpu_hours: 0",
                      "transaction_min_volume_gpu_hours: 10000" => "transaction_min_volume_gpu_hours: lots",
                      "transaction_min_sources: 3" => "transaction_min_sources: 0", "indicative_fallback: true" => "indicative_fallback: maybe"])
    func outOfRangeFixingParametersAreNamed(edit: Edit) throws {
        let dir = try editedIndices("fx\(edit.new.hashValue)") { $0["fixing.yaml"] = $0["fixing.yaml"]!.replacingOccurrences(of: edit.old, with: edit.new) }
        let field = String(edit.new.split(separator: ":")[0])
        do {
            _ = try DefinitionLoader.methodology(dir)
            Issue.record("\(edit.new) loaded")
        } catch let e as DefinitionError {
            #expect(e.path.hasSuffix("fixing.yaml") && e.field == field && e.line != nil, "\(e)")
        }
        #expect(CixMain.run(["fix", "--db", dir + "/s.sqlite", "--date", "2026-11-24", "--indices", dir]) == 2)
    }

    /// Issue 21 #15: fund and futures definitions out of range are refused on load, naming file, line and
    /// field (they used to be accepted, or to fail later with a 300-digit net asset value).
    @Test(arguments: [
        ("funds.yaml", "inception: 2025-01-02", "inception: 0000-01-01", "inception"),
        ("funds.yaml", "inception: 2025-01-02", "inception: 2025-01-04", "inception"),
        ("funds.yaml", "initial_nav: 25.00", "initial_nav: 1e-300", "initial_nav"),
        ("funds.yaml", "cost_per_contract: 1.00", "cost_per_contract: 1e6", "cost_per_contract"),
        ("funds.yaml", "design: ladder\n    ladder_months: 12", "design: ladder\n    ladder_months: 13", "design"),
        ("flows/cxh-front.csv", "2025-02-03,50000", "2025-02-03,1e-300", "shares"),
        ("flows/cxh-front.csv", "2025-02-03,50000", "9999-12-31,5", "date"),
        ("futures.yaml", "root: CXH\n", "root: ÄÖÜ\n", "root"),
        ("futures.yaml", "contract_gpu_hours: 1000", "contract_gpu_hours: 1e-300", "contract_gpu_hours"),
        ("futures.yaml", "base_date: 2025-01-02", "base_date: 9999-12-31", "base_date"),
        ("futures.yaml", "base_date: 2025-01-02", "base_date: 0001-01-01", "base_date"),
        ("futures.yaml", "3: H100-SXM.NA.3M", "3: H100-SXM.NA.1M", "term_grades"),
        // Issue 23: the replica root's curve extension and settlement coverage.
        ("futures.yaml", "half_life_months: 6", "half_life_months: 0", "half_life_months"),
        ("futures.yaml", "curve_extension: {damped_slope: {half_life_months: 6}}", "curve_extension: linear", "curve_extension"),
        ("futures.yaml", "curve_extension: {damped_slope: {half_life_months: 6}}", "curve_extension: {damped: 6}", "damped"),
        ("futures.yaml", "settlement_min_coverage: 0.9", "settlement_min_coverage: 0.3", "settlement_min_coverage"),
        ("futures.yaml", "settlement: monthly_average_business_days", "settlement: monthly_average_workdays", "settlement"),
        ("futures.yaml", "listed_months: 36", "listed_months: 61", "listed_months"),
    ])
    func outOfRangeFundAndFuturesDefinitionsAreNamed(file: String, old: String, new: String, field: String) throws {
        let dir = try editedIndices("fd\(new.hashValue)") { files in
            let text = files[file] ?? (try? String(contentsOfFile: repoRoot + "/Indices/" + file, encoding: .utf8)) ?? ""
            files[file] = text.replacingOccurrences(of: old, with: new)
        }
        do {
            _ = try DefinitionLoader.methodology(dir)
            Issue.record("\(new) loaded")
        } catch let e as DefinitionError {
            #expect(e.path.hasSuffix(file) && e.line != nil, "\(e)")
            #expect((e.field ?? "").contains(field) || e.message.contains(field), "\(e)")
            #expect(e.description.count < 400, "\(e)")
        }
    }

    /// §5.5: max_stale_days 0 means no carry-forward (it used to trap).
    @Test func zeroStaleDaysMeansNoCarryForward() throws {
        let dir = try tempDir()
        let defsDir = try editedIndices { $0["fixing.yaml"] = $0["fixing.yaml"]!.replacingOccurrences(of: "max_stale_days: 5", with: "max_stale_days: 0") }
        let (s, c) = try smallDemoStore(dir, days: 3)
        let defs = try DefinitionLoader.methodology(defsDir)
        #expect(defs.fixing.maxStaleDays == 0)
        let r = try FixingJob.run(store: s, defs: defs, from: c.first, to: c.end, now: "t")
        #expect(r.byStatus["stale"] == nil && r.computed > 3 * 20 && r.byStatus["ok"] ?? 0 > 3 * 20)
    }

    @Test func demoEndBefore2001IsAUsageError() {
        #expect(CixMain.run(["demo", "--end", "1970-01-01", "--out", NSTemporaryDirectory() + "cix-never"]) == 2)
        #expect(!FileManager.default.fileExists(atPath: NSTemporaryDirectory() + "cix-never"))
        #expect(CixMain.run(["demo", "--days", "0"]) == 2)
    }

    // 5. Results stamped with definitions they did not use

    /// §1.1: after a grades.yaml edit, `cix fix` refuses until `cix normalize` has run; after a
    /// fixing.yaml edit, `cix index` refuses until `cix fix` has run.
    @Test func jobsRefuseInputsMadeUnderOtherDefinitions() throws {
        let dir = try tempDir()
        let (s, c) = try smallDemoStore(dir, days: 2)
        let db = s.path
        #expect(run(["fix", "--db", db, "--from", c.first.description, "--to", c.end.description]) == 0)
        #expect(run(["index", "--db", db, "--from", c.first.description, "--to", c.end.description]) == 0)
        let grades = try editedIndices { $0["grades.yaml"] = $0["grades.yaml"]!.replacingOccurrences(of: "description: H100 SXM 80GB, North America, on-demand", with: "description: H100 SXM, NA, on-demand") }
        #expect(CixMain.run(["fix", "--db", db, "--date", c.end.description, "--indices", grades]) == 2)
        #expect(CixMain.run(["normalize", "--db", db, "--indices", grades]) == 0)
        #expect(CixMain.run(["fix", "--db", db, "--date", c.end.description, "--indices", grades]) == 0)
        let fixing = try editedIndices { $0["fixing.yaml"] = $0["fixing.yaml"]!.replacingOccurrences(of: "source_cap: 0.30", with: "source_cap: 0.35") }
        #expect(CixMain.run(["normalize", "--db", db, "--indices", fixing]) == 0)
        #expect(CixMain.run(["fix", "--db", db, "--date", c.end.description, "--indices", fixing]) == 0)
        #expect(CixMain.run(["index", "--db", db, "--date", c.end.description, "--indices", fixing]) == 2, "older fixings under the old cap")
        #expect(CixMain.run(["fix", "--db", db, "--from", "2025-01-01", "--to", c.end.description, "--indices", fixing]) == 0)
        #expect(CixMain.run(["index", "--db", db, "--date", c.end.description, "--indices", fixing]) == 0)
    }

    // 6. Unknown keys and out-of-range relations in definition files

    @Test func unknownKeysAreErrorsWithLineAndSuggestion() throws {
        let dir = try editedIndices { $0["indices.yaml"] = $0["indices.yaml"]!.replacingOccurrences(of: "    cap: 0.40", with: "    cpa: 0.40") }
        do {
            _ = try DefinitionLoader.methodology(dir)
            Issue.record("loaded")
        } catch let e as DefinitionError {
            #expect(e.path.hasSuffix("indices.yaml") && e.line == 55 && e.message.contains("unknown key 'cpa'") && e.message.contains("did you mean 'cap'"), "\(e)")
        }
        for (old, new, says) in [("    cap: 0.40", "    cap: -0.1", "cap"), ("    cap: 0.40", "    cap: 0.01", "floor 0.02 is above cap"),
                                 ("    cap: 0.40", "    cap: 1.5", "cap"), ("    weight_lag_business_days: 5", "    weight_lag_business_days: -1", "weight_lag"),
                                 ("    floor: 0.02", "    floor: 0.2", "floor × 6 ≤ 1")] {
            let d = try editedIndices("rel\(new.hashValue)") { $0["indices.yaml"] = $0["indices.yaml"]!.replacingOccurrences(of: old, with: new) }
            let m = (try? DefinitionLoader.methodology(d)).map { _ in "loaded" } ?? "\((try? DefinitionLoader.methodology(d)) == nil ? errorText(d) : "")"
            #expect(m.contains(says) && m.contains("indices.yaml"), "\(new): \(m)")
        }
        let yaml = try editedIndices { $0["fixing.yaml"] = $0["fixing.yaml"]! + "\n  bad: [unclosed\n" }
        #expect(errorText(yaml).contains("line"), "YAML syntax errors name the line")
    }

    func errorText(_ dir: String) -> String {
        do { _ = try DefinitionLoader.methodology(dir); return "loaded" } catch { return "\(error)" }
    }

    // 7. Quotes not normalized

    @Test func exportShowsQuotesNotNormalizedAndFixWarns() throws {
        let dir = try tempDir()
        let db = dir + "/s.sqlite"
        try write(quotesCSV(["2026-11-24T15:00:00Z,lambda,a,H100,8,us-east-1,on_demand,2.99,USD,hour,gpu,,"]), to: dir + "/a.csv")
        try write(quotesCSV(["2026-11-24T15:30:00Z,lambda,b,H100,8,us-east-1,on_demand,2.99,USD,hour,gpu,,"]), to: dir + "/b.csv")
        #expect(run(["ingest", "--db", db, dir + "/a.csv"]) == 0)
        #expect(run(["ingest", "--db", db, "--no-normalize", dir + "/b.csv"]) == 0)
        #expect(run(["export", "quotes", "--db", db, "--out", dir + "/q.csv"]) == 0)
        let lines = try String(contentsOfFile: dir + "/q.csv", encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 3 && lines[2].contains("not normalized yet"))
        let s = try Store(path: db)
        let r = try FixingJob.run(store: s, defs: try DefinitionLoader.methodology(indices), from: CivilDate(iso: "2026-11-24")!,
                                  to: CivilDate(iso: "2026-11-24")!, now: "t")
        #expect(r.warnings.count == 1 && r.warnings[0].contains("1 quotes stored since the last normalization"))
    }

    // 8. Plausibility of input

    @Test(arguments: ["0000-01-01T00:00:00Z", "9999-12-31T00:00:00Z", "2026-11-24T23:59:60Z", "2026-11-24T24:00:00Z",
                      "1999-12-31T23:59:59Z", "2026-12-30T00:00:00Z"])
    func implausibleObservationTimesAreRejected(time: String) throws {
        var f = validFields()
        f[0] = time
        let limits = ObservationLimits(now: Int64(Date().timeIntervalSince1970))
        guard case .failure(let r) = QuoteValidation.validate(f, limits: limits) else { Issue.record("\(time) accepted"); return }
        #expect(r.field == "observed_at")
    }

    @Test func implausibleNumbersAndFilesAreRefused() throws {
        let dir = try tempDir()
        // A price of 1e308 per hour: valid text, unpriced after normalization (§3.7).
        var f = validFields()
        f[7] = "1e308"
        guard case .success(let q) = QuoteValidation.validate(f) else { Issue.record("rejected"); return }
        let n = Normalization.normalize(q, ref: referenceData, fx: FXTable([]))
        #expect(n.usdPerGPUHour == nil && n.unpricedReason!.contains("implausible"))
        // JSON true as a GPU count; a number beyond Double; bad syntax; a non-object.
        let lines = [#"{"observed_at":"2026-11-24T15:00:00Z","source":"s","chip":"H100","gpu_count":true,"location":"US","term":"spot","price":1,"currency":"USD","price_unit":"hour","price_basis":"gpu"}"#,
                     #"{"observed_at":"2026-11-24T15:00:00Z","source":"s","chip":"H100","gpu_count":1e400,"location":"US","term":"spot","price":1,"currency":"USD","price_unit":"hour","price_basis":"gpu"}"#,
                     #"{"observed_at": "#, "[1,2,3]"]
        try write(lines.joined(separator: "\n") + "\n", to: dir + "/j.jsonl")
        let reader = CanonicalJSONLReader(source: try FileByteSource(path: dir + "/j.jsonl"), path: "j.jsonl")
        var reasons: [String] = []
        while let row = try reader.next() { if case .reject(let r, _, _) = row { reasons.append(r.field + ": " + r.reason) } }
        #expect(reasons.count == 4)
        #expect(reasons[0].hasPrefix("gpu_count") && reasons[0].contains("true/false"))
        #expect(reasons[1].contains("out of range") && reasons[2].contains("syntax") && reasons[3].contains("not an object"))
        // FX: 1e308 rejected; conflicting duplicate dates and an unknown or repeated ECB column refuse the file.
        try write("date,currency,usd_per_unit\n2025-01-02,EUR,1e308\n2025-01-02,GBP,1.25\n", to: dir + "/fx1.csv")
        let fx1 = try FXReader.read(try FileByteSource(path: dir + "/fx1.csv"), path: "fx1.csv")
        #expect(fx1.rates.count == 1 && fx1.rejects.count == 1 && fx1.rejects[0].line == 2)
        try write("date,currency,usd_per_unit\n2025-01-02,EUR,1.03\n2025-01-02,EUR,1.04\n", to: dir + "/fx2.csv")
        #expect(throws: QuoteFileError.self) { try FXReader.read(try FileByteSource(path: dir + "/fx2.csv"), path: "fx2.csv") }
        try write("Date,USD,XYZ,\n2025-01-02,1.03,2.0,\n", to: dir + "/fx3.csv")
        #expect(throws: QuoteFileError.self) { try FXReader.read(try FileByteSource(path: dir + "/fx3.csv"), path: "fx3.csv") }
        try write("Date,USD,GBP,GBP,\n2025-01-02,1.03,0.8,0.9,\n", to: dir + "/fx4.csv")
        #expect(throws: QuoteFileError.self) { try FXReader.read(try FileByteSource(path: dir + "/fx4.csv"), path: "fx4.csv") }
        #expect(run(["fx", "ingest", "--db", dir + "/s.sqlite", dir + "/fx2.csv"]) == 2)
        #expect(try Store(path: dir + "/s.sqlite").read { try $0.fxSnapshot() }.table.isEmpty)
    }

    // 9. Stores from a newer cix, mistyped paths

    @Test func newerSchemasAndMissingStoresAreRefused() throws {
        let dir = try tempDir()
        let db = dir + "/s.sqlite"
        _ = try Store(path: db)
        #expect(run(["export", "fixings", "--db", dir + "/typo.sqlite"]) == 2)
        #expect(!FileManager.default.fileExists(atPath: dir + "/typo.sqlite"))
        #expect(run(["grades", "unmatched", "--db", dir + "/typo.sqlite", "--date", "2026-11-24"]) == 2)
        #expect(run(["explain", "fixing", "--db", dir + "/typo.sqlite", "--grade", "H100-SXM.NA.OD", "--date", "2026-11-24"]) == 2)
        #expect(!FileManager.default.fileExists(atPath: dir + "/typo.sqlite"))
        try DatabaseQueue(path: db).write { try $0.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v99-from-the-future')") }
        do {
            _ = try Store(path: db)
            Issue.record("opened")
        } catch let e as Store.OpenError {
            #expect(e.description.contains("v99-from-the-future") && e.description.contains("newer cix"))
        }
        #expect(run(["normalize", "--db", db]) == 2)
    }

    // 10. --out

    @Test func outputsGoThroughSymlinksAndNeverReplaceOtherFiles() throws {
        let dir = try tempDir()
        let db = dir + "/s.sqlite"
        _ = try Store(path: db)
        try write("old", to: dir + "/target.csv")
        try FileManager.default.createSymbolicLink(atPath: dir + "/link.csv", withDestinationPath: "target.csv")
        #expect(run(["export", "fixings", "--db", db, "--out", dir + "/link.csv"]) == 0)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: dir + "/link.csv") == "target.csv")
        #expect(try String(contentsOfFile: dir + "/target.csv", encoding: .utf8).hasPrefix("grade,date"))
        #expect(mkfifo(dir + "/fifo", 0o600) == 0)
        #expect(run(["export", "fixings", "--db", db, "--out", dir + "/fifo"]) == 2)
        #expect(run(["export", "fixings", "--db", db, "--out", dir]) == 2)
        var st = stat()
        #expect(lstat(dir + "/fifo", &st) == 0 && (st.st_mode & S_IFMT) == S_IFIFO)
        // A temporary left by a killed run (a process that no longer exists) is removed by the next one.
        try write("partial", to: dir + "/.out.csv.cix-tmp-999999")
        #expect(run(["export", "fixings", "--db", db, "--out", dir + "/out.csv"]) == 0)
        #expect(!FileManager.default.fileExists(atPath: dir + "/.out.csv.cix-tmp-999999"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.contains("tmp") }.isEmpty)
    }

    // 11. Multi-file ingest and write errors

    /// A later file failing leaves the earlier ones stored, reported and normalized.
    @Test func aLaterFileFailingKeepsAndNormalizesTheEarlierOnes() throws {
        let dir = try tempDir()
        let s = try Store(path: dir + "/s.sqlite")
        try write(quotesCSV(["2026-11-24T15:00:00Z,lambda,a,H100,8,us-east-1,on_demand,2.99,USD,hour,gpu,,"]), to: dir + "/a.csv")
        let good = try IngestJob.open(paths: [dir + "/a.csv"], options: IngestOptions())[0]
        let failing = IngestJob.Input(path: "failing.csv", reader: try CanonicalCSVReader(
            source: IngestTests.FailingSource(inner: MemoryByteSource(quotesCSV(Array(repeating: "2026-11-24T15:00:00Z,x,b,H100,8,US,spot,1,USD,hour,gpu,,", count: 500))), remaining: 10_000),
            path: "failing.csv"), format: "csv")
        var reported: [String] = []
        var o = IngestOptions()
        o.writeRejectFiles = false
        let out = try IngestJob.ingestAndNormalize(store: s, inputs: [good, failing], options: o, ref: referenceData,
                                                   onFile: { reported.append($0.path) })
        #expect(out.failure != nil && reported == [dir + "/a.csv"])
        #expect(out.normalize?.examined == 1)
        #expect(try s.read { try $0.quoteCount() } == 1)
    }

    @Test func writeErrorsOnStandardOutputAreNotSuccess() throws {
        let dir = try tempDir()
        _ = try Store(path: dir + "/s.sqlite")
        let (code, _, err) = try runProcess("/bin/sh", ["-c", "\(builtCix) export runs --db \(dir)/s.sqlite > /dev/full"])
        #expect(code == 2, "\(err)")
        #expect(err.contains("standard output"))
    }

    /// Issue 21 #1: no write to standard output or error traps, and a failed write of output is exit 2:
    /// `--version`, `grades list`, `runs` into /dev/full; an error message into a full stderr.
    @Test func fullOutputsNeverTrapAndExitTwo() throws {
        let dir = try tempDir()
        _ = try Store(path: dir + "/s.sqlite")
        for cmd in ["--version", "grades list", "runs --db \(dir)/s.sqlite"] {
            let (code, _, err) = try runProcess("/bin/sh", ["-c", "\(builtCix) \(cmd) > /dev/full"])
            #expect(code == 2, "\(cmd): \(code) \(err)")
            #expect(err.contains("cannot write") || err.contains("standard output"), "\(cmd): \(err)")
        }
        // stderr full: the error still exits 2 (a trap would be 132 or 133).
        let (code, _, _) = try runProcess("/bin/sh", ["-c", "\(builtCix) runs --db /nonexistent/x.sqlite 2>/dev/full"])
        #expect(code == 2)
        let (both, _, _) = try runProcess("/bin/sh", ["-c", "\(builtCix) runs --db \(dir)/s.sqlite >/dev/full 2>&1"])
        #expect(both == 2)
    }

    /// Issue 21 #17: `cix export KIND --series NOPE` exits 2 naming the series, as the API answers 404.
    @Test func exportOfAnUnknownSeriesIsRefused() throws {
        let dir = try tempDir()
        _ = try Store(path: dir + "/s.sqlite")
        for kind in ["fixings", "indices", "curves", "futures-indices"] {
            let (code, out, err) = try runProcess(builtCix, ["export", kind, "--db", dir + "/s.sqlite", "--series", "NOPE"])
            #expect(code == 2 && out.isEmpty && err.contains("no series NOPE"), "\(kind): \(code) \(err)")
        }
    }

    /// Issue 21 #17: when the port is taken, `cix serve` says why and exits 2, and never claims to serve.
    @Test func serveOnATakenPortSaysSo() throws {
        let dir = try tempDir()
        _ = try Store(path: dir + "/s.sqlite")
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) } }
        _ = listen(fd, 1)
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
        let port = Int(UInt16(bigEndian: addr.sin_port))
        let (code, out, err) = try runProcess(builtCix, ["serve", "--db", dir + "/s.sqlite", "--host", "127.0.0.1", "--port", String(port)])
        #expect(code == 2 && err.contains("Address already in use") && !out.contains("cix serve: http"), "\(code) \(out) \(err)")
    }

    /// Issue 21 #4 (§5.5): a grade's series starts on its first fixing with a value: no suspended rows are
    /// published for grades without quotes, nor for a grade before it first fixes.
    @Test func nothingIsPublishedBeforeAGradeFirstFixes() throws {
        let dir = try tempDir()
        let db = dir + "/s.sqlite"
        try FileManager.default.createDirectory(atPath: dir + "/inbox", withIntermediateDirectories: true)
        var rows: [String] = []
        // Three sources of H100 SXM in North America from 2025-03-18, a lone offer on 2025-03-16 (too few to fix).
        rows.append("2025-03-16T10:00:00Z,lambda,o0,H100 SXM,8,us-east-1,on_demand,2.10,USD,hour,gpu,8,")
        rows += threeSourceRows(["2025-03-18", "2025-03-19", "2025-03-20"])
        try write(quotesCSV(rows), to: dir + "/inbox/q.csv")
        let (code, _, err) = try runProcess(builtCix, ["run", "--from", "2025-03-16", "--to", "2025-03-20", "--db", db, "--inbox", dir + "/inbox",
                                                       "--now", "2025-03-21T00:00:00Z"])
        #expect(code == 0 || code == 6, "\(err)")
        let fixings = try Store(path: db, readOnly: true).read { try $0.latestFixings() }
        let grades = Set(fixings.map(\.grade))
        #expect(grades.contains("H100-SXM.NA.OD") && grades.count <= 4, "only grades with a value: \(grades.sorted())")
        for g in grades {
            let mine = fixings.filter { $0.grade == g }.sorted { $0.date < $1.date }
            #expect(mine.first?.value != nil, "\(g) starts with a value: \(mine.first?.date ?? "") \(mine.first?.status ?? "")")
        }
        #expect(fixings.first { $0.grade == "H100-SXM.NA.OD" }?.date == "2025-03-18")
        #expect(!fixings.contains { $0.date < "2025-03-18" })
    }

    /// Issue 21 #4: `cix run` over a range with no input is refused: before 2000-01-01, on a store with no
    /// quotes, and before the store's first quote; nothing is published.
    @Test func runRangesWithoutInputAreRefused() throws {
        let dir = try tempDir()
        let db = dir + "/s.sqlite"
        let (early, _, e1) = try runProcess(builtCix, ["run", "--from", "0000-01-01", "--to", "2025-03-20", "--db", db])
        #expect(early == 2 && e1.contains("before 2000-01-01"), "\(e1)")
        try FileManager.default.createDirectory(atPath: dir + "/inbox", withIntermediateDirectories: true)
        let (empty, _, e2) = try runProcess(builtCix, ["run", "--from", "2025-03-20", "--to", "2025-03-20", "--db", db, "--inbox", dir + "/inbox",
                                                       "--now", "2025-03-21T00:00:00Z"])
        #expect(empty == 2 && e2.contains("no quotes are stored"), "\(e2)")
        try write(quotesCSV(["2025-03-20T10:00:00Z,lambda,o1,H100 SXM,8,us-east-1,on_demand,2.10,USD,hour,gpu,8,"]), to: dir + "/inbox/q.csv")
        let (before, _, e3) = try runProcess(builtCix, ["run", "--from", "2025-03-01", "--to", "2025-03-20", "--db", db, "--inbox", dir + "/inbox",
                                                        "--now", "2025-03-21T00:00:00Z"])
        #expect(before == 2 && e3.contains("before the store's first quote (2025-03-20)"), "\(e3)")
        #expect(try Store(path: db, readOnly: true).read { try $0.latestFixings() }.isEmpty)
    }

    /// Issue 21 #10: a symbolic link planted at `FILE.rejects.csv` is not written through: the ingest
    /// refuses (exit 2, nothing stored) and the link's target is untouched.
    @Test func rejectsFilesAreNotWrittenThroughPlantedLinks() throws {
        let dir = try tempDir()
        try write("keep me\n", to: dir + "/target.txt")
        try write(quotesCSV(["2025-03-20T10:00:00Z,lambda,o1,H100 SXM,8,us-east-1,on_demand,NOTAPRICE,USD,hour,gpu,8,"]), to: dir + "/q.csv")
        try FileManager.default.createSymbolicLink(atPath: dir + "/q.csv.rejects.csv", withDestinationPath: dir + "/target.txt")
        let (code, _, err) = try runProcess(builtCix, ["ingest", "--db", dir + "/s.sqlite", dir + "/q.csv"])
        #expect(code == 2 && err.contains("symbolic link"), "\(code) \(err)")
        #expect(try String(contentsOfFile: dir + "/target.txt", encoding: .utf8) == "keep me\n")
    }

    /// Issue 21 #14: `cix report --date` outside what is published exits 2 and writes nothing.
    @Test func reportsOnlyForPublishedDates() throws {
        let dir = try tempDir()
        _ = try Store(path: dir + "/s.sqlite")
        let (code, _, err) = try runProcess(builtCix, ["report", "--db", dir + "/s.sqlite", "--date", "2026-01-05", "--out", dir + "/f"])
        #expect(code == 2 && err.contains("nothing is published"), "\(err)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/f/index.html"))
    }

    /// Issue 21 #11: `--out link.csv`, a relative symlink in the current folder, writes its target in
    /// that folder (not at the root).
    @Test func relativeSymlinkOutInTheCurrentFolder() throws {
        let dir = try tempDir()
        _ = try Store(path: dir + "/s.sqlite")
        try FileManager.default.createSymbolicLink(atPath: dir + "/link.csv", withDestinationPath: "target.csv")
        let (code, _, err) = try runProcess(builtCix, ["export", "runs", "--db", dir + "/s.sqlite", "--out", "link.csv"], cwd: dir)
        #expect(code == 0, "\(err)")
        #expect(FileManager.default.fileExists(atPath: dir + "/target.csv"))
        #expect(!FileManager.default.fileExists(atPath: "/target.csv"))
    }

    // 12. Errors for people

    @Test func busyStoresDatesAndRangesAreWordedForPeople() throws {
        let dir = try tempDir()
        let db = dir + "/s.sqlite"
        let s = try Store(path: db)
        try write(quotesCSV(["2026-11-24T15:00:00Z,lambda,a,H100,8,US,on_demand,2.99,USD,hour,gpu,,"]), to: dir + "/a.csv")
        try s.dbQueue.writeWithoutTransaction { db in
            try db.execute(sql: "BEGIN IMMEDIATE")
            #expect(run(["ingest", "--db", dir + "/s.sqlite", "--wait", "0", dir + "/a.csv"]) == 2)
            try db.execute(sql: "ROLLBACK")
        }
        let busy = DatabaseError(resultCode: .SQLITE_BUSY, message: "database is locked", sql: "BEGIN IMMEDIATE TRANSACTION")
        #expect(StoreErrors.describe(busy).contains("another cix is writing") && StoreErrors.describe(busy).contains("--wait"))
        #expect(!StoreErrors.describe(busy).contains("BEGIN"))
        #expect(throws: (any Error).self) { try parseDateOption("2026-02-30") }
        do { _ = try parseDateOption("2026-02-30") } catch { #expect("\(error)".contains("does not exist") || "\(error)".contains("not a date that exists")) }
        #expect(run(["fix", "--db", db, "--from", "2026-11-25", "--to", "2026-11-24"]) == 2)
        #expect(run(["fix", "--db", db, "--date", "2026-02-30"]) == 2)
    }

    // 13. Smaller items

    @Test func versionRejectsDirRejectsOnceJSONBooleansAndLongLines() throws {
        let dir = try tempDir()
        let db = dir + "/s.sqlite"
        #expect(CixMain.run(["--version"]) == 0)
        let bad = quotesCSV(["2026-11-24T15:00:00Z,lambda,a,H100,8,US,on_demand,-1,USD,hour,gpu,,",
                             "2026-11-24T15:00:00Z,lambda,b,H100,8,US,on_demand," + String(repeating: "9", count: CSVRecord.maxBytes + 10) + ",USD,hour,gpu,,",
                             "2026-11-24T15:00:00Z,lambda,c,H100,8,US,on_demand,2.5,USD,hour,gpu,,"])
        try write(bad, to: dir + "/bad.csv")
        try FileManager.default.createDirectory(atPath: dir + "/rej", withIntermediateDirectories: true)
        #expect(run(["ingest", "--db", db, "--rejects-dir", dir + "/rej", dir + "/bad.csv"]) == 3)
        #expect(FileManager.default.fileExists(atPath: dir + "/rej/bad.csv.rejects.csv"))
        #expect(!FileManager.default.fileExists(atPath: dir + "/bad.csv.rejects.csv"))
        #expect(run(["ingest", "--db", db, "--rejects-dir", dir + "/rej", dir + "/bad.csv"]) == 3)
        let s = try Store(path: db)
        let rejects = try s.dbQueue.read { try Row.fetchAll($0, sql: "SELECT line, reason FROM rejects ORDER BY id") }
        #expect(rejects.count == 2, "a re-ingest stores no reject twice")
        #expect(rejects.contains { ($0[1] as String).contains("longer than 1048576 bytes") && ($0[0] as Int) == 3 })
        #expect(try s.read { try $0.quoteCount() } == 1)
        // JSON exports: booleans are booleans.
        let (st, c) = try smallDemoStore(dir + "/demo", days: 2)
        let defs = try DefinitionLoader.methodology(indices)
        _ = try FixingJob.run(store: st, defs: defs, from: c.first, to: c.end, now: "t")
        _ = try IndexJob.run(store: st, defs: defs, from: c.first, to: c.end, now: "t")
        try ExportJob.run(store: st, kind: .weights, range: DateRange(), format: .json, out: dir + "/w.jsonl")
        let w = try String(contentsOfFile: dir + "/w.jsonl", encoding: .utf8)
        #expect(w.contains("\"held\":false") && !w.contains("\"held\":\"false\""))
    }
}

struct Edit: Sendable, CustomTestStringConvertible {
    var old: String
    var new: String
    var testDescription: String { new }
}

infix operator => : AdditionPrecedence
func => (a: String, b: String) -> Edit { Edit(old: a, new: b) }
