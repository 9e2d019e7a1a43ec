import CixCore
import CixIO
import CixStore
import Foundation
import Hummingbird

extension WebApp {
    /// A page of the app: its navigation, and "All factsheets" pointing home.
    static func page(_ title: String, _ subtitle: String, date: String) -> FactsheetPage {
        var p = FactsheetPage(title: title, subtitle: subtitle, date: date)
        p.nav = WebApp.nav
        p.homeHref = "/"
        return p
    }

    func page(_ title: String, _ subtitle: String, date: String) -> FactsheetPage { WebApp.page(title, subtitle, date: date) }

    // MARK: Pages

    /// The latest fixings and index levels, each with a 30-day sparkline, and links to every page.
    func homePage() throws -> FactsheetPage {
        let d = try lastDate()
        let from = d.adding(days: -30)
        let (fixings, levels, fut, navs) = try store.read { s in
            (try s.latestFixings(from: from, to: d), try s.latestIndexLevels(from: from, to: d), try s.latestFuturesIndexLevels(from: from, to: d),
             try s.latestFundNAV(from: from, to: d))
        }
        var p = page("ComputeIndex", "Published fixings, benchmark indices, rolling futures indices and funds (latest vintages)", date: d.description)
        var idx: [[FactsheetPage.Cell]] = []
        for def in defs.indices {
            let mine = levels.filter { $0.index == def.id }
            let last = mine.last
            idx.append([.link(def.id, href: "/indices/\(def.id)"), .text(def.name), .text(last?.published ?? "-"), .text(last?.status ?? "-"),
                        .sparkline(mine.compactMap(\.level))])
        }
        p.blocks.append(.table(title: "Benchmark indices", columns: ["Index", "Name", "Level", "Status", "Last 30 days"], rows: idx))
        var futRows: [[FactsheetPage.Cell]] = []
        for ri in defs.rollingIndices {
            let mine = fut.filter { $0.index == ri.id }
            futRows.append([.link(ri.id, href: "/futures/\(ri.id)"), .text(mine.last?.erPublished ?? "-"), .text(mine.last?.trPublished ?? "-"),
                            .sparkline(mine.map(\.tr))])
        }
        p.blocks.append(.table(title: "Rolling futures indices", columns: ["Index", "ER", "TR", "TR, last 30 days"], rows: futRows))
        var fundRows: [[FactsheetPage.Cell]] = []
        for f in defs.funds {
            let mine = navs.filter { $0.fund == f.id }
            fundRows.append([.link(f.id, href: "/funds/\(f.id)"), .text(f.name), .text(mine.last?.navPublished ?? "-"), .sparkline(mine.map(\.navPerShare))])
        }
        p.blocks.append(.table(title: "Funds", columns: ["Fund", "Name", "NAV per share", "Last 30 days"], rows: fundRows))
        var byGrade: [String: [FixingRecord]] = [:]
        for f in fixings { byGrade[f.grade, default: []].append(f) }
        var rows: [[FactsheetPage.Cell]] = []
        for g in defs.reference.grades.grades {
            let mine = byGrade[g.id] ?? []
            guard let last = mine.last else { continue }
            rows.append([.link(g.id, href: "/grades/\(g.id)"), .text(last.published ?? "-"), .text(last.status), .text("\(last.sources)"),
                         .sparkline(mine.compactMap(\.value))])
        }
        p.blocks.append(.table(title: "Fixings on \(d) (USD per GPU-hour)", columns: ["Grade", "Fixing", "Status", "Sources", "Last 30 days"], rows: rows))
        p.downloads = [("Fixings (CSV)", "/api/v1/fixings.csv"), ("Index levels (CSV)", "/api/v1/indices.csv"),
                       ("Rolling indices (CSV)", "/api/v1/futures-indices.csv")]
        return p
    }

