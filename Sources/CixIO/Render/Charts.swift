import CixCore
import Foundation
import Plot

/// One line of a chart: (x, y) points, x a day number or any number.
public struct ChartSeries: Sendable {
    public var name: String
    public var color: String
    public var points: [ChartPoint]
    public var dashed = false
    public init(name: String, color: String, points: [ChartPoint], dashed: Bool = false) {
        self.name = name
        self.color = color
        self.points = points
        self.dashed = dashed
    }
}

public struct ChartPoint: Sendable {
    public var x: Double
    public var y: Double
    public init(_ x: Double, _ y: Double) {
        self.x = x
        self.y = y
    }
}

/// A shaded band between two bounds (a confidence band), on the same x as a series.
public struct ChartBand: Sendable {
    public var name: String
    public var color: String
    public var lower: [ChartPoint]
    public var upper: [ChartPoint]
    public init(name: String, color: String, lower: [ChartPoint], upper: [ChartPoint]) {
        self.name = name
        self.color = color
        self.lower = lower
        self.upper = upper
    }
}

/// How the x axis is labelled.
public enum ChartXAxis: Sendable {
    /// x is a day number (days since 1970-01-01).
    case dates
    /// x is a number, with a label (e.g. months ahead).
    case numbers(String)
}

/// Inline SVG charts for the factsheet (no scripts, no external assets): axes with ticks and labels,
/// gridlines, lines, an optional band and a legend. Built as Plot nodes, so every text is escaped.
public enum Charts {
    public typealias N = Node<HTML.BodyContext>

    public static func el(_ name: String, _ attrs: [(String, String)], _ children: [N] = []) -> N {
        .element(named: name, nodes: attrs.map { N.attribute(named: $0.0, value: $0.1) } + children)
    }

    static func fmt(_ v: Double) -> String { String(format: "%.1f", v) }

    /// "Nice" tick values covering [lo, hi]: steps of 1, 2 or 5 times a power of ten.
    public static func ticks(_ lo: Double, _ hi: Double, count: Int = 5) -> [Double] {
        guard hi > lo, lo.isFinite, hi.isFinite else { return [lo] }
        let raw = (hi - lo) / Double(max(count, 1))
        let mag = pow(10, floor(log10(raw)))
        let step = [1.0, 2, 5, 10].map { $0 * mag }.first { $0 >= raw } ?? 10 * mag
        var out: [Double] = []
        var v = ceil(lo / step) * step
        while v <= hi + step * 1e-9 {
            out.append(abs(v) < step * 1e-9 ? 0 : v)
            v += step
        }
        return out
    }

    static func label(_ v: Double, step: Double) -> String {
        let decimals = step >= 1 ? 0 : min(6, Int(ceil(-log10(step))))
        return String(format: "%.\(decimals)f", v)
    }

    static func dateLabel(_ day: Double) -> String {
        let d = CivilDate(dayNumber: Int64(day.rounded())).components
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        return "\(months[d.month - 1]) \(d.year)"
    }

