import CixCore
import Foundation
import GRDB
import GRDBSQLite

extension NormalizedQuote {
    /// A stable 64-bit hash of the result, to tell whether a re-run changed it.
    public var resultHash: Int64 { resultHash(nanos: 0) }

    /// The same, with the observation's fraction of a second (rows written before it was stored, with
    /// nanos 0, keep their hash; a quote with a fraction gets a new one, so a re-normalization writes it).
    public func resultHash(nanos: Int32) -> Int64 {
        var h = FNV1a64()
        for s in [chip ?? "-", country ?? "-", region ?? "-", term.rawValue, interconnect.rawValue, unpricedReason ?? "-",
                  grades.joined(separator: " "), unmatched?.rawValue ?? "-", fxDate?.description ?? "-"] {
            h.add(s)
            h.separator()
        }
        h.add(Int64(gpuCount))
        h.add(Int64(availableGPUs ?? -1))
        h.add((usdPerGPUHour ?? -1).bitPattern)
        h.add((usdPerH100Hour ?? -1).bitPattern)
        h.add((fxRate ?? -1).bitPattern)
        if nanos != 0 { h.add(Int64(nanos)) }
        return Int64(bitPattern: h.value & 0x7FFF_FFFF_FFFF_FFFF)
    }
}

/// The FX table as stored, with a hash of its rows (a change triggers re-normalization, §3.6).
public struct FXSnapshot: Sendable {
    public var table: FXTable
    public var hash: String
}

/// The last normalization run (§3.6).
public struct NormalizationRunInfo: Sendable {
    public var referenceHash: String
    public var fxHash: String
    public var maxQuoteID: Int64
}

/// A normalized quote row as exported (the normalized fields of `cix export quotes`).
public struct NormalizedRow: Sendable {
    public var quoteID: Int64
    public var chip: String?
    public var country: String?
    public var region: String?
    public var term: String
    public var usdPerGPUHour: Double?
    public var usdPerH100Hour: Double?
    public var fxRate: Double?
    public var fxDate: String?
    public var grades: String
    public var unpricedReason: String?
    public var unmatchedReason: String?
    public var referenceHash: String
}

/// Observation-time span of the normalized quotes.
public struct NormalizedSpan: Sendable {
    public var minEpoch: Int64
    public var maxEpoch: Int64
    public var count: Int
}

/// A text and how often it occurs.
public struct TextCount: Sendable, Hashable {
    public var text: String
    public var count: Int
    public init(text: String, count: Int) {
        self.text = text
        self.count = count
    }
}

extension StoreSession {
    // MARK: FX (§3.5)

    /// All rates, the latest ingest winning for a currency and day.
    public func fxSnapshot() throws -> FXSnapshot {
        let rows = try Row.fetchAll(db, sql: "SELECT currency, date, usd_per_unit FROM fx_rates ORDER BY id")
        var h = FNV1a64()
        var rates: [FXRate] = []
        for r in rows {
            let cur: String = r[0]
            let date: String = r[1]
            let v: Double = r[2]
            guard let d = CivilDate(iso: date) else { continue }
            rates.append(FXRate(currency: cur, date: d, usdPerUnit: v))
            h.add(cur); h.add(date); h.add(v.bitPattern)
        }
        return FXSnapshot(table: FXTable(rates), hash: String(h.value, radix: 16))
    }

    public func insertFXRates(_ rates: [FXRate], sourcePath: String, at: String) throws -> Int {
        let st = try db.makeStatement(sql: "INSERT INTO fx_rates (currency, date, usd_per_unit, source_path, ingested_at) VALUES (?,?,?,?,?)")
        for r in rates { try st.execute(arguments: [r.currency, r.date.description, r.usdPerUnit, sourcePath, at]) }
        return rates.count
    }

    // MARK: Normalization runs (§3.6)

    public func lastNormalizationRun() throws -> NormalizationRunInfo? {
        try Row.fetchOne(db, sql: "SELECT reference_hash, fx_hash, max_quote_id FROM normalization_runs ORDER BY id DESC LIMIT 1")
            .map { NormalizationRunInfo(referenceHash: $0[0], fxHash: $0[1], maxQuoteID: $0[2]) }
    }

    public func beginNormalizationRun(referenceHash: String, fxHash: String, startedAt: String, maxQuoteID: Int64) throws -> Int64 {
        try db.execute(sql: "INSERT INTO normalization_runs (reference_hash, fx_hash, started_at, max_quote_id, examined, written) VALUES (?,?,?,?,0,0)",
                       arguments: [referenceHash, fxHash, startedAt, maxQuoteID])
        return db.lastInsertedRowID
    }

    public func finishNormalizationRun(_ id: Int64, examined: Int, written: Int) throws {
        try db.execute(sql: "UPDATE normalization_runs SET examined = ?, written = ? WHERE id = ?", arguments: [examined, written, id])
    }

