import ArgumentParser
import CixCore
import CixIO
import CixStore
import Foundation

func publishSummary(_ what: String, _ dates: DateRangeOptions, _ s: PublishStats, seconds: Double) -> String {
    let st = s.byStatus.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
    return "\(what) \(dates.first)…\(dates.last): \(s.computed) computed (\(st)), \(s.newVersions) new versions, \(s.unchanged) unchanged, run \(s.runID) in \(String(format: "%.1f", seconds)) s"
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
        subcommands: [ExplainFixing.self, ExplainIndex.self])
}

/// Prints an explanation as text (with whether it reproduces the stored value) or JSON.
func printExplanation<T: Encodable & Sendable>(_ e: Explanation<T>, format: ExplainFormat, text: (T, String?) -> String) throws {
    switch format {
    case .json: print(try ExplainRender.json(e.trace), terminator: "")
    case .text:
        print(text(e.trace, e.stored), terminator: "")
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
        let e = try ExplainJob.fixing(store: try store.openReadOnly(), defs: try indices.methodology(), grade: grade, date: date)
        try printExplanation(e, format: format, text: ExplainRender.text)
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
        let e = try ExplainJob.index(store: try store.openReadOnly(), defs: try indices.methodology(), index: index, date: date)
        try printExplanation(e, format: format, text: ExplainRender.text)
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
