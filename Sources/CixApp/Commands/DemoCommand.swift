import ArgumentParser
import CixCore
import CixIO
import CixStore
import Foundation

struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Generate a seeded synthetic market, ingest it and run every pipeline stage on it.",
        discussion: """
        Outputs go under --out; the store is <out>/cix.sqlite unless --db is given. An existing store is refused unless --force \
        (which replaces it); demo quotes never go into a store that holds other data. Same seed, byte-identical files.
        """)

    @Option(help: "Random seed.") var seed: UInt64 = 42
    @Option(help: "Days of data (1 to 20000).") var days: Int = 730
    @Option(help: "Last day (YYYY-MM-DD, 2001 or later).", transform: parseDateOption) var end: CivilDate = CivilDate(iso: "2026-11-24")!
    @Option(name: .customLong("quotes-per-day"), help: "Quotes per day (at least the day's list prices, about 1,100).")
    var quotesPerDay: Int = 4000
    @Option(help: "Output folder.") var out: String = "demo-out"
    @Option(help: "Store (default <out>/cix.sqlite).") var db: String?
    @Flag(help: "Replace an existing store at the store path.") var force = false
    @Flag(help: "Only write the inbox (quotes, FX, settlements, rates, manifest.json) under --out; do not run the daily job.") var generateOnly = false
    @OptionGroup var indices: IndicesOptions

    func validate() throws {
        guard days >= 1, days <= 20_000 else { throw ValidationError("--days must be 1 to 20000") }
        guard quotesPerDay >= 1, quotesPerDay <= 10_000_000 else { throw ValidationError("--quotes-per-day must be 1 to 10000000") }
        guard end.adding(days: -(days - 1)) >= CivilDate(iso: "2001-01-01")!, end <= CivilDate(iso: "2199-12-31")! else {
            throw ValidationError("--end and --days must keep the demo between 2001-01-01 and 2199-12-31")
        }
    }

    func run() throws {
        var c = DemoConfig()
        c.seed = seed
        c.days = days
        c.end = end
        c.quotesPerDay = quotesPerDay
        c.out = out
        let dbPath = db ?? out + "/cix.sqlite"
        let fm = FileManager.default
        if !generateOnly, fm.fileExists(atPath: dbPath) {
            guard force else {
                throw CixError("demo: a store already exists at \(dbPath); give --force to replace it, or another --db / --out")
            }
            for suffix in ["", "-wal", "-shm"] { try? fm.removeItem(atPath: dbPath + suffix) }
        }
        // Definitions first: a broken Indices/ stops the demo before anything is written.
        let defs = generateOnly ? nil : try indices.methodology()
        let t0 = Date()
        // The generated files are the daily job's inbox: <out>/inbox (with --generate-only, <out> itself).
        var g = c
        if !generateOnly { g.out = out + "/inbox" }
        let manifest = try DemoJob.generate(g, calendar: defs?.calendar ?? .weekdays)
        let t = manifest.totals
        print("generated \(manifest.days.count) day files, \(t.rows) rows (\(t.valid) valid, \(t.duplicates) duplicates, \(t.rejected) bad, \(t.unknownChip) unknown chips) in \(String(format: "%.1f", Date().timeIntervalSince(t0))) s")
        guard let defs else {
            print("inbox: \(out)/ (quotes/, fx/, futures/, rates/, manifest.json); run it with: cix run --from \(c.first) --to \(c.end) --inbox \(out)")
            return
        }
        print(definitionsLine(defs))
        let store: Store
        do { store = try Store(path: dbPath) } catch { throw CixError("cannot open store \(dbPath): \(StoreErrors.describe(error))") }
        let r = try DemoJob.run(g, store: store, defs: defs, generated: manifest, inbox: g.out, out: out, progress: TerminalRunProgress())
        print("daily job (cix run --from \(c.first) --to \(c.end) --inbox \(g.out)):")
        for line in RunSummary.lines(r.run, maxWarnings: 4) { print("  " + line) }
        print("exports: " + r.exports.joined(separator: ", "))
        print("factsheets: " + r.factsheets.joined(separator: ", "))
        print("outputs: \(out)/ (inbox/, published/, exports/, factsheets/; quote rejects in published/rejects/); store: \(dbPath)")
    }
}
