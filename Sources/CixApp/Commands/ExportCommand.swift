import ArgumentParser
import CixCore
import CixIO
import CixStore
import Foundation
import GRDB

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export", abstract: "Export stored data as CSV or JSON.", subcommands: [ExportQuotes.self, ExportFixings.self, ExportIndices.self, ExportWeights.self])
}

/// Common export options: date range (UTC, inclusive), format, output.
struct ExportOptions: ParsableArguments {
    @Option(help: "First UTC date (YYYY-MM-DD), inclusive.") var from: String?
    @Option(help: "Last UTC date (YYYY-MM-DD), inclusive.") var to: String?
    @Option(help: "csv or json (JSON Lines: one object per line).") var format: String = "csv"
    @Option(help: "Output file (default standard output); written atomically.") var out: String?

    func range() throws -> (Int64, Int64) {
        func day(_ s: String?, _ name: String) throws -> CivilDate? {
            guard let s else { return nil }
            guard let d = CivilDate(iso: s) else { throw CixError("--\(name) must be YYYY-MM-DD: \(s)") }
            return d
        }
        let f = try day(from, "from")
        let t = try day(to, "to")
        return (f?.startEpoch ?? .min, t.map { $0.startEpoch + 86_400 } ?? .max)
    }

    func validatedFormat() throws -> String {
        guard format == "csv" || format == "json" else { throw CixError("--format must be csv or json") }
        return format
    }
}

/// Writes rows as RFC 4180 CSV or JSON Lines with the same column names (null for empty).
struct TableWriter {
    let columns: [String]
    let json: Bool
    let sink: TextSink

    init(columns: [String], json: Bool, sink: TextSink) {
        self.columns = columns
        self.json = json
        self.sink = sink
        if !json { sink.write(columns.joined(separator: ",") + "\n") }
    }

    enum Value {
        case text(String?)
        case number(String?)
    }

    func row(_ values: [Value]) {
        if json {
            var s = "{"
            for (i, v) in values.enumerated() {
                if i > 0 { s += "," }
                s += jsonString(columns[i]) + ":"
                switch v {
                case .text(let t): s += t.map(jsonString) ?? "null"
                case .number(let n): s += n ?? "null"
                }
            }
            sink.write(s + "}\n")
        } else {
            sink.write(values.map { v -> String in
                switch v {
                case .text(let t): return csvField(t ?? "")
                case .number(let n): return n ?? ""
                }
            }.joined(separator: ",") + "\n")
        }
    }
}

func jsonString(_ s: String) -> String {
    var out = "\""
    for u in s.unicodeScalars {
        switch u {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        default:
            if u.value < 0x20 { out += String(format: "\\u%04x", u.value) } else { out.unicodeScalars.append(u) }
        }
    }
    return out + "\""
}

/// Full-precision number text: the shortest form that reads back as the same Double.
func numberText(_ v: Double?) -> String? { v.map { "\($0)" } }

struct ExportQuotes: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quotes",
        abstract: "One row per stored quote: its raw fields and its normalized ones, ordered by observation time then quote id.")
    @OptionGroup var store: StoreOptions
    @OptionGroup var options: ExportOptions

    static let columns = ["quote_id", "batch_id", "line"] + QuoteColumn.allCases.map(\.name) + [
        "canonical_chip", "country", "market_region", "canonical_term", "usd_per_gpu_hour", "usd_per_h100_hour",
        "fx_usd_per_unit", "fx_date", "grades", "unpriced_reason", "unmatched_reason", "reference_hash",
    ]

    func run() throws {
        let (lo, hi) = try options.range()
        let json = try options.validatedFormat() == "json"
        let s = try store.open()
        let sink: TextSink
        do { sink = try TextSink(path: options.out) } catch { throw CixError("\(error)") }
        let w = TableWriter(columns: Self.columns, json: json, sink: sink)
        try s.dbQueue.read { db in
            // Normalized rows come in (observed_epoch, quote_id) order; raw quotes are looked up per block.
            var raw: [Int64: StoredQuote] = [:]
            var loadedBlocks = Set<Int64>()
            let blockOf = try db.makeStatement(sql: "SELECT first_quote_id FROM raw_blocks WHERE first_quote_id <= ? ORDER BY first_quote_id DESC LIMIT 1")
            let cursor = try Row.fetchCursor(db, sql: """
                SELECT quote_id, chip, country, region, term, usd_per_gpu_hour, usd_per_h100_hour, fx_rate, fx_date, grades,
                       unpriced_reason, unmatched_reason, reference_hash
                FROM normalized_quotes WHERE observed_epoch >= ? AND observed_epoch < ? ORDER BY observed_epoch, quote_id
                """, arguments: [lo, hi])
            while let n = try cursor.next() {
                let id: Int64 = n[0]
                if raw[id] == nil {
                    guard let first = try Int64.fetchOne(blockOf, arguments: [id]) else { continue }
                    if !loadedBlocks.contains(first) {
                        if loadedBlocks.count > 64 { raw.removeAll(keepingCapacity: true); loadedBlocks.removeAll() }
                        loadedBlocks.insert(first)
                        try StoredQuotes.forEach(db, blockFirstID: first) { raw[$0.id] = $0 }
                    }
                }
                guard let sq = raw[id] else { continue }
                let q = sq.quote
                var values: [TableWriter.Value] = [.number(String(id)), .number(String(sq.batchID)), .number(String(sq.line))]
                let rawTexts = q.fieldTexts
                // Raw fields as received (text, also in JSON: a provider's "2.990" stays "2.990").
                for c in QuoteColumn.allCases {
                    values.append(.text(rawTexts[c.rawValue].isEmpty && !c.isRequired ? nil : rawTexts[c.rawValue]))
                }
                values += [.text(n[1]), .text(n[2]), .text(n[3]), .text(n[4]),
                           .number(numberText(n[5])), .number(numberText(n[6])), .number(numberText(n[7])), .text(n[8]),
                           .text(n[9]), .text(n[10]), .text(n[11]), .text(n[12])]
                w.row(values)
            }
        }
        do { try sink.close() } catch { throw CixError("\(error)") }
    }
}
