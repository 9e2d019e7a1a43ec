import CixCore
import CixIO
import CixStore
import Foundation

/// `cix report`: a factsheet per benchmark index, rolling futures index and fund as of a date, and
/// an index page linking them (METHODOLOGY.md §9.7), from the latest vintages in the store.
public enum ReportJob {
    static let palette = ["#1f5fa8", "#d9480f", "#2b8a3e", "#7048e8", "#c2255c", "#0b7285", "#e67700", "#495057"]

    /// §9.7's performance figures of a chart's series.
    static func performance(_ pts: [ChartPoint], date: CivilDate) -> [(String, Double?)] {
        FactsheetMath.performance(pts.map { .init(day: Int64($0.x), value: $0.y) }, date: date).map { ($0.period, $0.value) }
    }

    static func pct(_ v: Double?) -> String { v.map { String(format: "%+.2f%%", $0 * 100) } ?? "n/a" }
    /// A percentage with no sign: volatility, drawdown, tracking error, fees (magnitudes, not returns).
    static func pctAbs(_ v: Double?) -> String { v.map { String(format: "%.2f%%", $0 * 100) } ?? "n/a" }
    static func num(_ v: Double?, _ d: Int = 4) -> String { v.map { String(format: "%.\(d)f", $0) } ?? "-" }
    static func file(_ id: String) -> String { id.map { $0.isLetter || $0.isNumber || $0 == "-" ? String($0) : "_" }.joined() + ".html" }

    /// §8 fund facts in words: objective, inception, roll schedule, costs (issue 22 #13).
    static func facts(_ f: FundDefinition, defs: MethodologyDefinitions, firstNAV: String? = nil) -> [[String]] {
        let fut = defs.futures.first { $0.root == f.futures }
        let roll = "business days \(f.rollDays.lowerBound)–\(f.rollDays.upperBound) of each month"
        let schedule: String
        switch f.design {
        case .front: schedule = "front: holds the contract two months out after each month's roll (the next month's until it), rolling over \(roll)"
        case .deferred(let k): schedule = "deferred: holds the contract \(k + 2) months out after each month's roll (\(k) beyond the front), rolling over \(roll)"
        case .ladder(let n): schedule = "ladder: equal quantities of the next \(n) contracts after the current month; each is rolled out to the \(n + 1)-month contract over \(roll) of the month before it starts averaging"
        }
        let collateral: String
        switch f.collateral {
        case .tbill: collateral = "91-day T-bills (the T-bill return of §7.6)"
        case .none: collateral = "none (cash earns nothing)"
        case .fixed(let r): collateral = String(format: "a fixed %.2f%% a year", r * 100)
        }
        return [
            ["Objective", "Track \(f.exposure == 1 ? "" : String(format: "%g × ", f.exposure))the \(f.futures) futures curve (\(fut?.name ?? f.futures); underlying \(fut?.underlying ?? "-")) by holding its listed contracts, collateralized"],
            ["Inception", "\(baseText(firstNAV, defined: f.inception)) at \(String(format: "%.2f", f.initialNAV)) USD a share"],
            ["Roll schedule", schedule],
            ["Contracts", f.contracts == .whole ? "whole contracts of \(fut.map { String(format: "%.0f", $0.contractGPUHours) } ?? "-") GPU-hours" : "fractional quantities"],
            ["Expense ratio", String(format: "%.2f%% a year, accrued daily, paid at month end", f.expenseRatio * 100)],
            ["Transaction cost", String(format: "%.2f USD per contract traded", f.costPerContract)],
            ["Collateral", collateral],
        ]
    }