    /// A grade: its fixing history with the confidence band, and one date's per-source breakdown.
    /// `from`/`to` bound the history charted (issue 22 #10).
    func gradePage(_ id: String, date: CivilDate?, from: CivilDate? = nil, to: CivilDate? = nil) throws -> FactsheetPage {
        guard defs.reference.grades.grade(id: id) != nil else { throw WebError(404, parameter: "grade", "no grade \(id.prefix(80))") }
        let d = try date ?? min(to ?? lastDate(), lastDate())
        if let from, from > d { throw WebError(400, parameter: "from", "from \(from) is after the page's date \(d)") }
        let history = try store.read { try $0.latestFixings(from: from, to: to, grades: [id]) }
        var p = page(id, "Daily fixing (METHODOLOGY.md §5): capacity-weighted, source-capped median of the window's offers", date: d.description)
        let pts = history.compactMap { f in f.value.flatMap { v in CivilDate(iso: f.date).map { ChartPoint(Double($0.dayNumber), v) } } }
        let lo = history.compactMap { f in f.ciLow.flatMap { v in CivilDate(iso: f.date).map { ChartPoint(Double($0.dayNumber), v) } } }
        let hi = history.compactMap { f in f.ciHigh.flatMap { v in CivilDate(iso: f.date).map { ChartPoint(Double($0.dayNumber), v) } } }
        p.charts.append(.line(title: "\(id) fixing with its 95% confidence band", yLabel: "USD / GPU-hour", x: .dates,
                              series: [ChartSeries(name: id, color: "#1f5fa8", points: pts)],
                              band: ChartBand(name: "95% band", color: "#1f5fa8", lower: lo, upper: hi)))
        p.blocks.append(.form(action: "/grades/\(id)", fields: [.init(name: "date", label: "Breakdown for date", value: d.description)], submit: "Show"))
        do {
            let e = try ExplainJob.fixing(store: store, defs: defs, grade: id, date: d)
            let t = e.trace
            // The window's offers read, and those in the fixing (the export's `offers`), named apart.
            p.headline = [("Fixing", t.published ?? "-"), ("Status", t.status), ("Offers read", "\(t.offers.count)"),
                          ("Offers in the fixing", (try store.read { try $0.latestFixing(grade: id, date: d) }).map { "\($0.offers)" } ?? "-"), ("Sources", "\(t.sources.count)"),
                          ("Outliers dropped", "\(t.outliersDropped)")]
            p.tables.append(.init(title: "Panel on \(d) (§5.3–§5.4, §5.8)",
                                  columns: ["Source", "State", "Offers", "Median", "Capacity GPUs", "Review capacity", "Share", "Weight"],
                                  rows: t.sources.map { [$0.source, $0.state + ($0.imputedAge.map { " (\($0) d)" } ?? ""), "\($0.offers)",
                                                         $0.median.map { String(format: "%.4f", $0) } ?? "-",
                                                         $0.capacityGPUs.map { String(format: "%.0f", $0) } ?? "-",
                                                         $0.baseCapacity.map { String(format: "%.0f", $0) } ?? "-",
                                                         String(format: "%.1f%%", $0.capacityShare * 100),
                                                         String(format: "%.1f%%", $0.weight * 100) + ($0.capped ? " (capped)" : "")] }))
            p.tables.append(.init(title: "Offers on \(d) (§5.1–§5.2)", columns: ["Source", "Offer", "Price", "GPUs", "Status"],
                                  rows: t.offers.prefix(200).map { [$0.source, $0.offer, String(format: "%.4f", $0.price),
                                                                    $0.availableGPUs.map { String(format: "%.0f", $0) } ?? "-", $0.status] }))
        } catch let e as ExplainJob.NotFound {
            p.blocks.append(.error(e.description))
        }
        let range = (from.map { "&from=\($0)" } ?? "") + (to.map { "&to=\($0)" } ?? "")
        p.downloads = [("\(id) fixings (CSV)", "/api/v1/fixings.csv?grade=\(id)" + range)]
        return p
    }

