import CixCore
import Foundation
import GRDB
import GRDBSQLite

extension NormalizedQuote {
    /// A stable 64-bit hash of the result, to tell whether a re-run changed it.
    public var resultHash: Int64 {
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
        return Int64(bitPattern: h.value & 0x7FFF_FFFF_FFFF_FFFF)
    }
}

public enum FXStore {
    /// All rates, the latest ingest winning for a currency and day.
    public static func table(_ db: Database) throws -> (FXTable, String) {
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
        return (FXTable(rates), String(h.value, radix: 16))
    }

    public static func insert(_ db: Database, rates: [FXRate], sourcePath: String, at: String) throws -> Int {
        let st = try db.makeStatement(sql: "INSERT INTO fx_rates (currency, date, usd_per_unit, source_path, ingested_at) VALUES (?,?,?,?,?)")
        for r in rates { try st.execute(arguments: [r.currency, r.date.description, r.usdPerUnit, sourcePath, at]) }
        return rates.count
    }
}

/// Writes normalized rows through one prepared statement bound with the C API.
public final class NormalizedWriter {
    private let db: Database
    private let statement: Statement
    private let runID: Int64
    private let referenceHash: String

    public init(db: Database, runID: Int64, referenceHash: String) throws {
        self.db = db
        self.runID = runID
        self.referenceHash = referenceHash
        statement = try db.makeStatement(sql: """
            INSERT OR REPLACE INTO normalized_quotes (observed_epoch, quote_id, run_id, reference_hash, result_hash, source, offer_id,
                location, chip, country, region, term, gpu_count, available_gpus, interconnect, usd_per_gpu_hour, usd_per_h100_hour,
                fx_rate, fx_date, unpriced_reason, grades, unmatched_reason)
            VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)
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
        let rc = sqlite3_step(s)
        guard rc == SQLITE_DONE else {
            throw DatabaseError(resultCode: ResultCode(rawValue: rc), message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
        }
    }
}

private let SQLITE_TRANSIENT_N = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
