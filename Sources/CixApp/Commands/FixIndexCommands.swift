import ArgumentParser
import CixCore
import CixIO
import CixStore
import Foundation

func publishSummary(_ what: String, _ dates: DateRangeOptions, _ s: PublishStats, seconds: Double) -> String {
    let st = s.byStatus.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
    let span = dates.first == dates.last ? dates.first.description : "\(dates.first)…\(dates.last)"
    var line = "\(what) \(span): \(s.computed) computed" + (st.isEmpty ? "" : " (\(st))")
    line += ", \(s.newVersions) new versions, \(s.unchanged) unchanged, run \(s.runID) in \(String(format: "%.1f", seconds)) s"
    // Nothing computed says why (issue 22 #4), as the daily job's notes do.
    for n in s.notes { line += "\nnote: " + n }
    return line
}

/// A publishing command's body: load the definitions, run the job over the dates, print which
/// definitions it used and what it published.
func runPublishing(_ what: String, store: StoreOptions, indices: IndicesOptions, dates: DateRangeOptions,
                   _ job: (Store, MethodologyDefinitions, CivilDate, CivilDate, String) throws -> PublishStats) throws -> PublishStats {
    let defs = try indices.methodology()
    let t0 = Date()
    let s = try job(try store.openExisting(), defs, dates.first, dates.last, dates.arguments)
    print(definitionsLine(defs))
    print(publishSummary(what, dates, s, seconds: Date().timeIntervalSince(t0)))
    return s
}

struct FixCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fix", abstract: "Compute and store the daily fixing of every grade (METHODOLOGY.md §5).")
    @OptionGroup var store: StoreOptions
    @OptionGroup var indices: IndicesOptions
    @OptionGroup var dates: DateRangeOptions

    func run() throws {
        let s = try runPublishing("fixings", store: store, indices: indices, dates: dates) {
            try FixingJob.run(store: $0, defs: $1, from: $2, to: $3, arguments: $4)
        }
        for w in s.warnings { printErr("warning: \(w)") }
    }
}

struct IndexCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "index", abstract: "Compute and store the benchmark index levels (METHODOLOGY.md §6) from the stored fixings.")
    @OptionGroup var store: StoreOptions
    @OptionGroup var indices: IndicesOptions
    @OptionGroup var dates: DateRangeOptions

    func run() throws {
        _ = try runPublishing("index levels", store: store, indices: indices, dates: dates) {
            try IndexJob.run(store: $0, defs: $1, from: $2, to: $3, arguments: $4)
        }
    }
}

enum ExplainFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}

struct ExplainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain", abstract: "Recompute a published value from the store and show how it came about.",
        subcommands: [ExplainFixing.self, ExplainIndex.self, ExplainCurve.self, ExplainFuturesIndex.self, ExplainFund.self])
}

/// Prints a registered series' explanation as text (with whether it reproduces the stored value) or JSON.
func printExplanation(_ series: any AnyPublishedSeries, store: StoreOptions, indices: IndicesOptions, key: String, date: CivilDate,
                      format: ExplainFormat) throws {
    let e = try series.explain(try store.openReadOnly(), try indices.methodology(), key: key, date: date)
    switch format {
    case .json: print(e.json, terminator: "")
    case .text:
        print(e.text, terminator: "")
        print(e.stored == nil ? "not stored yet" : (e.reproduces ? "recomputed value equals the stored one" : "DIFFERS from the stored value"))
    }
}

struct ExplainFixing: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fixing", abstract: "A grade's fixing on a date, stage by stage (§5): offers, outliers, sources, weights, fallback.")
    @OptionGroup var store: StoreOptions
    @OptionGroup var indices: IndicesOptions
    @Option(help: "Grade id.") var grade: String
    @Option(help: "Fixing date (YYYY-MM-DD).", transform: parseDateOption) var date: CivilDate
    @Option(help: "text or json.") var format: ExplainFormat = .text

    func run() throws {
        try printExplanation(PublishedSeriesRegistry.fixings, store: store, indices: indices, key: grade, date: date, format: format)
    }
}

struct ExplainIndex: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "index", abstract: "An index level on a date (§6): chain link and each constituent's weight, link price and price.")
    @OptionGroup var store: StoreOptions
    @OptionGroup var indices: IndicesOptions
    @Option(help: "Index id.") var index: String
    @Option(help: "Date (YYYY-MM-DD).", transform: parseDateOption) var date: CivilDate
    @Option(help: "text or json.") var format: ExplainFormat = .text

    func run() throws {
        try printExplanation(PublishedSeriesRegistry.indexLevels, store: store, indices: indices, key: index, date: date, format: format)
    }
}