    /// An index, rolling futures index or fund: its factsheet page, with the app's navigation.
    /// `to` is the as-of date (the last published one by default), `from` the first date charted.
    func seriesPage(kind: String, id: String, from: CivilDate? = nil, to: CivilDate? = nil) throws -> FactsheetPage {
        let known = PublishedSeriesRegistry.all.first { $0.page?.kind == kind }?.ids(defs).contains(id) ?? false
        guard known else { throw WebError(404, parameter: kind, "no \(kind) \(id)") }
        let last = try lastDate()
        let d = min(to ?? last, last)
        if let from, from > d { throw WebError(400, parameter: "from", "from \(from) is after the page's date \(d)") }
        guard var p = try store.read({ try ReportJob.pages($0, defs: defs, date: d, only: id, from: from) }).pages.first?.page else {
            throw WebError(404, parameter: kind, "nothing published for \(id) by \(d)")
        }
        p.nav = WebApp.nav
        p.homeHref = "/"
        let range = (from.map { "&from=\($0)" } ?? "") + "&to=\(d)"
        switch kind {
        case "index": p.downloads = [("Levels (CSV)", "/api/v1/indices.csv?index=\(id)" + range), ("Weights (CSV)", "/api/v1/weights.csv?index=\(id)" + range)]
        case "futures":
            let root = defs.rollingIndices.first { $0.id == id }?.futures ?? ""
            p.downloads = [("ER and TR (CSV)", "/api/v1/futures-indices.csv?index=\(id)" + range), ("Curves (CSV)", "/api/v1/curves.csv?root=\(root)" + range)]
        default:
            p.downloads = [("NAV (CSV)", "/api/v1/funds/\(id)/nav.csv?" + range.dropFirst()),
                           ("Design comparison (CSV)", "/api/v1/fund-compare.csv?" + range.dropFirst())]
        }
        return p
    }

    /// The market (settlements, curves, rates, fixings) through the last published date, cached per store version.
    func market() throws -> (FuturesJob.Market, CivilDate) {
        try cache.market(version: try version()) {
            let d = try lastDate()
            return (try store.read { try FuturesJob.market($0, defs: defs, through: d) }, d)
        }
    }

