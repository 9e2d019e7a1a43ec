import CixCore
import CixIO
import Foundation
import GRDB

/// A raw quote as the store holds it: its id, batch and source line, and the validated fields.
public struct StoredQuote: Sendable {
    public var id: Int64
    public var batchID: Int64
    public var line: Int
    public var quote: RawQuote
}

public enum StoredQuotes {
    /// Calls `body` for every stored quote observed in [fromEpoch, toEpoch), in quote-id order.
    /// Blocks are decoded with the same CSV reader and validation as ingest, so a stored quote reads
    /// back exactly as it was accepted.
    public static func forEach(_ db: Database, fromEpoch: Int64 = .min, toEpoch: Int64 = .max, blockFirstID: Int64? = nil,
                               _ body: (StoredQuote) throws -> Void) throws {
        let rows = try blockFirstID.map {
            try Row.fetchCursor(db, sql: "SELECT batch_id, first_quote_id, count, data FROM raw_blocks WHERE first_quote_id = ?", arguments: [$0])
        } ?? Row.fetchCursor(db, sql: """
            SELECT batch_id, first_quote_id, count, data FROM raw_blocks
            WHERE max_epoch >= ? AND min_epoch < ? ORDER BY first_quote_id
            """, arguments: [fromEpoch, toEpoch])
        while let row = try rows.next() {
            let block = RawBlock(batchID: row[0], firstQuoteID: row[1], count: row[2], data: row[3])
            try block.decode { q in
                if q.quote.observedEpoch >= fromEpoch && q.quote.observedEpoch < toEpoch { try body(q) }
            }
        }
    }

    public static func count(_ db: Database) throws -> Int {
        try Int.fetchOne(db, sql: "SELECT COALESCE(SUM(count), 0) FROM raw_blocks") ?? 0
    }
}

public struct StoreCorruption: Error, CustomStringConvertible {
    public var description: String
    public init(_ d: String) { description = d }
}

/// One stored block of raw quotes; decoding needs no database, so it can run on any thread.
public struct RawBlock: Sendable {
    public var batchID: Int64
    public var firstQuoteID: Int64
    public var count: Int
    public var data: String

    public init(batchID: Int64, firstQuoteID: Int64, count: Int, data: String) {
        self.batchID = batchID
        self.firstQuoteID = firstQuoteID
        self.count = count
        self.data = data
    }

    /// Decodes every record with the CSV reader and validation used at ingest.
    public func decode(_ body: (StoredQuote) throws -> Void) throws {
        var fields = [String](repeating: "", count: QuoteColumn.allCases.count)
        let reader = CSVReader(source: MemoryByteSource(Array(data.utf8)), chunkSize: 1 << 16)
        var rec = CSVRecord()
        var i: Int64 = 0
        let first = firstQuoteID
        while try reader.next(into: &rec) {
            defer { i += 1 }
            guard rec.count == fields.count + 1, let line = Int(rec.field(0) ?? "") else {
                throw StoreCorruption("raw block at quote \(first): record \(i) is not line + 13 fields")
            }
            for c in 0..<fields.count { fields[c] = rec.field(c + 1) ?? "" }
            guard case .success(let q) = QuoteValidation.validate(fields) else {
                throw StoreCorruption("raw block at quote \(first): record \(i) no longer validates")
            }
            try body(StoredQuote(id: first + i, batchID: batchID, line: line, quote: q))
        }
        guard i == count else { throw StoreCorruption("raw block at quote \(first): \(i) records, expected \(count)") }
    }

    public static func fetch(_ db: Database, firstQuoteID: Int64) throws -> RawBlock? {
        try Row.fetchOne(db, sql: "SELECT batch_id, first_quote_id, count, data FROM raw_blocks WHERE first_quote_id = ?",
                         arguments: [firstQuoteID]).map { RawBlock(batchID: $0[0], firstQuoteID: $0[1], count: $0[2], data: $0[3]) }
    }
}
