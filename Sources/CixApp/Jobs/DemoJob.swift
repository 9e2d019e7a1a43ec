import CixCore
import CixIO
import CixStore
import Foundation

public struct DemoConfig: Sendable, Codable {
    public var seed: UInt64 = 42
    public var days = 730
    public var end = CivilDate(iso: "2026-11-24")!
    public var quotesPerDay = 4000
    public var out = "demo-out"
    public init() {}
    public var first: CivilDate { end.adding(days: -(days - 1)) }
}

/// What `cix demo` wrote: per-day planted counts, so tests and users can check an ingest against them.
public struct DemoManifest: Codable, Sendable {
    public var seed: UInt64
    public var first: String
    public var last: String
    public var quotesPerDay: Int
    public var files: [String]
    public var fxFile: String
    /// Exchange-style CXH settlements and the T-bill rate series (§7).
    public var settlementsFile: String = "futures/cxh-settlements.csv"
    public var ratesFile: String = "rates/dtb3.csv"
    public var days: [DemoDayCounts]
    public var totals: DemoDayCounts
}

public enum DemoJob {
    /// Writes `<out>/quotes/<date>.csv` for each day, `<out>/fx/eurofxref-hist.csv` and
    /// `<out>/manifest.json`. Same config, byte-identical files (days are generated in parallel but
    /// each day depends only on the seed and its date).
    public static func generate(_ c: DemoConfig, calendar: BusinessCalendar = .weekdays) throws -> DemoManifest {
        let fm = FileManager.default
        let quotesDir = c.out + "/quotes"
        try fm.createDirectory(atPath: quotesDir, withIntermediateDirectories: true)
        try fm.createDirectory(atPath: c.out + "/fx", withIntermediateDirectories: true)
        let market = DemoMarket(seed: c.seed, quotesPerDay: c.quotesPerDay)
        let first = c.first
        let results = Collector<Result<DemoDayCounts, Error>>()
        DispatchQueue.concurrentPerform(iterations: c.days) { i in
            let d = first.adding(days: i)
            do {
                let f = try AtomicTextFile(path: "\(quotesDir)/\(d).csv")
                let counts = market.writeDay(d) { f.write($0) }
                try f.commit()
                results.put(i, .success(counts))
            } catch {
                results.put(i, .failure(error))
            }
        }
        let days = try results.ordered(c.days).map { try $0.get() }
        let fx = try AtomicTextFile(path: c.out + "/fx/eurofxref-hist.csv")
        fx.write(market.ecbRatesCSV(from: first, to: c.end))
        try fx.commit()
        try fm.createDirectory(atPath: c.out + "/futures", withIntermediateDirectories: true)
        try fm.createDirectory(atPath: c.out + "/rates", withIntermediateDirectories: true)
        let st = try AtomicTextFile(path: c.out + "/futures/cxh-settlements.csv")
        st.write(market.settlementsCSV(root: "CXH", from: first, to: c.end, calendar: calendar))
        try st.commit()
        let rt = try AtomicTextFile(path: c.out + "/rates/dtb3.csv")
        rt.write(market.tbillCSV(from: first.adding(days: -10), to: c.end))
        try rt.commit()
        try fm.createDirectory(atPath: c.out + "/reference", withIntermediateDirectories: true)
        let rf = try AtomicTextFile(path: c.out + "/reference/benchmarks.csv")
        rf.write(market.referenceCSV(from: first, to: c.end, calendar: calendar))
        try rf.commit()
        try fm.createDirectory(atPath: c.out + "/auctions", withIntermediateDirectories: true)
        let af = try AtomicTextFile(path: c.out + "/auctions/computeexchange.csv")
        af.write(market.auctionsCSV(from: first, to: c.end))
        try af.commit()
        var totals = DemoDayCounts(date: "total")
        for d in days {
            totals.rows += d.rows
            totals.valid += d.valid
            totals.duplicates += d.duplicates
            totals.unknownChip += d.unknownChip
            for (k, v) in d.rejectsByField { totals.rejectsByField[k, default: 0] += v }
        }
        let manifest = DemoManifest(seed: c.seed, first: first.description, last: c.end.description, quotesPerDay: c.quotesPerDay,
                                    files: days.map { "quotes/\($0.date).csv" }, fxFile: "fx/eurofxref-hist.csv", days: days, totals: totals)
        let enc = JSONEncoder()
        enc.outputFormatting = [.prettyPrinted, .sortedKeys]
        let mf = try AtomicTextFile(path: c.out + "/manifest.json")
        mf.write(String(decoding: try enc.encode(manifest), as: UTF8.self) + "\n")
        try mf.commit()
        return manifest
    }