    /// Since inception and each calendar year: last NAV of the year ÷ last NAV of the previous year (or
    /// the first NAV) − 1; annualized over ACT/365 (issue 22 #12).
    static func returnRows(_ rows: [FundNAVRecord], date: CivilDate) -> [[String]] {
        let pts = rows.compactMap { r in CivilDate(iso: r.date).map { ($0, r.navPerShare) } }.filter { $0.0 <= date }
        guard let first = pts.first, let last = pts.last else { return [] }
        func row(_ name: String, _ a: (CivilDate, Double), _ b: (CivilDate, Double)) -> [String] {
            let years = Double(b.0.dayNumber - a.0.dayNumber) / 365
            let r = b.1 / a.1 - 1
            return [name, a.0.description, b.0.description, pct(r), years >= 1 ? pct(pow(b.1 / a.1, 1 / years) - 1) : "-"]
        }
        var out = [row("Since inception", first, last)]
        for y in first.0.components.year...last.0.components.year {
            let start = pts.last { $0.0.components.year < y } ?? first
            guard let end = pts.last(where: { $0.0.components.year == y }), end.0 > start.0 else { continue }
            out.append(row("\(y)" + (end.0 == last.0 && last.0.components.month < 12 ? " (to date)" : start.0 == first.0 ? " (from inception)" : ""), start, end))
        }
        return out
    }

    /// The positions of a NAV day with each contract's expiry, price, notional and weight (issue 22 #11).
    static func holdings(_ s: StoreSession, defs: MethodologyDefinitions, fund f: FundDefinition, record r: FundNAVRecord) throws -> [[String]] {
        guard let d = CivilDate(iso: r.date), let fut = defs.futures.first(where: { $0.root == f.futures }) else { return [] }
        let settles = Dictionary(try s.latestSettlements(from: d, to: d).map { ($0.contract, $0.settle) }) { a, _ in a }
        let model = Dictionary(try s.latestCurves(from: d, to: d).filter { $0.root == f.futures }.compactMap { c in c.price.map { (c.contract, $0) } }) { a, _ in a }
        return r.positions.split(separator: " ").compactMap { item -> [String]? in
            let parts = item.split(separator: ":")
            guard parts.count == 2, let q = Double(parts[1]), let c = Contract.parse(String(parts[0]), roots: [f.futures]) else { return nil }
            let expiry = c.lastTradingDay(defs.calendar)
            let price = settles[c.ticker] ?? model[c.ticker]
            let notional = price.map { q * $0 * fut.contractGPUHours }
            return [c.ticker, expiry.description, String(format: f.contracts == .whole ? "%.0f" : "%.4f", q), num(price),
                    notional.map { String(format: "%.0f", $0) } ?? "-", notional.map { pctAbs($0 / r.netAssets) } ?? "-",
                    "\(expiry.dayNumber - d.dayNumber)"]
        }
    }

    /// The base date a series actually started on; the definition's when they differ (the effective base
    /// is the first date with enough inputs, §6.5, §7.5).
    static func baseText(_ first: String?, defined: CivilDate) -> String {
        guard let first, first != defined.description else { return defined.description }
        return "\(first) (defined as \(defined); the first date with the inputs to start)"
    }

    public static func run(store: Store, defs: MethodologyDefinitions, date: CivilDate, out: String) throws -> [String] {
        // Issue 21 #14: a date with nothing published makes no factsheet (empty pages with "+0.00%" mislead).
        guard let span = try store.read({ try $0.publishedFixingSpan() }) else {
            throw CixError("nothing is published in this store yet: no factsheet to make (run cix run first)")
        }
        guard span.contains(date) else {
            throw CixError("nothing is published on \(date): the store's published dates are \(span.lowerBound) to \(span.upperBound)")
        }
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        let book = try store.read { s in try pages(s, defs: defs, date: date) }
        var written: [String] = []
        for (id, page) in book.pages {
            let f = try AtomicTextFile(path: out + "/" + file(id))
            f.write(Factsheet.render(page))
            try f.commit()
            written.append(out + "/" + file(id))
        }
        let f = try AtomicTextFile(path: out + "/index.html")
        f.write(Factsheet.index(title: "ComputeIndex factsheets", date: date.description, sections: book.sections))
        try f.commit()
        return written + [out + "/index.html"]
    }

