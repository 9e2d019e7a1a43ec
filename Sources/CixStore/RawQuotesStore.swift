import CixCore
import Foundation
import GRDB

/// Raw quote blocks and ingest batches (METHODOLOGY.md §2.5).
extension StoreSession {
    /// Starts a batch for one file (call inside `Store.write`).
    public func quoteBatchWriter(sourcePath: String, format: String, sourceName: String?, startedAt: String) throws -> QuoteBatchWriter {
        try QuoteBatchWriter(db: db, sourcePath: sourcePath, format: format, sourceName: sourceName, startedAt: startedAt)
    }

    /// Blocks are read as bytes (CAST AS BLOB), so a byte that a C string would stop at cannot hide
    /// the rest of a block; a compressed block is decompressed (a damaged one comes back `unreadable`).
    static func block(_ row: Row) -> RawBlock {
        StoredRawBlock(batchID: row[0], firstQuoteID: row[1], count: row[2], stored: [UInt8](row[3] as Data)).block()
    }

    /// The block whose first quote id is `firstQuoteID`.
    public func rawBlock(firstQuoteID: Int64) throws -> RawBlock? {
        try Row.fetchOne(db, sql: "SELECT batch_id, first_quote_id, count, CAST(data AS BLOB) FROM raw_blocks WHERE first_quote_id = ?",
                         arguments: [firstQuoteID]).map(StoreSession.block)
    }

    /// The first quote id of the block holding quote `id`.
    public func blockFirstQuoteID(containing id: Int64) throws -> Int64? {
        try Int64.fetchOne(db, sql: "SELECT first_quote_id FROM raw_blocks WHERE first_quote_id <= ? ORDER BY first_quote_id DESC LIMIT 1",
                           arguments: [id])
    }

    /// Every block with a quote observed in [fromEpoch, toEpoch), in quote-id order.
    public func forEachRawBlock(fromEpoch: Int64 = .min, toEpoch: Int64 = .max, _ body: (RawBlock) throws -> Void) throws {
        let rows = try Row.fetchCursor(db, sql: """
            SELECT batch_id, first_quote_id, count, CAST(data AS BLOB) FROM raw_blocks
            WHERE max_epoch >= ? AND min_epoch < ? ORDER BY first_quote_id
            """, arguments: [fromEpoch, toEpoch])
        while let row = try rows.next() { try body(StoreSession.block(row)) }
    }

    /// Blocks holding a quote id above `afterQuoteID`, in order.
    /// The earliest observation time of any stored quote (nil: no quotes).
    public func firstQuoteEpoch() throws -> Int64? {
        try Int64.fetchOne(db, sql: "SELECT MIN(min_epoch) FROM raw_blocks")
    }

    public func rawBlockInfos(afterQuoteID: Int64) throws -> [RawBlockInfo] {
        try Row.fetchAll(db, sql: """
            SELECT first_quote_id, count, min_epoch, max_epoch FROM raw_blocks WHERE first_quote_id + count > ? ORDER BY first_quote_id
            """, arguments: [afterQuoteID + 1]).map { RawBlockInfo(firstQuoteID: $0[0], count: $0[1], minEpoch: $0[2], maxEpoch: $0[3]) }
    }

    /// Blocks with a quote observed in [fromEpoch, toEpoch), in quote-id order (no data).
    public func rawBlockInfos(fromEpoch: Int64, toEpoch: Int64) throws -> [RawBlockInfo] {
        try Row.fetchAll(db, sql: """
            SELECT first_quote_id, count, min_epoch, max_epoch FROM raw_blocks WHERE max_epoch >= ? AND min_epoch < ? ORDER BY first_quote_id
            """, arguments: [fromEpoch, toEpoch]).map { RawBlockInfo(firstQuoteID: $0[0], count: $0[1], minEpoch: $0[2], maxEpoch: $0[3]) }
    }

    /// The observation-time span of all stored quotes, nil when none.
    public func rawSpan() throws -> ClosedRange<Int64>? {
        guard let r = try Row.fetchOne(db, sql: "SELECT MIN(min_epoch), MAX(max_epoch) FROM raw_blocks"),
              let lo = r[0] as Int64?, let hi = r[1] as Int64? else { return nil }
        return lo...hi
    }

    /// The highest quote id stored (0 when none).
    public func maxQuoteID() throws -> Int64 {
        try Int64.fetchOne(db, sql: "SELECT first_quote_id + count - 1 FROM raw_blocks ORDER BY first_quote_id DESC LIMIT 1") ?? 0
    }

    /// Stored quotes.
    public func quoteCount() throws -> Int {
        try Int.fetchOne(db, sql: "SELECT COALESCE(SUM(count), 0) FROM raw_blocks") ?? 0
    }

    /// Ingest batches.
    public func batchCount() throws -> Int {
        try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM ingest_batches") ?? 0
    }

    /// The distinct fields named by stored rejects.
    public func rejectFields() throws -> [String] {
        try String.fetchAll(db, sql: "SELECT DISTINCT field FROM rejects ORDER BY field")
    }

    /// Stored rejects (rows).
    public func rejectCount() throws -> Int {
        try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM rejects") ?? 0
    }

    // MARK: Quarantine

    /// Records a block that cannot be read back; it is left out from now on.
    public func quarantine(firstQuoteID: Int64, reason: String, at: String) throws {
        try db.execute(sql: "INSERT OR IGNORE INTO quarantined_blocks (first_quote_id, reason, found_at) VALUES (?,?,?)",
                       arguments: [firstQuoteID, reason, at])
    }

    /// Quarantined blocks: first quote id → reason.
    public func quarantinedBlocks() throws -> [Int64: String] {
        var out: [Int64: String] = [:]
        for r in try Row.fetchAll(db, sql: "SELECT first_quote_id, reason FROM quarantined_blocks") { out[r[0]] = r[1] }
        return out
    }

    /// Quotes in quarantined blocks.
    public func quarantinedQuoteCount() throws -> Int {
        try Int.fetchOne(db, sql: """
            SELECT COALESCE(SUM(b.count), 0) FROM quarantined_blocks q JOIN raw_blocks b ON b.first_quote_id = q.first_quote_id
            """) ?? 0
    }
}