    /// The stored result hashes of a block's quotes (a clustered-key scan over its time range).
    public func normalizedResultHashes(_ block: RawBlockInfo) throws -> [Int64: Int64] {
        var out: [Int64: Int64] = [:]
        let st = try db.cachedStatement(sql: """
            SELECT quote_id, result_hash FROM normalized_quotes
            WHERE observed_epoch >= ? AND observed_epoch <= ? AND quote_id >= ? AND quote_id < ?
            """)
        for r in try Row.fetchAll(st, arguments: [block.minEpoch, block.maxEpoch, block.firstQuoteID, block.firstQuoteID + Int64(block.count)]) {
            out[r[0]] = r[1]
        }
        return out
    }

    public func normalizedWriter(runID: Int64, referenceHash: String) throws -> NormalizedWriter {
        try NormalizedWriter(db: db, runID: runID, referenceHash: referenceHash)
    }

    // MARK: Reading normalized quotes

    /// Every priced quote in a grade observed in the window (start, end], as bytes for the fixing's
    /// observation builder (§5.1). Rows are stepped with the SQLite C API: no string is made per row.
    /// Instants are compared at full precision (§5.1): a quote at end + 0.5 s is after the window, one at
    /// start + 0.5 s inside it.
    public func forEachGradedQuote(in window: FixingWindow, _ body: (NormalizedQuoteView) -> Void) throws {
        let st = try db.cachedStatement(sql: """
            SELECT quote_id, source, offer_id, location, observed_epoch, usd_per_gpu_hour, available_gpus, grades, chip,
                   observed_nanos, gpu_count
            FROM normalized_quotes
            WHERE observed_epoch >= ?1 AND observed_epoch <= ?2
              AND (observed_epoch > ?1 OR observed_nanos > 0) AND (observed_epoch < ?2 OR observed_nanos = 0)
              AND grades != '' AND usd_per_gpu_hour IS NOT NULL
            """)
        let s = st.sqliteStatement
        sqlite3_reset(s)
        sqlite3_bind_int64(s, 1, window.start)
        sqlite3_bind_int64(s, 2, window.end)
        defer { sqlite3_reset(s) }
        func bytes(_ i: Int32) -> UnsafeRawBufferPointer {
            guard let t = sqlite3_column_text(s, i) else { return UnsafeRawBufferPointer(start: nil, count: 0) }
            return UnsafeRawBufferPointer(start: t, count: Int(sqlite3_column_bytes(s, i)))
        }
        while true {
            let rc = sqlite3_step(s)
            if rc == SQLITE_DONE { break }
            guard rc == SQLITE_ROW else { throw storeError(rc) }
            let offer: UnsafeRawBufferPointer? = sqlite3_column_type(s, 2) == SQLITE_NULL ? nil : bytes(2)
            let available: Int? = sqlite3_column_type(s, 6) == SQLITE_NULL ? nil : Int(sqlite3_column_int64(s, 6))
            body(NormalizedQuoteView(quoteID: sqlite3_column_int64(s, 0), epoch: sqlite3_column_int64(s, 4),
                                     nanos: Int32(sqlite3_column_int(s, 9)), usdPerGPUHour: sqlite3_column_double(s, 5),
                                     availableGPUs: available, gpuCount: Int(sqlite3_column_int64(s, 10)),
                                     source: bytes(1), offerID: offer, location: bytes(3), grades: bytes(7), chip: bytes(8)))
        }
    }

    /// Normalized rows observed in [fromEpoch, toEpoch), by observation time then quote id.
    public func forEachNormalizedRow(fromEpoch: Int64, toEpoch: Int64, _ body: (NormalizedRow) throws -> Void) throws {
        let cursor = try Row.fetchCursor(db, sql: """
            SELECT quote_id, chip, country, region, term, usd_per_gpu_hour, usd_per_h100_hour, fx_rate, fx_date, grades,
                   unpriced_reason, unmatched_reason, reference_hash
            FROM normalized_quotes WHERE observed_epoch >= ? AND observed_epoch < ? ORDER BY observed_epoch, quote_id
            """, arguments: [fromEpoch, toEpoch])
        while let n = try cursor.next() {
            try body(NormalizedRow(quoteID: n[0], chip: n[1], country: n[2], region: n[3], term: n[4], usdPerGPUHour: n[5],
                                   usdPerH100Hour: n[6], fxRate: n[7], fxDate: n[8], grades: n[9], unpricedReason: n[10],
                                   unmatchedReason: n[11], referenceHash: n[12]))
        }
    }

    public func normalizedSpan() throws -> NormalizedSpan {
        let r = try Row.fetchOne(db, sql: "SELECT MIN(observed_epoch), MAX(observed_epoch), COUNT(*) FROM normalized_quotes")!
        return NormalizedSpan(minEpoch: r[0] ?? 0, maxEpoch: r[1] ?? 0, count: r[2])
    }

    /// A normalized quote's price and unpriced reason (tests and diagnostics).
    public func normalizedPrices() throws -> [Double?] {
        try Row.fetchAll(db, sql: "SELECT usd_per_gpu_hour FROM normalized_quotes ORDER BY observed_epoch, quote_id").map { $0[0] }
    }

