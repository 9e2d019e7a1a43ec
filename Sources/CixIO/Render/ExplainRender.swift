import CixCore
import Foundation

/// Plain-text and JSON renderings of fixing and index traces (`cix explain`).
public enum ExplainRender {
    public static func json<T: Encodable>(_ value: T) throws -> String {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try e.encode(value), as: UTF8.self) + "\n"
    }

    static func num(_ v: Double?) -> String { v.map { "\($0)" } ?? "-" }

    static func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s : s + String(repeating: " ", count: n - s.count) }

    public static func text(_ t: FixingTrace, stored: String?) -> String {
        var o = "fixing \(t.grade) on \(t.date): \(t.status)"
        if let p = t.published { o += " \(p)" }
        o += "\n"
        if let stored { o += "stored: \(stored)\n" }
        o += "§5.1 window (\(t.windowStart), \(t.windowEnd)]: \(t.observations) observations, \(t.offers.count) offers\n"
        o += "§5.2 outliers within each source (its own offers' median and MAD): \(t.offers.filter { $0.status.hasPrefix("dropped: outlier in") }.count) offers dropped\n"
        if let m = t.outlierMedian {
            o += "§5.2 outliers across sources: median of the source values \(m); a source counts as missing when its level (value ÷ median) is beyond ×/÷ \(num(t.outlierBand)) of its review level"
            o += "; \(t.outliersDropped) offers dropped in all\n"
        } else {
            o += "§5.2 outliers across sources: fewer than 3 sources, none dropped\n"
        }
        o += "  offers (source, offer, observations, held seconds, time-weighted price, available GPUs, status):\n"
        for x in t.offers {
            o += "    \(pad(x.source, 12)) \(pad(x.offer, 34)) \(x.observations) \(pad(String(x.heldSeconds), 6)) \(pad("\(x.price)", 20)) \(pad(num(x.availableGPUs), 8)) \(x.status)\n"
        }
        let panel = t.initialPanel ? "initial panel (no review had members): the window's live sources, weighted by their window capacity"
            : "review of \(t.reviewDate)"
        o += "§5.8 panel: \(panel); \(t.liveSources) live, \(t.imputedSources) imputed"
        let out = t.sources.filter { !($0.state == "live" || $0.state.hasPrefix("imputed")) }
        if !out.isEmpty { o += "; out of the fixing: " + out.map { "\($0.source) (\($0.state))" }.joined(separator: ", ") }
        o += "\n"
        for c in t.panelChanges { o += "    panel change: \(c)\n" }
        let inFixing = t.sources.filter { $0.state == "live" || $0.state.hasPrefix("imputed") }
        o += "§5.5 sufficiency: \(inFixing.count) sources (min \(t.minSources); live \(t.liveSources), min \(t.minLiveSources)), "
        o += "\(inFixing.reduce(0) { $0 + $1.offers }) offers in the fixing (min \(t.minOffers)): \(t.sufficient ? "sufficient" : "insufficient")\n"
        if !t.sources.isEmpty {
            o += "§5.3/§5.4 sources (source, state, offers, weighted median, window capacity GPUs, base capacity, capacity share, capped weight):\n"
            for s in t.sources {
                o += "    \(pad(s.source, 12)) \(pad(s.state, 9)) \(pad(String(s.offers), 4)) \(pad(num(s.median), 20)) \(pad(num(s.capacityGPUs), 10)) \(pad(num(s.baseCapacity), 10)) \(pad(String(format: "%.6f", s.capacityShare), 9)) \(String(format: "%.6f", s.weight))\(s.capped ? " (capped)" : "")"
                if let a = s.imputedAge, let f = s.imputationFactor {
                    o += "  imputed: age \(a) fixing date\(a == 1 ? "" : "s"), last live \(s.imputedFrom ?? "?"), factor \(f)"
                }
                o += "\n"
            }
            if t.sufficient { o += "    weights sum to \(t.sources.reduce(0) { $0 + $1.weight }); value = weighted mean of the source values over the middle \(Int(((1 - 2 * t.trim) * 100).rounded()))% of the weight (trim \(t.trim) each end)\n" }
        }
        if let reason = t.levelReason {
            o += "§5.9 input level: \(t.inputLevel ?? "none"): \(reason)"
            if let a = t.transactionShare, let b = t.firmShare, let c = t.indicativeShare {
                o += "; shares transaction \(a), firm \(b), indicative \(c)"
            }
            o += "\n"
            if !t.levelSources.isEmpty {
                let unit = t.inputLevel == "transaction" ? "volume GPU-hours" : "window capacity GPUs"
                o += "  \(t.inputLevel ?? "") level sources (source, state, prices, weighted median, \(unit), capped weight):\n"
                for s in t.levelSources {
                    o += "    \(pad(s.source, 12)) \(pad(s.state, 9)) \(pad(String(s.offers), 4)) \(pad(num(s.median), 20)) \(pad(num(s.capacityGPUs), 10)) \(String(format: "%.6f", s.weight))\(s.capped ? " (capped)" : "")\n"
                }
            }
        }
        if let v = t.value, t.fallback == "none", (t.inputLevel ?? "firm") == "firm", let lo = t.offers.filter({ $0.status == "kept" }).map(\.price).min(),
           let hi = t.offers.filter({ $0.status == "kept" }).map(\.price).max(), v < lo || v > hi {
            o += "    note: the value lies outside the window's kept offers because imputed sources count too\n"
        }
        switch t.fallback {
        case "none": o += "value \(num(t.value)); 95% interval [\(num(t.ciLow)), \(num(t.ciHigh))]; inputs \(t.inputsHash ?? "-")\n"
        case "stale": o += "fallback: stale, carries the ok value of \(t.carriedFrom ?? "?"): \(num(t.value))\n"
        default: o += "fallback: suspended, nothing published\n"
        }
        return o
    }

    public static func text(_ t: IndexTrace, stored: String?) -> String {
        var o = "index \(t.index) on \(t.date): \(t.status)"
        if let p = t.published { o += " \(p)" }
        o += "\n"
        if let stored { o += "stored: \(stored)\n" }
        o += "§6.3 chain link: level \(num(t.linkLevel)) on \(t.linkDate ?? "-")\n"
        o += "§6.2 constituents (grade, weight, link price, price, held, price/link, contribution):\n"
        for c in t.constituents {
            o += "    \(pad(c.grade, 22)) \(pad(String(format: "%.6f", c.weight), 9)) \(pad("\(c.linkPrice)", 20)) \(pad("\(c.price)", 20)) \(c.held ? "held " : "     ") \(pad("\(c.relative)", 20)) \(c.contribution)\n"
        }
        o += "relative Σ w·p/pL = \(t.relative); level = \(num(t.linkLevel)) × \(t.relative) = \(num(t.level))\n"
        return o
    }
}
