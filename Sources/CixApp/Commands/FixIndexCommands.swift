import ArgumentParser
import CixCore
import CixIO
import CixStore
import Foundation
import GRDB

/// --date D, or --from D1 --to D2.
struct DateRangeOptions: ParsableArguments {
    @Option(help: "One date (YYYY-MM-DD).") var date: String?
    @Option(help: "First date of a range.") var from: String?
    @Option(help: "Last date of a range.") var to: String?

    func range() throws -> (CivilDate, CivilDate) {
        func parse(_ s: String, _ n: String) throws -> CivilDate {
            guard let d = CivilDate(iso: s) else { throw CixError("--\(n) must be YYYY-MM-DD: \(s)") }
            return d
        }
        if let date {
            guard from == nil, to == nil else { throw CixError("give --date or --from/--to, not both") }
            let d = try parse(date, "date")
            return (d, d)
        }
        guard let from, let to else { throw CixError("give --date D or --from D1 --to D2") }
        let a = try parse(from, "from")
        let b = try parse(to, "to")
        guard a <= b else { throw CixError("--from must not be after --to") }
        return (a, b)
    }
}

extension IndicesOptions {
    func methodology() throws -> MethodologyDefinitions {
        do { return try DefinitionLoader.methodology(try DefinitionLoader.locate(indices)) } catch let e as DefinitionLoader.Failure {
            throw CixError(e.description)
        }
    }
}

/// Runs a publishing job over a date range and prints its counts.
func runPublish(_ what: String, store: StoreOptions, indices: IndicesOptions, dates: DateRangeOptions,
                _ job: (Store, MethodologyDefinitions, CivilDate, CivilDate) throws -> PublishStats) throws {
    let (a, b) = try dates.range()
    let defs = try indices.methodology()
    let t0 = Date()
    let s = try job(try store.open(), defs, a, b)
    let st = s.byStatus.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
    print("\(what) \(a)…\(b): \(s.computed) computed (\(st)), \(s.newVersions) new versions in \(String(format: "%.1f", Date().timeIntervalSince(t0))) s")
}

struct FixCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fix", abstract: "Compute and store the daily fixing of every grade (METHODOLOGY.md §5).")
    @OptionGroup var store: StoreOptions
    @OptionGroup var indices: IndicesOptions
    @OptionGroup var dates: DateRangeOptions

    func run() throws {
        try runPublish("fixings", store: store, indices: indices, dates: dates) { try FixingJob.run(store: $0, defs: $1, from: $2, to: $3) }
    }
}

struct IndexCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "index", abstract: "Compute and store the benchmark index levels (METHODOLOGY.md §6) from the stored fixings.")
    @OptionGroup var store: StoreOptions
    @OptionGroup var indices: IndicesOptions
    @OptionGroup var dates: DateRangeOptions

    func run() throws {
        try runPublish("index levels", store: store, indices: indices, dates: dates) { try IndexJob.run(store: $0, defs: $1, from: $2, to: $3) }
    }
}

/// Writes the rows of `sql` (whose second column is an ISO date) within the export's date range.
func runTableExport(store: StoreOptions, options: ExportOptions, columns: [String], sql: String,
                    row: (Row) -> [TableWriter.Value]) throws {
    let json = try options.validatedFormat() == "json"
    let (lo, hi) = try options.range()
    let sink: TextSink
    do { sink = try TextSink(path: options.out) } catch { throw CixError("\(error)") }
    let w = TableWriter(columns: columns, json: json, sink: sink)
    try store.open().dbQueue.read { db in
        let rows = try Row.fetchCursor(db, sql: sql)
        while let r = try rows.next() {
            guard let d = CivilDate(iso: r[1] as String), d.startEpoch >= lo, d.startEpoch < hi else { continue }
            w.row(row(r))
        }
    }
    do { try sink.close() } catch { throw CixError("\(error)") }
}

struct ExportFixings: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fixings", abstract: "One row per grade and date (latest version), ordered by grade then date.")
    @OptionGroup var store: StoreOptions
    @OptionGroup var options: ExportOptions

    static let columns = ["grade", "date", "version", "status", "value", "published", "offers", "sources", "outliers_dropped",
                          "p25", "p75", "min", "max", "ci95_low", "ci95_high", "capacity_gpus", "carried_from", "inputs_hash",
                          "definition_hash"]

    func run() throws {
        try runTableExport(store: store, options: options, columns: Self.columns, sql: """
            SELECT grade_id, date, version, status, value, published, offers, sources, outliers, p25, p75, min, max, ci_low, ci_high,
                   capacity_gpus, carried_from, inputs_hash, definition_hash
            FROM fixings f WHERE version = (SELECT MAX(version) FROM fixings g WHERE g.grade_id = f.grade_id AND g.date = f.date)
            ORDER BY grade_id, date
            """) { r in
            [.text(r[0]), .text(r[1]), .number(String(r[2] as Int)), .text(r[3]), .number(numberText(r[4])), .number(r[5]),
             .number(String(r[6] as Int)), .number(String(r[7] as Int)), .number((r[8] as Int?).map(String.init)),
             .number(numberText(r[9])), .number(numberText(r[10])), .number(numberText(r[11])), .number(numberText(r[12])),
             .number(numberText(r[13])), .number(numberText(r[14])), .number(numberText(r[15])), .text(r[16]), .text(r[17]), .text(r[18])]
        }
    }
}

struct ExportIndices: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "indices", abstract: "One row per index and date (latest version), ordered by index then date.")
    @OptionGroup var store: StoreOptions
    @OptionGroup var options: ExportOptions

    static let columns = ["index", "date", "version", "status", "level", "published", "link_date", "inputs_hash", "definition_hash"]

    func run() throws {
        try runTableExport(store: store, options: options, columns: Self.columns, sql: """
            SELECT index_id, date, version, status, level, published, link_date, inputs_hash, definition_hash
            FROM index_levels f WHERE version = (SELECT MAX(version) FROM index_levels g WHERE g.index_id = f.index_id AND g.date = f.date)
            ORDER BY index_id, date
            """) { r in
            [.text(r[0]), .text(r[1]), .number(String(r[2] as Int)), .text(r[3]), .number(numberText(r[4])), .number(r[5]),
             .text(r[6]), .text(r[7]), .text(r[8])]
        }
    }
}

struct ExportWeights: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "weights", abstract: "One row per index, date and constituent: link weight, link price, price, held.")
    @OptionGroup var store: StoreOptions
    @OptionGroup var options: ExportOptions

    static let columns = ["index", "date", "version", "grade", "weight", "link_price", "price", "held"]

    func run() throws {
        try runTableExport(store: store, options: options, columns: Self.columns, sql: """
            SELECT index_id, date, version, grade_id, weight, link_price, price, held FROM index_weights f
            WHERE version = (SELECT MAX(version) FROM index_levels g WHERE g.index_id = f.index_id AND g.date = f.date)
            ORDER BY index_id, date, grade_id
            """) { r in
            [.text(r[0]), .text(r[1]), .number(String(r[2] as Int)), .text(r[3]), .number(numberText(r[4])),
             .number(numberText(r[5])), .number(numberText(r[6])), .text((r[7] as Int) != 0 ? "true" : "false")]
        }
    }
}
