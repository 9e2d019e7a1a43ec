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
/// - the source is the row's `venue`, else `--source`; the offer id is `auction_id/chip/gpu_count` (a `%`
///   or `/` inside the auction id or chip written `%25`, `%2F`; the GPU count as a whole number), so
///   the lots of one auction are distinct quotes;
/// - `delivery_start` and `delivery_end` are dates (`YYYY-MM-DD`, 00:00 UTC) or timestamps with a zone,
///   from 2000-01-01 to 2100-12-31; the end must be after the start;
/// - an empty `term` is the delivery window's: under half a month `on_demand`, else the reserved tenor
///   (1, 3, 6, 12 or 36 months) nearest to its length in months (days ÷ 30.4375) on a log scale; a
///   given term must agree with the window (a reserved term its tenor, on-demand or spot a window
///   under half a month).
public final class AuctionReader<Source: ByteSource>: QuoteRowReader {
    public var limits: ObservationLimits?
    private let csv: CSVReader<Source>
    private var record = CSVRecord()
    private var col: [String: Int] = [:]
    private var headerCount = 0
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
        self.sourceName = sourceName.map { QuoteValidation.trim($0) }.flatMap { $0.isEmpty ? nil : $0 }
        guard try csv.next(into: &record) else { throw QuoteFileError(path: path, line: 1, message: "empty file: expected a header row") }
        if let m = record.malformed { throw QuoteFileError(path: path, line: record.line, message: "header: \(m)") }
        headerCount = record.count
        var unknown: [String] = []
        for i in 0..<record.count {
            guard let raw = record.field(i) else {
                throw QuoteFileError(path: path, line: record.line, message: "header: column \(i + 1) is not valid UTF-8")
            }
            let name = QuoteValidation.trim(raw).lowercased()
            if name.isEmpty { unknown.append("(column \(i + 1), empty)"); continue }
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
            throw QuoteFileError(path: path, line: record.line,
                                 message: "auction results name no venue: add a venue column (cix ingest --format auction also takes --source NAME)")
        }
        if !unknown.isEmpty { warnings.append("\(path): ignoring unknown column(s) \(unknown.joined(separator: ", "))") }
    }

    private func value(_ name: String) -> String? {
        guard let i = col[name] else { return "" }
        return record.field(i).map { QuoteValidation.trim($0) }
    }

    /// The plausible delivery bounds: 2000-01-01 to 2100-12-31 (epoch seconds, the end exclusive).
    static var plausible: Range<Int64> { 946_684_800..<4_133_980_800 }

    /// A delivery bound: a date (00:00 UTC) or a timestamp with a zone, at full precision; else why not.
    static func bound(_ text: String) -> Result<Instant, QuoteReject> {
        if text.utf8.count == 10, text.utf8.allSatisfy({ $0 == 45 || ($0 >= 48 && $0 <= 57) }) {
            guard let d = CivilDate(iso: text) else { return .failure(QuoteReject(field: "", reason: "not a date that exists: \(text)")) }
            return .success(Instant(seconds: d.startEpoch, nanos: 0))
        }
        return QuoteValidation.instant(text, malformed: "not a date (YYYY-MM-DD) or a timestamp with zone")
    }

    /// `%` and `/` written `%25` and `%2F`, so `auction_id/chip/gpu_count` reads back one way.
    static func escaped(_ s: String) -> String {
        s.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "/", with: "%2F")
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
        if record.count != headerCount { return reject("(record)", "expected \(headerCount) fields, found \(record.count)") }
        var v: [String: String] = [:]
        for name in Self.columns + ["venue"] {
            guard let x = value(name) else { return reject(name, "invalid UTF-8") }
            if let b = QuoteValidation.controlCharacter(x) { return reject(name, QuoteValidation.controlCharacterReason(b)) }
            v[name] = x
        }
        for name in ["auction_id", "delivery_start", "delivery_end"] where v[name]!.isEmpty {
            return reject(name, "required field is empty")
        }
        var window: [Instant] = []
        for name in ["delivery_start", "delivery_end"] {
            switch Self.bound(v[name]!) {
            case .failure(let r): return reject(name, r.reason)
            case .success(let t):
                guard Self.plausible.contains(t.seconds) else {
                    return reject(name, "outside the plausible delivery dates 2000-01-01 to 2100-12-31: \(v[name]!)")
                }
                window.append(t)
            }
        }
        let (start, end) = (window[0], window[1])
        guard end > start else {
            return reject("delivery_end", end == start ? "delivery window is empty: delivery_end equals delivery_start"
                                                       : "delivery_end \(v["delivery_end"]!) is before delivery_start \(v["delivery_start"]!)")
        }
        let derived = Self.term(deliverySeconds: end.seconds - start.seconds)
        if !v["term"]!.isEmpty, let given = Term(parsing: v["term"]!) {
            let agrees = given.tenorMonths == 0 ? derived == .onDemand : given.tenorMonths == derived.tenorMonths
            guard agrees else {
                return reject("term", "\(v["term"]!) does not fit the delivery window \(v["delivery_start"]!) to \(v["delivery_end"]!) (\(derived.rawValue); leave term empty to take the window's)")
            }
        }
        let venue = v["venue"]!.isEmpty ? sourceName : v["venue"]!
        guard let venue else { return reject("venue", "required field is empty (or give --source NAME)") }
        var f = [String](repeating: "", count: QuoteColumn.allCases.count)
        f[QuoteColumn.observedAt.rawValue] = v["cleared_at"]!
        f[QuoteColumn.source.rawValue] = venue
        let gpus = QuoteValidation.parseCount(v["gpu_count"]!).map(String.init) ?? v["gpu_count"]!
        f[QuoteColumn.offerID.rawValue] = "\(Self.escaped(v["auction_id"]!))/\(Self.escaped(v["chip"]!))/\(gpus)"
        f[QuoteColumn.chip.rawValue] = v["chip"]!
        f[QuoteColumn.gpuCount.rawValue] = v["gpu_count"]!
        f[QuoteColumn.location.rawValue] = v["location"]!
        f[QuoteColumn.term.rawValue] = v["term"]!.isEmpty ? derived.rawValue : v["term"]!
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
