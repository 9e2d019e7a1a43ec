import CixCore
import Foundation

/// Adapter for auction results (METHODOLOGY.md §2.4, §5.9): each clearing becomes one `transaction`
/// quote, and does nothing else. Columns (header row, any order, case-insensitive):
///
///     auction_id,cleared_at,chip,gpu_count,location,term,delivery_start,delivery_end,clearing_price,
///     currency,price_unit,price_basis,volume_gpu_hours[,venue]
///
/// - `observed_at` is `cleared_at`; the price is `clearing_price` in `currency` per `price_unit` and
///   `price_basis`; the volume is `volume_gpu_hours` (required: a transaction without one is rejected);
/// - the source is the row's `venue`, else `--source`; the offer id is `auction_id/chip/gpu_count`, so
///   the lots of one auction are distinct quotes;
/// - `delivery_start` and `delivery_end` are dates (`YYYY-MM-DD`, 00:00 UTC) or timestamps with a zone;
///   the end must be after the start;
/// - an empty `term` is the delivery window's: under half a month `on_demand`, else the reserved tenor
///   (1, 3, 6, 12 or 36 months) nearest to its length in months (days ÷ 30.4375) on a log scale.
public final class AuctionReader<Source: ByteSource>: QuoteRowReader {
    public var limits: ObservationLimits?
    private let csv: CSVReader<Source>
    private var record = CSVRecord()
    private var col: [String: Int] = [:]
    private let path: String
    private let sourceName: String?
    public private(set) var warnings: [String] = []

    public static var columns: [String] {
        ["auction_id", "cleared_at", "chip", "gpu_count", "location", "term", "delivery_start", "delivery_end", "clearing_price",
         "currency", "price_unit", "price_basis", "volume_gpu_hours"]
    }

    public init(source: Source, path: String, sourceName: String?) throws {
        csv = CSVReader(source: source)
        self.path = path
        self.sourceName = sourceName.flatMap { $0.isEmpty ? nil : $0 }
        guard try csv.next(into: &record) else { throw QuoteFileError(path: path, line: 1, message: "empty file: expected a header row") }
        if let m = record.malformed { throw QuoteFileError(path: path, line: record.line, message: "header: \(m)") }
        var unknown: [String] = []
        for i in 0..<record.count {
            let name = QuoteValidation.trim(record.field(i) ?? "").lowercased()
            guard Self.columns.contains(name) || name == "venue" else { unknown.append(name); continue }
            if col[name] != nil { throw QuoteFileError(path: path, line: record.line, message: "header: column \(name) appears twice") }
            col[name] = i
        }
        let missing = Self.columns.filter { col[$0] == nil }
        if !missing.isEmpty {
            throw QuoteFileError(path: path, line: record.line,
                                 message: "not an auction results file: missing column(s) \(missing.joined(separator: ", ")); expected \(Self.columns.joined(separator: ","))[,venue]")
        }
        if col["venue"] == nil && self.sourceName == nil {
            throw QuoteFileError(path: path, line: record.line, message: "auction results name no venue: add a venue column or give --source NAME")
        }
        if !unknown.isEmpty { warnings.append("\(path): ignoring unknown column(s) \(unknown.joined(separator: ", "))") }
    }

    private func value(_ name: String) -> String? {
        guard let i = col[name] else { return "" }
        return record.field(i).map { QuoteValidation.trim($0) }
    }

    /// A delivery bound: a date (00:00 UTC) or a timestamp with a zone, in epoch seconds.
    static func bound(_ text: String) -> Int64? {
        if text.utf8.count == 10, let d = CivilDate(iso: text) { return d.startEpoch }
        if case .success(let t) = Timestamp.parseInstant(text) { return t.seconds }
        return nil
    }

    /// The term of a delivery window of `seconds` (see the type's note).
    public static func term(deliverySeconds seconds: Int64) -> Term {
        let months = Double(seconds) / 86_400 / 30.4375
        if months < 0.5 { return .onDemand }
        let reserved: [Term] = [.reserved1m, .reserved3m, .reserved6m, .reserved1y, .reserved3y]
        return reserved.min { abs(log(months / Double($0.tenorMonths))) < abs(log(months / Double($1.tenorMonths))) }!
    }

    /// The auction column a canonical field came from, for rejects.
    static var columnOf: [String: String] { ["observed_at": "cleared_at", "price": "clearing_price", "source": "venue", "offer_id": "auction_id"] }

    public func next() throws -> QuoteRow? {
        guard try csv.next(into: &record) else { return nil }
        let line = record.line
        func reject(_ field: String, _ reason: String) -> QuoteRow {
            .reject(QuoteReject(field: field, reason: reason), line: line, original: record.rawText)
        }
        if let m = record.malformed { return reject("(record)", "malformed CSV: \(m)") }
        var v: [String: String] = [:]
        for name in Self.columns + ["venue"] {
            guard let x = value(name) else { return reject(name, "invalid UTF-8") }
            v[name] = x
        }
        for name in ["auction_id", "delivery_start", "delivery_end"] where v[name]!.isEmpty {
            return reject(name, "required field is empty")
        }
        guard let start = Self.bound(v["delivery_start"]!) else {
            return reject("delivery_start", "not a date (YYYY-MM-DD) or a timestamp with zone: \(v["delivery_start"]!)")
        }
        guard let end = Self.bound(v["delivery_end"]!) else {
            return reject("delivery_end", "not a date (YYYY-MM-DD) or a timestamp with zone: \(v["delivery_end"]!)")
        }
        guard end > start else {
            return reject("delivery_end", end == start ? "delivery window is empty: delivery_end equals delivery_start"
                                                       : "delivery_end \(v["delivery_end"]!) is before delivery_start \(v["delivery_start"]!)")
        }
        let venue = v["venue"]!.isEmpty ? sourceName : v["venue"]!
        guard let venue else { return reject("venue", "required field is empty (or give --source NAME)") }
        var f = [String](repeating: "", count: QuoteColumn.allCases.count)
        f[QuoteColumn.observedAt.rawValue] = v["cleared_at"]!
        f[QuoteColumn.source.rawValue] = venue
        f[QuoteColumn.offerID.rawValue] = "\(v["auction_id"]!)/\(v["chip"]!)/\(v["gpu_count"]!)"
        f[QuoteColumn.chip.rawValue] = v["chip"]!
        f[QuoteColumn.gpuCount.rawValue] = v["gpu_count"]!
        f[QuoteColumn.location.rawValue] = v["location"]!
        f[QuoteColumn.term.rawValue] = v["term"]!.isEmpty ? Self.term(deliverySeconds: end - start).rawValue : v["term"]!
        f[QuoteColumn.price.rawValue] = v["clearing_price"]!
        f[QuoteColumn.currency.rawValue] = v["currency"]!
        f[QuoteColumn.priceUnit.rawValue] = v["price_unit"]!
        f[QuoteColumn.priceBasis.rawValue] = v["price_basis"]!
        f[QuoteColumn.inputType.rawValue] = InputType.transaction.rawValue
        f[QuoteColumn.volumeGPUHours.rawValue] = v["volume_gpu_hours"]!
        switch QuoteValidation.validate(f, limits: limits) {
        case .success(let q): return .quote(q, line: line)
        case .failure(let r): return reject(Self.columnOf[r.field] ?? r.field, r.reason)
        }
    }
}
