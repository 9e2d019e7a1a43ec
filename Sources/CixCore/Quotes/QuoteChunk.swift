/// Quotes on their way to the store, encoded compactly: one byte buffer of stored records and, per
/// quote, its identity, observation time and byte range. No per-quote heap objects, so chunks cross
/// threads cheaply (METHODOLOGY.md §2.3, "Stored form").
///
/// A stored record is the quote's source line number, a comma, and the quote's canonical CSV record
/// (the 13 canonical fields in canonical order, RFC 4180 quoting, no line end); records are separated
/// by LF in a block. When the input file's header is the canonical header, the record is the input
/// line exactly as received.
public struct QuoteChunk: Sendable {
    public var text: [UInt8] = []
    public var identities: [Int64] = []
    public var epochs: [Int64] = []
    /// Start of each record in `text`; record i ends at starts[i+1] (or text.count) minus the LF.
    public var starts: [Int32] = []
    public var rejects: [RejectedRow] = []
    public var skipped = 0
    public var rowsRead = 0

    public init() {}

    public var count: Int { identities.count }

    public func record(_ i: Int) -> Range<Int> {
        let s = Int(starts[i])
        let e = i + 1 < starts.count ? Int(starts[i + 1]) : text.count
        return s..<(e - 1)
    }

    /// Appends a quote whose canonical record is given as raw bytes (the input line as received).
    public mutating func append(_ q: RawQuote, line: Int, rawRecord: UnsafeBufferPointer<UInt8>) {
        begin(q, line: line)
        text.append(contentsOf: rawRecord)
        text.append(10)
    }

    /// Appends a quote, writing its canonical record from its fields.
    public mutating func append(_ q: RawQuote, line: Int) {
        begin(q, line: line)
        var first = true
        for f in q.fieldTexts {
            if !first { text.append(44) }
            first = false
            var needs = false
            for b in f.utf8 where b == 44 || b == 34 || b == 10 || b == 13 { needs = true; break }
            if needs {
                text.append(34)
                for b in f.utf8 {
                    if b == 34 { text.append(34) }
                    text.append(b)
                }
                text.append(34)
            } else {
                text.append(contentsOf: f.utf8)
            }
        }
        text.append(10)
    }

    private mutating func begin(_ q: RawQuote, line: Int) {
        rowsRead += 1
        identities.append(q.identity)
        epochs.append(q.observedEpoch)
        starts.append(Int32(text.count))
        text.append(contentsOf: String(line).utf8)
        text.append(44)
    }
}

public struct RejectedRow: Sendable {
    public var line: Int
    public var reject: QuoteReject
    public var original: String
    public init(line: Int, reject: QuoteReject, original: String) {
        self.line = line
        self.reject = reject
        self.original = original
    }
}