    // MARK: Unmatched quotes (§4.3)

    public func normalizedCount(fromEpoch: Int64, toEpoch: Int64) throws -> Int {
        try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM normalized_quotes WHERE observed_epoch >= ? AND observed_epoch < ?",
                         arguments: [fromEpoch, toEpoch]) ?? 0
    }

    /// Unmatched quotes by reason, most frequent first.
    public func unmatchedByReason(fromEpoch: Int64, toEpoch: Int64) throws -> [TextCount] {
        try Row.fetchAll(db, sql: """
            SELECT unmatched_reason, COUNT(*) FROM normalized_quotes
            WHERE observed_epoch >= ? AND observed_epoch < ? AND unmatched_reason IS NOT NULL
            GROUP BY unmatched_reason ORDER BY COUNT(*) DESC, unmatched_reason
            """, arguments: [fromEpoch, toEpoch]).map { TextCount(text: $0[0], count: $0[1]) }
    }

    /// For one reason: chip / region / term / GPUs / interconnect of the unmatched quotes, most frequent first.
    public func unmatchedDetail(fromEpoch: Int64, toEpoch: Int64, reason: String, limit: Int) throws -> [TextCount] {
        try Row.fetchAll(db, sql: """
            SELECT COALESCE(chip,'?') || ' / ' || COALESCE(region,'?') || ' / ' || term || ' / ' || gpu_count || ' GPUs / ' || interconnect, COUNT(*)
            FROM normalized_quotes WHERE observed_epoch >= ? AND observed_epoch < ? AND unmatched_reason = ?
            GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT ?
            """, arguments: [fromEpoch, toEpoch, reason, limit]).map { TextCount(text: $0[0], count: $0[1]) }
    }

    /// Quote id → unmatched reason, for the quotes with one of `reasons`.
    public func unmatchedQuotes(fromEpoch: Int64, toEpoch: Int64, reasons: [String]) throws -> [Int64: String] {
        var out: [Int64: String] = [:]
        for r in reasons {
            for row in try Row.fetchAll(db, sql: """
                SELECT quote_id FROM normalized_quotes WHERE observed_epoch >= ? AND observed_epoch < ? AND unmatched_reason = ?
                """, arguments: [fromEpoch, toEpoch, r]) {
                out[row[0]] = r
            }
        }
        return out
    }
}

/// Writes normalized rows through one prepared statement bound with the C API.
public final class NormalizedWriter {
    private let db: Database
    private let statement: Statement
    private let runID: Int64
    private let referenceHash: String

    init(db: Database, runID: Int64, referenceHash: String) throws {
        self.db = db
        self.runID = runID
        self.referenceHash = referenceHash
        statement = try db.makeStatement(sql: """
            INSERT OR REPLACE INTO normalized_quotes (observed_epoch, quote_id, run_id, reference_hash, result_hash, source, offer_id,
                location, chip, country, region, term, gpu_count, available_gpus, interconnect, usd_per_gpu_hour, usd_per_h100_hour,
                fx_rate, fx_date, unpriced_reason, grades, unmatched_reason, observed_nanos)
            VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)
            """)
    }

    public func write(quoteID: Int64, quote q: RawQuote, result n: NormalizedQuote, resultHash: Int64) throws {
        let s = statement.sqliteStatement
        sqlite3_reset(s)
        func text(_ i: Int32, _ v: String?) {
            guard let v else { sqlite3_bind_null(s, i); return }
            _ = v.withCString { sqlite3_bind_text(s, i, $0, -1, SQLITE_TRANSIENT_N) }
        }
        func real(_ i: Int32, _ v: Double?) {
            if let v { sqlite3_bind_double(s, i, v) } else { sqlite3_bind_null(s, i) }
        }
        sqlite3_bind_int64(s, 1, q.observedEpoch)
        sqlite3_bind_int64(s, 2, quoteID)
        sqlite3_bind_int64(s, 3, runID)
        text(4, referenceHash)
        sqlite3_bind_int64(s, 5, resultHash)
        text(6, q.source)
        text(7, q.offerID)
        text(8, q.location)
        text(9, n.chip)
        text(10, n.country)
        text(11, n.region)
        text(12, n.term.rawValue)
        sqlite3_bind_int64(s, 13, Int64(n.gpuCount))
        if let a = n.availableGPUs { sqlite3_bind_int64(s, 14, Int64(a)) } else { sqlite3_bind_null(s, 14) }
        text(15, n.interconnect.rawValue)
        real(16, n.usdPerGPUHour)
        real(17, n.usdPerH100Hour)
        real(18, n.fxRate)
        text(19, n.fxDate?.description)
        text(20, n.unpricedReason)
        text(21, n.grades.joined(separator: " "))
        text(22, n.unmatched?.rawValue)
        sqlite3_bind_int(s, 23, q.observedNanos)
        let rc = sqlite3_step(s)
        guard rc == SQLITE_DONE else {
            throw DatabaseError(resultCode: ResultCode(rawValue: rc), message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
        }
    }
}

private let SQLITE_TRANSIENT_N = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
