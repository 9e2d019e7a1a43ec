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
    @Flag(help: "Only write the quote files and manifest; do not ingest.") var generateOnly = false
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
        let manifest = try DemoJob.generate(c, calendar: defs?.calendar ?? .weekdays)
        let t = manifest.totals
        print("generated \(manifest.days.count) day files, \(t.rows) rows (\(t.valid) valid, \(t.duplicates) duplicates, \(t.rejected) bad, \(t.unknownChip) unknown chips) in \(String(format: "%.1f", Date().timeIntervalSince(t0))) s")
        guard let defs else {
            print("outputs: \(out)/")
            return
        }
        print(definitionsLine(defs))
        let store: Store
        do { store = try Store(path: dbPath) } catch { throw CixError("cannot open store \(dbPath): \(StoreErrors.describe(error))") }
        let r = try DemoJob.run(c, store: store, defs: defs, generated: manifest)
        let secs = { (k: String) in String(format: "%.1f", r.seconds[k] ?? 0) }
        let accepted = r.ingest.reduce(0) { $0 + $1.counts.accepted }
        let rejected = r.ingest.reduce(0) { $0 + $1.counts.rejected }
        let dups = r.ingest.reduce(0) { $0 + $1.counts.duplicates }
        print("ingested \(r.ingest.count) files: accepted \(accepted), duplicates \(dups), rejected \(rejected) in \(secs("ingest")) s")
        for f in r.fx { print("fx: \(f.stored) rates (\(f.format) format) from \(f.path)") }
        print(r.normalize.summary + " in \(secs("normalize")) s")
        let fst = r.fixings.byStatus.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        print("fixings: \(r.fixings.computed) grade-days (\(fst)) in \(secs("fix")) s")
        print("indices: \(r.indices.computed) index-days in \(secs("index")) s")
        let arb = r.curves.byStatus["arbitrage warning", default: 0]
        print("futures: \(r.settlements.reduce(0) { $0 + $1.stored }) settlements, \(r.rates.reduce(0) { $0 + $1.stored }) T-bill rates, \(r.curves.computed) curves (\(arb) with arbitrage warnings), \(r.futuresIndices.computed) rolling index days in \(secs("futures")) s")
        print("funds: \(r.funds.computed) NAV days for \(defs.funds.count) funds in \(secs("funds")) s")
        print("exports: " + r.exports.joined(separator: ", "))
        print("outputs: \(out)/ (quotes/, fx/, manifest.json, exports/, quote rejects in quotes/*.rejects.csv); store: \(dbPath)")
    }
}
