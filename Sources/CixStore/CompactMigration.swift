import CixCore
import Foundation
import GRDB

/// Migration v11: raw blocks compressed in place, and the one-row-per-quote `normalized_quotes` table
/// turned into compressed segments, with the same values to the bit.
enum CompactMigration {
    /// Compresses every raw block not compressed yet. Raw quotes are immutable, so the update trigger is
    /// lifted for this statement only, inside the migration's transaction; the bytes decompress to
    /// exactly the bytes stored before.
    static func compressRawBlocks(_ db: Database) throws {
        try db.execute(sql: "DROP TRIGGER IF EXISTS raw_blocks_no_update")
        let ids = try Int64.fetchAll(db, sql: "SELECT id FROM raw_blocks ORDER BY id")
        let update = try db.makeStatement(sql: "UPDATE raw_blocks SET data = ? WHERE id = ?")
        for id in ids {
            guard let data = try Data.fetchOne(db, sql: "SELECT CAST(data AS BLOB) FROM raw_blocks WHERE id = ?", arguments: [id]) else { continue }
            let bytes = [UInt8](data)
            if bytes.withUnsafeBytes({ BlockCodec.isCompressed($0) }) { continue }
            try update.execute(arguments: [Data(BlockCodec.compress(bytes)), id])
        }
        try db.execute(sql: """
            CREATE TRIGGER raw_blocks_no_update BEFORE UPDATE ON raw_blocks
                BEGIN SELECT RAISE(ABORT, 'raw quotes are immutable'); END;
            """)
    }

    /// Every raw block's normalized rows become that block's segments; a block is recorded as normalized
    /// under the last run's definitions and FX rates when the last run covered it.
    static func convertNormalizedQuotes(_ db: Database) throws {
        let last = try Row.fetchOne(db, sql: "SELECT id, reference_hash, fx_hash, max_quote_id FROM normalization_runs ORDER BY id DESC LIMIT 1")
        // A quarantined block is in no fixing (§2.5): its rows, if any, are not carried over.
        let blocks = try Row.fetchAll(db, sql: """
            SELECT first_quote_id, count, min_epoch, max_epoch FROM raw_blocks
            WHERE first_quote_id NOT IN (SELECT first_quote_id FROM quarantined_blocks) ORDER BY first_quote_id
            """)
        let rows = try db.makeStatement(sql: """
            SELECT quote_id, observed_epoch, observed_nanos, source, offer_id, location, chip, country, region, term, gpu_count,
                   available_gpus, interconnect, usd_per_gpu_hour, usd_per_h100_hour, fx_rate, fx_date, unpriced_reason, grades,
                   unmatched_reason, reference_hash
            FROM normalized_quotes
            WHERE observed_epoch >= ? AND observed_epoch <= ? AND quote_id >= ? AND quote_id < ?
            """)
        for b in blocks {
            let first: Int64 = b[0], count: Int64 = b[1]
            var builder = NormalizedBlockBuilder(firstQuoteID: first)
            // The performance factor of a profile, from its first priced row (§3.4: h100 = usd ÷ factor);
            // a row it does not reproduce to the bit keeps its own value (a segment exception).
            var factors: [NormalizedProfile: Double] = [:]
            let cursor = try Row.fetchCursor(rows, arguments: [b[2], b[3], first, first + count])
            while let r = try cursor.next() {
                let usd: Double? = r[13], h100: Double? = r[14]
                var p = NormalizedProfile(source: r[3], location: r[5], chip: r[6], country: r[7], region: r[8], term: r[9],
                                          gpuCount: r[10], interconnect: r[12], grades: r[18], unmatched: r[19], h100Factor: nil)
                if factors[p] == nil, let usd, let h100 { factors[p] = usd / h100 }
                p.h100Factor = factors[p]
                let pi = builder.profile(p)
                builder.add(NormalizedEntry(quoteID: r[0], epoch: r[1], nanos: r[2], profile: pi, offerID: r[4], availableGPUs: r[11],
                                            usdPerGPUHour: usd, usdPerH100Hour: h100, unpricedReason: r[17], fxRate: r[15], fxDate: r[16],
                                            referenceHash: r[20]))
            }
            guard builder.count > 0 else { continue }
            let covered = last.map { first + count - 1 <= ($0[3] as Int64) } ?? false
            try NormalizedSegmentWriter.write(db, firstQuoteID: first, runID: covered ? last![0] : nil,
                                              referenceHash: covered ? last![1] : "", fxHash: covered ? last![2] : "",
                                              segments: builder.segments())
        }
    }
}

/// Stores one block's segments (replacing those it had) and its normalization state.
enum NormalizedSegmentWriter {
    /// With `runID` nil the block is stored without state: the next run normalizes it again.
    static func write(_ db: Database, firstQuoteID: Int64, runID: Int64?, referenceHash: String, fxHash: String,
                      segments: [NormalizedSegment]) throws {
        try state(db, firstQuoteID: firstQuoteID, runID: runID, referenceHash: referenceHash, fxHash: fxHash)
        try db.cachedStatement(sql: "DELETE FROM normalized_segments WHERE first_quote_id = ?").execute(arguments: [firstQuoteID])
        let insert = try db.cachedStatement(sql: """
            INSERT INTO normalized_segments (day, first_quote_id, count, min_epoch, max_epoch, data) VALUES (?,?,?,?,?,?)
            """)
        for s in segments {
            try insert.execute(arguments: [s.day, s.firstQuoteID, s.count, s.minEpoch, s.maxEpoch, Data(s.data)])
        }
    }

    /// Records a block's normalization state; with `runID` nil, removes it.
    static func state(_ db: Database, firstQuoteID: Int64, runID: Int64?, referenceHash: String, fxHash: String) throws {
        if let runID {
            try db.cachedStatement(sql: """
                INSERT INTO normalized_blocks (first_quote_id, run_id, reference_hash, fx_hash) VALUES (?,?,?,?)
                ON CONFLICT (first_quote_id) DO UPDATE SET run_id = excluded.run_id, reference_hash = excluded.reference_hash,
                    fx_hash = excluded.fx_hash
                """).execute(arguments: [firstQuoteID, runID, referenceHash, fxHash])
        } else {
            try db.cachedStatement(sql: "DELETE FROM normalized_blocks WHERE first_quote_id = ?").execute(arguments: [firstQuoteID])
        }
    }
}
