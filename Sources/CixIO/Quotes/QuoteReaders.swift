import CixCore
import Foundation

/// One row read from a quote file: a valid quote or a reject, with the line it started on and its
/// original text.
public enum QuoteRow {
    case quote(RawQuote, line: Int)
    case reject(QuoteReject, line: Int, original: String)
    /// Read but deliberately not a quote (e.g. a CPU-only catalog row); counted, never stored.
    case skipped(reason: String, line: Int)
}

/// A file-level problem: the file cannot be read as quotes at all (exit code 2).
public struct QuoteFileError: Error, CustomStringConvertible, Sendable {
    public var path: String
    public var line: Int
    public var message: String
    public var description: String { "\(path):\(line): \(message)" }
    public init(path: String, line: Int, message: String) {
        self.path = path
        self.line = line
        self.message = message
    }
}

/// Something that yields quote rows from one file.
public protocol QuoteRowReader {
    /// Warnings about the file as a whole (e.g. ignored columns), known after the header.
    var warnings: [String] { get }
    func next() throws -> QuoteRow?
}

/// Reads the canonical CSV format (METHODOLOGY.md §2.1): header row, columns in any order,
/// unknown columns ignored with one warning.
public final class CanonicalCSVReader<Source: ByteSource>: QuoteRowReader, RawRecordSource {
    /// Observation-time limits applied to every row (§2.2); nil: none.
    public var limits: ObservationLimits?
    private let csv: CSVReader<Source>
    private var record = CSVRecord()
    /// For each canonical column, its index in the file (or -1).
    private var columnIndex = [Int](repeating: -1, count: QuoteColumn.allCases.count)
    private var headerCount = 0
    private var values = [String](repeating: "", count: QuoteColumn.allCases.count)
    public private(set) var warnings: [String] = []
    /// The header is exactly the canonical one: raw records can be stored as received.
    private var canonicalOrder = false

    public func withCanonicalRawRecord(_ body: (UnsafeBufferPointer<UInt8>) -> Void) -> Bool {
        guard canonicalOrder else { return false }
        record.raw.withUnsafeBufferPointer(body)
        return true
    }

    public init(source: Source, path: String, chunkSize: Int = 1 << 20) throws {
        csv = CSVReader(source: source, chunkSize: chunkSize)
        guard try csv.next(into: &record) else {
            throw QuoteFileError(path: path, line: 1, message: "empty file: expected a header row")
        }
        if let m = record.malformed { throw QuoteFileError(path: path, line: record.line, message: "header: \(m)") }
        headerCount = record.count
        var unknown: [String] = []
        for i in 0..<record.count {
            let name = QuoteValidation.trim(record.field(i) ?? "").lowercased()
            if let c = QuoteColumn(name: name) {
                if columnIndex[c.rawValue] >= 0 {
                    throw QuoteFileError(path: path, line: record.line, message: "header: column \(name) appears twice")
                }
                columnIndex[c.rawValue] = i
            } else {
                unknown.append(name)
            }
        }
        let missing = QuoteColumn.allCases.filter { $0.isRequired && columnIndex[$0.rawValue] < 0 }.map(\.name)
        if !missing.isEmpty {
            let auction = unknown.contains("auction_id") && unknown.contains("clearing_price")
            throw QuoteFileError(path: path, line: record.line,
                                 message: "header: missing required column(s) \(missing.joined(separator: ", ")); expected \(QuoteColumn.header)"
                                    + (auction ? " (this is an auction results file: use --format auction)" : ""))
        }
        // The 13 base columns in order, optionally followed by input_type and volume_gpu_hours in order.
        canonicalOrder = headerCount >= QuoteColumn.baseCount && headerCount <= QuoteColumn.allCases.count
            && columnIndex.enumerated().allSatisfy { $0.offset < headerCount ? $0.offset == $0.element : $0.element < 0 }
        if !unknown.isEmpty {
            warnings.append("\(path): ignoring unknown column(s) \(unknown.joined(separator: ", "))")
        }
    }

    public func next() throws -> QuoteRow? {
        guard try csv.next(into: &record) else { return nil }
        let line = record.line
        if let m = record.malformed {
            return .reject(QuoteReject(field: "(record)", reason: "malformed CSV: \(m)"), line: line, original: record.rawText)
        }
        if record.count != headerCount {
            return .reject(QuoteReject(field: "(record)", reason: "expected \(headerCount) fields, found \(record.count)"),
                           line: line, original: record.rawText)
        }
        for c in 0..<values.count {
            let i = columnIndex[c]
            if i < 0 {
                values[c] = ""
            } else if let s = record.field(i) {
                values[c] = s
            } else {
                return .reject(QuoteReject(field: QuoteColumn(rawValue: c)!.name, reason: "invalid UTF-8"), line: line, original: record.rawText)
            }
        }
        switch QuoteValidation.validate(values, limits: limits) {
        case .success(let q): return .quote(q, line: line)
        case .failure(let r): return .reject(r, line: line, original: record.rawText)
        }
    }
}

/// Reads canonical quotes as JSON Lines: one object per line with the canonical field names;
/// values may be strings or numbers; blank lines are skipped.
public final class CanonicalJSONLReader<Source: ByteSource>: QuoteRowReader {
    /// Observation-time limits applied to every row (§2.2); nil: none.
    public var limits: ObservationLimits?
    private let lines: LineReader<Source>
    public private(set) var warnings: [String] = []
    private var warnedUnknown = false
    private let path: String

    public init(source: Source, path: String) {
        lines = LineReader(source: source)
        self.path = path
    }

