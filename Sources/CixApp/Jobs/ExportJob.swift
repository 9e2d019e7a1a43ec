import CixCore
import CixIO
import CixStore
import Foundation

/// What `cix export` can write (README "Exports"): the inputs and records of the store, and every
/// registered published series (`PublishedSeriesRegistry`).
public struct ExportKind: RawRepresentable, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }

    public static let quotes = ExportKind(rawValue: "quotes")
    public static let weights = ExportKind(rawValue: "weights")
    public static let runs = ExportKind(rawValue: "runs")
    public static let settlements = ExportKind(rawValue: "settlements")
    public static let restatements = ExportKind(rawValue: "restatements")
    public static let rejects = ExportKind(rawValue: "rejects")
    // The registered series' exports (named here for the code that refers to one).
    public static let fixings = ExportKind(rawValue: "fixings")
    public static let indices = ExportKind(rawValue: "indices")
    public static let curves = ExportKind(rawValue: "curves")
    public static let futuresIndices = ExportKind(rawValue: "futures-indices")
    public static let funds = ExportKind(rawValue: "funds")

    /// Kinds that are not a published series (one version of each row).
    static let records: [ExportKind] = [.quotes, .runs, .restatements, .rejects]

    public static var allCases: [ExportKind] {
        [.quotes] + PublishedSeriesRegistry.all.map(\.export) + [.weights, .settlements, .runs, .restatements, .rejects]
    }

    /// A known kind by name.
    public static func named(_ name: String) -> ExportKind? { allCases.first { $0.rawValue == name } }
}

/// An inclusive range of UTC dates; nil ends are open.
public struct DateRange: Sendable, Hashable {
    public var from: CivilDate?
    public var to: CivilDate?
    public init(from: CivilDate? = nil, to: CivilDate? = nil) {
        self.from = from
        self.to = to
    }
    public var startEpoch: Int64 { from?.startEpoch ?? .min }
    public var endEpoch: Int64 { to.map { $0.startEpoch + 86_400 } ?? .max }
}

/// Writes exports from the store's typed reads: stable order, same store → same bytes.
public enum ExportJob {
    public static let weightColumns = ["index", "date", "version", "grade", "weight", "link_price", "price", "held"]
    public static let runColumns = ["run_id", "job", "arguments", "started_at", "finished_at", "definitions", "definitions_hash",
                                    "code_version", "written", "unchanged", "as_of", "published_dates"]
    public static let restatementColumns = ["restatement_id", "series", "key", "date", "old_version", "new_version", "old_value", "new_value",
                                            "changed", "reason", "published", "run_id", "recorded_at"]
    public static let rejectColumns = ["batch_id", "source_path", "format", "line", "field", "reason", "original"]
    /// The raw quote's 13 base fields as received, the normalized fields, then (1.3, §5.9) the input type
    /// (`firm` when the row declared none) and a transaction's volume: added last, so a reader of the
    /// earlier columns by position reads what it always read.
    public static let quoteColumns = ["quote_id", "batch_id", "line"] + QuoteColumn.allCases.prefix(QuoteColumn.baseCount).map(\.name) + [
        "observed_utc", "canonical_chip", "country", "market_region", "canonical_term", "usd_per_gpu_hour", "usd_per_h100_hour",
        "fx_usd_per_unit", "fx_date", "grades", "unpriced_reason", "unmatched_reason", "reference_hash", "input_type", "volume_gpu_hours",
    ]
    public static let settlementColumns = ["contract", "date", "version", "settle", "volume", "open_interest", "source_path"]

    public static func columns(_ kind: ExportKind) -> [String] {
        if let series = PublishedSeriesRegistry.exported(as: kind) { return series.exportColumns }
        switch kind {
        case .settlements: return settlementColumns
        case .quotes: return quoteColumns
        case .weights: return weightColumns
        case .runs: return runColumns
        case .restatements: return restatementColumns
        default: return rejectColumns
        }
    }

    /// Writes one export to `out` (a file, written atomically) or standard output (nil or "-");
    /// returns warnings (blocks left out).
    @discardableResult
    public static func run(store: Store, kind: ExportKind, range: DateRange, format: TableFormat, out: String?,
                           fund: String? = nil, vintage: Vintage = .latest, restatementsAsOf: CivilDate? = nil,
                           series: String? = nil) throws -> [String] {
        let sink = try TextSink(path: out)
        let warnings = try write(store: store, kind: kind, range: range, format: format, sink: sink, fund: fund, vintage: vintage,
                                 restatementsAsOf: restatementsAsOf, series: series)
        try sink.close()
        return warnings
    }