    /// Every factsheet page as of `date` (in index, rolling index, fund order), or only the one of `only`.
    public struct Book: Sendable {
        public var pages: [(id: String, page: FactsheetPage)] = []
        public var sections: [(heading: String, links: [(href: String, name: String, detail: String)])] = []
        /// Series with no factsheet, and why.
        public var missing: [(name: String, why: String)] = []
    }

    /// `from`: the first date charted and tabled (the web app's pages; performance is as of `date`).
    public static func pages(_ s: StoreSession, defs: MethodologyDefinitions, date: CivilDate, only: String? = nil,
                             from: CivilDate? = nil) throws -> Book {
        let start = from?.description ?? ""
        var book = Book()
        var sections: [(heading: String, links: [(href: String, name: String, detail: String)])] = []
        func write(_ id: String, _ page: FactsheetPage) { book.pages.append((id, page)) }
        do {
            let fixings = try s.latestFixings(to: date)
            var fix: [String: [Int64: FixingRecord]] = [:]
            for f in fixings { if let d = CivilDate(iso: f.date) { fix[f.grade, default: [:]][d.dayNumber] = f } }
            let levels = try s.latestIndexLevels(to: date)
            let weights = try s.latestIndexWeights(to: date)
            var links: [(href: String, name: String, detail: String)] = []
            var missing: [(href: String, name: String, detail: String)] = []
            for def in defs.indices where only == nil || only == def.id {
                let mine = levels.filter { $0.index == def.id && $0.date >= start }
                let pts = mine.compactMap { l in l.level.flatMap { v in CivilDate(iso: l.date).map { ChartPoint(Double($0.dayNumber), v) } } }
                // Issue 22 #4: no empty factsheet; the index page says why there is none.
                guard !pts.isEmpty else {
                    missing.append(("", "\(def.id): \(def.name)", mine.isEmpty
                        ? "no factsheet: no level published by \(date) (its constituents have no fixings with values on a date from its base date)"
                        : "no factsheet: every level published by \(date) is \(mine.last?.status ?? "suspended")"))
                    continue
                }
                var page = FactsheetPage(title: def.name, subtitle: "\(def.id): \(def.kind == .composite ? "composite" : "single-grade") benchmark index, chain-linked (METHODOLOGY.md §6)",
                                         date: date.description)
                let last = mine.last { $0.level != nil }
                page.headline = [("Level on \(last?.date ?? "-")", last?.published ?? "-"), ("Status", last?.status ?? "-")]
                    + performance(pts, date: date).map { ($0.0, pct($0.1)) }
                // The fixing confidence band (§5.6) carried to the level through the constituents' weights.
                var byDate: [String: [IndexWeightRecord]] = [:]
                for w in weights where w.index == def.id { byDate[w.date, default: []].append(w) }
                var lower: [ChartPoint] = [], upper: [ChartPoint] = []
                for p in pts {
                    let d = CivilDate(dayNumber: Int64(p.x))
                    guard let ws = byDate[d.description], !ws.isEmpty,
                          let b = FactsheetMath.band(level: p.y, constituents: ws.map { w in
                              let f = fix[w.grade]?[d.dayNumber]
                              return .init(weight: w.weight, value: f?.value, low: f?.ciLow, high: f?.ciHigh)
                          }) else { continue }
                    lower.append(ChartPoint(p.x, b.low))
                    upper.append(ChartPoint(p.x, b.high))
                }
                page.charts.append(.line(title: "Index level with its 95% fixing confidence band", yLabel: "level", x: .dates,
                                         series: [ChartSeries(name: def.id, color: palette[0], points: pts)],
                                         band: ChartBand(name: "95% band", color: palette[0], lower: lower, upper: upper)))
                let yearAgo = Double(date.adding(days: -365).dayNumber)
                /// The last year's fixings of up to 8 grades, one line each.
                func lastYear(_ grades: [String]) -> [ChartSeries] {
                    grades.prefix(8).enumerated().map { i, g in
                        ChartSeries(name: g, color: palette[i % palette.count], points: (fix[g] ?? [:]).sorted { $0.key < $1.key }
                            .compactMap { k, f in f.value.map { ChartPoint(Double(k), $0) } }.filter { $0.x >= yearAgo })
                    }
                }
                let gradeSeries = lastYear(def.grades)
                page.charts.append(.line(title: "Constituent fixings over the last year (USD per GPU-hour)", yLabel: "USD / GPU-hour", x: .dates,
                                         series: gradeSeries, band: nil))
                // Regional fixings: the first constituent's chip and term in every region with a grade.
                if let g0 = def.grades.first {
                    let parts = g0.split(separator: ".")
                    if parts.count == 3 {
                        let regional = defs.reference.grades.grades.map(\.id).filter {
                            let p = $0.split(separator: ".")
                            return p.count == 3 && p[0] == parts[0] && p[2] == parts[2]
                        }.sorted()
                        if regional.count > 1 {
                            page.charts.append(.line(title: "Regional \(parts[0]) \(parts[2]) fixings over the last year (USD per GPU-hour)",
                                                     yLabel: "USD / GPU-hour", x: .dates, series: lastYear(regional), band: nil))
                        }
                    }
                }
                let today = (byDate[last?.date ?? ""] ?? []).sorted { $0.weight > $1.weight }
                if today.count > 1 {
                    page.charts.append(.bars(title: "Weights on \(last?.date ?? "-")", items: today.map { .init(label: $0.grade, value: $0.weight) }))
                }
                page.tables.append(.init(title: "Constituents on \(last?.date ?? "-")", columns: ["Grade", "Weight", "Price", "Fixing status", "Offers", "Sources", "95% band"],
                                         rows: today.map { w in
                                             let f = fix[w.grade]?[CivilDate(iso: w.date)!.dayNumber]
                                             return [w.grade, pct(w.weight).replacingOccurrences(of: "+", with: ""), num(w.price), f?.status ?? "-",
                                                     f.map { "\($0.offers)" } ?? "-", f.map { "\($0.sources)" } ?? "-",
                                                     "\(num(f?.ciLow)) – \(num(f?.ciHigh))"]
                                         }))
                page.tables.append(.init(title: "Performance", columns: ["Period", "Return"], rows: performance(pts, date: date).map { [$0.0, pct($0.1)] }))
                let statuses = def.grades.map { fix[$0]?[date.dayNumber]?.status ?? "none" }
                page.tables.append(.init(title: "Data sufficiency on \(date) (§5.5)", columns: ["Status", "Grades"],
                                         rows: ["ok", "stale", "suspended", "none"].map { st in [st, "\(statuses.filter { $0 == st }.count)"] }))
                page.tables.append(.init(title: "Methodology", columns: ["Item", "Value"], rows: [
                    ["Methodology version", defs.methodologyVersion], ["Index definition hash", last?.definitionHash ?? defs.indexHash(index: def.id)],
                    ["Definitions", defs.source.description], ["Base date", baseText(mine.first { $0.level != nil }?.date, defined: def.baseDate)],
                ]))
                write(def.id, page)
                links.append((file(def.id), "\(def.id): \(def.name)", "\(last?.published ?? "-") on \(last?.date ?? "-")"))
            }
            sections.append(("Benchmark indices", links))

            // Rolling futures indices (§7.5–§7.7).
            links = []
            let fut = try s.latestFuturesIndexLevels(to: date)
            let curves = try s.latestCurves(to: date)
            for ri in defs.rollingIndices where only == nil || only == ri.id {
                let mine = fut.filter { $0.index == ri.id && $0.date >= start }
                guard !mine.isEmpty else {
                    missing.append(("", ri.id, "no factsheet: no value published by \(date) (no settlement or model-curve price of \(ri.futures) contracts)"))
                    continue
                }
                let er = mine.compactMap { r in CivilDate(iso: r.date).map { ChartPoint(Double($0.dayNumber), r.er) } }
                let tr = mine.compactMap { r in CivilDate(iso: r.date).map { ChartPoint(Double($0.dayNumber), r.tr) } }
                var page = FactsheetPage(title: ri.id, subtitle: "Rolling \(ri.futures) futures index: excess and total return (METHODOLOGY.md §7.5–§7.7)",
                                         date: date.description)
                let last = mine.last
                page.headline = [("ER on \(last?.date ?? "-")", last?.erPublished ?? "-"), ("TR", last?.trPublished ?? "-"), ("Holdings", last?.holdings ?? "-")]
                    + performance(tr, date: date).map { ("TR " + $0.0, pct($0.1)) }
                page.charts.append(.line(title: "Excess return and total return", yLabel: "index level", x: .dates,
                                         series: [ChartSeries(name: "ER", color: palette[0], points: er),
                                                  ChartSeries(name: "TR", color: palette[1], points: tr)], band: nil))
                let curveDay = curves.filter { $0.root == ri.futures }.map(\.date).max() ?? date.description
                let monthAgo = CivilDate(iso: curveDay)!.adding(days: -30).description
                let earlier = curves.filter { $0.root == ri.futures && $0.date <= monthAgo }.map(\.date).max()
                func curvePoints(_ d: String?) -> [ChartPoint] {
                    curves.filter { $0.root == ri.futures && $0.date == d }.compactMap { c in c.price.map { ChartPoint(Double(c.monthsAhead), $0) } }
                        .sorted { $0.x < $1.x }
                }
                page.charts.append(.line(title: "\(ri.futures) model forward curve on \(curveDay) and a month earlier", yLabel: "USD / GPU-hour",
                                         x: .numbers("months ahead"),
                                         series: [ChartSeries(name: curveDay, color: palette[0], points: curvePoints(curveDay)),
                                                  ChartSeries(name: earlier ?? "-", color: palette[3], points: curvePoints(earlier), dashed: true)],
                                         band: nil))
                page.tables.append(.init(title: "Performance (TR)", columns: ["Period", "Return"], rows: performance(tr, date: date).map { [$0.0, pct($0.1)] }))
                page.tables.append(.init(title: "Curve on \(curveDay)", columns: ["Contract", "Months ahead", "Price", "Warnings"],
                                         rows: curves.filter { $0.root == ri.futures && $0.date == curveDay }.sorted { $0.monthsAhead < $1.monthsAhead }
                                             .map { [$0.contract, "\($0.monthsAhead)", $0.published ?? "-", $0.warnings] }))
                page.tables.append(.init(title: "Methodology", columns: ["Item", "Value"], rows: [
                    ["Methodology version", defs.methodologyVersion], ["Definition hash", last?.definitionHash ?? "-"],
                    ["Base date", baseText(mine.first?.date, defined: ri.baseDate)], ["Roll days", "\(ri.rollDays.lowerBound)–\(ri.rollDays.upperBound)"],
                ]))
                write(ri.id, page)
                links.append((file(ri.id), ri.id, "ER \(last?.erPublished ?? "-"), TR \(last?.trPublished ?? "-") on \(last?.date ?? "-")"))
            }
            sections.append(("Rolling futures indices", links))

            // Funds (§8).
            links = []
            let navs = try s.latestFundNAV(to: date)
            for f in defs.funds where only == nil || only == f.id {
                let all = navs.filter { $0.fund == f.id }
                let mine = all.filter { $0.date >= start }
                guard let first = all.first, !mine.isEmpty else {
                    missing.append(("", "\(f.id): \(f.name)", "no factsheet: no NAV published by \(date) (no prices of \(f.futures) contracts from its inception)"))
                    continue
                }
                let nav = mine.compactMap { r in CivilDate(iso: r.date).map { ChartPoint(Double($0.dayNumber), r.navPerShare) } }
                // §8.3: tracking difference = NAV/NAV0 − TR/TR0, so the TR index scaled to the first NAV is NAV0 × (NAV/NAV0 − TD).
                let tr = mine.compactMap { r in
                    CivilDate(iso: r.date).map { ChartPoint(Double($0.dayNumber), first.navPerShare * (r.navPerShare / first.navPerShare - (r.trackingDifference ?? 0))) }
                }
                var page = FactsheetPage(title: f.name, subtitle: "\(f.id): fund on \(f.futures) futures, NAV per share (METHODOLOGY.md §8)", date: date.description)
                let last = mine.last!
                page.headline = [("NAV per share on \(last.date)", last.navPublished ?? "-"), ("Net assets", String(format: "%.0f", last.netAssets)),
                                 ("Shares", String(format: "%.0f", last.sharesOutstanding)), ("Tracking difference", pct(last.trackingDifference))]
                page.charts.append(.line(title: "NAV per share against its design's total-return index", yLabel: "USD per share", x: .dates,
                                         series: [ChartSeries(name: "NAV per share", color: palette[0], points: nav),
                                                  ChartSeries(name: "TR index (scaled)", color: palette[1], points: tr, dashed: true)], band: nil))
                page.tables.append(.init(title: "Performance (NAV)", columns: ["Period", "Return"], rows: performance(nav, date: date).map { [$0.0, pct($0.1)] }))
                // Issue 22 #9: every shipped design on the same futures, NAV and TR rebased to 100 on their common first day.
                let peers = defs.funds.filter { $0.futures == f.futures }
                if peers.count > 1 {
                    var navSeries: [ChartSeries] = [], trSeries: [ChartSeries] = []
                    let byFund = Dictionary(grouping: navs.filter { r in peers.contains { $0.id == r.fund } }, by: \.fund)
                    let common = peers.compactMap { byFund[$0.id]?.first?.date }.max() ?? start
                    for (i, peer) in peers.enumerated() {
                        guard let rows = byFund[peer.id], let p0 = rows.first else { continue }
                        let shown = rows.filter { $0.date >= max(common, start) }
                        guard let base = shown.first else { continue }
                        func tr(_ r: FundNAVRecord) -> Double { p0.navPerShare * (r.navPerShare / p0.navPerShare - (r.trackingDifference ?? 0)) }
                        let color = palette[i % palette.count]
                        navSeries.append(ChartSeries(name: peer.id, color: color, points: shown.compactMap { r in
                            CivilDate(iso: r.date).map { ChartPoint(Double($0.dayNumber), 100 * r.navPerShare / base.navPerShare) } }))
                        trSeries.append(ChartSeries(name: peer.id + " TR", color: color, points: shown.compactMap { r in
                            CivilDate(iso: r.date).map { ChartPoint(Double($0.dayNumber), 100 * tr(r) / tr(base)) } }, dashed: true))
                    }
                    page.charts.append(.line(title: "The \(f.futures) designs: NAV per share (solid) and total-return index (dashed), rebased to 100",
                                             yLabel: "rebased to 100", x: .dates, series: navSeries + trSeries, band: nil))
                }
                page.tables.append(.init(title: "Returns since inception and by calendar year (NAV per share)", columns: ["Period", "From", "To", "Return", "Annualized"],
                                         rows: returnRows(all, date: date)))
                page.tables.append(.init(title: "Fund facts", columns: ["Item", "Value"], rows: facts(f, defs: defs, firstNAV: first.date)))
                page.tables.append(.init(title: "Holdings on \(last.date)", columns: ["Contract", "Expiry", "Quantity", "Price", "Notional (USD)", "Weight", "Days to expiry"],
                                         rows: try holdings(s, defs: defs, fund: f, record: last)))
                let flows = f.flows.filter { $0.key <= date && $0.key >= f.inception }.sorted { $0.key < $1.key }
                if !flows.isEmpty {
                    page.tables.append(.init(title: "Flows (creations + and redemptions −, shares; §8.2)", columns: ["Date", "Shares", "NAV per share that day"],
                                             rows: flows.suffix(24).map { d, n in
                                                 [d.description, String(format: "%+.0f", n), mine.first { $0.date == d.description }?.navPublished ?? "-"]
                                             }))
                }
                let feesPaid = mine.reduce(0) { $0 + $1.feePaid }, costs = mine.reduce(0) { $0 + $1.transactionCosts }
                page.tables.append(.init(title: "On \(last.date)", columns: ["Item", "Value"], rows: [
                    ["Fees paid since inception", String(format: "%.2f", feesPaid)], ["Transaction costs since inception", String(format: "%.2f", costs)],
                    ["Positions", last.positions], ["Cash", String(format: "%.2f", last.cash)], ["Fees accrued", String(format: "%.2f", last.feeAccrued)],
                    ["Expense ratio", String(format: "%.2f%%", f.expenseRatio * 100)], ["Methodology version", defs.methodologyVersion],
                    ["Definition hash", last.definitionHash],
                ]))
                write(f.id, page)
                links.append((file(f.id), "\(f.id): \(f.name)", "NAV \(last.navPublished ?? "-") on \(last.date)"))
            }
            sections.append(("Funds", links))

            // Basis against other benchmarks (§10): one page, every benchmark.
            if !defs.benchmarks.isEmpty, only == nil || only == "basis" {
                let rows = try s.latest(BasisRecord.self, to: date).filter { $0.date >= start }
                if rows.isEmpty {
                    missing.append(("", "Basis against other benchmarks", "no factsheet: no benchmark print on a date with a fixing of its grade by \(date) (cix reference ingest)"))
                } else {
                    var page = FactsheetPage(title: "Basis against other benchmarks",
                                             subtitle: "Our fixing minus each benchmark's print, with its trailing \(defs.basisBandDays)-day band (METHODOLOGY.md §10)",
                                             date: date.description)
                    var series: [ChartSeries] = []
                    var table: [[String]] = []
                    for (i, b) in defs.benchmarks.enumerated() {
                        let mine = rows.filter { $0.benchmark == b.id }
                        guard let last = mine.last else { continue }
                        series.append(ChartSeries(name: b.id, color: palette[i % palette.count], points: mine.compactMap { r in
                            CivilDate(iso: r.date).map { ChartPoint(Double($0.dayNumber), r.basis) } }))
                        table.append([b.id, b.grade, last.date, num(last.ours), num(last.theirs), num(last.basis), pct(last.basisPct),
                                      num(last.bandLow), num(last.bandHigh), num(last.meanAbsBasis), "\(last.bandDays)"])
                    }
                    page.headline = table.map { ($0[0] + " on " + $0[2], $0[5] + " (" + $0[6] + ")") }
                    page.charts.append(.line(title: "Basis: our fixing minus the benchmark, USD per GPU-hour", yLabel: "USD per GPU-hour", x: .dates,
                                             series: series, band: nil))
                    page.tables.append(.init(title: "Latest basis and its \(defs.basisBandDays)-day band",
                                             columns: ["Benchmark", "Grade", "Date", "Ours", "Theirs", "Basis", "Basis %", "Band low", "Band high",
                                                       "Mean |basis|", "Days in band"], rows: table))
                    page.tables.append(.init(title: "Benchmarks (benchmarks.yaml)", columns: ["Benchmark", "Name", "Unit", "Compared with"],
                                             rows: defs.benchmarks.map { [$0.id, $0.name, $0.unit, $0.grade] }))
                    write("basis", page)
                    sections.append(("Basis against other benchmarks", [(file("basis"), "Basis against \(series.count) benchmarks",
                                                                         table.map { "\($0[0]) \($0[5])" }.joined(separator: ", "))]))
                }
            }
            if !missing.isEmpty { sections.append(("Series without a factsheet", missing)) }
            book.missing = missing.map { ($0.name, $0.detail) }
        }
        // Every registered series, with what is published of it and how to get it (issue 20 #1).
        var data: [(href: String, name: String, detail: String)] = []
        for x in PublishedSeriesRegistry.all {
            let (n, last) = try s.publishedCount(table: x.table, to: date)
            data.append(("", x.export.rawValue, "\(n) values" + (last.map { " through \($0)" } ?? "") + ": \(x.summary); cix export \(x.export.rawValue)"))
        }
        sections.append(("Published series", data))
        book.sections = sections
        return book
    }
}
