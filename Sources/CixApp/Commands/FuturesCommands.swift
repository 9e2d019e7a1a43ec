import ArgumentParser
import CixCore
import CixIO
import CixStore
import Foundation

struct FuturesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "futures", abstract: "Compute futures: settlements, the model curve, rolling indices (METHODOLOGY.md §7).",
        subcommands: [FuturesIngest.self, FuturesCurve.self, FuturesIndexCommand.self, FuturesSettle.self])
}

func printInputResults(_ results: [InputFileResult]) {
    for r in results {
        for w in r.warnings { printErr("warning: \(w)") }
        // The counts add up: rows = stored + unchanged + rejected + repeated in the file.
        print("\(r.path): \(r.rowsRead) rows: stored \(r.stored), unchanged \(r.unchanged), rejected \(r.rejected)"
              + (r.duplicates > 0 ? ", repeated in the file \(r.duplicates)" : ""))
        if let p = r.rejectsPath { print("  rejects: \(p)") }
    }
}

struct FuturesIngest: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest", abstract: "Store exchange settlements: date,contract,settle[,volume,open_interest] (§7.3).",
        discussion: "Exit 0: every row stored or already stored; 3: some rows rejected; 2: an unreadable file or bad usage.")
    @OptionGroup var store: StoreOptions
    @OptionGroup var indices: IndicesOptions
    @Flag(help: "Do not write <file>.rejects.csv files.") var noRejectFiles = false
    @Argument(help: "Settlement files.") var files: [String]

    func validate() throws { guard !files.isEmpty else { throw ValidationError("no files given") } }

    func run() throws {
        let defs = try indices.methodology()
        let results = try FuturesJob.ingestSettlements(store: try store.open(), defs: defs, paths: files, writeRejectFiles: !noRejectFiles)
        printInputResults(results)
        if results.contains(where: { $0.rejected > 0 }) { throw ExitCode(ExitStatus.rejects.rawValue) }
    }
}

struct FuturesCurve: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "curve", abstract: "Compute and publish the model forward curve of every futures on a grade (§7.4).")
    @OptionGroup var store: StoreOptions
    @OptionGroup var indices: IndicesOptions
    @OptionGroup var dates: DateRangeOptions

    func run() throws {
        let s = try runPublishing("curves", store: store, indices: indices, dates: dates) {
            try FuturesJob.curves(store: $0, defs: $1, from: $2, to: $3, arguments: $4)
        }
        for w in s.warnings.prefix(20) { printErr("arbitrage warning: \(w)") }
        if s.warnings.count > 20 { printErr("… and \(s.warnings.count - 20) more arbitrage warnings (in the curves export)") }
    }
}

struct FuturesIndexCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "index", abstract: "Compute and publish every rolling futures index, excess and total return (§7.5–§7.7).")
    @OptionGroup var store: StoreOptions
    @OptionGroup var indices: IndicesOptions
    @OptionGroup var dates: DateRangeOptions

    func run() throws {
        _ = try runPublishing("futures index days", store: store, indices: indices, dates: dates) {
            try FuturesJob.indices(store: $0, defs: $1, from: $2, to: $3, arguments: $4)
        }
    }
}

struct RatesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "rates", abstract: "Short-term rates.", subcommands: [RatesIngest.self])
}

struct RatesIngest: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest", abstract: "Store the 91-day T-bill rate in percent: date,rate or observation_date,DTB3 (§7.6).")
    @OptionGroup var store: StoreOptions
    @Flag(help: "Do not write <file>.rejects.csv files.") var noRejectFiles = false
    @Argument(help: "Rate files.") var files: [String]

    func validate() throws { guard !files.isEmpty else { throw ValidationError("no files given") } }

    func run() throws {
        let results = try FuturesJob.ingestRates(store: try store.open(), paths: files, writeRejectFiles: !noRejectFiles)
        printInputResults(results)
        if results.contains(where: { $0.rejected > 0 }) { throw ExitCode(ExitStatus.rejects.rawValue) }
    }
}

struct ReferenceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reference", abstract: "External benchmark prints, for the basis against other benchmarks (METHODOLOGY.md §10).",
        subcommands: [ReferenceIngest.self])
}

struct ReferenceIngest: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest", abstract: "Store external benchmark prints: date,benchmark,value[,unit] (§10; benchmarks from benchmarks.yaml).",
        discussion: "Exit 0: every row stored or already stored; 3: some rows rejected (line, field, reason in FILE.rejects.csv and cix export rejects); 2: an unreadable file or bad usage. cix run publishes the basis.")
    @OptionGroup var store: StoreOptions
    @OptionGroup var indices: IndicesOptions
    @Flag(help: "Do not write <file>.rejects.csv files.") var noRejectFiles = false
    @Argument(help: "Reference files.") var files: [String]

    func validate() throws { guard !files.isEmpty else { throw ValidationError("no files given") } }

    func run() throws {
        let defs = try indices.methodology()
        guard !defs.benchmarks.isEmpty else { throw CixError("no benchmarks are defined: add them to benchmarks.yaml (\(defs.source))") }
        let results = try ReferenceJob.ingest(store: try store.open(), defs: defs, paths: files, writeRejectFiles: !noRejectFiles)
        printInputResults(results)
        if results.contains(where: { $0.rejected > 0 }) { throw ExitCode(ExitStatus.rejects.rawValue) }
    }
}

