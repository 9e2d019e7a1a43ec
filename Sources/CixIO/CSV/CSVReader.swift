import Foundation

/// A streaming RFC 4180 CSV reader that works on bytes.
///
/// Hand-written on purpose: the CSV libraries in the package mirror (SwiftCSV, CSV.swift) parsed a
/// million quote rows about 10× slower than this byte scanner, and ingest speed is an acceptance
/// criterion. Memory stays flat: the file is read in fixed chunks and one record is held at a time.
///
/// Accepts LF, CRLF and lone-CR line ends, a UTF-8 byte-order mark, quoted fields with embedded
/// commas, doubled quotes and line breaks. Blank lines are skipped. Broken quoting does not stop the
/// file: the record is returned with `malformed` set so the caller can reject that one row.
public final class CSVReader<Source: ByteSource> {
    private var source: Source
    private let buffer: UnsafeMutablePointer<UInt8>
    private let capacity: Int
    private var pos = 0
    private var len = 0
    private var eof = false
    private var skipLF = false
    private var atStart = true
    /// 1-based number of the physical line where the next record starts.
    public private(set) var line = 1

    public init(source: Source, chunkSize: Int = 1 << 20) {
        self.source = source
        capacity = max(chunkSize, 4)
        buffer = .allocate(capacity: capacity)
    }

    deinit { buffer.deallocate() }

    private func refill() throws -> Bool {
        if eof { return false }
        pos = 0
        len = 0
        while len == 0 {
            let n = try source.read(into: buffer, count: capacity)
            if n == 0 {
                eof = true
                return false
            }
            len = n
        }
        return true
    }

    private enum State { case fieldStart, unquoted, quoted, quoteInQuoted }

    /// Reads the next record into `rec`; returns false at end of input.
    public func next(into rec: inout CSVRecord) throws -> Bool {
        rec.reset()
        // Leading: BOM, the LF of a CRLF, blank lines.
        while true {
            if pos == len { guard try refill() else { return false } }
            if atStart {
                atStart = false
                if len - pos >= 3, buffer[pos] == 0xEF, buffer[pos + 1] == 0xBB, buffer[pos + 2] == 0xBF { pos += 3; continue }
            }
            let c = buffer[pos]
            if skipLF {
                skipLF = false
                if c == 10 { pos += 1; continue }
            }
            if c == 10 { line += 1; pos += 1; continue }
            if c == 13 { line += 1; pos += 1; skipLF = true; continue }
            break
        }
        rec.line = line
        var state = State.fieldStart
        var rawStart = pos
        var seg = pos
        while true {
            if pos == len {
                // Save what this chunk holds of the record before the buffer is reused.
                if state == .unquoted || state == .quoted { rec.appendData(buffer + seg, pos - seg) }
                rec.appendRaw(buffer + rawStart, pos - rawStart)
                guard try refill() else {
                    if state == .quoted { rec.malformed = rec.malformed ?? "unterminated quoted field" }
                    rec.endField()
                    return true
                }
                rawStart = 0
                seg = 0
            }
            switch state {
            case .fieldStart:
                if buffer[pos] == 34 {
                    pos += 1
                    state = .quoted
                } else {
                    state = .unquoted
                }
                seg = pos
            case .unquoted:
                var i = pos
                while i < len {
                    let c = buffer[i]
                    if c == 44 || c == 10 || c == 13 || c == 34 { break }
                    i += 1
                }
                pos = i
                if i == len { continue }
                rec.appendData(buffer + seg, i - seg)
                let c = buffer[i]
                if c == 44 {
                    rec.endField()
                    pos = i + 1
                    state = .fieldStart
                } else if c == 34 {
                    rec.malformed = rec.malformed ?? "quote inside an unquoted field"
                    rec.appendData(buffer + i, 1)
                    pos = i + 1
                    seg = pos
                } else {
                    return finishRecord(&rec, rawStart: rawStart, terminator: c)
                }
            case .quoted:
                var i = pos
                while i < len {
                    let c = buffer[i]
                    if c == 34 { break }
                    if c == 10 { line += 1 }
                    i += 1
                }
                pos = i
                if i == len { continue }
                rec.appendData(buffer + seg, i - seg)
                pos = i + 1
                state = .quoteInQuoted
            case .quoteInQuoted:
                let c = buffer[pos]
                if c == 34 {
                    rec.appendData(buffer + pos, 1)
                    pos += 1
                    seg = pos
                    state = .quoted
                } else if c == 44 {
                    rec.endField()
                    pos += 1
                    state = .fieldStart
                } else if c == 10 || c == 13 {
                    return finishRecord(&rec, rawStart: rawStart, terminator: c)
                } else {
                    rec.malformed = rec.malformed ?? "text after a closing quote"
                    seg = pos
                    state = .unquoted
                }
            }
        }
    }

