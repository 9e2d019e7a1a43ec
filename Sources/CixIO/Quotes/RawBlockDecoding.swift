import CixCore

/// A stored block that no longer decodes (METHODOLOGY.md §2.5).
public struct StoreCorruption: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ d: String) { description = d }
}

extension RawBlock {
    /// Decodes every record with the CSV reader and validation used at ingest, so a stored quote reads
    /// back exactly as it was accepted. Needs no database: it can run on any thread.
    public func decode(_ body: (StoredQuote) throws -> Void) throws {
        var fields = [String](repeating: "", count: QuoteColumn.allCases.count)
        let reader = CSVReader(source: MemoryByteSource(data), chunkSize: 1 << 16)
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
}
