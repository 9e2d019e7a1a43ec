import CixCore
import Foundation

/// §10: external benchmark prints, `date,benchmark,value[,unit]` (header required, any column order).
/// A bad row is rejected with its line, field and reason; the file's good rows are kept.
public enum ReferenceReader {
    /// Plausible USD per GPU-hour of a print (the bounds of §3.7's plausible prices, rounded out).
    public static let range: ClosedRange<Double> = 0.01...1000
    public static let required = ["date", "benchmark", "value"]

    public struct Result: Sendable {
        public var prints: [ReferencePrint] = []
        public var rejects: [InputReject] = []
        public var rowsRead = 0
        /// Rows repeating an earlier row of the file (same benchmark, date and value): taken once.
        public var duplicates = 0
    }

    /// Reads a file against the defined benchmarks; `latest` is the last date a print may have (tomorrow).
    public static func read<S: ByteSource>(_ source: S, path: String, benchmarks: [BenchmarkDefinition], latest: CivilDate) throws -> Result {
        let csv = CSVReader(source: source)
        var rec = CSVRecord()
        guard try csv.next(into: &rec) else { throw QuoteFileError(path: path, line: 1, message: "empty file") }
        let header = rec.fields.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        if header.first?.hasPrefix("\u{FEFF}") == true || header.first?.contains("\0") == true {
            throw QuoteFileError(path: path, line: 1, message: "unsupported encoding: a reference file is UTF-8 text")
        }
        for c in required where !header.contains(c) {
            throw QuoteFileError(path: path, line: 1, message: "not a reference file: the header needs date,benchmark,value[,unit]; \(c) is missing")
        }
        if let unknown = header.first(where: { !(required + ["unit"]).contains($0) }) {
            throw QuoteFileError(path: path, line: 1, message: "unknown column \(unknown.prefix(40)) (a reference file has date,benchmark,value[,unit])")
        }
        if let twice = header.first(where: { h in header.filter { $0 == h }.count > 1 }) {
            throw QuoteFileError(path: path, line: 1, message: "column \(twice.prefix(40)) appears twice in the header")
        }
        let ix = Dictionary(header.enumerated().map { ($0.element, $0.offset) }) { a, _ in a }
        let known = Dictionary(benchmarks.map { ($0.id, $0) }) { a, _ in a }
        var out = Result()
        var seen: [String: (line: Int, value: Double)] = [:]
        while try csv.next(into: &rec) {
            out.rowsRead += 1
            let f = rec.fields.map { $0.trimmingCharacters(in: .whitespaces) }
            func reject(_ field: String, _ reason: String) {
                out.rejects.append(InputReject(line: rec.line, field: field, reason: reason, original: rec.rawText))
            }
            guard !rec.rawText.contains("\0") else {
                out.rejects.append(InputReject(line: rec.line, field: "(record)", reason: "contains a NUL byte",
                                               original: rec.rawText.replacingOccurrences(of: "\0", with: "\\0")))
                continue
            }
            guard f.count == header.count else { reject("(record)", "expected \(header.count) fields, found \(f.count)"); continue }
            let dateText = f[ix["date"]!], name = f[ix["benchmark"]!], valueText = f[ix["value"]!]
            guard let d = CivilDate(iso: dateText) else { reject("date", "not a date that exists (YYYY-MM-DD): \(dateText.prefix(40))"); continue }
            guard d >= CivilDate(iso: "2000-01-01")!, d <= latest else {
                reject("date", "\(d) is outside the plausible dates (2000-01-01 to \(latest))"); continue
            }
            guard let b = known[name] else {
                let list = benchmarks.map(\.id).joined(separator: ", ")
                reject("benchmark", "unknown benchmark \(name.prefix(40)) (benchmarks.yaml defines: \(list.isEmpty ? "none" : list))"); continue
            }
            guard let v = Decimals.parse(valueText), v.isFinite, range.contains(v) else {
                reject("value", "not a price in USD per GPU-hour from \(range.lowerBound) to \(Int(range.upperBound)): \(valueText.prefix(40))"); continue
            }
            if let u = ix["unit"], !f[u].isEmpty, f[u].lowercased() != b.unit {
                reject("unit", "\(name) is in \(b.unit), not \(f[u].prefix(40))"); continue
            }
            let key = name + "|" + d.description
            if let prev = seen[key] {
                if prev.value == v { out.duplicates += 1 } else {
                    reject("value", "\(name) on \(d) is given twice with different values (line \(prev.line): \(prev.value))")
                }
                continue
            }
            seen[key] = (rec.line, v)
            out.prints.append(ReferencePrint(benchmark: name, date: d, value: v))
        }
        return out
    }
}