    /// A demo run's check failed: what was ingested differs from what was planted (exit 4).
    public struct CheckFailure: Error, CustomStringConvertible {
        public var description: String
    }

    /// What the demo did: the daily job over its whole history, the exports of every series and the
    /// factsheets.
    public struct Report: Sendable {
        public var run: RunReport
        public var exports: [String] = []
        public var factsheets: [String] = []
    }

    /// Runs the daily job (§9.4) over the generated inbox into `store` (which must be new) from the
    /// first day to the last, checks the ingest against the manifest, then writes the whole-history
    /// exports under `<out>/exports` and the factsheets under `<out>/factsheets`.
    public static func run(_ c: DemoConfig, store: Store, defs: MethodologyDefinitions, generated manifest: DemoManifest, inbox: String? = nil,
                           out: String? = nil, progress: RunProgress? = nil) throws -> Report {
        guard try store.read({ try $0.batchCount() }) == 0 else {
            throw CheckFailure(description: "the store \(store.path) already holds ingested data: demo quotes go only into a new store")
        }
        let outDir = out ?? c.out
        var r = RunRequest(from: c.first, to: c.end)
        r.inbox = inbox ?? c.out
        r.out = outDir + "/published"
        r.arguments = "demo --from \(c.first) --to \(c.end)"
        r.allowFuture = true
        var report = Report(run: try RunJob.run(store: store, defs: defs, request: r, progress: progress))
        let quotes = report.run.files.filter { $0.kind == "quotes" }
        let t = manifest.totals
        let accepted = quotes.reduce(0) { $0 + $1.accepted }
        let rejected = quotes.reduce(0) { $0 + $1.rejected }
        let dups = quotes.reduce(0) { $0 + $1.duplicates }
        if accepted != t.valid || rejected != t.rejected || dups != t.duplicates {
            throw CheckFailure(description: "ingest counts (accepted \(accepted), rejected \(rejected), duplicates \(dups)) differ from what the generator planted (valid \(t.valid), rejected \(t.rejected), duplicates \(t.duplicates))")
        }
        let unknown = report.run.normalize?.unmatched[.unknownChip, default: 0] ?? 0
        if unknown != t.unknownChip {
            throw CheckFailure(description: "\(unknown) quotes with an unknown chip, the generator planted \(t.unknownChip)")
        }
        let dir = outDir + "/exports"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        for kind in ExportKind.allCases where kind != .quotes {
            let path = dir + "/\(kind.rawValue).csv"
            try ExportJob.run(store: store, kind: kind, range: DateRange(), format: .csv, out: path)
            report.exports.append(path)
        }
        if !defs.funds.isEmpty {
            let path = dir + "/fund-compare.csv"
            let sink = try TextSink(path: path)
            let w = TableWriter(columns: FundJob.compareColumns, format: .csv, sink: sink)
            for row in FundJob.compareRows(try FundJob.compare(store: store, defs: defs, funds: nil, from: nil, to: c.end)) { w.row(row) }
            try sink.close()
            report.exports.append(path)
        }
        let q = DateRange(from: c.end.adding(days: -6), to: c.end)
        let qp = dir + "/quotes-\(q.from!)-to-\(q.to!).csv"
        try ExportJob.run(store: store, kind: .quotes, range: q, format: .csv, out: qp)
        report.exports.append(qp)
        report.factsheets = try ReportJob.run(store: store, defs: defs, date: c.end, out: outDir + "/factsheets")
        return report
    }
}
