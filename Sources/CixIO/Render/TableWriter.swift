/// Export formats (README "Exports"): RFC 4180 CSV with a header row, or JSON Lines with the same names.
public enum TableFormat: String, Sendable, CaseIterable {
    case csv, json
}

/// One cell of an exported row.
public enum TableValue: Sendable {
    /// Text; quoted in CSV when needed, a JSON string (null when nil).
    case text(String?)
    /// A number already written as text (full precision or published); bare in JSON (null when nil).
    case number(String?)
    /// true / false in both formats (a JSON boolean).
    case bool(Bool?)

    /// Full-precision number: the shortest text that reads back as the same Double; nil for nil and for
    /// NaN or infinities (never a bare `inf` in an export).
    public static func double(_ v: Double?) -> TableValue {
        .number(v.flatMap { $0.isFinite ? "\($0)" : nil })
    }

    public static func int(_ v: Int?) -> TableValue { .number(v.map(String.init)) }
    public static func int64(_ v: Int64?) -> TableValue { .number(v.map { String($0) }) }
}

/// Writes rows as CSV or JSON Lines to a `TextSink`.
public struct TableWriter {
    public let columns: [String]
    public let format: TableFormat
    let sink: TextSink

    public init(columns: [String], format: TableFormat, sink: TextSink) {
        self.columns = columns
        self.format = format
        self.sink = sink
        if format == .csv { sink.write(columns.joined(separator: ",") + "\n") }
    }

    public func row(_ values: [TableValue]) {
        precondition(values.count == columns.count)
        if format == .json {
            var s = "{"
            for (i, v) in values.enumerated() {
                if i > 0 { s += "," }
                s += jsonString(columns[i]) + ":"
                switch v {
                case .text(let t): s += t.map(jsonString) ?? "null"
                case .number(let n): s += n ?? "null"
                case .bool(let b): s += b.map { $0 ? "true" : "false" } ?? "null"
                }
            }
            sink.write(s + "}\n")
        } else {
            sink.write(values.map { v -> String in
                switch v {
                case .text(let t): return csvField(t ?? "")
                case .number(let n): return n ?? ""
                case .bool(let b): return b.map { $0 ? "true" : "false" } ?? ""
                }
            }.joined(separator: ",") + "\n")
        }
    }
}

/// A JSON string literal.
public func jsonString(_ s: String) -> String {
    var out = "\""
    for u in s.unicodeScalars {
        switch u {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        default:
            if u.value < 0x20 {
                let hex = Array("0123456789abcdef")
                out += "\\u00" + String(hex[Int(u.value >> 4)]) + String(hex[Int(u.value & 15)])
            } else {
                out.unicodeScalars.append(u)
            }
        }
    }
    return out + "\""
}
