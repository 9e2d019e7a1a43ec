import CixCore
import Foundation
import Plot

/// What one factsheet page shows: charts, tables and notes, rendered to a self-contained HTML page
/// (inline SVG and CSS, no scripts, no external assets, A4 print layout).
public struct FactsheetPage: Sendable {
    public enum Chart: Sendable {
        case line(title: String, yLabel: String, x: ChartXAxis, series: [ChartSeries], band: ChartBand?)
        case bars(title: String, items: [BarItem])
    }
    public struct BarItem: Sendable {
        public var label: String
        public var value: Double
        public init(label: String, value: Double) {
            self.label = label
            self.value = value
        }
    }
    public struct Table: Sendable {
        public var title: String
        public var columns: [String]
        public var rows: [[String]]
        public init(title: String, columns: [String], rows: [[String]]) {
            self.title = title
            self.columns = columns
            self.rows = rows
        }
    }

    /// A table cell: text, a link, or a sparkline of values.
    public enum Cell: Sendable {
        case text(String)
        case link(String, href: String)
        case sparkline([Double])
    }
    /// A form field: a text input, or a choice among options.
    public struct Field: Sendable {
        public var name: String
        public var label: String
        public var value: String
        public var options: [String]?
        public init(name: String, label: String, value: String, options: [String]? = nil) {
            self.name = name
            self.label = label
            self.value = value
            self.options = options
        }
    }
    /// Content shown before the charts (the web app's pages).
    public enum Block: Sendable {
        case table(title: String, columns: [String], rows: [[Cell]])
        case form(action: String, fields: [Field], submit: String)
        case paragraph(String)
        case error(String)
    }

    public var title: String
    public var subtitle: String
    public var date: String
    /// Links shown above the title (label, href).
    public var nav: [(label: String, href: String)] = []
    /// Where "All factsheets" points.
    public var homeHref = "index.html"
    public var blocks: [Block] = []
    public var headline: [(label: String, value: String)] = []
    public var charts: [Chart] = []
    public var tables: [Table] = []
    public var notes: [String] = []

    public init(title: String, subtitle: String, date: String) {
        self.title = title
        self.subtitle = subtitle
        self.date = date
    }
}

/// Renders factsheet pages and their index with Plot.
public enum Factsheet {
    public typealias N = Node<HTML.BodyContext>

    static let css = """
    @page { size: A4; margin: 12mm; }
    body { font-family: "DejaVu Sans", Helvetica, Arial, sans-serif; color: #1b1f24; margin: 0 auto; max-width: 186mm; font-size: 10.5pt; }
    header { border-bottom: 3px solid #1f5fa8; margin-bottom: 10px; padding: 8px 0; }
    h1 { font-size: 17pt; margin: 0; color: #12325a; } h2 { font-size: 12pt; color: #12325a; margin: 14px 0 4px; }
    .sub { color: #555; margin-top: 2px; } .date { float: right; color: #12325a; font-weight: bold; }
    .head { display: flex; gap: 10px; flex-wrap: wrap; margin: 8px 0; }
    .kpi { border: 1px solid #d0d7de; border-radius: 4px; padding: 4px 10px; } .kpi b { display: block; font-size: 13pt; color: #12325a; }
    table { border-collapse: collapse; width: 100%; font-size: 9pt; margin-bottom: 6px; }
    th, td { border-bottom: 1px solid #e1e4e8; padding: 2px 6px; text-align: right; } th { background: #eef3f9; }
    td:first-child, th:first-child { text-align: left; }
    svg.chart { display: block; margin: 4px 0 8px; page-break-inside: avoid; }
    svg .ct { font-size: 13px; font-weight: bold; fill: #12325a; } svg .yt { font-size: 11px; text-anchor: end; fill: #333; }
    svg .xt { font-size: 11px; text-anchor: middle; fill: #333; } svg .yl, svg .xl { font-size: 11px; text-anchor: middle; fill: #555; }
    svg .lg { font-size: 11px; fill: #333; } svg .grid { stroke: #e6e9ee; } svg .axis { stroke: #444; }
    footer, .notes { color: #666; font-size: 8pt; margin-top: 10px; } a { color: #1f5fa8; }
    nav { font-size: 9pt; margin: 6px 0; } nav a { margin-right: 12px; }
    form { display: grid; grid-template-columns: repeat(3, 1fr); gap: 6px 12px; margin: 8px 0; font-size: 9pt; }
    form label { display: flex; flex-direction: column; } form input, form select { font: inherit; padding: 2px 4px; }
    form button { grid-column: 1 / -1; justify-self: start; padding: 4px 14px; }
    .error { color: #b00020; border: 1px solid #b00020; padding: 4px 8px; }
    svg.spark { width: 120px; height: 24px; vertical-align: middle; }
    """

    static func el(_ name: String, _ cls: String? = nil, _ children: [N]) -> N {
        Charts.el(name, cls.map { [("class", $0)] } ?? [], children)
    }

    static func document(title: String, body: [N]) -> String {
        let html = HTML(.head(.meta(.charset(.utf8)), .title(title), .style(css)), .body(.group(body)))
        return html.render(indentedBy: nil) + "\n"
    }

    static func link(_ text: String, _ href: String) -> N {
        .element(named: "a", nodes: [N.attribute(named: "href", value: href), .text(text)])
    }