    /// The what-if designer: the form (every fund parameter), the NAV against its TR index and the
    /// comparison with the shipped designs. The parameters live in the URL.
    func whatIfPage(_ q: [String: String], error: WebError? = nil) throws -> FactsheetPage {
        var p = page("What-if fund designer", "Change a fund's design and see its NAV, computed with the engine of cix fund nav (nothing is stored)",
                     date: (try? lastDate())?.description ?? "")
        let f = error == nil ? try WhatIf.definition(q, defs: defs, data: try dataSpan()) : try WhatIf.definition([:], defs: defs)
        var months = ""
        var design = "front"
        switch f.design {
        case .front: break
        case .deferred(let k): design = "deferred"; months = "\(k)"
        case .ladder(let n): design = "ladder"; months = "\(n)"
        }
        let collateral: String
        switch f.collateral {
        case .tbill: collateral = "tbill"
        case .none: collateral = "none"
        case .fixed(let r): collateral = "\(r)"
        }
        p.blocks.append(.form(action: "/whatif", fields: [
            .init(name: "base", label: "Start from", value: q["base"] ?? defs.funds.first?.id ?? "", options: defs.funds.map(\.id)),
            .init(name: "futures", label: "Futures", value: f.futures, options: defs.futures.map(\.root)),
            .init(name: "design", label: "Design", value: design, options: ["front", "deferred", "ladder"]),
            .init(name: "months", label: "Months (deferred or ladder)", value: months),
            .init(name: "roll_start", label: "Roll start (business day)", value: "\(f.rollDays.lowerBound)"),
            .init(name: "roll_end", label: "Roll end (business day)", value: "\(f.rollDays.upperBound)"),
            .init(name: "fee_pct", label: "Expense ratio (% a year)", value: String(format: "%g", f.expenseRatio * 100)),
            .init(name: "exposure", label: "Exposure", value: "\(f.exposure)"),
            .init(name: "contracts", label: "Contracts", value: f.contracts.rawValue, options: ["whole", "fractional"]),
            .init(name: "cost", label: "Cost per contract (USD)", value: "\(f.costPerContract)"),
            .init(name: "collateral", label: "Collateral (tbill, none or a rate)", value: collateral),
            .init(name: "inception", label: "Inception", value: f.inception.description),
            .init(name: "initial_nav", label: "Initial NAV per share", value: "\(f.initialNAV)"),
            .init(name: "initial_shares", label: "Initial shares", value: "\(f.initialShares)"),
            .init(name: "flows", label: "Flows", value: q["flows"] ?? "base", options: ["base", "none"]),
        ], submit: "Compute"))
        p.footer = "A what-if design computed on the fly from the store's published prices with the engine of cix fund nav; nothing is stored or published. "
        if let error {
            p.blocks.append(.error((error.parameter.map { "\($0): " } ?? "") + error.reason))
            return p
        }
        let (m, through) = try market()
        let r = try WhatIf.compute(f, market: m, defs: defs, through: through)
        let nav = r.records.compactMap { x in CivilDate(iso: x.date).map { ChartPoint(Double($0.dayNumber), x.navPerShare) } }
        let last = r.records.last!
        p.headline = [("NAV per share", last.navPublished ?? "-"), ("On", last.date), ("Tracking difference", ReportJob.pct(last.trackingDifference)),
                      ("Expense ratio", String(format: "%.2f%% a year", f.expenseRatio * 100))]
        p.charts.append(.line(title: "What-if NAV per share against its design's total-return index", yLabel: "USD per share", x: .dates,
                              series: [ChartSeries(name: "NAV per share", color: "#1f5fa8", points: nav),
                                       ChartSeries(name: "TR index (scaled)", color: "#d9480f", points: r.trIndex, dashed: true)], band: nil))
        // Issue 22 #9: the what-if and every shipped design on one chart, rebased to 100 on their common first day.
        let common = r.designs.compactMap { $0.nav.first?.x }.max() ?? 0
        p.charts.append(.line(title: "The what-if against the shipped designs: NAV per share rebased to 100", yLabel: "rebased to 100", x: .dates,
                              series: r.designs.enumerated().compactMap { i, d in
                                  let shown = d.nav.filter { $0.x >= common }
                                  guard let base = shown.first, base.y > 0 else { return nil }
                                  return ChartSeries(name: d.id, color: ReportJob.palette[i % ReportJob.palette.count],
                                                     points: shown.map { ChartPoint($0.x, 100 * $0.y / base.y) }, dashed: i > 0)
                              }, band: nil))
        p.tables.append(.init(title: "Against the shipped designs (§8.4)", columns: ["Fund", "From", "To", "Total return", "Annualized", "Volatility",
                                                                                    "Max drawdown", "Tracking error", "Roll yield", "Fees paid"],
                              rows: r.comparison.map { c in
                                  [c.fund, c.from.description, c.to.description, ReportJob.pct(c.totalReturn), ReportJob.pct(c.annualizedReturn),
                                   ReportJob.pctAbs(c.annualizedVolatility), ReportJob.pctAbs(c.maxDrawdown), ReportJob.pctAbs(c.trackingError),
                                   ReportJob.pct(c.cumulativeRollYield), String(format: "%.2f", c.feesPaid)]
                              }))
        return p
    }

    // MARK: API

    /// The series id a query names (`series`, or the kind's own name), checked against the definitions.
    func seriesID(kind: ExportKind, idParam: String?, query q: [String: String]) throws -> String? {
        if kind == .restatements, q["series"] != nil { throw WebError(400, parameter: "series", "restatements take no series (filter by from and to)") }
        let allowed = Set(["from", "to", "vintage"] + (kind == .restatements ? [] : ["series"]) + (idParam.map { [$0] } ?? []))
        if let idParam, q[idParam] != nil, q["series"] != nil { throw WebError(400, parameter: "series", "give \(idParam) or series, not both") }
        try WebApp.only(q, allowed, what: "route")
        guard let id = idParam.flatMap({ q[$0] }) ?? q["series"] else { return nil }
        let known: Bool
        if let x = PublishedSeriesRegistry.exported(as: kind) {
            known = x.ids(defs).contains(id)
        } else if kind == .weights {
            known = defs.indices.contains { $0.id == id }
        } else if kind == .settlements {
            known = Contract.parse(id, roots: defs.futures.map(\.root)) != nil
        } else {
            known = false
        }
        guard known else { throw WebError(404, parameter: idParam ?? "series", "no \(idParam ?? "series") \(id.prefix(80))") }
        return id
    }