    private func finishRecord(_ rec: inout CSVRecord, rawStart: Int, terminator c: UInt8) -> Bool {
        rec.endField()
        rec.appendRaw(buffer + rawStart, pos - rawStart)
        line += 1
        pos += 1
        if c == 13 { skipLF = true }
        return true
    }
}

/// One CSV record: unescaped field bytes back to back, with each field's end offset, and the raw
/// text of the record as it stood in the file (for reject reports).
public struct CSVRecord {
    /// The longest record read whole (README "Quote format"): a longer one is returned with
    /// `malformed` set, its bytes beyond the limit dropped, so one runaway line cannot exhaust memory.
    public static let maxBytes = 1 << 20

    public var line = 0
    public var data: [UInt8] = []
    public var ends: [Int] = []
    public var raw: [UInt8] = []
    public var malformed: String?
    /// True when the record was longer than `maxBytes`.
    public var tooLong = false

    public init() {
        data.reserveCapacity(512)
        raw.reserveCapacity(512)
        ends.reserveCapacity(32)
    }

    mutating func reset() {
        data.removeAll(keepingCapacity: true)
        raw.removeAll(keepingCapacity: true)
        ends.removeAll(keepingCapacity: true)
        malformed = nil
        tooLong = false
    }

    @inline(__always) mutating func appendData(_ p: UnsafeMutablePointer<UInt8>, _ n: Int) {
        guard n > 0 else { return }
        if data.count + n > CSVRecord.maxBytes { markTooLong(); return }
        data.append(contentsOf: UnsafeBufferPointer(start: p, count: n))
    }

    @inline(__always) mutating func appendRaw(_ p: UnsafeMutablePointer<UInt8>, _ n: Int) {
        guard n > 0 else { return }
        // The raw text is kept for reject reports: at most the limit (its start).
        let room = CSVRecord.maxBytes - raw.count
        if room <= 0 { markTooLong(); return }
        raw.append(contentsOf: UnsafeBufferPointer(start: p, count: min(n, room)))
        if n > room { markTooLong() }
    }

    mutating func markTooLong() {
        if !tooLong { tooLong = true; malformed = "record longer than \(CSVRecord.maxBytes) bytes (the limit): not read" }
    }

    @inline(__always) mutating func endField() { ends.append(data.count) }

    public var count: Int { ends.count }

    /// Field `i` as a String; nil when its bytes are not valid UTF-8.
    public func field(_ i: Int) -> String? {
        let start = i == 0 ? 0 : ends[i - 1]
        let end = ends[i]
        if start == end { return "" }
        return data.withUnsafeBufferPointer { p in
            let slice = UnsafeBufferPointer(rebasing: p[start..<end])
            // Fast path for ASCII, the common case.
            var ascii = true
            for b in slice where b >= 0x80 { ascii = false; break }
            if ascii { return String(decoding: slice, as: UTF8.self) }
            return String(validating: slice, as: UTF8.self)
        }
    }

    /// The record's text as it stood in the file (invalid UTF-8 replaced).
    public var rawText: String { String(decoding: raw, as: UTF8.self) }

    /// All fields, invalid UTF-8 replaced (for tests and simple callers).
    public var fields: [String] {
        (0..<count).map { field($0) ?? String(decoding: data[(($0 == 0 ? 0 : ends[$0 - 1]))..<ends[$0]], as: UTF8.self) }
    }
}

/// RFC 4180 field quoting for writers: quote when the text has a comma, quote, CR or LF
/// (or leading/trailing space, which some readers trim).
public func csvField(_ s: String) -> String {
    var needs = false
    for b in s.utf8 where b == 44 || b == 34 || b == 10 || b == 13 { needs = true; break }
    if !needs, let f = s.utf8.first, let l = s.utf8.last, f == 32 || l == 32 { needs = true }
    guard needs else { return s }
    return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
}