    /// JSON true/false come back as NSNumber; tell them from numbers.
    static func isBoolean(_ n: NSNumber) -> Bool {
        let t = String(cString: n.objCType)
        return t == "c" || t == "B"
    }

    public func next() throws -> QuoteRow? {
        while let next = try lines.next() {
            let (line, bytes) = (next.number, next.bytes)
            var b = bytes[...]
            if line == 1, b.starts(with: [0xEF, 0xBB, 0xBF]) { b = b.dropFirst(3) }
            if b.allSatisfy({ $0 == 32 || $0 == 9 || $0 == 13 }) { continue }
            let original = String(decoding: b.prefix(4096), as: UTF8.self)
            if next.tooLong {
                return .reject(QuoteReject(field: "(record)", reason: "line longer than \(CSVRecord.maxBytes) bytes (the limit): not read"),
                               line: line, original: original)
            }
            let parsed: Any
            do {
                parsed = try JSONSerialization.jsonObject(with: Data(b), options: [.fragmentsAllowed])
            } catch {
                let why = "\(error)".contains("not representable") ? "a number out of range (beyond ±1.8e308)" : "invalid JSON syntax"
                return .reject(QuoteReject(field: "(record)", reason: why), line: line, original: original)
            }
            guard let obj = parsed as? [String: Any] else {
                return .reject(QuoteReject(field: "(record)", reason: "valid JSON but not an object: one quote per line as {\"field\": value, …}"),
                               line: line, original: original)
            }
            var values = [String](repeating: "", count: QuoteColumn.allCases.count)
            var given = [String?](repeating: nil, count: QuoteColumn.allCases.count)
            // Field names as in a CSV header: case-insensitive, spaces at the ends ignored.
            for (k, v) in obj.sorted(by: { $0.key < $1.key }) {
                guard let c = QuoteColumn(name: QuoteValidation.trim(k).lowercased()) else {
                    if !warnedUnknown {
                        warnedUnknown = true
                        warnings.append("\(path): ignoring unknown field(s) such as \(k)")
                    }
                    continue
                }
                if let other = given[c.rawValue] {
                    return .reject(QuoteReject(field: c.name, reason: "given twice (\(other) and \(k))"), line: line, original: original)
                }
                given[c.rawValue] = k
                switch v {
                case let s as String: values[c.rawValue] = s
                case is NSNull: values[c.rawValue] = ""
                case let n as NSNumber:
                    if CanonicalJSONLReader.isBoolean(n) {
                        return .reject(QuoteReject(field: k, reason: "expected a string or number, not true/false"), line: line, original: original)
                    }
                    guard n.doubleValue.isFinite else {
                        return .reject(QuoteReject(field: k, reason: "number out of range"), line: line, original: original)
                    }
                    values[c.rawValue] = n.stringValue
                default:
                    return .reject(QuoteReject(field: k, reason: "expected a string or number"), line: line, original: original)
                }
            }
            switch QuoteValidation.validate(values, limits: limits) {
            case .success(let q): return .quote(q, line: line)
            case .failure(let r): return .reject(r, line: line, original: original)
            }
        }
        return nil
    }
}

/// Splits a byte stream into LF-terminated lines (a trailing CR is dropped).
/// One line of a file, numbered from 1, without its line end.
public struct NumberedLine: Sendable {
    public var number: Int
    public var bytes: [UInt8]
    /// Longer than `CSVRecord.maxBytes`: `bytes` holds only its start.
    public var tooLong = false
}

public final class LineReader<Source: ByteSource> {
    private var source: Source
    private var buffer: [UInt8] = []
    private var start = 0
    private var eof = false
    private var line = 0
    private let chunk: Int

    private let scratch: UnsafeMutablePointer<UInt8>

    public init(source: Source, chunkSize: Int = 1 << 20) {
        self.source = source
        chunk = chunkSize
        scratch = .allocate(capacity: chunkSize)
    }

    deinit { scratch.deallocate() }

    public func next() throws -> NumberedLine? {
        var skipping: [UInt8]? = nil  // the start of a line longer than the limit, while its rest is skipped
        while true {
            if let nl = buffer[start...].firstIndex(of: 10) {
                var end = nl
                if end > start, buffer[end - 1] == 13 { end -= 1 }
                let out = Array(buffer[start..<end])
                start = nl + 1
                line += 1
                if let head = skipping { return NumberedLine(number: line, bytes: head, tooLong: true) }
                if out.count > CSVRecord.maxBytes { return NumberedLine(number: line, bytes: Array(out.prefix(CSVRecord.maxBytes)), tooLong: true) }
                return NumberedLine(number: line, bytes: out)
            }
            if eof {
                guard start < buffer.count || skipping != nil else { return nil }
                var out = Array(buffer[start...])
                if out.last == 13 { out.removeLast() }
                start = buffer.count
                line += 1
                if let head = skipping { return NumberedLine(number: line, bytes: head, tooLong: true) }
                if out.count > CSVRecord.maxBytes { return NumberedLine(number: line, bytes: Array(out.prefix(CSVRecord.maxBytes)), tooLong: true) }
                return NumberedLine(number: line, bytes: out)
            }
            // A line longer than the limit: keep its start, drop the rest until its end (bounded memory).
            if buffer.count - start > CSVRecord.maxBytes {
                if skipping == nil { skipping = Array(buffer[start..<(start + CSVRecord.maxBytes)]) }
                start = buffer.count
            }
            buffer.removeFirst(start)
            start = 0
            let n = try source.read(into: scratch, count: chunk)
            buffer.append(contentsOf: UnsafeBufferPointer(start: scratch, count: n))
            if n == 0 { eof = true }
        }
    }
}