    static func vintage(_ q: [String: String]) throws -> Vintage {
        guard let v = q["vintage"] else { return .latest }
        do { return try parseVintage(v) } catch { throw WebError(400, parameter: "vintage", "\(v) is not latest, first or a UTC time YYYY-MM-DDTHH:MM:SSZ") }
    }

    static func range(_ q: [String: String]) throws -> DateRange {
        let r = DateRange(from: try date(q, "from"), to: try date(q, "to"))
        if let a = r.from, let b = r.to, a > b { throw WebError(400, parameter: "from", "from \(a) is after to \(b)") }
        return r
    }

    /// JSON Lines of an export as one JSON array.
    static func jsonArray(_ lines: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [UInt8(ascii: "[")]
        var first = true
        for line in lines.split(separator: 0x0A) where !line.isEmpty {
            if !first { out.append(UInt8(ascii: ",")) }
            out += line
            first = false
        }
        return out + [UInt8(ascii: "]"), 0x0A]
    }

    func seriesAPI(kind: ExportKind, idParam: String?, query q: [String: String], csv: Bool) throws -> Response {
        let id = try seriesID(kind: kind, idParam: idParam, query: q)
        let range = try WebApp.range(q)
        let vintage = kind == .restatements ? Vintage.latest : try WebApp.vintage(q)
        if kind == .restatements, q["vintage"] != nil { throw WebError(400, parameter: "vintage", "restatements have one version of each row") }
        return try exportResponse(kind, series: id, range: range, vintage: vintage, csv: csv)
    }

    func fundAPI(_ id: String, query q: [String: String], csv: Bool) throws -> Response {
        guard defs.funds.contains(where: { $0.id == id }) else { throw WebError(404, parameter: "fund", "no fund \(id)") }
        try WebApp.only(q, ["from", "to", "vintage"], what: "route")
        return try exportResponse(.funds, series: id, range: try WebApp.range(q), vintage: try WebApp.vintage(q), csv: csv)
    }

    /// The dates of any published row (cached per publication version).
    func dataSpan() throws -> ClosedRange<CivilDate>? {
        try cache.span(version: try version(), load: { try store.read { try $0.publishedDateSpan(tables: PublishedSeriesRegistry.all.map(\.table) + ["settlements", "restatements"]) } })
    }

    /// An export as the API serves it, cached: the bytes `cix export` writes (CSV), or a JSON array.
    func exportResponse(_ kind: ExportKind, series id: String?, range asked: DateRange, vintage: Vintage, csv: Bool) throws -> Response {
        // The range is bounded by the dates published: `to=9999-12-31` and `to=9999-12-30` are one
        // query (and one cache entry), and a range outside the data is answered without reading.
        var range = asked
        if let span = try dataSpan() {
            if let f = range.from, f <= span.lowerBound { range.from = nil }
            if let t = range.to, t >= span.upperBound { range.to = nil }
            if let f = range.from, f > span.upperBound { range = DateRange(from: span.upperBound.adding(days: 1), to: span.upperBound.adding(days: 1)) }
            if let t = range.to, t < span.lowerBound { range = DateRange(from: span.lowerBound.adding(days: -1), to: span.lowerBound.adding(days: -1)) }
        }
        let key = "\(kind.rawValue)|\(id ?? "")|\(range.from?.description ?? "")|\(range.to?.description ?? "")|\(vintage)|\(csv)"
        return try cached(key, csv ? "text/csv; charset=utf-8" : "application/json") {
            let bytes = try ExportJob.render(store: store, kind: kind, range: range, format: csv ? .csv : .json, vintage: vintage, series: id)
            return csv ? bytes : WebApp.jsonArray(bytes)
        }
    }

