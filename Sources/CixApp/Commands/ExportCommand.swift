import ArgumentParser
import CixCore
import CixIO
import CixStore
import Foundation

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export", abstract: "Export stored data as CSV or JSON Lines.",
        subcommands: [ExportQuotes.self, ExportFixings.self, ExportIndices.self, ExportWeights.self, ExportRuns.self,
                      ExportSettlements.self, ExportCurves.self, ExportFuturesIndices.self, ExportFunds.self, ExportRestatements.self,
                      ExportRejects.self])
}

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

/// An export subcommand: parses, then calls the export job.
protocol ExportSubcommand: ParsableCommand {
    static var kind: ExportKind { get }
    var store: StoreOptions { get }
    var options: ExportOptions { get }
}

extension ExportSubcommand {
    func run() throws {
        if options.vintage != .latest, [.quotes, .runs, .restatements, .rejects].contains(Self.kind) {
            throw CixError("--vintage applies to published series; \(Self.kind.rawValue) has one version of each row")
        }
        if options.series != nil, [.quotes, .runs, .restatements, .rejects].contains(Self.kind) {
            throw CixError("--series applies to published series, not to \(Self.kind.rawValue)")
        }
        let db = try store.openReadOnly()
        if let series = options.series { try ExportJob.checkSeries(store: db, kind: Self.kind, series: series) }
        let warnings = try ExportJob.run(store: db, kind: Self.kind, range: DateRange(from: options.from, to: options.to),
                                         format: options.format, out: options.out, vintage: options.vintage, series: options.series)
        for w in warnings { printErr("warning: \(w)") }
        if !warnings.isEmpty { throw ExitCode(ExitStatus.quarantined.rawValue) }
    }
}

struct ExportQuotes: ExportSubcommand {
    static let configuration = CommandConfiguration(
        commandName: "quotes",
        abstract: "One row per stored quote: its raw fields and its normalized ones, ordered by observation time then quote id.")
    static let kind = ExportKind.quotes
    @OptionGroup var store: StoreOptions
    @OptionGroup var options: ExportOptions
}

struct ExportFixings: ExportSubcommand {
    static let configuration = CommandConfiguration(
        commandName: "fixings", abstract: "One row per grade and date (latest version), ordered by grade then date.")
    static let kind = ExportKind.fixings
    @OptionGroup var store: StoreOptions
    @OptionGroup var options: ExportOptions
}

struct ExportIndices: ExportSubcommand {
    static let configuration = CommandConfiguration(
        commandName: "indices", abstract: "One row per index and date (latest version), ordered by index then date.")
    static let kind = ExportKind.indices
    @OptionGroup var store: StoreOptions
    @OptionGroup var options: ExportOptions
}

struct ExportWeights: ExportSubcommand {
    static let configuration = CommandConfiguration(
        commandName: "weights", abstract: "One row per index, date and constituent: link weight, link price, price, held.")
    static let kind = ExportKind.weights
    @OptionGroup var store: StoreOptions
    @OptionGroup var options: ExportOptions
}

struct ExportRuns: ExportSubcommand {
    static let configuration = CommandConfiguration(
        commandName: "runs", abstract: "One row per publication run.")
    static let kind = ExportKind.runs
    @OptionGroup var store: StoreOptions
    @OptionGroup var options: ExportOptions
}

struct ExportSettlements: ExportSubcommand {
    static let configuration = CommandConfiguration(
        commandName: "settlements", abstract: "One row per contract and date (latest version): exchange settlements.")
    static let kind = ExportKind.settlements
    @OptionGroup var store: StoreOptions
    @OptionGroup var options: ExportOptions
}

struct ExportCurves: ExportSubcommand {
    static let configuration = CommandConfiguration(
        commandName: "curves", abstract: "One row per futures root, date and listed contract: the model curve (§7.4).")
    static let kind = ExportKind.curves
    @OptionGroup var store: StoreOptions
    @OptionGroup var options: ExportOptions
}

struct ExportFuturesIndices: ExportSubcommand {
    static let configuration = CommandConfiguration(
        commandName: "futures-indices", abstract: "One row per rolling futures index and business day: ER, TR, CDR, TBR, holdings (§7.5–§7.7).")
    static let kind = ExportKind.futuresIndices
    @OptionGroup var store: StoreOptions
    @OptionGroup var options: ExportOptions
}

struct ExportFunds: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "funds", abstract: "One row per fund and business day: NAV per share, shares, net assets, cash, gains, interest, fees, costs, positions (§8).")
    @OptionGroup var store: StoreOptions
    @OptionGroup var options: ExportOptions
    @Option(help: "Only this fund.") var fund: String?

    func run() throws {
        let s = try store.openReadOnly()
        if let fund, try s.read({ try $0.latestFundNAV(fund: fund) }).isEmpty {
            throw CixError("no NAV stored for fund \(fund) (run cix fund nav; cix fund compare lists the funds)")
        }
        try ExportJob.run(store: s, kind: .funds, range: DateRange(from: options.from, to: options.to),
                          format: options.format, out: options.out, fund: fund ?? options.series, vintage: options.vintage)
    }
}

struct ExportRestatements: ExportSubcommand {
    static let configuration = CommandConfiguration(
        commandName: "restatements",
        abstract: "One row per change to a published value (§9.3): series, key, date, old and new vintage and value, reason, published or held.")
    static let kind = ExportKind.restatements
    @OptionGroup var store: StoreOptions
    @OptionGroup var options: ExportOptions
}

struct ExportRejects: ExportSubcommand {
    static let configuration = CommandConfiguration(
        commandName: "rejects", abstract: "One row per rejected input row of every ingested file: file, line, field, reason, the row as received.")
    static let kind = ExportKind.rejects
    @OptionGroup var store: StoreOptions
    @OptionGroup var options: ExportOptions
}
