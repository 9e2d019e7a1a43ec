import ArgumentParser
import CixCore
import CixIO
import CixStore
import Foundation

/// `--vintage latest|first|YYYY-MM-DDTHH:MM:SSZ` (§9.5).
func parseVintage(_ s: String) throws -> Vintage {
    switch s {
    case "latest": return .latest
    case "first": return .first
    default:
        guard case .success = Timestamp.parse(s), s.count == 20, s.hasSuffix("Z") else {
            throw ValidationError("\(s) is not a vintage: give latest, first or a UTC time YYYY-MM-DDTHH:MM:SSZ")
        }
        return .asOf(s)
    }
}

/// Common export options: date range (UTC, inclusive), format, output.
struct ExportOptions: ParsableArguments {
    @Option(help: "First UTC date (YYYY-MM-DD), inclusive.", transform: parseDateOption) var from: CivilDate?
    @Option(help: "Last UTC date (YYYY-MM-DD), inclusive.", transform: parseDateOption) var to: CivilDate?
    @Option(help: "csv or json (JSON Lines: one object per line).") var format: TableFormat = .csv
    @Option(help: "Output file (default standard output); written atomically.") var out: String?
    @Option(help: ArgumentHelp("Which vintage of each value: latest, first, or the latest published at or before a time (YYYY-MM-DDTHH:MM:SSZ).",
                               valueName: "latest|first|TIMESTAMP"), transform: parseVintage)
    var vintage: Vintage = .latest
    @Option(help: "Only one series: a grade (fixings), an index (indices, weights, futures-indices), a root (curves), a contract (settlements) or a fund (funds).")
    var series: String?

    mutating func validate() throws {
        if let from, let to, from > to { throw ValidationError("--from \(from) is after --to \(to)") }
    }
}

extension ExportKind: ExpressibleByArgument {
    public init?(argument: String) {
        guard let k = ExportKind.named(argument) else { return nil }
        self = k
    }
    public static var allValueStrings: [String] { allCases.map(\.rawValue) }

    /// One line of `cix export --help` per kind.
    static var help: String {
        var lines = [
            "quotes: one row per stored quote: its raw fields and its normalized ones, by observation time then quote id.",
        ]
        lines += PublishedSeriesRegistry.all.map { "\($0.export.rawValue): \($0.summary)." }
        lines += [
            "weights: one row per index, date and constituent: link weight, link price, price, held (§6.4).",
            "settlements: one row per contract and date (latest version): exchange settlements (§7.3).",
            "runs: one row per publication run.",
            "restatements: one row per change to a published value (§9.3): series, key, date, old and new vintage and value, reason, published or held.",
            "rejects: one row per rejected input row of every ingested file: file, line, field, reason, the row as received.",
        ]
        return lines.joined(separator: "\n")
    }
}

/// `cix export KIND`: parses, then calls the export job. Every registered series is a kind.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export", abstract: "Export stored data as CSV or JSON Lines.", discussion: ExportKind.help)
    @Argument(help: ArgumentHelp("What to export.", valueName: "kind")) var kind: ExportKind
    @OptionGroup var store: StoreOptions
    @OptionGroup var options: ExportOptions
    @Option(help: "Only this fund (funds; the same as --series).") var fund: String?

    func validate() throws {
        if fund != nil, kind != .funds { throw ValidationError("--fund applies to the funds export only") }
        if fund != nil, options.series != nil { throw ValidationError("give --fund or --series, not both") }
    }

    func run() throws {
        if options.vintage != .latest, ExportKind.records.contains(kind) {
            throw CixError("--vintage applies to published series; \(kind.rawValue) has one version of each row")
        }
        if options.series != nil, ExportKind.records.contains(kind) {
            throw CixError("--series applies to published series, not to \(kind.rawValue)")
        }
        let db = try store.openReadOnly()
        if let series = fund ?? options.series { try ExportJob.checkSeries(store: db, kind: kind, series: series) }
        let warnings = try ExportJob.run(store: db, kind: kind, range: DateRange(from: options.from, to: options.to),
                                         format: options.format, out: options.out, vintage: options.vintage, series: fund ?? options.series)
        for w in warnings { printErr("warning: \(w)") }
        if !warnings.isEmpty { throw ExitCode(ExitStatus.quarantined.rawValue) }
    }
}
