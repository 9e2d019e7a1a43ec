import CixCore
import Foundation
import GRDB

/// A change to a published value (METHODOLOGY.md §9.3): published as a new vintage, or held.
public struct RestatementRecord: Sendable, Hashable {
    public var id: Int64
    public var series: String
    public var key: String
    public var date: String
    public var oldVersion: Int
    /// The vintage the change was published as; nil when it was held (outside the window).
    public var newVersion: Int?
    public var oldValue: Double?
    public var newValue: Double?
    /// The value columns that changed.
    public var changed: String
    public var reason: String
    public var published: Bool
    public var runID: Int64
    public var recordedAt: String
}

/// What the store had received when a daily run published (§9.2): later inputs are new to the next run.
public struct InputMark: Sendable, Hashable, CustomStringConvertible {
    public var quoteID: Int64 = 0
    public var settlementRunID: Int64 = 0
    public var rateID: Int64 = 0
    public var fxID: Int64 = 0
    /// External benchmark prints (§10); absent from marks written before 0.6.
    public var referenceID: Int64 = 0

    public init() {}

    public var description: String {
        "quotes=\(quoteID) settlements=\(settlementRunID) rates=\(rateID) fx=\(fxID)" + (referenceID > 0 ? " reference=\(referenceID)" : "")
    }

    public init?(_ text: String) {
        var m = InputMark()
        for part in text.split(separator: " ") {
            let kv = part.split(separator: "=", maxSplits: 1)
            guard kv.count == 2, let v = Int64(kv[1]) else { return nil }
            switch kv[0] {
            case "quotes": m.quoteID = v
            case "settlements": m.settlementRunID = v
            case "rates": m.rateID = v
            case "fx": m.fxID = v
            case "reference": m.referenceID = v
            default: return nil
            }
        }
        self = m
    }
}

/// The last run of a job: its as-of date, inputs mark and definitions hash.
public struct LastRun: Sendable {
    public var id: Int64
    public var asOf: CivilDate?
    public var inputMark: InputMark?
    public var definitionsHash: String
}

/// A stored reject row with the file it came from (`cix export rejects`).
public struct RejectRow: Sendable {
    public var batchID: Int64
    public var sourcePath: String
    public var format: String
    public var line: Int
    public var field: String
    public var reason: String
    public var original: String
}

/// Inputs that arrived after a mark, as the first date they can change.
public struct NewInputs: Sendable {
    public var quotes: CivilDate?
    /// The earliest observation (epoch seconds) of the new quotes.
    public var quotesEpoch: Int64?
    public var settlements: CivilDate?
    public var rates: CivilDate?
    public var fx: CivilDate?
    public var reference: CivilDate?
}

extension StoreSession {
    /// Opens a publication run of the daily job, with its as-of date and inputs mark.
    public func beginRun(job: String, arguments: String, startedAt: String, definitions: String, definitionsHash: String,
                         asOf: CivilDate, inputMark: InputMark?) throws -> Int64 {
        try db.execute(sql: """
            INSERT INTO publication_runs (job, arguments, started_at, definitions, definitions_hash, code_version, as_of, input_mark)
            VALUES (?,?,?,?,?,?,?,?)
            """, arguments: [job, arguments, startedAt, definitions, definitionsHash, CixVersion.current, asOf.description,
                             inputMark?.description])
        return db.lastInsertedRowID
    }

    /// The latest finished run of `job` that recorded its inputs mark (a daily run's last day).
    public func lastRun(job: String) throws -> LastRun? {
        try Row.fetchOne(db, sql: """
            SELECT id, as_of, input_mark, definitions_hash FROM publication_runs
            WHERE job = ? AND finished_at IS NOT NULL AND input_mark IS NOT NULL ORDER BY id DESC LIMIT 1
            """, arguments: [job]).map {
            LastRun(id: $0[0], asOf: ($0[1] as String?).flatMap(CivilDate.init(iso:)), inputMark: ($0[2] as String?).flatMap(InputMark.init),
                    definitionsHash: $0[3])
        }
    }

