import CixCore
import CixIO
import CixStore
import Foundation

/// What `cix export` can write (README "Exports").
public enum ExportKind: String, Sendable, CaseIterable {
    case quotes, fixings, indices, weights, runs, settlements, curves
    case futuresIndices = "futures-indices"
    case funds, restatements, rejects
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
    public static let fixingColumns = ["grade", "date", "version", "status", "value", "published", "offers", "sources", "outliers_dropped",
                                       "p25", "p75", "min", "max", "ci95_low", "ci95_high", "capacity_gpus", "carried_from", "live_sources",
                                       "imputed_sources", "panel_changes", "inputs_hash", "definition_hash"]
    public static let indexColumns = ["index", "date", "version", "status", "level", "published", "link_date", "inputs_hash", "definition_hash"]
    public static let weightColumns = ["index", "date", "version", "grade", "weight", "link_price", "price", "held"]
    public static let runColumns = ["run_id", "job", "arguments", "started_at", "finished_at", "definitions", "definitions_hash",
                                    "code_version", "written", "unchanged", "as_of", "published_dates"]
    public static let restatementColumns = ["restatement_id", "series", "key", "date", "old_version", "new_version", "old_value", "new_value",
                                            "changed", "reason", "published", "run_id", "recorded_at"]
    public static let rejectColumns = ["batch_id", "source_path", "format", "line", "field", "reason", "original"]
    public static let quoteColumns = ["quote_id", "batch_id", "line"] + QuoteColumn.allCases.map(\.name) + [
        "observed_utc", "canonical_chip", "country", "market_region", "canonical_term", "usd_per_gpu_hour", "usd_per_h100_hour",
        "fx_usd_per_unit", "fx_date", "grades", "unpriced_reason", "unmatched_reason", "reference_hash",
    ]

    public static let settlementColumns = ["contract", "date", "version", "settle", "volume", "open_interest", "source_path"]
    public static let curveColumns = ["root", "date", "contract", "version", "months_ahead", "price", "published", "warnings",
                                      "inputs_hash", "definition_hash"]
    public static let futuresIndexColumns = ["index", "date", "version", "status", "er", "tr", "cdr", "tbr", "tbill_rate", "holdings",
                                             "settlement_source", "roll_yield", "er_published", "tr_published", "inputs_hash", "definition_hash"]

    public static let fundColumns = ["fund", "date", "version", "status", "nav_per_share", "nav_published", "shares_outstanding", "net_assets",
                                     "cash", "futures_gain", "interest", "fee_accrued", "fee_paid", "transaction_costs", "contracts_traded",
                                     "positions", "tracking_difference", "definition_hash"]

    public static func columns(_ kind: ExportKind) -> [String] {
        switch kind {
        case .funds: fundColumns
        case .settlements: settlementColumns
        case .curves: curveColumns
        case .futuresIndices: futuresIndexColumns
        case .quotes: quoteColumns
        case .fixings: fixingColumns
        case .indices: indexColumns
        case .weights: weightColumns
        case .runs: runColumns
        case .restatements: restatementColumns
        case .rejects: rejectColumns
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

    /// A fund NAV day as the `funds` export writes it.
    static func fundRow(_ r: FundNAVRecord) -> [TableValue] {
        [.text(r.fund), .text(r.date), .int(r.version), .text(r.status), .double(r.navPerShare), .number(r.navPublished),
         .double(r.sharesOutstanding), .double(r.netAssets), .double(r.cash), .double(r.futuresGain), .double(r.interest),
         .double(r.feeAccrued), .double(r.feePaid), .double(r.transactionCosts), .double(r.contractsTraded),
         .text(r.positions), .double(r.trackingDifference), .text(r.definitionHash)]
    }

    /// The series a row belongs to, for `--series` (grade, index, fund, root or contract).
    static func keep(_ series: String?, _ id: String) -> Bool { series == nil || series == id }

    /// The table whose keys `--series` names, for the published kinds.
    static func seriesTable(_ kind: ExportKind) -> String? {
        switch kind {
        case .fixings: "fixings"
        case .indices: "index_levels"
        case .weights: "index_weights"
        case .futuresIndices: "futures_index_levels"
        case .curves: "curves"
        case .settlements: "settlements"
        case .funds: "fund_nav"
        case .quotes, .runs, .restatements, .rejects: nil
        }
    }

    /// `--series NAME` must name a series the store holds (issue 21 #17; the API answers 404 alike).
    public static func checkSeries(store: Store, kind: ExportKind, series: String) throws {
        guard let table = seriesTable(kind), let keys = try store.read({ try $0.publishedSeriesKeys(table: table) }) else { return }
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
            switch kind {
            case .fixings:
                for f in try s.latestFixings(from: range.from, to: range.to, grades: series.map { [$0] }, vintage: vintage) {
                    w.row([.text(f.grade), .text(f.date), .int(f.version), .text(f.status), .double(f.value), .number(f.published),
                           .int(f.offers), .int(f.sources), .int(f.outliers), .double(f.p25), .double(f.p75), .double(f.min), .double(f.max),
                           .double(f.ciLow), .double(f.ciHigh), .double(f.capacityGPUs), .text(f.carriedFrom), .int(f.liveSources),
                           .text(f.imputedSources), .text(f.panelChanges), .text(f.inputsHash),
                           .text(f.definitionHash)])
                }
            case .indices:
                for l in try s.latestIndexLevels(from: range.from, to: range.to, vintage: vintage) where keep(series, l.index) {
                    w.row([.text(l.index), .text(l.date), .int(l.version), .text(l.status), .double(l.level), .number(l.published),
                           .text(l.linkDate), .text(l.inputsHash), .text(l.definitionHash)])
                }
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
            case .curves:
                for r in try s.latestCurves(from: range.from, to: range.to, vintage: vintage) where keep(series, r.root) {
                    w.row([.text(r.root), .text(r.date), .text(r.contract), .int(r.version), .int(r.monthsAhead), .double(r.price),
                           .number(r.published), .text(r.warnings), .text(r.inputsHash), .text(r.definitionHash)])
                }
            case .futuresIndices:
                for r in try s.latestFuturesIndexLevels(from: range.from, to: range.to, vintage: vintage) where keep(series, r.index) {
                    w.row([.text(r.index), .text(r.date), .int(r.version), .text(r.status), .double(r.er), .double(r.tr), .double(r.cdr),
                           .double(r.tbr), .double(r.tbillRate), .text(r.holdings), .text(r.settlementSource), .double(r.rollYield),
                           .number(r.erPublished), .number(r.trPublished), .text(r.inputsHash), .text(r.definitionHash)])
                }
            case .funds:
                for r in try s.latestFundNAV(fund: fund ?? series, from: range.from, to: range.to, vintage: vintage) { w.row(fundRow(r)) }
            case .quotes:
                warnings = try quotes(s, range: range, writer: w)
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
                for c in QuoteColumn.allCases {
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
                w.row(values)
            }
        }
        return warnings
    }
}
