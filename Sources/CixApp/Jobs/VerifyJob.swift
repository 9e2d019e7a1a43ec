import CixCore
import CixIO
import CixStore
import Foundation

/// A published value that its stored inputs no longer reproduce.
public struct VerifyDifference: Sendable {
    public var series: String
    public var key: String
    public var date: String
    public var stored: String
    public var recomputed: String
    /// The fields that differ.
    public var fields: [String]
}

/// What `cix verify` checked and found.
public struct VerifyReport: Sendable {
    public var checked: [(series: String, values: Int)] = []
    public var differences: [VerifyDifference] = []
    /// Differences explained by a change held outside the restatement window (§9.2): not failures.
    public var held: [VerifyDifference] = []
    public var range: ClosedRange<CivilDate>?
}

/// §9.6: recomputes every published value in memory from the stored inputs of its stage (normalized
/// quotes for fixings; stored fixings for indices and curves; stored settlements, curves, rates and
/// fixings for rolling indices and funds) and compares it with the latest vintage, field by field.
public enum VerifyJob {
    public static func run(store: Store, defs: MethodologyDefinitions, from: CivilDate? = nil, to: CivilDate? = nil) throws -> VerifyReport {
        var report = VerifyReport()
        try store.read { s in
            guard let span = try s.publishedFixingSpan() else { return }
            let lo = max(from ?? span.lowerBound, span.lowerBound), hi = min(to ?? span.upperBound, span.upperBound)
            guard lo <= hi else { return }
            report.range = lo...hi
            var held = Set<String>()
            for r in try s.restatements(from: lo, to: hi) {
                let k = r.series + "|" + r.key + "|" + r.date
                if r.published { held.remove(k) } else { held.insert(k) }
            }
            func key(_ r: any SeriesRecord) -> String { r.keyCells.map(\.description).joined(separator: "|") }
            // The one pipeline, publishing nothing: each stage reads the stored values of the stages before it.
            var recomputed: [String: [String: any SeriesRecord]] = [:]
            let state = PipelineState(s, defs: defs, from: lo, to: hi) { series, r in
                if r.date >= lo.description, r.date <= hi.description { recomputed[series.table, default: [:]][key(r)] = r }
                return nil
            }
            try state.run()
            for x in PublishedSeriesRegistry.all {
                var stored: [String: any SeriesRecord] = [:]
                for r in try x.stored(s, from: lo, to: hi, series: nil, vintage: .latest) { stored[key(r)] = r }
                compare(x.table, stored: stored, recomputed: recomputed[x.table] ?? [:], held: held, into: &report)
            }
        }
        return report
    }

    /// Compares a series' stored values with the recomputed ones, field by field (§9.6).
    static func compare(_ series: String, stored: [String: any SeriesRecord], recomputed: [String: any SeriesRecord], held: Set<String>,
                        into report: inout VerifyReport) {
        var n = 0
        // A key's published span: a value recomputed for a date inside it but not stored was removed behind
        // the store's back (issue 21 #12); dates outside it were never published.
        var span: [String: (String, String)] = [:]
        for r in stored.values {
            let s = span[r.seriesKey]
            span[r.seriesKey] = (min(s?.0 ?? r.date, r.date), max(s?.1 ?? r.date, r.date))
        }
        for k in Set(stored.keys).union(recomputed.keys).sorted() {
            let a = stored[k], b = recomputed[k]
            guard let a else {
                // Only published values are verified: a date never published is not a difference.
                if let b, let s = span[b.seriesKey], b.date > s.0, b.date < s.1 {
                    n += 1
                    report.differences.append(VerifyDifference(series: series, key: b.seriesKey, date: b.date, stored: "-", recomputed: b.mainText,
                                                               fields: ["published, now missing"]))
                }
                continue
            }
            n += 1
            let fields = b.map { differing(a, $0) } ?? ["not recomputed"]
            guard !fields.isEmpty else { continue }
            // The main value when it differs, else the first field that does (a hash, a status, …).
            var shown = (a.mainText, b?.mainText ?? "-")
            if let b, !fields.contains(a.mainExport), let f = fields.first {
                shown = ("\(f) \(a.text(ofExport: f) ?? "-")", "\(f) \(b.text(ofExport: f) ?? "-")")
            }
            let d = VerifyDifference(series: series, key: a.seriesKey, date: a.date, stored: shown.0, recomputed: shown.1, fields: fields)
            if held.contains(series + "|" + a.seriesKey + "|" + a.date) { report.held.append(d) } else { report.differences.append(d) }
        }
        report.checked.append((series, n))
    }

    /// The value fields (export names) that differ between two values of one series.
    static func differing<R: SeriesRecord>(_ a: R, _ b: any SeriesRecord) -> [String] {
        guard let b = b as? R else { return ["(type)"] }
        return a.differingFields(b)
    }
}
