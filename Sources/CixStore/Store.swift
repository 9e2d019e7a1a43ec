import CixCore
import Foundation
import GRDB
import GRDBSQLite

/// The SQLite store of record. One file, WAL mode, foreign keys on, schema only through migrations.
public final class Store: @unchecked Sendable {
    public let dbQueue: DatabaseQueue
    public let path: String

    /// Opens (creating if needed) the store at `path` and brings its schema up to date.
    public init(path: String) throws {
        self.path = path
        var config = Configuration()
        config.foreignKeysEnabled = true
        config.busyMode = .timeout(10)
        config.prepareDatabase { db in
            // 64 MiB page cache: the identity index of a multi-million-row store stays mostly in memory.
            try db.execute(sql: "PRAGMA cache_size = -65536")
            try db.execute(sql: "PRAGMA temp_store = MEMORY")
        }
        dbQueue = try DatabaseQueue(path: path, configuration: config)
        try dbQueue.writeWithoutTransaction { db in
            _ = try String.fetchOne(db, sql: "PRAGMA journal_mode = WAL")
            // NORMAL is durable in WAL mode except against power loss of the last commit; a killed
            // process still leaves the store as it was before the unfinished transaction.
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        try Store.migrator.migrate(dbQueue)
    }

    /// Versioned schema. Never edit a registered migration: add a new one.
    public static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1-raw-quotes") { db in
            try db.execute(sql: """
            CREATE TABLE ingest_batches (
                id INTEGER PRIMARY KEY,
                source_path TEXT NOT NULL,
                format TEXT NOT NULL,
                source_name TEXT,
                started_at TEXT NOT NULL,
                finished_at TEXT,
                rows_read INTEGER NOT NULL DEFAULT 0,
                accepted INTEGER NOT NULL DEFAULT 0,
                duplicates INTEGER NOT NULL DEFAULT 0,
                rejected INTEGER NOT NULL DEFAULT 0,
                skipped INTEGER NOT NULL DEFAULT 0
            );
            CREATE TABLE raw_quotes (
                id INTEGER PRIMARY KEY,
                identity INTEGER NOT NULL,
                batch_id INTEGER NOT NULL REFERENCES ingest_batches(id),
                line INTEGER NOT NULL,
                observed_at TEXT NOT NULL,
                observed_epoch INTEGER NOT NULL,
                source TEXT NOT NULL,
                offer_id TEXT,
                chip TEXT NOT NULL,
                gpu_count INTEGER NOT NULL,
                location TEXT NOT NULL,
                term TEXT NOT NULL,
                price TEXT NOT NULL,
                currency TEXT NOT NULL,
                price_unit TEXT NOT NULL,
                price_basis TEXT NOT NULL,
                available_gpus INTEGER,
                interconnect TEXT
            );
            CREATE UNIQUE INDEX raw_quotes_identity ON raw_quotes(identity);
            CREATE TRIGGER raw_quotes_no_update BEFORE UPDATE ON raw_quotes
                BEGIN SELECT RAISE(ABORT, 'raw quotes are immutable'); END;
            CREATE TRIGGER raw_quotes_no_delete BEFORE DELETE ON raw_quotes
                BEGIN SELECT RAISE(ABORT, 'raw quotes are immutable'); END;
            CREATE TABLE rejects (
                id INTEGER PRIMARY KEY,
                batch_id INTEGER NOT NULL REFERENCES ingest_batches(id),
                line INTEGER NOT NULL,
                field TEXT NOT NULL,
                reason TEXT NOT NULL,
                original TEXT NOT NULL
            );
            CREATE INDEX rejects_batch ON rejects(batch_id);
            """)
        }
        return m
    }
}

/// Counts of one ingest batch.
public struct BatchCounts: Sendable, Equatable {
    public var rowsRead = 0
    public var accepted = 0
    public var duplicates = 0
    public var rejected = 0
    public var skipped = 0
    public init() {}
}