    /// A small inline SVG line of the values (no axes).
    public static func sparkline(_ values: [Double]) -> N {
        guard values.count > 1, let lo = values.min(), let hi = values.max() else { return .text("") }
        let w = 120.0, h = 24.0
        let d = values.enumerated().map { i, v in
            (i == 0 ? "M" : "L") + String(format: "%.1f,%.1f", Double(i) / Double(values.count - 1) * w,
                                          hi > lo ? h - 2 - (v - lo) / (hi - lo) * (h - 4) : h / 2)
        }.joined()
        return Charts.el("svg", [("xmlns", "http://www.w3.org/2000/svg"), ("viewBox", "0 0 120 24"), ("class", "spark"), ("role", "img")],
                         [Charts.el("path", [("d", d), ("fill", "none"), ("stroke", "#1f5fa8"), ("stroke-width", "1.2")])])
    }

    static func cell(_ c: FactsheetPage.Cell) -> N {
        switch c {
        case .text(let t): return .text(t)
        case let .link(t, href): return link(t, href)
        case .sparkline(let v): return sparkline(v)
        }
    }

    static func block(_ b: FactsheetPage.Block) -> [N] {
        switch b {
        case let .table(title, columns, rows):
            let head = el("tr", nil, columns.map { el("th", nil, [.text($0)]) })
            return [el("h2", nil, [.text(title)]), el("table", nil, [head] + rows.map { r in el("tr", nil, r.map { el("td", nil, [cell($0)]) }) })]
        case let .form(action, fields, submit):
            var nodes: [N] = [N.attribute(named: "method", value: "get"), N.attribute(named: "action", value: action)]
            for f in fields {
                let input: N
                if let options = f.options {
                    input = .element(named: "select", nodes: [N.attribute(named: "name", value: f.name)] + options.map { o in
                        .element(named: "option", nodes: [N.attribute(named: "value", value: o)] + (o == f.value ? [N.attribute(named: "selected", value: "selected")] : [])
                                 + [.text(o)])
                    })
                } else {
                    input = .element(named: "input", nodes: [N.attribute(named: "name", value: f.name), N.attribute(named: "value", value: f.value, ignoreIfValueIsEmpty: false)])
                }
                nodes.append(.element(named: "label", nodes: [.text(f.label), input]))
            }
            nodes.append(.element(named: "button", nodes: [N.attribute(named: "type", value: "submit"), .text(submit)]))
            return [.element(named: "form", nodes: nodes)]
        case .paragraph(let t): return [el("p", nil, [.text(t)])]
        case .error(let t): return [el("p", "error", [.text(t)])]
        }
    }

    /// One page.
    public static func render(_ p: FactsheetPage) -> String {
        var body: [N] = []
        if !p.nav.isEmpty { body.append(el("nav", nil, p.nav.map { link($0.label, $0.href) })) }
        body.append(el("header", nil, [el("span", "date", [.text(p.date)]), el("h1", nil, [.text(p.title)]),
                                       el("div", "sub", [.text(p.subtitle)])]))
        for b in p.blocks { body += block(b) }
        if !p.headline.isEmpty {
            body.append(el("div", "head", p.headline.map { el("div", "kpi", [.text($0.label), el("b", nil, [.text($0.value)])]) }))
        }
        for c in p.charts {
            switch c {
            case let .line(title, yLabel, x, series, band): body.append(Charts.line(title: title, yLabel: yLabel, x: x, series: series, band: band))
            case let .bars(title, items): body.append(Charts.bars(title: title, items: items.map { ($0.label, $0.value) }))
            }
        }
        for t in p.tables {
            body.append(el("h2", nil, [.text(t.title)]))
            let head = el("tr", nil, t.columns.map { el("th", nil, [.text($0)]) })
            body.append(el("table", nil, [head] + t.rows.map { r in el("tr", nil, r.map { el("td", nil, [.text($0)]) }) }))
        }
        if !p.notes.isEmpty { body.append(el("div", "notes", p.notes.map { el("p", nil, [.text($0)]) })) }
        body.append(el("footer", nil, [.text("ComputeIndex factsheet, generated by cix from the store of record. "),
                                       link("All factsheets", p.homeHref)]))
        return document(title: "\(p.title) — \(p.date)", body: body)
    }

    /// The index page linking every factsheet: sections of (file, name, detail).
    public static func index(title: String, date: String, sections: [(heading: String, links: [(href: String, name: String, detail: String)])]) -> String {
        var body: [N] = [el("header", nil, [el("span", "date", [.text(date)]), el("h1", nil, [.text(title)]),
                                            el("div", "sub", [.text("Factsheets of every benchmark index, rolling futures index and fund")])])]
        for s in sections {
            body.append(el("h2", nil, [.text(s.heading)]))
            body.append(el("table", nil, [el("tr", nil, [el("th", nil, [.text("Factsheet")]), el("th", nil, [.text("Latest")])])] + s.links.map { l in
                // No href: a series with no factsheet (nothing published yet), named with why.
                el("tr", nil, [el("td", nil, [l.href.isEmpty ? .text(l.name) : N.element(named: "a", nodes: [N.attribute(named: "href", value: l.href), .text(l.name)])]),
                               el("td", nil, [.text(l.detail)])])
            }))
        }
        return document(title: title, body: body)
    }
}
