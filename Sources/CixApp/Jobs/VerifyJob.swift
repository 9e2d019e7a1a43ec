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
    /// The fields of two records of one type that differ.
    static func differingFields<T>(_ a: T, _ b: T) -> [String] {
        zip(recordFields(a), recordFields(b)).filter { "\($0.value)" != "\($1.value)" }.map(\.0.label)
    }

    static func text(_ v: Double?) -> String { v.map { "\($0)" } ?? "-" }

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
            func compare<R>(_ series: String, stored: [String: R], recomputed: [String: R], key: (R) -> (String, String),
                            main: (R) -> String) {
                var n = 0
                // A key's published span: a value recomputed for a date inside it but not stored was removed
                // behind the store's back (issue 21 #12); dates outside it were never published.
                var span: [String: (String, String)] = [:]
                for r in stored.values {
                    let (kk, date) = key(r)
                    let s = span[kk]
                    span[kk] = (min(s?.0 ?? date, date), max(s?.1 ?? date, date))
                }
                for k in Set(stored.keys).union(recomputed.keys).sorted() {
                    n += 1
                    let a = stored[k], b = recomputed[k]
                    if a == nil, let b {
                        let (kk, date) = key(b)
                        if let s = span[kk], date > s.0, date < s.1 {
                            report.differences.append(VerifyDifference(series: series, key: kk, date: date, stored: "-", recomputed: main(b),
                                                                       fields: ["(published, now missing)"]))
                            continue
                        }
                    }
                    // Only published values are verified: a date never published is not a difference.
                    guard a != nil else { n -= 1; continue }
                    let (kk, date) = key((a ?? b)!)
                    var fields: [String] = []
                    if let a, let b { fields = differingFields(a, b) } else { fields = [a == nil ? "(not stored)" : "(not recomputed)"] }
                    guard !fields.isEmpty else { continue }
                    let d = VerifyDifference(series: series, key: kk, date: date, stored: a.map(main) ?? "-", recomputed: b.map(main) ?? "-",
                                             fields: fields)
                    if held.contains(series + "|" + kk + "|" + date) { report.held.append(d) } else { report.differences.append(d) }
                }
                report.checked.append((series, n))
            }
            func inRange(_ date: String) -> Bool { CivilDate(iso: date).map { $0 >= lo && $0 <= hi } ?? false }

            // Fixings (§5) from the normalized quotes.
            let storedFixings = try s.latestFixings(to: hi)
            var recomputedFixings: [String: FixingRecord] = [:]
            let storedValues = PublishedValues(storedFixings)
            try FixingJob.compute(s, defs: defs, from: lo, to: hi, published: storedValues.value) { f, names in
                let r = FixingJob.record(f, defs: defs, names: names)
                recomputedFixings[r.grade + "|" + r.date] = r
            }
            var sf: [String: FixingRecord] = [:]
            for f in storedFixings where inRange(f.date) {
                var x = f
                x.version = 0
                x.runID = 0
                sf[f.grade + "|" + f.date] = x
            }
            compare("fixings", stored: sf, recomputed: recomputedFixings, key: { ($0.grade, $0.date) }, main: { text($0.value) })

            // Indices (§6) from the stored fixings.
            var si: [String: IndexLevelRecord] = [:], ri: [String: IndexLevelRecord] = [:]
            for l in try s.latestIndexLevels(from: lo, to: hi) {
                var x = l
                x.version = 0
                x.runID = 0
                si[l.index + "|" + l.date] = x
            }
            for (def, values) in IndexJob.compute(defs: defs, prices: IndexJob.prices(storedFixings), through: hi) {
                for v in values where v.date >= lo { let (l, _) = IndexJob.records(def, v, defs: defs); ri[l.index + "|" + l.date] = l }
            }
            compare("index_levels", stored: si, recomputed: ri, key: { ($0.index, $0.date) }, main: { text($0.level) })

            // Curves (§7.4) from the stored fixings.
            let byGrade = FuturesJob.values(storedFixings)
            var stats = PublishStats()
            var sc: [String: CurveRecord] = [:], rc: [String: CurveRecord] = [:]
            let storedCurves = try s.latestCurves(to: hi)
            for c in storedCurves where inRange(c.date) { var x = c; x.version = 0; sc[c.root + "|" + c.date + "|" + c.contract] = x }
            for c in FuturesJob.curveRecords(defs: defs, fixings: byGrade, from: lo, to: hi, stats: &stats) {
                rc[c.root + "|" + c.date + "|" + c.contract] = c
            }
            compare("curves", stored: sc, recomputed: rc, key: { ($0.root + " " + $0.contract, $0.date) }, main: { text($0.price) })

            // Rolling indices (§7.5–§7.7) and funds (§8) from stored settlements, curves, rates, fixings.
            let underlying = Set(defs.futures.map(\.underlying))
            let market = try FuturesJob.market(s, defs: defs, through: hi, curves: storedCurves,
                                               fixings: byGrade.filter { underlying.contains($0.key) })
            var sx: [String: FuturesIndexRecord] = [:], rx: [String: FuturesIndexRecord] = [:]
            for r in try s.latestFuturesIndexLevels(from: lo, to: hi) { var x = r; x.version = 0; sx[r.index + "|" + r.date] = x }
            for r in try FuturesJob.indexRecords(defs: defs, values: FuturesJob.computeIndices(market, defs: defs, through: hi), from: lo,
                                                 stats: &stats) {
                rx[r.index + "|" + r.date] = r
            }
            compare("futures_index_levels", stored: sx, recomputed: rx, key: { ($0.index, $0.date) }, main: { "ER \($0.er) TR \($0.tr)" })
            var sn: [String: FundNAVRecord] = [:], rn: [String: FundNAVRecord] = [:]
            for r in try s.latestFundNAV(from: lo, to: hi) { var x = r; x.version = 0; sn[r.fund + "|" + r.date] = x }
            for r in try FundJob.navRecords(defs: defs, computed: try FundJob.compute(market, defs: defs, funds: nil, through: hi), from: lo,
                                            stats: &stats) {
                rn[r.fund + "|" + r.date] = r
            }
            compare("fund_nav", stored: sn, recomputed: rn, key: { ($0.fund, $0.date) }, main: { "\($0.navPerShare)" })
        }
        return report
    }
}