struct ExplainCurve: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "curve", abstract: "A futures root's model curve on a date (§7.4): spot, term strip and each listed contract's price.")
    @OptionGroup var store: StoreOptions
    @OptionGroup var indices: IndicesOptions
    @Option(help: "Futures root (futures.yaml), e.g. CXH.") var root: String
    @Option(help: "Date (YYYY-MM-DD).", transform: parseDateOption) var date: CivilDate
    @Option(help: "text or json.") var format: ExplainFormat = .text

    func run() throws {
        try printExplanation(PublishedSeriesRegistry.curves, store: store, indices: indices, key: root, date: date, format: format)
    }
}

struct ExplainFuturesIndex: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "futures-index", abstract: "A rolling futures index day (§7.5–§7.7): previous day, holdings, prices, T-bill rate, ER and TR.")
    @OptionGroup var store: StoreOptions
    @OptionGroup var indices: IndicesOptions
    @Option(help: "Rolling index id (futures.yaml), e.g. CXH-ROLL.") var index: String
    @Option(help: "Date (YYYY-MM-DD).", transform: parseDateOption) var date: CivilDate
    @Option(help: "text or json.") var format: ExplainFormat = .text

    func run() throws {
        try printExplanation(PublishedSeriesRegistry.futuresIndices, store: store, indices: indices, key: index, date: date, format: format)
    }
}

struct ExplainFund: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fund", abstract: "A fund's NAV day (§8.2–§8.3): previous day, flow, positions, gains, interest, fees and costs.")
    @OptionGroup var store: StoreOptions
    @OptionGroup var indices: IndicesOptions
    @Option(help: "Fund id (funds.yaml), e.g. CXH-FRONT.") var fund: String
    @Option(help: "Date (YYYY-MM-DD).", transform: parseDateOption) var date: CivilDate
    @Option(help: "text or json.") var format: ExplainFormat = .text

    func run() throws {
        try printExplanation(PublishedSeriesRegistry.funds, store: store, indices: indices, key: fund, date: date, format: format)
    }
}

struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Recompute every published value from its stored inputs and compare it with the latest vintage (§9.6).",
        discussion: "Prints each difference (series, key, date, stored and recomputed value, fields that differ); exits 4 on any.")
    @OptionGroup var store: StoreOptions
    @OptionGroup var indices: IndicesOptions
    @Option(help: "First date (default: the first published).", transform: parseDateOption) var from: CivilDate?
    @Option(help: "Last date (default: the last published).", transform: parseDateOption) var to: CivilDate?

    func validate() throws {
        if let from, let to, from > to { throw ValidationError("--from \(from) is after --to \(to)") }
    }

    func run() throws {
        let defs = try indices.methodology()
        let r = try VerifyJob.run(store: try store.openReadOnly(), defs: defs, from: from, to: to)
        print(definitionsLine(defs))
        guard let range = r.range else {
            print("nothing published in that range: nothing to verify")
            return
        }
        print("verified \(range.lowerBound) to \(range.upperBound): " + r.checked.map { "\($0.series) \($0.values)" }.joined(separator: ", "))
        for d in r.differences {
            print("DIFFERS \(d.series) \(d.key) \(d.date): stored \(d.stored), recomputed \(d.recomputed) (\(d.fields.joined(separator: " ")))")
        }
        for d in r.held {
            print("held \(d.series) \(d.key) \(d.date): published \(d.stored), inputs now give \(d.recomputed) (a change recorded outside the restatement window)")
        }
        if r.differences.isEmpty {
            print("every published value is reproduced from its stored inputs")
        } else {
            printErr("cix: verify: \(r.differences.count) published values differ from their recomputation")
            throw ExitCode(ExitStatus.checkFailed.rawValue)
        }
    }
}

struct RunsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runs", abstract: "List the publication runs: job, arguments, times, definitions and counts written / unchanged.")
    @OptionGroup var store: StoreOptions
    @Option(help: "csv or json.") var format: TableFormat = .csv

    func run() throws {
        try ExportJob.run(store: try store.openReadOnly(), kind: .runs, range: DateRange(), format: format, out: nil)
    }
}