/// Writes one file's rows inside one transaction, through one reused prepared statement bound with
/// the SQLite C API (GRDB's `StatementArguments` boxing costs about half the throughput here).
public final class QuoteBatchWriter {
    let db: Database
    public let batchID: Int64
    private let insert: Statement
    private let rejectInsert: Statement
    public private(set) var counts = BatchCounts()

    /// Must be called inside a write transaction; the batch row is created now.
    public init(db: Database, sourcePath: String, format: String, sourceName: String?, startedAt: String) throws {
        self.db = db
        try db.execute(sql: "INSERT INTO ingest_batches (source_path, format, source_name, started_at) VALUES (?, ?, ?, ?)",
                       arguments: [sourcePath, format, sourceName, startedAt])
        batchID = db.lastInsertedRowID
        insert = try db.makeStatement(sql: """
        INSERT OR IGNORE INTO raw_quotes (identity, batch_id, line, observed_at, observed_epoch, source, offer_id, chip,
            gpu_count, location, term, price, currency, price_unit, price_basis, available_gpus, interconnect)
        VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)
        """)
        rejectInsert = try db.makeStatement(sql: "INSERT INTO rejects (batch_id, line, field, reason, original) VALUES (?,?,?,?,?)")
    }

    /// Stores a valid quote; returns false when an identical quote is already stored (a duplicate).
    @discardableResult
    public func add(_ q: RawQuote, line: Int) throws -> Bool {
        counts.rowsRead += 1
        let s = insert.sqliteStatement
        sqlite3_reset(s)
        sqlite3_bind_int64(s, 1, q.identity)
        sqlite3_bind_int64(s, 2, batchID)
        sqlite3_bind_int64(s, 3, Int64(line))
        bindText(s, 4, q.observedAt)
        sqlite3_bind_int64(s, 5, q.observedEpoch)
        bindText(s, 6, q.source)
        bindText(s, 7, q.offerID)
        bindText(s, 8, q.chip)
        sqlite3_bind_int64(s, 9, Int64(q.gpuCount))
        bindText(s, 10, q.location)
        bindText(s, 11, q.termText)
        bindText(s, 12, q.price)
        bindText(s, 13, q.currency)
        bindText(s, 14, q.priceUnit.rawValue)
        bindText(s, 15, q.priceBasis.rawValue)
        if let a = q.availableGPUs { sqlite3_bind_int64(s, 16, Int64(a)) } else { sqlite3_bind_null(s, 16) }
        bindText(s, 17, q.interconnect)
        let rc = sqlite3_step(s)
        guard rc == SQLITE_DONE else {
            throw DatabaseError(resultCode: ResultCode(rawValue: rc), message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
        }
        if sqlite3_changes(db.sqliteConnection) == 1 {
            counts.accepted += 1
            return true
        }
        counts.duplicates += 1
        return false
    }

    public func addReject(line: Int, field: String, reason: String, original: String) throws {
        counts.rowsRead += 1
        counts.rejected += 1
        try rejectInsert.execute(arguments: [batchID, line, field, reason, original])
    }

    public func addSkipped() {
        counts.rowsRead += 1
        counts.skipped += 1
    }

    /// Records the final counts on the batch row.
    public func finish(finishedAt: String) throws {
        try db.execute(sql: """
        UPDATE ingest_batches SET finished_at = ?, rows_read = ?, accepted = ?, duplicates = ?, rejected = ?, skipped = ?
        WHERE id = ?
        """, arguments: [finishedAt, counts.rowsRead, counts.accepted, counts.duplicates, counts.rejected, counts.skipped, batchID])
    }
}

private let SQLITE_TRANSIENT = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

@inline(__always) private func bindText(_ s: OpaquePointer, _ i: Int32, _ text: String?) {
    guard var text else {
        sqlite3_bind_null(s, i)
        return
    }
    text.withUTF8 { p in
        if p.isEmpty {
            _ = sqlite3_bind_text(s, i, "", 0, SQLITE_TRANSIENT)
            return
        }
        _ = sqlite3_bind_text(s, i, UnsafeRawPointer(p.baseAddress!).assumingMemoryBound(to: CChar.self), Int32(p.count), SQLITE_TRANSIENT)
    }
}
