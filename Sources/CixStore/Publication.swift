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
    /// The business date a daily run published as of (§9.2); nil for the single-stage commands.
    public var asOf: String? = nil
    /// The dates whose values it published (`D`, or `D1..D2` for a range); nil before 0.6.
    public var publishedDates: String? = nil
}

/// Which vintage of each published value a read returns (§9.5).
public enum Vintage: Sendable, Hashable, CustomStringConvertible {
    /// The latest version.
    case latest
    /// The first version published.
    case first
    /// The latest version published at or before this time (`YYYY-MM-DDTHH:MM:SSZ`).
    case asOf(String)

    public var description: String {
        switch self {
        case .latest: "latest"
        case .first: "first"
        case .asOf(let t): t
        }
    }
}

/// A published series' table: its key columns, then `version`, its value columns, `run_id` and
/// `computed_at`. The one place that knows what "latest version" means and when a recomputation is
/// a new version: every published series goes through it (fixings and index levels today).
struct SeriesTable: Sendable {
    var name: String
    var keys: [String]
    /// Compared with the latest version: any difference makes a new version.
    var values: [String]
    /// The value a restatement record shows (old and new).
    var mainValue: String
    /// Value columns stored with a version but never compared (provenance: which file delivered it).
    var informational: Set<String> = []
    /// Value columns added after values were published: NULL in the latest vintage is not a change.
    var introduced: Set<String> = []

    /// `SELECT columns FROM table` restricted to each key's vintage (§9.5: latest by default), with an
    /// optional extra condition on the table alias `t`, ordered by the keys.
    func latestSQL(columns: [String], where extra: String? = nil, vintage: Vintage = .latest) -> String {
        let match = keys.map { "l.\($0) = t.\($0)" }.joined(separator: " AND ")
        var sql = "SELECT \(columns.map { "t.\($0)" }.joined(separator: ", ")) FROM \(name) t "
        switch vintage {
        case .latest: sql += "WHERE t.version = (SELECT MAX(l.version) FROM \(name) l WHERE \(match))"
        case .first: sql += "WHERE t.version = 1"
        case .asOf(let at):
            let literal = "'" + at.replacingOccurrences(of: "'", with: "''") + "'"
            sql += "WHERE t.version = (SELECT MAX(l.version) FROM \(name) l WHERE \(match) AND l.computed_at <= \(literal))"
        }
        if let extra { sql += " AND (\(extra))" }
        return sql + " ORDER BY " + keys.map { "t.\($0)" }.joined(separator: ", ")
    }

    static let settlements = SeriesTable(name: "settlements", keys: ["contract", "date"], values: [
        "settle", "volume", "open_interest", "source_path",
    ], mainValue: "settle", informational: ["source_path"])
}

/// What publishing a value would do (METHODOLOGY.md §9.2).
public enum PublishDecision: String, Sendable {
    /// The key has no published value yet: version 1.
    case new
    /// The latest vintage holds exactly these values.
    case unchanged
    /// A changed value published as a new vintage, with a restatement record.
    case restate
    /// A changed value outside the restatement window: recorded, not published.
    case held
}

/// How a publication run treats changed values (§9): the run's as-of date and policy, or none for the
/// single-stage commands (`cix fix`, `cix index`, …), which publish every change as a manual restatement.
public struct PublishContext: Sendable {
    public var asOf: CivilDate
    public var policy: PublicationPolicy
    public var calendar: BusinessCalendar
    /// `cix run --restate`: publish changes outside the window too.
    public var restate = false
    /// `--reason TEXT`: the reason every restatement of this run records.
    public var manualReason: String?
    /// The input reason of each series (late quote, corrected settlement, …), by table name.
    public var inputReasons: [String: RestatementReason] = [:]

    public init(asOf: CivilDate, policy: PublicationPolicy, calendar: BusinessCalendar) {
        self.asOf = asOf
        self.policy = policy
        self.calendar = calendar
    }
}