    /// `GET /api/v1/fund-compare`: the `cix fund compare` table (§8.4) over `from`–`to` (the published
    /// span by default) for `funds` (comma-separated ids; every fund by default), JSON or CSV.
    func fundCompareAPI(_ q: [String: String], csv: Bool) throws -> Response {
        try WebApp.only(q, ["from", "to", "funds"], what: "route")
        let last = try lastDate()
        let (from, toAsked) = try WebApp.pageRange(q)
        let to = min(toAsked ?? last, last)
        var ids: [String]?
        if let list = q["funds"] {
            ids = list.split(separator: ",", omittingEmptySubsequences: false).map { String($0).trimmingCharacters(in: .whitespaces) }
            if ids!.contains("") { throw WebError(400, parameter: "funds", "an empty item: give fund ids separated by commas") }
            if Set(ids!).count != ids!.count { throw WebError(400, parameter: "funds", "a fund is given twice") }
            for id in ids! where !defs.funds.contains(where: { $0.id == id }) {
                throw WebError(404, parameter: "funds", "no fund \(id.prefix(40)) (funds: \(defs.funds.map(\.id).joined(separator: ", ")))")
            }
        }
        let key = "fund-compare|\(from?.description ?? "")|\(to)|\(ids?.joined(separator: ",") ?? "")|\(csv)"
        return try cached(key, csv ? "text/csv; charset=utf-8" : "application/json") {
            let rows = try FundJob.compare(store: store, defs: defs, funds: ids, from: from, to: to)
            let sink = TextSink()
            let w = TableWriter(columns: FundJob.compareColumns, format: csv ? .csv : .json, sink: sink)
            for r in FundJob.compareRows(rows) { w.row(r) }
            return csv ? sink.bytes : WebApp.jsonArray(sink.bytes)
        }
    }

    /// `GET /api/v1/quotes` (issue 22 #17): the quotes export's rows observed in [from, to] (at most 31
    /// days; the last published day by default), of one `grade` and/or `source`, a page at a time
    /// (`page` from 1, `page_size` up to 10,000, default 1,000). `X-Total-Count` gives the rows matched,
    /// `Link: <…>; rel="next"` the next page.
    func quotesAPI(_ q: [String: String], csv: Bool) throws -> Response {
        try WebApp.only(q, ["from", "to", "grade", "source", "page", "page_size"], what: "route")
        let last = try lastDate()
        let (fromAsked, toAsked) = try WebApp.pageRange(q)
        // Dates are cut to the data first (a far `to` is the last published day, a far `from` the first
        // quote's), then the 31-day limit applies; with only `from`, the 31 days from it.
        let firstQuote = try store.read { try $0.firstQuoteEpoch() }.map(Timestamp.utcDate) ?? last
        let to = min(toAsked ?? fromAsked.map { $0.adding(days: 30) } ?? last, last)
        let from = max(fromAsked ?? to, firstQuote)
        guard to.dayNumber - from.dayNumber <= 30 else {
            throw WebError(400, parameter: "to", "at most 31 days of quotes a request (\(from) to \(to) is \(to.dayNumber - from.dayNumber + 1)); page through shorter ranges")
        }
        if let g = q["grade"], defs.reference.grades.grade(id: g) == nil { throw WebError(404, parameter: "grade", "no grade \(g.prefix(80))") }
        func int(_ k: String, _ d: Int, _ r: ClosedRange<Int>) throws -> Int {
            guard let t = q[k] else { return d }
            guard t.count <= 9, let v = Int(t), r.contains(v) else { throw WebError(400, parameter: k, "\(t.prefix(20)) is not a whole number from \(r.lowerBound) to \(r.upperBound)") }
            return v
        }
        let page = try int("page", 1, 1...1_000_000), size = try int("page_size", 1000, 1...10_000)
        let filter = ExportJob.QuoteFilter(grade: q["grade"], source: q["source"], offset: (page - 1) * size, limit: size)
        let sink = TextSink()
        let w = TableWriter(columns: ExportJob.quoteColumns, format: csv ? .csv : .json, sink: sink)
        _ = try store.read { try ExportJob.quotes($0, range: DateRange(from: from, to: to), writer: w, filter: filter) }
        var r = WebApp.response(.ok, csv ? "text/csv; charset=utf-8" : "application/json", csv ? sink.bytes : WebApp.jsonArray(sink.bytes))
        r.headers[.init("X-Total-Count")!] = "\(filter.matched)"
        if filter.matched > page * size {
            var next = q
            next["page"] = "\(page + 1)"
            next["from"] = from.description
            next["to"] = to.description
            r.headers[.init("Link")!] = "</api/v1/quotes\(csv ? ".csv" : "")?\(WebApp.queryText(next))>; rel=\"next\""
        }
        return r
    }