    /// A line chart with axes, gridlines, an optional band and a legend.
    public static func line(title: String, yLabel: String, x: ChartXAxis, series: [ChartSeries], band: ChartBand? = nil,
                            width: Double = 720, height: Double = 300) -> N {
        let all = series.flatMap(\.points) + (band.map { $0.lower + $0.upper } ?? [])
        guard let xMin = all.map(\.x).min(), let xMax = all.map(\.x).max(), var yMin = all.map(\.y).min(), var yMax = all.map(\.y).max() else {
            return el("p", [("class", "nodata")], [.text("\(title): no data")])
        }
        if yMax - yMin < 1e-12 { yMin -= 1; yMax += 1 }
        let pad = (yMax - yMin) * 0.05
        yMin -= pad
        yMax += pad
        let left = 64.0, right = 16.0, top = 28.0, bottom = 44.0
        let pw = width - left - right, ph = height - top - bottom
        let xs = { (v: Double) in left + (xMax > xMin ? (v - xMin) / (xMax - xMin) * pw : pw / 2) }
        let ys = { (v: Double) in top + ph - (v - yMin) / (yMax - yMin) * ph }
        var nodes: [N] = [el("title", [], [.text(title)]),
                          el("text", [("x", fmt(left)), ("y", "16"), ("class", "ct")], [.text(title)])]
        let yt = ticks(yMin, yMax)
        let ystep = yt.count > 1 ? yt[1] - yt[0] : 1
        for t in yt {
            nodes.append(el("line", [("x1", fmt(left)), ("x2", fmt(left + pw)), ("y1", fmt(ys(t))), ("y2", fmt(ys(t))), ("class", "grid")]))
            nodes.append(el("text", [("x", fmt(left - 6)), ("y", fmt(ys(t) + 4)), ("class", "yt")], [.text(label(t, step: ystep))]))
        }
        var xt: [Double]
        switch x {
        case .dates:
            // Month starts, thinned to at most 7 labels.
            var months: [Double] = []
            let c = CivilDate(dayNumber: Int64(xMin)).components
            var (y, mo) = (c.year, c.month)
            while true {
                let m = Double(CivilDate(year: y, month: mo, day: 1)!.dayNumber)
                if m > xMax { break }
                if m >= xMin { months.append(m) }
                (y, mo) = mo == 12 ? (y + 1, 1) : (y, mo + 1)
            }
            let every = max(1, Int(ceil(Double(months.count) / 7)))
            xt = stride(from: 0, to: months.count, by: every).map { months[$0] }
            if xt.isEmpty { xt = [xMin, xMax] }
        case .numbers:
            xt = ticks(xMin, xMax, count: 6)
        }
        for t in xt {
            nodes.append(el("line", [("x1", fmt(xs(t))), ("x2", fmt(xs(t))), ("y1", fmt(top + ph)), ("y2", fmt(top + ph + 4)), ("class", "axis")]))
            let text: String
            switch x {
            case .dates: text = dateLabel(t)
            case .numbers: text = label(t, step: xt.count > 1 ? xt[1] - xt[0] : 1)
            }
            // A label near the right edge ends at its tick instead of centring on it (never clipped).
            var attrs = [("x", fmt(xs(t))), ("y", fmt(top + ph + 18)), ("class", "xt")]
            if xs(t) + Double(text.count) * 3.5 + 2 > width { attrs.append(("style", "text-anchor: end")) }
            nodes.append(el("text", attrs, [.text(text)]))
        }
        nodes.append(el("line", [("x1", fmt(left)), ("x2", fmt(left + pw)), ("y1", fmt(top + ph)), ("y2", fmt(top + ph)), ("class", "axis")]))
        nodes.append(el("line", [("x1", fmt(left)), ("x2", fmt(left)), ("y1", fmt(top)), ("y2", fmt(top + ph)), ("class", "axis")]))
        nodes.append(el("text", [("x", "14"), ("y", fmt(top + ph / 2)), ("class", "yl"), ("transform", "rotate(-90 14 \(fmt(top + ph / 2)))")],
                        [.text(yLabel)]))
        if case .numbers(let l) = x {
            nodes.append(el("text", [("x", fmt(left + pw / 2)), ("y", fmt(height - 4)), ("class", "xl")], [.text(l)]))
        }
        if let band, !band.lower.isEmpty {
            let upper = band.upper.map { "\(fmt(xs($0.x))),\(fmt(ys($0.y)))" }
            let lower = band.lower.reversed().map { "\(fmt(xs($0.x))),\(fmt(ys($0.y)))" }
            nodes.append(el("path", [("d", "M" + (upper + lower).joined(separator: " L") + " Z"), ("fill", band.color), ("fill-opacity", "0.25"),
                                     ("stroke", "none"), ("class", "band")]))
        }
        for s in series where !s.points.isEmpty {
            let d = s.points.enumerated().map { ($0.offset == 0 ? "M" : "L") + "\(fmt(xs($0.element.x))),\(fmt(ys($0.element.y)))" }.joined()
            var a = [("d", d), ("fill", "none"), ("stroke", s.color), ("stroke-width", "1.6"), ("class", "series")]
            if s.dashed { a.append(("stroke-dasharray", "5 3")) }
            nodes.append(el("path", a))
            if s.points.count == 1 {
                nodes.append(el("circle", [("cx", fmt(xs(s.points[0].x))), ("cy", fmt(ys(s.points[0].y))), ("r", "3"), ("fill", s.color)]))
            }
        }
        // Legend below the x axis, wrapping.
        var items = series.map { ($0.name, $0.color, false) }
        if let band { items.append((band.name, band.color, true)) }
        var lx = left, ly = height + 6
        for (name, color, isBand) in items {
            let w = Double(name.count) * 6.4 + 30
            if lx + w > width { lx = left; ly += 16 }
            nodes.append(isBand ? el("rect", [("x", fmt(lx)), ("y", fmt(ly - 8)), ("width", "14"), ("height", "8"), ("fill", color), ("fill-opacity", "0.25")])
                                : el("line", [("x1", fmt(lx)), ("x2", fmt(lx + 14)), ("y1", fmt(ly - 4)), ("y2", fmt(ly - 4)), ("stroke", color), ("stroke-width", "2")]))
            nodes.append(el("text", [("x", fmt(lx + 18)), ("y", fmt(ly)), ("class", "lg")], [.text(name)]))
            lx += w
        }
        return el("svg", [("xmlns", "http://www.w3.org/2000/svg"), ("viewBox", "0 0 \(fmt(width)) \(fmt(ly + 8))"), ("width", "100%"),
                          ("role", "img"), ("class", "chart")], nodes)
    }

    /// Horizontal bars (weights), values in [0, 1] shown as percentages.
    public static func bars(title: String, items: [(label: String, value: Double)], color: String = "#1f5fa8", width: Double = 720) -> N {
        let row = 22.0, left = 190.0, top = 28.0
        let height = top + row * Double(items.count) + 10
        let maxV = max(items.map(\.value).max() ?? 1, 1e-12)
        var nodes: [N] = [el("title", [], [.text(title)]), el("text", [("x", "0"), ("y", "16"), ("class", "ct")], [.text(title)])]
        for (i, it) in items.enumerated() {
            let y = top + row * Double(i)
            let w = (width - left - 70) * it.value / maxV
            nodes.append(el("text", [("x", fmt(left - 8)), ("y", fmt(y + 14)), ("class", "yt")], [.text(it.label)]))
            nodes.append(el("path", [("d", "M\(fmt(left)),\(fmt(y + 3)) h\(fmt(max(w, 0.5))) v14 h-\(fmt(max(w, 0.5))) Z"), ("fill", color),
                                     ("class", "series")]))
            nodes.append(el("text", [("x", fmt(left + w + 6)), ("y", fmt(y + 14)), ("class", "lg")], [.text(String(format: "%.1f%%", it.value * 100))]))
        }
        return el("svg", [("xmlns", "http://www.w3.org/2000/svg"), ("viewBox", "0 0 \(fmt(width)) \(fmt(height))"), ("width", "100%"),
                          ("role", "img"), ("class", "chart")], nodes)
    }
}