/// Publishes values of one series inside a write transaction: compares each with its latest version
/// and inserts version n + 1 only when something differs. A changed value also gets a restatement
/// record (§9.3); under a `PublishContext`, a change outside the window is recorded but not published.
/// Counts written, unchanged, restated and held values.
final class SeriesPublisher {
    let db: Database
    let table: SeriesTable
    let runID: Int64
    let computedAt: String
    let context: PublishContext?
    private let latest: Statement
    private let first: Statement
    private lazy var insert: Statement? = try? db.makeStatement(sql: """
        INSERT INTO \(table.name) (\((table.keys + ["version"] + table.values + ["run_id", "computed_at"]).joined(separator: ", ")))
        VALUES (\((table.keys + ["version"] + table.values + ["run_id", "computed_at"]).map { _ in "?" }.joined(separator: ",")))
        """)
    private(set) var written = 0
    private(set) var unchanged = 0
    private(set) var restated = 0
    private(set) var held = 0

    init(db: Database, table: SeriesTable, runID: Int64, computedAt: String, context: PublishContext? = nil) throws {
        self.db = db
        self.table = table
        self.runID = runID
        self.computedAt = computedAt
        self.context = context
        let match = table.keys.map { "\($0) = ?" }.joined(separator: " AND ")
        latest = try db.makeStatement(sql: """
            SELECT version, \(table.values.joined(separator: ", ")) FROM \(table.name) WHERE \(match) ORDER BY version DESC LIMIT 1
            """)
        first = try db.makeStatement(sql: """
            SELECT COALESCE(r.as_of, substr(r.started_at, 1, 10)) FROM \(table.name) t JOIN publication_runs r ON r.id = t.run_id
            WHERE \(table.keys.map { "t.\($0) = ?" }.joined(separator: " AND ")) ORDER BY t.version LIMIT 1
            """)
    }

    struct Outcome {
        var decision: PublishDecision
        var previous: Row?
        var changed: [String] = []
    }

    /// What publishing these values would do, without writing (§9.2).
    func decide(key: [DatabaseValueConvertible?], values: [DatabaseValueConvertible?]) throws -> Outcome {
        precondition(key.count == table.keys.count && values.count == table.values.count)
        let keyArgs = StatementArguments(key.map { $0?.databaseValue ?? .null })
        guard let prev = try Row.fetchOne(latest, arguments: keyArgs) else { return Outcome(decision: .new) }
        let newValues = values.map { $0?.databaseValue ?? .null }
        // A column the series gained later (NULL in what was published before it) is not a change.
        var changed: [String] = []
        for i in 0..<table.values.count {
            let old: DatabaseValue = prev[i + 1]
            guard old != newValues[i] else { continue }
            let name = table.values[i]
            if table.informational.contains(name) || (table.introduced.contains(name) && old.isNull) { continue }
            changed.append(name)
        }
        if changed.isEmpty { return Outcome(decision: .unchanged, previous: prev) }
        guard let c = context, !c.restate else { return Outcome(decision: .restate, previous: prev, changed: changed) }
        let firstText = try String.fetchOne(first, arguments: keyArgs) ?? ""
        let firstDate = CivilDate(iso: String(firstText.prefix(10))) ?? c.asOf
        let inside = c.policy.withinWindow(firstPublished: firstDate, asOf: c.asOf, calendar: c.calendar)
        return Outcome(decision: inside ? .restate : .held, previous: prev, changed: changed)
    }

    /// §9.3: the reason a change records.
    func reason(changed: [String]) -> RestatementReason {
        if let why = context?.manualReason { return .manual(why) }
        if changed.contains("definition_hash") { return .definitionChange }
        guard let c = context else { return table.name == "settlements" ? .correctedSettlement : .manual("") }
        return c.inputReasons[table.name] ?? .lateQuote
    }

