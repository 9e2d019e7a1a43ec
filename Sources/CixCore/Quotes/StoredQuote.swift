/// A raw quote as the store holds it: its id, batch and source line, and the validated fields
/// (METHODOLOGY.md §2.5).
public struct StoredQuote: Sendable {
    public var id: Int64
    public var batchID: Int64
    public var line: Int
    public var quote: RawQuote

    public init(id: Int64, batchID: Int64, line: Int, quote: RawQuote) {
        self.id = id
        self.batchID = batchID
        self.line = line
        self.quote = quote
    }
}

/// One stored block of raw quotes as bytes (§2.5): `count` canonical CSV records, each prefixed by its
/// source line number, with quote ids `firstQuoteID ..< firstQuoteID + count`. The store hands blocks
/// back as bytes; decoding them is the readers' business (CixIO), so the store needs no CSV reader.
public struct RawBlock: Sendable {
    public var batchID: Int64
    public var firstQuoteID: Int64
    public var count: Int
    public var data: [UInt8]
    /// Why the stored bytes could not be turned back into `data` (a damaged compressed block); decoding
    /// such a block fails with this reason.
    public var unreadable: String?

    public init(batchID: Int64, firstQuoteID: Int64, count: Int, data: [UInt8], unreadable: String? = nil) {
        self.batchID = batchID
        self.firstQuoteID = firstQuoteID
        self.count = count
        self.data = data
        self.unreadable = unreadable
    }
}

/// Where a raw block sits: its quote ids and observation-time range.
public struct RawBlockInfo: Sendable, Hashable {
    public var firstQuoteID: Int64
    public var count: Int
    public var minEpoch: Int64
    public var maxEpoch: Int64

    public init(firstQuoteID: Int64, count: Int, minEpoch: Int64, maxEpoch: Int64) {
        self.firstQuoteID = firstQuoteID
        self.count = count
        self.minEpoch = minEpoch
        self.maxEpoch = maxEpoch
    }
}

/// A stored block that no longer decodes (METHODOLOGY.md §2.5).
public struct StoreCorruption: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ d: String) { description = d }
}