struct FundCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fund", abstract: "Rolling-futures funds: daily NAV and design comparison (METHODOLOGY.md §8).",
        subcommands: [FundNAVCommand.self, FundCompare.self])
}

struct FundNAVCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nav", abstract: "Compute and publish the daily NAV of the funds in funds.yaml (§8.2).")
    @OptionGroup var store: StoreOptions
    @OptionGroup var indices: IndicesOptions
    @Option(name: .customLong("fund"), help: "A fund id (repeatable; default every fund).") var funds: [String] = []
    @OptionGroup var dates: DateRangeOptions

    func run() throws {
        _ = try runPublishing("fund NAV days", store: store, indices: indices, dates: dates) {
            try FundJob.nav(store: $0, defs: $1, funds: funds, from: $2, to: $3, arguments: $4)
        }
    }
}

struct FundCompare: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare", abstract: "Side by side: returns, volatility, drawdown, tracking, roll yield, fees, costs, correlation with spot (§8.4).")
    @OptionGroup var store: StoreOptions
    @OptionGroup var indices: IndicesOptions
    @Argument(help: "Fund ids (default: every fund).") var funds: [String] = []
    @Option(help: "First date (default: each fund's inception).", transform: parseDateOption) var from: CivilDate?
    @Option(help: "Last date (default: the last day with a fixing).", transform: parseDateOption) var to: CivilDate?
    @Option(help: "Also write the table as CSV to this file.") var out: String?

    func validate() throws {
        if let from, let to, from > to { throw ValidationError("--from \(from) is after --to \(to)") }
    }

    func run() throws {
        let defs = try indices.methodology()
        let s = try store.openReadOnly()
        let end = try to ?? s.read { Timestamp.utcDate(try $0.normalizedSpan().maxEpoch) }
        let rows = try FundJob.compare(store: s, defs: defs, funds: funds, from: from, to: end)
        func pct(_ v: Double?) -> String { v.map { String(format: "%.2f%%", $0 * 100) } ?? "-" }
        func cell(_ t: String, _ w: Int) -> String { t.count >= w ? t + " " : t + String(repeating: " ", count: w - t.count) }
        let head = [("fund", 14), ("total", 9), ("annual", 9), ("vol", 9), ("max dd", 9), ("track.err", 10), ("track.diff", 11),
                    ("roll yield", 11), ("fees paid", 12), ("costs", 12), ("corr spot", 9)]
        let screen = try TextSink(path: nil)
        screen.write(head.map { cell($0.0, $0.1) }.joined() + "\n")
        for r in rows {
            let cells = [r.fund, pct(r.totalReturn), pct(r.annualizedReturn), pct(r.annualizedVolatility), pct(r.maxDrawdown),
                         pct(r.trackingError), pct(r.trackingDifference), pct(r.cumulativeRollYield), String(format: "%.2f", r.feesPaid),
                         String(format: "%.2f", r.transactionCosts), r.correlationWithSpot.map { String(format: "%.3f", $0) } ?? "-"]
            screen.write(zip(cells, head).map { cell($0, $1.1) }.joined() + "\n")
        }
        try screen.close()
        if let out {
            let sink = try TextSink(path: out)
            let w = TableWriter(columns: FundJob.compareColumns, format: .csv, sink: sink)
            for row in FundJob.compareRows(rows) { w.row(row) }
            try sink.close()
        }
    }
}

/// `YYYY-MM`, a contract month.
func parseMonthOption(_ s: String) throws -> ContractMonth {
    let parts = s.split(separator: "-")
    guard parts.count == 2, parts[0].count == 4, parts[1].count == 2, let y = Int(parts[0]), let m = Int(parts[1]), (2000...2100).contains(y),
          (1...12).contains(m) else {
        throw ValidationError("\(s) is not a month: give YYYY-MM, e.g. 2026-03")
    }
    return ContractMonth(year: y, month: m)
}

struct FuturesSettle: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "settle",
        abstract: "A contract month's final settlement from the stored fixings (§7.8): each averaged day, its kind and value, coverage, longest gap, fallback.",
        discussion: "Exit 0 when the stored settlement (published by cix run) equals the recomputation, 4 when it differs, 2 when nothing can be settled. cix export final-settlements lists every published one.")
    @OptionGroup var store: StoreOptions
    @OptionGroup var indices: IndicesOptions
    @Option(help: "Futures root (futures.yaml), e.g. GPUX.") var root: String
    @Option(help: "Contract month (YYYY-MM).", transform: parseMonthOption) var month: ContractMonth
    @Option(help: "text or json.") var format: ExplainFormat = .text

    func run() throws {
        let e = try ExplainJob.finalSettlement(store: try store.openReadOnly(), defs: try indices.methodology(), root: root, month: month)
        switch format {
        case .json: print(try ExplainRender.json(e.trace), terminator: "")
        case .text:
            print(e.trace.text, terminator: "")
            print(e.stored == nil ? "not published yet (cix run publishes a month once its last averaged day is published)"
                  : (e.reproduces ? "recomputed settlement equals the published one" : "DIFFERS from the published settlement"))
        }
        if e.stored != nil, !e.reproduces { throw ExitCode(ExitStatus.checkFailed.rawValue) }
    }
}