    /// The new version number, or nil when nothing was published (unchanged, or a held change).
    /// With `hold`, a change inside the window is held too (a chain-linked value whose earlier
    /// change was held, §9.2).
    func publish(key: [DatabaseValueConvertible?], values: [DatabaseValueConvertible?], hold: Bool = false) throws -> Int? {
        var o = try decide(key: key, values: values)
        if hold, o.decision == .restate, context != nil { o.decision = .held }
        let newValues = values.map { $0?.databaseValue ?? .null }
        switch o.decision {
        case .unchanged:
            unchanged += 1
            return nil
        case .held:
            if try recordRestatement(key: key, values: newValues, outcome: o, newVersion: nil) { held += 1 } else { unchanged += 1 }
            return nil
        case .new, .restate:
            let version = o.previous.map { ($0[0] as Int) + 1 } ?? 1
            guard let insert else { throw DatabaseError(message: "cannot prepare the insert into \(table.name)") }
            try insert.execute(arguments: StatementArguments(key.map { $0?.databaseValue ?? .null } + [version.databaseValue] + newValues
                                                              + [runID.databaseValue, computedAt.databaseValue]))
            if o.decision == .restate {
                _ = try recordRestatement(key: key, values: newValues, outcome: o, newVersion: version)
                restated += 1
            }
            written += 1
            return version
        }
    }

    /// Inserts a restatement record; a held change already recorded with the same values is not
    /// recorded again (false).
    private func recordRestatement(key: [DatabaseValueConvertible?], values: [DatabaseValue], outcome o: Outcome, newVersion: Int?) throws -> Bool {
        let dateIndex = table.keys.firstIndex(of: "date")!
        let keyText = key.enumerated().filter { $0.offset != dateIndex }.map { $0.element.map { "\($0.databaseValue.storage.value ?? "")" } ?? "" }
            .joined(separator: " ")
        let date = key[dateIndex].map { "\($0.databaseValue.storage.value ?? "")" } ?? ""
        let newHash = FixingAudit.sha256(values.map { "\($0)" }.joined(separator: "|"))
        if newVersion == nil, try Bool.fetchOne(db, sql: """
            SELECT 1 FROM restatements WHERE series = ? AND key = ? AND date = ? AND new_hash = ? AND new_version IS NULL
            """, arguments: [table.name, keyText, date, newHash]) == true {
            return false
        }
        let prev = o.previous!
        let main = table.values.firstIndex(of: table.mainValue)!
        try db.execute(sql: """
            INSERT INTO restatements (series, key, date, old_version, new_version, old_value, new_value, changed, new_hash, reason,
                                      published, run_id, recorded_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)
            """, arguments: [table.name, keyText, date, prev[0] as Int, newVersion, prev[main + 1] as DatabaseValue, values[main],
                             o.changed.joined(separator: " "), newHash, reason(changed: o.changed).description, newVersion != nil,
                             runID, computedAt])
        return true
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

    public func finishRun(_ id: Int64, finishedAt: String, written: Int, unchanged: Int, publishedDates: String? = nil) throws {
        try db.execute(sql: "UPDATE publication_runs SET finished_at = ?, written = ?, unchanged = ?, published_dates = ? WHERE id = ?",
                       arguments: [finishedAt, written, unchanged, publishedDates, id])
    }

    public func publicationRuns() throws -> [PublicationRun] {
        try Row.fetchAll(db, sql: """
            SELECT id, job, arguments, started_at, finished_at, definitions, definitions_hash, code_version, written, unchanged, as_of,
                   published_dates
            FROM publication_runs ORDER BY id
            """).map {
            PublicationRun(id: $0[0], job: $0[1], arguments: $0[2], startedAt: $0[3], finishedAt: $0[4], definitions: $0[5],
                           definitionsHash: $0[6], codeVersion: $0[7], written: $0[8], unchanged: $0[9], asOf: $0[10], publishedDates: $0[11])
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

extension StoreSession {
    /// The distinct values of a table's first key column (`fixings` → grades, `curves` → roots, …): what
    /// `--series` may name.
    public func seriesKeys(table: String, column: String) throws -> [String] {
        try String.fetchAll(db, sql: "SELECT DISTINCT \(column) FROM \(table) ORDER BY 1")
    }
}