    /// The bytes `cix export` writes for the same query (the web app's CSV and JSON responses).
    public static func render(store: Store, kind: ExportKind, range: DateRange, format: TableFormat, fund: String? = nil,
                              vintage: Vintage = .latest, series: String? = nil) throws -> [UInt8] {
        let sink = TextSink()
        _ = try write(store: store, kind: kind, range: range, format: format, sink: sink, fund: fund, vintage: vintage, series: series)
        return sink.bytes
    }

    /// A published value's cell as the exports write it.
    static func tableValue(_ c: SeriesCell) -> TableValue {
        switch c {
        case .text(let v): .text(v)
        case .number(let v): .number(v)
        case .int(let v): .int(v)
        case .double(let v): .double(v)
        case .bool(let v): .bool(v)
        }
    }

    /// A published value as its export writes it: keys, version, values.
    static func row(_ r: any SeriesRecord) -> [TableValue] { r.exportCells.map(tableValue) }

    /// The series a row belongs to, for `--series` (grade, index, fund, root or contract).
    static func keep(_ series: String?, _ id: String) -> Bool { series == nil || series == id }

    /// The table and column whose values `--series` names, for the published kinds.
    static func seriesColumn(_ kind: ExportKind) -> (table: String, column: String)? {
        if let x = PublishedSeriesRegistry.exported(as: kind) { return (x.table, x.keyColumn) }
        switch kind {
        case .weights: return ("index_weights", "index_id")
        case .settlements: return ("settlements", "contract")
        default: return nil
        }
    }

    /// `--series NAME` must name a series the store holds (issue 21 #17; the API answers 404 alike).
    public static func checkSeries(store: Store, kind: ExportKind, series: String) throws {
        guard let (table, column) = seriesColumn(kind) else { return }
        let keys = try store.read { try $0.seriesKeys(table: table, column: column) }
        guard keys.contains(series) else {
            let shown = keys.prefix(12).joined(separator: ", ") + (keys.count > 12 ? ", …" : "")
            throw CixError("no series \(series) in \(kind.rawValue)" + (keys.isEmpty ? " (nothing published yet)" : " (known: \(shown))"))
        }
    }

    static func write(store: Store, kind: ExportKind, range: DateRange, format: TableFormat, sink: TextSink, fund: String? = nil,
                      vintage: Vintage = .latest, restatementsAsOf: CivilDate? = nil, series: String? = nil) throws -> [String] {
        let w = TableWriter(columns: columns(kind), format: format, sink: sink)
        var warnings: [String] = []
        try store.read { s in
            if let x = PublishedSeriesRegistry.exported(as: kind) {
                for r in try x.stored(s, from: range.from, to: range.to, series: fund ?? series, vintage: vintage) { w.row(row(r)) }
                return
            }
            switch kind {
            case .weights:
                for c in try s.latestIndexWeights(from: range.from, to: range.to, vintage: vintage) where keep(series, c.index) {
                    w.row([.text(c.index), .text(c.date), .int(c.version), .text(c.grade), .double(c.weight), .double(c.linkPrice),
                           .double(c.price), .bool(c.held)])
                }
            case .runs:
                for r in try s.publicationRuns() {
                    w.row([.int64(r.id), .text(r.job), .text(r.arguments), .text(r.startedAt), .text(r.finishedAt), .text(r.definitions),
                           .text(r.definitionsHash), .text(r.codeVersion), .int(r.written), .int(r.unchanged), .text(r.asOf),
                           .text(r.publishedDates)])
                }
            case .restatements:
                let list = try restatementsAsOf.map { try s.restatements(asOf: $0) } ?? (try s.restatements(from: range.from, to: range.to))
                for r in list {
                    w.row([.int64(r.id), .text(r.series), .text(r.key), .text(r.date), .int(r.oldVersion), .int(r.newVersion), .double(r.oldValue),
                           .double(r.newValue), .text(r.changed), .text(r.reason), .bool(r.published), .int64(r.runID), .text(r.recordedAt)])
                }
            case .rejects:
                for r in try s.rejectRows() {
                    w.row([.int64(r.batchID), .text(r.sourcePath), .text(r.format), .int(r.line), .text(r.field), .text(r.reason), .text(r.original)])
                }
            case .settlements:
                for r in try s.latestSettlements(from: range.from, to: range.to, vintage: vintage) where keep(series, r.contract) {
                    w.row([.text(r.contract), .text(r.date), .int(r.version), .double(r.settle), .int(r.volume), .int(r.openInterest),
                           .text(r.sourcePath)])
                }
            case .quotes:
                warnings = try quotes(s, range: range, writer: w)
            default:
                break
            }
        }
        return warnings
    }

