import CixCore
import Foundation
import GRDB

/// Raw quote blocks and ingest batches (METHODOLOGY.md §2.5).
extension StoreSession {
    /// Starts a batch for one file (call inside `Store.write`).
    public func quoteBatchWriter(sourcePath: String, format: String, sourceName: String?, startedAt: String) throws -> QuoteBatchWriter {
        try QuoteBatchWriter(db: db, sourcePath: sourcePath, format: format, sourceName: sourceName, startedAt: startedAt)
    }

    static func block(_ row: Row) -> RawBlock {
        let text: String = row[3]
        return RawBlock(batchID: row[0], firstQuoteID: row[1], count: row[2], data: Array(text.utf8))
    }

    /// The block whose first quote id is `firstQuoteID`.
    public func rawBlock(firstQuoteID: Int64) throws -> RawBlock? {
        try Row.fetchOne(db, sql: "SELECT batch_id, first_quote_id, count, data FROM raw_blocks WHERE first_quote_id = ?",
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
            SELECT batch_id, first_quote_id, count, data FROM raw_blocks
            WHERE max_epoch >= ? AND min_epoch < ? ORDER BY first_quote_id
            """, arguments: [fromEpoch, toEpoch])
        while let row = try rows.next() { try body(StoreSession.block(row)) }
    }

    /// Blocks holding a quote id above `afterQuoteID`, in order.
    public func rawBlockInfos(afterQuoteID: Int64) throws -> [RawBlockInfo] {
        try Row.fetchAll(db, sql: """
            SELECT first_quote_id, count, min_epoch, max_epoch FROM raw_blocks WHERE first_quote_id + count > ? ORDER BY first_quote_id
            """, arguments: [afterQuoteID + 1]).map { RawBlockInfo(firstQuoteID: $0[0], count: $0[1], minEpoch: $0[2], maxEpoch: $0[3]) }
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
}
