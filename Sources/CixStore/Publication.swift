import CixCore
import Foundation
import GRDB

/// A job run that publishes (METHODOLOGY.md §1.5): every published row names the run that wrote it.
public struct PublicationRun: Sendable, Hashable {
    public var id: Int64
    public var job: String
    public var arguments: String
    public var startedAt: String
    public var finishedAt: String?
    /// Where the definitions came from (a folder, or "built-in").
    public var definitions: String
    public var definitionsHash: String
    public var codeVersion: String
    public var written: Int
    public var unchanged: Int
}

/// A published series' table: its key columns, then `version`, its value columns, `run_id` and
/// `computed_at`. The one place that knows what "latest version" means and when a recomputation is
/// a new version: every published series goes through it (fixings and index levels today).
struct SeriesTable: Sendable {
    var name: String
    var keys: [String]
    /// Compared with the latest version: any difference makes a new version.
    var values: [String]

    /// `SELECT columns FROM table` restricted to each key's latest version, with an optional extra
    /// condition on the table alias `t`, ordered by the keys.
    func latestSQL(columns: [String], where extra: String? = nil) -> String {
        let match = keys.map { "l.\($0) = t.\($0)" }.joined(separator: " AND ")
        var sql = "SELECT \(columns.map { "t.\($0)" }.joined(separator: ", ")) FROM \(name) t "
        sql += "WHERE t.version = (SELECT MAX(l.version) FROM \(name) l WHERE \(match))"
        if let extra { sql += " AND (\(extra))" }
        return sql + " ORDER BY " + keys.map { "t.\($0)" }.joined(separator: ", ")
    }

    static let fixings = SeriesTable(name: "fixings", keys: ["grade_id", "date"], values: [
        "status", "value", "published", "offers", "sources", "outliers", "p25", "p75", "min", "max", "ci_low", "ci_high",
        "capacity_gpus", "carried_from", "inputs_hash", "definition_hash",
    ])
    static let indexLevels = SeriesTable(name: "index_levels", keys: ["index_id", "date"], values: [
        "status", "level", "published", "link_date", "inputs_hash", "definition_hash",
    ])
    static let settlements = SeriesTable(name: "settlements", keys: ["contract", "date"], values: [
        "settle", "volume", "open_interest", "source_path",
    ])
    static let curves = SeriesTable(name: "curves", keys: ["root", "date", "contract"], values: [
        "months_ahead", "price", "published", "warnings", "inputs_hash", "definition_hash",
    ])
    static let fundNAV = SeriesTable(name: "fund_nav", keys: ["fund_id", "date"], values: [
        "status", "nav_per_share", "nav_published", "shares_outstanding", "net_assets", "cash", "futures_gain", "interest",
        "fee_accrued", "fee_paid", "transaction_costs", "contracts_traded", "positions", "tracking_difference", "definition_hash",
    ])
    static let futuresIndexLevels = SeriesTable(name: "futures_index_levels", keys: ["index_id", "date"], values: [
        "status", "er", "tr", "cdr", "tbr", "tbill_rate", "holdings", "settlement_source", "roll_yield", "er_published",
        "tr_published", "inputs_hash", "definition_hash",
    ])
}

/// Publishes values of one series inside a write transaction: compares each with its latest version
/// and inserts version n + 1 only when something differs. Counts written and unchanged values.
final class SeriesPublisher {
    let db: Database
    let table: SeriesTable
    let runID: Int64
    let computedAt: String
    private let latest: Statement
    private let insert: Statement
    private(set) var written = 0
    private(set) var unchanged = 0

    init(db: Database, table: SeriesTable, runID: Int64, computedAt: String) throws {
        self.db = db
        self.table = table
        self.runID = runID
        self.computedAt = computedAt
        latest = try db.makeStatement(sql: """
            SELECT version, \(table.values.joined(separator: ", ")) FROM \(table.name)
            WHERE \(table.keys.map { "\($0) = ?" }.joined(separator: " AND ")) ORDER BY version DESC LIMIT 1
            """)
        let cols = table.keys + ["version"] + table.values + ["run_id", "computed_at"]
        insert = try db.makeStatement(sql: """
            INSERT INTO \(table.name) (\(cols.joined(separator: ", "))) VALUES (\(cols.map { _ in "?" }.joined(separator: ",")))
            """)
    }

