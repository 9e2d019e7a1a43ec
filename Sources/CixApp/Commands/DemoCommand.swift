import ArgumentParser
import CixCore
import CixIO
import CixStore
import Foundation

struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Generate a seeded synthetic market, ingest it and run every pipeline stage on it.",
        discussion: "Outputs go under --out; the store is <out>/cix.sqlite unless --db is given. Same seed, byte-identical files.")

    @Option(help: "Random seed.") var seed: UInt64 = 42
    @Option(help: "Days of data.") var days: Int = 730
    @Option(help: "Last day (YYYY-MM-DD).") var end: String = "2026-11-24"
    @Option(name: .customLong("quotes-per-day"), help: "Quotes per day (at least the day's list prices, about 1,100).")
    var quotesPerDay: Int = 4000
    @Option(help: "Output folder.") var out: String = "demo-out"
    @Option(help: "Store (default <out>/cix.sqlite, created afresh).") var db: String?
    @Flag(help: "Only write the quote files and manifest; do not ingest.") var generateOnly = false
    @OptionGroup var indices: IndicesOptions

    func run() throws {
        guard days >= 1, days <= 20_000 else { throw CixError("demo: --days must be 1 to 20000") }
        guard quotesPerDay >= 1 else { throw CixError("demo: --quotes-per-day must be positive") }
        guard let endDate = CivilDate(iso: end) else { throw CixError("demo: --end must be YYYY-MM-DD: \(end)") }
        var c = DemoConfig()
        c.seed = seed
        c.days = days
        c.end = endDate
        c.quotesPerDay = quotesPerDay
        c.out = out
        let t0 = Date()
        let manifest = try DemoJob.generate(c)
        let t = manifest.totals
        print("generated \(manifest.days.count) day files, \(t.rows) rows (\(t.valid) valid, \(t.duplicates) duplicates, \(t.rejected) bad, \(t.unknownChip) unknown chips) in \(String(format: "%.1f", Date().timeIntervalSince(t0))) s")
        if generateOnly {
            print("outputs: \(out)/")
            return
        }
        let dbPath = db ?? out + "/cix.sqlite"
        if db == nil {
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: dbPath + suffix) }
        }
        let store: Store
        do { store = try Store(path: dbPath) } catch { throw CixError("cannot open store \(dbPath): \(error)") }
        var options = IngestOptions()
        options.writeRejectFiles = true
        _ = try indices.load() // fail early on broken definitions
        let t1 = Date()
        let results: [FileIngestResult]
        do {
            results = try IngestJob.run(store: store, paths: manifest.files.map { out + "/" + $0 }, options: options)
        } catch let e as IngestFailure { throw CixError(e.description) }
        let accepted = results.reduce(0) { $0 + $1.counts.accepted }
        let rejected = results.reduce(0) { $0 + $1.counts.rejected }
        let dups = results.reduce(0) { $0 + $1.counts.duplicates }
        print("ingested \(results.count) files: accepted \(accepted), duplicates \(dups), rejected \(rejected) in \(String(format: "%.1f", Date().timeIntervalSince(t1))) s")
        if accepted != t.valid || rejected != t.rejected || dups != t.duplicates {
            throw CixError("demo: ingest counts differ from what the generator planted (valid \(t.valid), rejected \(t.rejected), duplicates \(t.duplicates))", code: 4)
        }
        // FX, then normalization and grading of everything stored.
        let fxPath = out + "/" + manifest.fxFile
        let fx: FXReader.Result
        do { fx = try FXReader.read(try FileByteSource(path: fxPath), path: fxPath) } catch { throw CixError("\(error)") }
        let now = Timestamp.format(Int64(Date().timeIntervalSince1970))
        _ = try store.dbQueue.write { db in try FXStore.insert(db, rates: fx.rates, sourcePath: fxPath, at: now) }
        print("fx: \(fx.rates.count) rates (\(fx.format) format) from \(manifest.fxFile)")
        let t2 = Date()
        let ns = try NormalizeJob.run(store: store, ref: try indices.load())
        print(ns.summary + " in \(String(format: "%.1f", Date().timeIntervalSince(t2))) s")
        if ns.unmatched[.unknownChip, default: 0] != t.unknownChip {
            throw CixError("demo: \(ns.unmatched[.unknownChip, default: 0]) quotes with an unknown chip, the generator planted \(t.unknownChip)", code: 4)
        }
        // Fixings and indices over the whole history.
        let defs = try indices.methodology()
        let t3 = Date()
        let fs = try FixingJob.run(store: store, defs: defs, from: c.first, to: c.end)
        let fst = fs.byStatus.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        print("fixings: \(fs.computed) grade-days (\(fst)) in \(String(format: "%.1f", Date().timeIntervalSince(t3))) s")
        let t4 = Date()
        let ix = try IndexJob.run(store: store, defs: defs, from: c.first, to: c.end)
        print("indices: \(ix.computed) index-days in \(String(format: "%.1f", Date().timeIntervalSince(t4))) s")
        // Exports.
        try FileManager.default.createDirectory(atPath: out + "/exports", withIntermediateDirectories: true)
        for what in ["fixings", "indices", "weights"] {
            try CixMain.runThrowing(["export", what, "--db", dbPath, "--out", out + "/exports/\(what).csv"])
        }
        let lastWeek = c.end.adding(days: -6)
        let exportPath = out + "/exports/quotes-\(lastWeek)-to-\(c.end).csv"
        try CixMain.runThrowing(["export", "quotes", "--db", dbPath, "--from", lastWeek.description, "--to", c.end.description, "--out", exportPath])
        print("outputs: \(out)/ (quotes/, fx/, manifest.json, exports/, quote rejects in quotes/*.rejects.csv); store: \(dbPath)")
    }
}
