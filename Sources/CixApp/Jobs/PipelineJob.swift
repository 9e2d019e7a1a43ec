import CixCore
import CixIO
import CixStore
import Foundation

/// What the pipeline is asked to do: ingest these files, then normalize, fix, index and export.
public struct PipelineRequest: Sendable {
    public var quoteFiles: [String] = []
    public var fxFiles: [String] = []
    /// Exchange settlements and T-bill rates (§7).
    public var settlementFiles: [String] = []
    public var rateFiles: [String] = []
    /// Dates to fix and index.
    public var from: CivilDate
    public var to: CivilDate
    /// Where to write fixings.csv, indices.csv, weights.csv, runs.csv (and the quotes of `quoteExport`).
    public var exportsDir: String?
    public var quoteExport: DateRange?
    public var ingest = IngestOptions()

    public init(from: CivilDate, to: CivilDate) {
        self.from = from
        self.to = to
    }
}

/// What the pipeline did, stage by stage, with each stage's seconds.
public struct PipelineReport: Sendable {
    public var ingest: [FileIngestResult] = []
    public var fx: [FXFileResult] = []
    public var normalize = NormalizeStats()
    public var fixings = PublishStats()
    public var indices = PublishStats()
    public var settlements: [InputFileResult] = []
    public var rates: [InputFileResult] = []
    public var curves = PublishStats()
    public var futuresIndices = PublishStats()
    public var funds = PublishStats()
    public var exports: [String] = []
    public var seconds: [String: Double] = [:]
}

/// The pipeline in its one direction (ingest → normalize → fix → index → exports), reused by
/// `cix demo` and the daily run. Each stage is its own job and transaction.
public enum PipelineJob {
    public static func run(store: Store, defs: MethodologyDefinitions, request r: PipelineRequest, now: String? = nil,
                           progress: (String) -> Void = { _ in }) throws -> PipelineReport {
        var report = PipelineReport()
        func timed<T>(_ stage: String, _ body: () throws -> T) rethrows -> T {
            let t0 = Date()
            let v = try body()
            report.seconds[stage] = Date().timeIntervalSince(t0)
            return v
        }
        if !r.quoteFiles.isEmpty {
            report.ingest = try timed("ingest") { try IngestJob.run(store: store, paths: r.quoteFiles, options: r.ingest) }
            progress("ingested \(report.ingest.count) files")
        }
        if !r.fxFiles.isEmpty {
            report.fx = try timed("fx") { try FXJob.ingest(store: store, paths: r.fxFiles, now: now) }
        }
        report.normalize = try timed("normalize") { try NormalizeJob.run(store: store, ref: defs.reference, now: now) }
        progress(report.normalize.summary)
        let args = "--from \(r.from) --to \(r.to)"
        report.fixings = try timed("fix") { try FixingJob.run(store: store, defs: defs, from: r.from, to: r.to, now: now, arguments: args) }
        progress("fixings: \(report.fixings.computed) grade-days")
        report.indices = try timed("index") { try IndexJob.run(store: store, defs: defs, from: r.from, to: r.to, now: now, arguments: args) }
        if !r.settlementFiles.isEmpty || !r.rateFiles.isEmpty || !defs.rollingIndices.isEmpty {
            try timed("futures") {
                report.settlements = try FuturesJob.ingestSettlements(store: store, defs: defs, paths: r.settlementFiles,
                                                                      writeRejectFiles: r.ingest.writeRejectFiles, now: now)
                report.rates = try FuturesJob.ingestRates(store: store, paths: r.rateFiles, writeRejectFiles: r.ingest.writeRejectFiles, now: now)
                report.curves = try FuturesJob.curves(store: store, defs: defs, from: r.from, to: r.to, now: now, arguments: args)
                report.futuresIndices = try FuturesJob.indices(store: store, defs: defs, from: r.from, to: r.to, now: now, arguments: args)
            }
            progress("futures: \(report.curves.computed) curves, \(report.futuresIndices.computed) rolling index days")
        }
        if !defs.funds.isEmpty {
            report.funds = try timed("funds") { try FundJob.nav(store: store, defs: defs, from: r.from, to: r.to, now: now, arguments: args) }
        }
        if let dir = r.exportsDir {
            try timed("export") {
                try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
                for kind in [ExportKind.fixings, .indices, .weights, .runs, .settlements, .curves, .futuresIndices, .funds] {
                    let path = dir + "/\(kind.rawValue).csv"
                    try ExportJob.run(store: store, kind: kind, range: DateRange(), format: .csv, out: path)
                    report.exports.append(path)
                }
                if !defs.funds.isEmpty {
                    let path = dir + "/fund-compare.csv"
                    let sink = try TextSink(path: path)
                    let w = TableWriter(columns: FundJob.compareColumns, format: .csv, sink: sink)
                    for row in FundJob.compareRows(try FundJob.compare(store: store, defs: defs, funds: nil, from: nil, to: r.to)) { w.row(row) }
                    try sink.close()
                    report.exports.append(path)
                }
                if let q = r.quoteExport {
                    let path = dir + "/quotes-\(q.from.map { $0.description } ?? "start")-to-\(q.to.map { $0.description } ?? "end").csv"
                    try ExportJob.run(store: store, kind: .quotes, range: q, format: .csv, out: path)
                    report.exports.append(path)
                }
            }
        }
        return report
    }
}