    /// The new version number, or nil when the latest version already holds exactly these values.
    func publish(key: [DatabaseValueConvertible?], values: [DatabaseValueConvertible?]) throws -> Int? {
        precondition(key.count == table.keys.count && values.count == table.values.count)
        let newValues = values.map { $0?.databaseValue ?? .null }
        var version = 1
        if let prev = try Row.fetchOne(latest, arguments: StatementArguments(key.map { $0?.databaseValue ?? .null })) {
            let old = (0..<table.values.count).map { prev[$0 + 1] as DatabaseValue }
            if old == newValues {
                unchanged += 1
                return nil
            }
            version = (prev[0] as Int) + 1
        }
        try insert.execute(arguments: StatementArguments(key.map { $0?.databaseValue ?? .null } + [version.databaseValue] + newValues
                                                          + [runID.databaseValue, computedAt.databaseValue]))
        written += 1
        return version
    }
}

// MARK: Runs

extension StoreSession {
    /// Opens a publication run (inside the job's write transaction; it commits with what it writes).
    public func beginRun(job: String, arguments: String, startedAt: String, definitions: String, definitionsHash: String,
                         codeVersion: String = CixVersion.current) throws -> Int64 {
        try db.execute(sql: """
            INSERT INTO publication_runs (job, arguments, started_at, definitions, definitions_hash, code_version) VALUES (?,?,?,?,?,?)
            """, arguments: [job, arguments, startedAt, definitions, definitionsHash, codeVersion])
        return db.lastInsertedRowID
    }

    public func finishRun(_ id: Int64, finishedAt: String, written: Int, unchanged: Int) throws {
        try db.execute(sql: "UPDATE publication_runs SET finished_at = ?, written = ?, unchanged = ? WHERE id = ?",
                       arguments: [finishedAt, written, unchanged, id])
    }

    public func publicationRuns() throws -> [PublicationRun] {
        try Row.fetchAll(db, sql: """
            SELECT id, job, arguments, started_at, finished_at, definitions, definitions_hash, code_version, written, unchanged
            FROM publication_runs ORDER BY id
            """).map {
            PublicationRun(id: $0[0], job: $0[1], arguments: $0[2], startedAt: $0[3], finishedAt: $0[4], definitions: $0[5],
                           definitionsHash: $0[6], codeVersion: $0[7], written: $0[8], unchanged: $0[9])
        }
    }

    /// Keeps each resolved definition a run publishes under (by hash; the first run to use it).
    public func recordDefinitions(_ defs: [StoredDefinition], runID: Int64) throws {
        let st = try db.makeStatement(sql: """
            INSERT OR IGNORE INTO definitions (hash, kind, id, methodology_version, canonical, first_run_id) VALUES (?,?,?,?,?,?)
            """)
        for d in defs { try st.execute(arguments: [d.hash, d.kind, d.id, d.version, d.canonical, runID]) }
    }

    /// A stored definition by its hash.
    public func definition(hash: String) throws -> StoredDefinition? {
        try Row.fetchOne(db, sql: "SELECT kind, id, methodology_version, canonical FROM definitions WHERE hash = ?", arguments: [hash])
            .map { StoredDefinition(kind: $0[0], id: $0[1], version: $0[2], canonical: $0[3]) }
    }

    /// Published rows (of every series) whose run is missing: must be none.
    public func publishedRowsWithoutRun() throws -> Int {
        try Int.fetchOne(db, sql: """
            SELECT (SELECT COUNT(*) FROM fixings WHERE run_id IS NULL OR run_id NOT IN (SELECT id FROM publication_runs))
                 + (SELECT COUNT(*) FROM index_levels WHERE run_id IS NULL OR run_id NOT IN (SELECT id FROM publication_runs))
                 + (SELECT COUNT(*) FROM index_weights WHERE run_id IS NULL OR run_id NOT IN (SELECT id FROM publication_runs))
            """) ?? 0
    }
}