    /// `GET /api/v1/explain/NAME?ID=KEY&date=D` for every registered series: the JSON of `cix explain NAME`.
    func explainAPI(_ series: any AnyPublishedSeries, _ q: [String: String]) throws -> Response {
        let id = series.idName
        try WebApp.only(q, [id, "date"], what: "route")
        guard let key = q[id] else { throw WebError(400, parameter: id, "missing") }
        guard let d = try WebApp.date(q, "date") else { throw WebError(400, parameter: "date", "missing") }
        guard series.ids(defs).contains(key) else { throw WebError(404, parameter: id, "no \(id) \(key.prefix(80))") }
        do {
            let e = try series.explain(store, defs, key: key, date: d)
            guard e.stored != nil else { throw WebError(404, parameter: "date", "no \(series.explainName) of \(key) is published for \(d)") }
            return WebApp.response(.ok, "application/json", Array(e.json.utf8))
        } catch let e as ExplainJob.NotFound {
            throw WebError(404, parameter: "date", e.description)
        }
    }

    func whatIfAPI(body: Data, csv: Bool) throws -> Response {
        let object: Any
        do { object = try JSONSerialization.jsonObject(with: body) } catch {
            throw WebError(400, parameter: "body", "not JSON: give an object of fund parameters, e.g. {\"design\": \"ladder\", \"months\": 6}")
        }
        guard let dict = object as? [String: Any] else { throw WebError(400, parameter: "body", "give a JSON object of fund parameters") }
        var q: [String: String] = [:]
        for (k, v) in dict {
            switch v {
            // funds.yaml's `roll_days: [first, last]`.
            case let a as [Any] where k == "roll_days":
                guard dict["roll_start"] == nil, dict["roll_end"] == nil else {
                    throw WebError(400, parameter: k, "give roll_days or roll_start and roll_end, not both")
                }
                guard a.count == 2, let x = a[0] as? NSNumber, let y = a[1] as? NSNumber else {
                    throw WebError(400, parameter: k, "give [first, last] business days of the month")
                }
                q["roll_start"] = x.stringValue
                q["roll_end"] = y.stringValue
            case let s as String: q[k] = s
            // JSON true and false are not numbers here.
            case let n as NSNumber where !String(describing: type(of: v)).lowercased().contains("bool"): q[k] = n.stringValue
            default: throw WebError(400, parameter: k, "give a string or a number")
            }
        }
        if dict["roll_days"] != nil, !(dict["roll_days"] is [Any]) {
            throw WebError(400, parameter: "roll_days", "give [first, last] business days of the month")
        }
        // A funds.yaml entry posted whole (it has an id) means what it means in funds.yaml: its id names
        // the base when it is a shipped fund, and no flows key means no flows.
        if let id = q["id"], q["base"] == nil, defs.funds.contains(where: { $0.id == id }) { q["base"] = id }
        if q["id"] != nil, q["flows"] == nil { q["flows"] = "none" }
        let f = try WhatIf.definition(q, defs: defs, data: try dataSpan())
        let (m, through) = try market()
        let r = try WhatIf.compute(f, market: m, defs: defs, through: through, compare: false)
        let sink = TextSink()
        let w = TableWriter(columns: ExportJob.columns(.funds), format: csv ? .csv : .json, sink: sink)
        for x in r.records { w.row(ExportJob.row(x)) }
        return WebApp.response(.ok, csv ? "text/csv; charset=utf-8" : "application/json", csv ? sink.bytes : WebApp.jsonArray(sink.bytes))
    }
}