    /// The newest stored input of each kind.
    public func inputMark() throws -> InputMark {
        var m = InputMark()
        m.quoteID = try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(first_quote_id + count - 1), 0) FROM raw_blocks") ?? 0
        m.settlementRunID = try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(run_id), 0) FROM settlements") ?? 0
        m.rateID = try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(id), 0) FROM rates") ?? 0
        m.fxID = try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(rowid), 0) FROM fx_rates") ?? 0
        m.referenceID = try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(id), 0) FROM reference_prints") ?? 0
        return m
    }

    /// The earliest date each kind of input stored after `mark` concerns (quotes: the UTC date of the
    /// earliest observation).
    public func newInputs(since mark: InputMark) throws -> NewInputs {
        var n = NewInputs()
        if let e = try Int64.fetchOne(db, sql: "SELECT MIN(min_epoch) FROM raw_blocks WHERE first_quote_id + count - 1 > ?", arguments: [mark.quoteID]) {
            n.quotes = CivilDate(dayNumber: floorDiv(e, 86_400))
            n.quotesEpoch = e
        }
        n.settlements = try String.fetchOne(db, sql: "SELECT MIN(date) FROM settlements WHERE run_id > ?", arguments: [mark.settlementRunID])
            .flatMap(CivilDate.init(iso:))
        n.rates = try String.fetchOne(db, sql: "SELECT MIN(date) FROM rates WHERE id > ?", arguments: [mark.rateID]).flatMap(CivilDate.init(iso:))
        n.fx = try String.fetchOne(db, sql: "SELECT MIN(date) FROM fx_rates WHERE rowid > ?", arguments: [mark.fxID]).flatMap(CivilDate.init(iso:))
        n.reference = try String.fetchOne(db, sql: "SELECT MIN(date) FROM reference_prints WHERE id > ?", arguments: [mark.referenceID])
            .flatMap(CivilDate.init(iso:))
        return n
    }

    /// The newest publication run's id (0 for none): what changes whenever anything is published.
    public func newestRunID() throws -> Int64 {
        try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(id), 0) FROM publication_runs") ?? 0
    }

    /// The first and last dates with a published fixing.
    public func publishedFixingSpan() throws -> ClosedRange<CivilDate>? {
        guard let r = try Row.fetchOne(db, sql: "SELECT MIN(date), MAX(date) FROM fixings"),
              let a = (r[0] as String?).flatMap(CivilDate.init(iso:)), let b = (r[1] as String?).flatMap(CivilDate.init(iso:)) else { return nil }
        return a...b
    }

    /// The first and last dates of any row of these tables (the published series, settlements,
    /// restatements): every export's dates lie in it.
    public func publishedDateSpan(tables: [String]) throws -> ClosedRange<CivilDate>? {
        let sql = "SELECT MIN(a), MAX(b) FROM (" + tables.map { "SELECT MIN(date) AS a, MAX(date) AS b FROM \($0)" }.joined(separator: " UNION ALL ") + ")"
        guard let r = try Row.fetchOne(db, sql: sql),
              let a = (r[0] as String?).flatMap(CivilDate.init(iso:)), let b = (r[1] as String?).flatMap(CivilDate.init(iso:)) else { return nil }
        return a...b
    }

    /// Stores external benchmark prints (§10).
    public func insertReferencePrints(_ prints: [ReferencePrint], sourcePath: String, at: String) throws {
        let st = try db.makeStatement(sql: "INSERT INTO reference_prints (benchmark, date, value, source_path, ingested_at) VALUES (?,?,?,?,?)")
        for p in prints { try st.execute(arguments: [p.benchmark, p.date.description, p.value, sourcePath, at]) }
    }

    /// The latest ingested print of every benchmark and date, by benchmark.
    public func referencePrints() throws -> [String: [CivilDate: Double]] {
        var out: [String: [CivilDate: Double]] = [:]
        for r in try Row.fetchAll(db, sql: "SELECT benchmark, date, value FROM reference_prints ORDER BY id") {
            let date: String = r[1]
            if let d = CivilDate(iso: date) { out[r[0], default: [:]][d] = r[2] }
        }
        return out
    }

    /// How many values a published table holds dated `to` or earlier (each key once), and its last date.
    public func publishedCount(table: String, to: CivilDate) throws -> (values: Int, last: String?) {
        guard let r = try Row.fetchOne(db, sql: "SELECT COUNT(*), MAX(date) FROM \(table) WHERE version = 1 AND date <= ?",
                                       arguments: [to.description]) else { return (0, nil) }
        return (r[0], r[1])
    }

    /// Restatement records with a date in [from, to], oldest first.
    public func restatements(from: CivilDate? = nil, to: CivilDate? = nil) throws -> [RestatementRecord] {
        let (cond, args) = StoreSession.dateCondition(from, to)
        return try Row.fetchAll(db, sql: """
            SELECT id, series, key, date, old_version, new_version, old_value, new_value, changed, reason, published, run_id, recorded_at
            FROM restatements t \(cond.map { "WHERE " + $0 } ?? "") ORDER BY id
            """, arguments: StatementArguments(args)).map {
            RestatementRecord(id: $0[0], series: $0[1], key: $0[2], date: $0[3], oldVersion: $0[4], newVersion: $0[5], oldValue: $0[6],
                              newValue: $0[7], changed: $0[8], reason: $0[9], published: ($0[10] as Int) != 0, runID: $0[11], recordedAt: $0[12])
        }
    }

    /// Restatement records made by the daily runs as of `date` (the day's restatements file).
    public func restatements(asOf date: CivilDate) throws -> [RestatementRecord] {
        try Row.fetchAll(db, sql: """
            SELECT t.id, t.series, t.key, t.date, t.old_version, t.new_version, t.old_value, t.new_value, t.changed, t.reason, t.published,
                   t.run_id, t.recorded_at
            FROM restatements t JOIN publication_runs r ON r.id = t.run_id WHERE r.as_of = ? ORDER BY t.id
            """, arguments: [date.description]).map {
            RestatementRecord(id: $0[0], series: $0[1], key: $0[2], date: $0[3], oldVersion: $0[4], newVersion: $0[5], oldValue: $0[6],
                              newValue: $0[7], changed: $0[8], reason: $0[9], published: ($0[10] as Int) != 0, runID: $0[11], recordedAt: $0[12])
        }
    }

    /// The earliest date of a held change not published since (what `cix run --restate` recomputes from).
    public func earliestHeldChange() throws -> CivilDate? {
        try String.fetchOne(db, sql: """
            SELECT MIN(h.date) FROM restatements h WHERE h.published = 0 AND NOT EXISTS (
                SELECT 1 FROM restatements p WHERE p.published = 1 AND p.series = h.series AND p.key = h.key AND p.date = h.date
                AND p.id > h.id)
            """).flatMap(CivilDate.init(iso:))
    }

    // MARK: Inbox

    public func inboxFileSeen(hash: String) throws -> Bool {
        try Bool.fetchOne(db, sql: "SELECT 1 FROM inbox_files WHERE hash = ?", arguments: [hash]) ?? false
    }

    public func recordInboxFile(hash: String, path: String, kind: String, at: String, rowsRead: Int, accepted: Int, rejected: Int,
                                size: Int64? = nil, mtime: Double? = nil, ctime: Double? = nil, inode: Int64? = nil) throws {
        try db.execute(sql: """
            INSERT OR IGNORE INTO inbox_files (hash, path, kind, ingested_at, rows_read, accepted, rejected, size, mtime, ctime, inode)
            VALUES (?,?,?,?,?,?,?,?,?,?,?)
            """, arguments: [hash, path, kind, at, rowsRead, accepted, rejected, size, mtime, ctime, inode])
    }

    /// A file already taken under another path or status: remember where it is now, so an unchanged one
    /// is not read again.
    public func refreshInboxFileStat(hash: String, path: String, size: Int64, mtime: Double, ctime: Double, inode: Int64) throws {
        try db.execute(sql: "UPDATE inbox_files SET path = ?, size = ?, mtime = ?, ctime = ?, inode = ? WHERE hash = ?",
                       arguments: [path, size, mtime, ctime, inode, hash])
    }

    /// Every inbox file taken, by path: its size, times and inode (an unchanged file is not hashed again).
    public func inboxFileStats() throws -> [String: InboxStat] {
        var out: [String: InboxStat] = [:]
        for r in try Row.fetchAll(db, sql: "SELECT path, size, mtime, ctime, inode FROM inbox_files WHERE size IS NOT NULL AND mtime IS NOT NULL") {
            out[r[0]] = InboxStat(size: r[1], mtime: r[2], ctime: r[3], inode: r[4])
        }
        return out
    }

    // MARK: Rejects

    /// Every stored reject with its file, by batch then line.
    public func rejectRows() throws -> [RejectRow] {
        try Row.fetchAll(db, sql: """
            SELECT r.batch_id, b.source_path, b.format, r.line, r.field, r.reason, r.original
            FROM rejects r JOIN ingest_batches b ON b.id = r.batch_id ORDER BY r.batch_id, r.line, r.id
            """).map {
            RejectRow(batchID: $0[0], sourcePath: $0[1], format: $0[2], line: $0[3], field: $0[4], reason: $0[5], original: $0[6])
        }
    }
}