    /// One row per stored quote, by observation time then quote id, with its raw fields as received and
    /// its normalized fields (empty, with the reason, when it is not normalized). Read a UTC day at a
    /// time; a block that cannot be read back is left out and reported.
    /// The API's quote filter (`GET /api/v1/quotes`): a grade (the quote is in it), a source, and a page
    /// (`offset` rows skipped, at most `limit` written); `matched` counts every matching row.
    final class QuoteFilter {
        var grade: String?
        var source: String?
        var offset = 0
        var limit = Int.max
        var matched = 0
        init(grade: String?, source: String?, offset: Int, limit: Int) {
            self.grade = grade
            self.source = source
            self.offset = offset
            self.limit = limit
        }
    }

    static func quotes(_ s: StoreSession, range: DateRange, writer w: TableWriter, filter: QuoteFilter? = nil) throws -> [String] {
        var warnings: [String] = []
        guard let span = try s.rawSpan() else { return warnings }
        let lo = max(range.startEpoch, span.lowerBound)
        let hi = range.endEpoch == .max ? span.upperBound + 1 : min(range.endEpoch, span.upperBound + 1)
        guard lo < hi else { return warnings }
        let quarantined = try s.quarantinedBlocks()
        var decoded: [Int64: (info: RawBlockInfo, quotes: [StoredQuote])] = [:]
        var day = floorDiv(lo, 86_400) * 86_400
        while day < hi {
            let a = max(day, lo), b = min(day + 86_400, hi)
            day += 86_400
            decoded = decoded.filter { $0.value.info.maxEpoch >= a }
            for info in try s.rawBlockInfos(fromEpoch: a, toEpoch: b) where decoded[info.firstQuoteID] == nil {
                if let why = quarantined[info.firstQuoteID] {
                    warnings.append("quarantined block at quote \(info.firstQuoteID) (\(info.count) quotes) left out: \(why)")
                    decoded[info.firstQuoteID] = (info, [])
                    continue
                }
                var qs: [StoredQuote] = []
                do { try s.rawBlock(firstQuoteID: info.firstQuoteID)?.decode { qs.append($0) } } catch let e as StoreCorruption {
                    warnings.append("unreadable block at quote \(info.firstQuoteID) left out: \(e.description)")
                    qs = []
                }
                decoded[info.firstQuoteID] = (info, qs)
            }
            var today: [StoredQuote] = []
            for (_, v) in decoded { for q in v.quotes where q.quote.observedEpoch >= a && q.quote.observedEpoch < b { today.append(q) } }
            guard !today.isEmpty else { continue }
            today.sort { ($0.quote.observedEpoch, $0.id) < ($1.quote.observedEpoch, $1.id) }
            var normalized: [Int64: NormalizedRow] = [:]
            try s.forEachNormalizedRow(fromEpoch: a, toEpoch: b) { normalized[$0.quoteID] = $0 }
            for sq in today {
                if let f = filter {
                    if let src = f.source, sq.quote.fieldTexts[QuoteColumn.source.rawValue] != src { continue }
                    if let g = f.grade, !(normalized[sq.id]?.grades ?? "").split(separator: " ").contains(Substring(g)) { continue }
                    f.matched += 1
                    guard f.matched > f.offset, f.matched <= f.offset + f.limit else { continue }
                }
                var values: [TableValue] = [.int64(sq.id), .int64(sq.batchID), .int(sq.line)]
                let rawTexts = sq.quote.fieldTexts
                // Raw fields as received (text, also in JSON: a provider's "2.990" stays "2.990").
                for c in QuoteColumn.allCases.prefix(QuoteColumn.baseCount) {
                    values.append(.text(rawTexts[c.rawValue].isEmpty && !c.isRequired ? nil : rawTexts[c.rawValue]))
                }
                values.append(.text(Timestamp.format(sq.quote.observedInstant)))
                if let n = normalized[sq.id] {
                    values += [.text(n.chip), .text(n.country), .text(n.region), .text(n.term), .double(n.usdPerGPUHour),
                               .double(n.usdPerH100Hour), .double(n.fxRate), .text(n.fxDate), .text(n.grades), .text(n.unpricedReason),
                               .text(n.unmatchedReason), .text(n.referenceHash)]
                } else {
                    values += [.text(nil), .text(nil), .text(nil), .text(nil), .double(nil), .double(nil), .double(nil), .text(nil),
                               .text(nil), .text("not normalized yet (run cix normalize)"), .text(nil), .text(nil)]
                }
                values += [.text(sq.quote.inputType.rawValue), .double(sq.quote.volumeValue)]
                w.row(values)
            }
        }
        return warnings
    }
}
