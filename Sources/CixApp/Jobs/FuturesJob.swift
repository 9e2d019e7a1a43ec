import CixCore
import CixIO
import CixStore
import Foundation

/// One settlements or rates file's outcome.
public struct InputFileResult: Sendable {
    public var path: String
    public var rowsRead = 0
    /// Rows that made a new version (settlements) or were stored (rates).
    public var stored = 0
    public var unchanged = 0
    public var rejected = 0
    public var rejectsPath: String?
    public var warnings: [String] = []
    /// SHA-256 of the bytes read.
    public var sha256 = ""
    /// Rows repeating an earlier row of the same file (taken once).
    public var duplicates = 0
}

/// The futures layer's jobs (METHODOLOGY.md §7).
public enum FuturesJob {
    static func writeRejects(_ rejects: [InputReject], path: String, enabled: Bool, dir: String? = nil) throws -> String? {
        let rp = (dir.map { $0 + "/" + (path as NSString).lastPathComponent } ?? path) + ".rejects.csv"
        guard enabled else { return nil }
        guard !rejects.isEmpty else {
            if FileManager.default.fileExists(atPath: rp) { try? FileManager.default.removeItem(atPath: rp) }
            return nil
        }
        let f = try AtomicTextFile(path: rp, followSymlink: false)
        f.write(RejectsCSV.header)
        for r in rejects { f.write(RejectsCSV.row(line: r.line, field: r.field, reason: r.reason, original: r.original)) }
        try f.commit()
        return rp
    }

    /// §7.3: stores exchange settlements, each file in one transaction with its publication run; a
    /// changed settle for a stored date and contract is a new version; bad rows go to the rejects table
    /// and `FILE.rejects.csv`.
    public static func ingestSettlements(store: Store, defs: MethodologyDefinitions, paths: [String], writeRejectFiles: Bool = true,
                                         rejectsDir: String? = nil, now: String? = nil,
                                         inTransaction: ((StoreSession, InputFileResult) throws -> Void)? = nil) throws -> [InputFileResult] {
        let clock = JobClock(now)
        // Settlements more than a day ahead of the clock are refused, like quotes (§3.7).
        let through = clock.today()?.adding(days: 1)
        let parsed = try paths.map { p in
            let source = try FileByteSource(path: p)
            return (p, try SettlementsReader.read(source, path: p, futures: defs.futures, calendar: defs.calendar,
                                                  plausible: defs.reference.plausiblePrice, through: through), source.digest.hex)
        }
        var out: [InputFileResult] = []
        for (path, r, sha) in parsed {
            var res = InputFileResult(path: path, rowsRead: r.rowsRead, rejected: r.rejects.count, warnings: r.warnings, sha256: sha,
                                      duplicates: r.duplicates)
            try store.write { s in
                let at = clock.now()
                let run = try s.beginRun(job: "futures ingest", arguments: path, startedAt: at, definitions: defs.source.description,
                                         definitionsHash: defs.futuresHash)
                let pub = try s.settlementPublisher(runID: run, computedAt: at)
                // §7.3: a volume or open interest not given (no column, or an empty cell) keeps the one known.
                var known: [String: SettlementRecord] = [:]
                if let lo = r.rows.map(\.date).min(), let hi = r.rows.map(\.date).max() {
                    for k in try s.latestSettlements(from: lo, to: hi) { known[k.contract + "@" + k.date] = k }
                }
                for row in r.rows {
                    let k = known[row.contract.ticker + "@" + row.date.description]
                    try pub.publish(SettlementRecord(contract: row.contract.ticker, date: row.date.description, settle: row.settle,
                                                     volume: row.volume ?? k?.volume, openInterest: row.openInterest ?? k?.openInterest,
                                                     sourcePath: path))
                }
                res.stored = pub.written
                res.unchanged = pub.unchanged
                _ = try s.recordInputFile(path: path, format: "settlements", startedAt: at, rowsRead: r.rowsRead, accepted: pub.written,
                                          duplicates: pub.unchanged, rejects: r.rejects.map { ($0.line, $0.field, $0.reason, $0.original) })
                try s.finishRun(run, finishedAt: clock.now(), written: pub.written, unchanged: pub.unchanged)
                try inTransaction?(s, res)
            }
            res.rejectsPath = try writeRejects(r.rejects, path: path, enabled: writeRejectFiles, dir: rejectsDir)
            out.append(res)
        }
        return out
    }

    /// §7.6: stores T-bill rates (percent), each file in one transaction.
    public static func ingestRates(store: Store, paths: [String], writeRejectFiles: Bool = true, rejectsDir: String? = nil,
                                   now: String? = nil, inTransaction: ((StoreSession, InputFileResult) throws -> Void)? = nil) throws -> [InputFileResult] {
        let clock = JobClock(now)
        let parsed = try paths.map { p in
            let source = try FileByteSource(path: p)
            return (p, try RatesReader.read(source, path: p), source.digest.hex)
        }
        var out: [InputFileResult] = []
        for (path, r, sha) in parsed {
            var stored = 0, unchanged = 0
            try store.write { s in
                let at = clock.now()
                // Only a new or changed rate is stored: a re-ingest adds nothing.
                var current = try s.rates()
                var fresh: [(date: String, rate: Double)] = []
                for x in r.rates {
                    if current[x.date] == x.rate { unchanged += 1; continue }
                    current[x.date] = x.rate
                    fresh.append(x)
                }
                stored = fresh.count
                try s.insertRates(fresh, sourcePath: path, at: at)
                _ = try s.recordInputFile(path: path, format: "rates", startedAt: at, rowsRead: r.rowsRead, accepted: stored,
                                          duplicates: unchanged, rejects: r.rejects.map { ($0.line, $0.field, $0.reason, $0.original) })
                try inTransaction?(s, InputFileResult(path: path, rowsRead: r.rowsRead, stored: stored, unchanged: unchanged, rejected: r.rejects.count,
                                                      sha256: sha))
            }
            out.append(InputFileResult(path: path, rowsRead: r.rowsRead, stored: stored, unchanged: unchanged, rejected: r.rejects.count,
                                       rejectsPath: try writeRejects(r.rejects, path: path, enabled: writeRejectFiles, dir: rejectsDir), sha256: sha))
        }
        return out
    }

    /// Latest fixings of some grades, by grade and day number.
    static func fixings(_ s: StoreSession, grades: Set<String>, through: CivilDate) throws -> [String: [Int64: Double]] {
        values(try s.latestFixings(to: through, grades: grades).compactMap(FixingValue.init))
    }

    /// Fixing values by grade and day number (fixings without a value left out).
    static func values(_ fixings: [FixingValue]) -> [String: [Int64: Double]] {
        var out: [String: [Int64: Double]] = [:]
        for f in fixings { if let v = f.value { out[f.grade, default: [:]][f.date.dayNumber] = v } }
        return out
    }

    /// §7.4's definition of a futures contract's curve: the definition, its strip and the fixing definitions it reads.
    static func curveDefinition(_ f: FuturesDefinition, _ defs: MethodologyDefinitions) -> StoredDefinition {
        CanonicalDefinitions.curve(f, methodologyVersion: defs.methodologyVersion, gradeHash: defs.fixingHash(grade:), calendar: defs.calendar)
    }

    /// The published decimals of a tick (0.0001 → 4).
    static func tickDecimals(_ tick: Double) -> Int {
        var d = 0
        var t = tick
        while d < Rounding.maxDecimals, (t - t.rounded()).magnitude > 1e-12 { t *= 10; d += 1 }
        return d
    }

    /// The model curve of one futures definition on one date (nil without the underlying or the strip).
    static func curve(_ f: FuturesDefinition, on d: CivilDate, fixings: [String: [Int64: Double]]) -> ForwardCurve? {
        guard let spot = fixings[f.underlying]?[d.dayNumber], !f.termGrades.isEmpty else { return nil }
        var strip: [TermPoint] = []
        for (m, g) in f.termGrades {
            guard let v = fixings[g]?[d.dayNumber] else { return nil }
            strip.append(TermPoint(months: m, price: v))
        }
        return ForwardCurve(strip: strip, spot: spot, extension: f.curveExtension)
    }

    /// §7.4: computes and publishes the model curve of every futures definition on a grade with a term
    /// strip, for every business day in [from, to].
    public static func curves(store: Store, defs: MethodologyDefinitions, from: CivilDate, to: CivilDate, now: String? = nil,
                              arguments: String = "") throws -> PublishStats {
        try StageJob.publish(PublishedSeriesRegistry.curves, store: store, defs: defs, from: from, to: to, now: now, arguments: arguments)
    }

    /// §7.4: the model curve records of every futures definition with a term strip, for every business
    /// day in [from, to], from these fixings (by grade and day number); arbitrage warnings go to `stats`.
    static func curveRecords(defs: MethodologyDefinitions, fixings fx: [String: [Int64: Double]], from: CivilDate, to: CivilDate,
                             stats: inout PublishStats) -> [CurveRecord] {
        var out: [CurveRecord] = []
        for f in defs.futures where !f.termGrades.isEmpty {
            let cdef = curveDefinition(f, defs)
            let rounding = Rounding(decimals: tickDecimals(f.tick))
            for d in defs.calendar.businessDays(from: from, to: to) {
                guard let c = curve(f, on: d, fixings: fx) else { continue }
                stats.computed += 1
                if !c.warnings.isEmpty {
                    stats.warnings.append("\(f.root) \(d): " + c.warnings.joined(separator: "; "))
                    stats.byStatus["arbitrage warning", default: 0] += 1
                }
                let strip = f.termGrades.mapValues { fx[$0]![d.dayNumber]! }
                let inputs = FuturesAudit.hash(FuturesAudit.curveText(date: d, underlying: f.underlying, spot: c.spot, strip: strip))
                for ahead in 0..<f.listedMonths {
                    let k = Contract(root: f.root, month: ContractMonth(d).adding(months: ahead))
                    guard k.isListed(on: d, listedMonths: f.listedMonths, calendar: defs.calendar) else { continue }
                    let v = c.value(of: k, on: d, settlement: f.settlement, calendar: defs.calendar) { fx[f.underlying]?[$0.dayNumber] }
                    out.append(CurveRecord(root: f.root, date: d.description, contract: k.ticker, monthsAhead: ahead, price: v,
                                           published: v.flatMap { rounding.format($0) }, warnings: c.warnings.joined(separator: "; "),
                                           beyondStrip: c.isBeyondStrip(monthsAhead: ahead), inputsHash: inputs, definitionHash: cdef.hash))
                }
            }
        }
        return out
    }

    /// Prices, rates and underlying fixings as the rolling indices and funds read them (§7.5–§7.6).
    struct Market {
        var settle: [String: [Int64: Double]] = [:]
        var model: [String: [Int64: Double]] = [:]
        var rateDays: [(Int64, Double)] = []
        var fixings: [String: [Int64: Double]] = [:]

        /// The exchange settlement, else a positive model price (§7.5, §7.7).
        func price(_ c: Contract, _ d: CivilDate) -> ContractPrice? {
            if let p = settle[c.ticker]?[d.dayNumber] { return ContractPrice(value: p, exchange: true) }
            if let p = model[c.ticker]?[d.dayNumber], p > 0 { return ContractPrice(value: p, exchange: false) }
            return nil
        }

        /// §7.7: the price of `d`, else the last one on an earlier day (a disrupted day).
        func lastPrice(_ c: Contract, _ d: CivilDate) -> Double? {
            if let p = price(c, d) { return p.value }
            var best: (Int64, Double)?
            for (day, v) in settle[c.ticker] ?? [:] where day < d.dayNumber && day > (best?.0 ?? .min) { best = (day, v) }
            for (day, v) in model[c.ticker] ?? [:] where v > 0 && day < d.dayNumber && (day > (best?.0 ?? .min) || (day == best?.0 && settle[c.ticker]?[day] == nil)) {
                best = (day, v)
            }
            return best?.1
        }

        /// The first day with a price (settlement or model) of any contract of `root`.
        func firstPriced(root: String) -> CivilDate? {
            var best: Int64?
            for (t, days) in settle where t.hasPrefix(root) { if let m = days.keys.min() { best = min(best ?? m, m) } }
            for (t, days) in model where t.hasPrefix(root) { if let m = days.keys.min() { best = min(best ?? m, m) } }
            return best.map { CivilDate(dayNumber: $0) }
        }

        /// The last day with a price (settlement or model) of any contract of `root`.
        func lastPriced(root: String) -> CivilDate? {
            var best: Int64?
            for (t, days) in settle where t.hasPrefix(root) { if let m = days.keys.max() { best = max(best ?? m, m) } }
            for (t, days) in model where t.hasPrefix(root) { if let m = days.keys.max() { best = max(best ?? m, m) } }
            return best.map { CivilDate(dayNumber: $0) }
        }

        /// The rate of `d`, else the latest earlier one (percent).
        func rate(_ d: CivilDate) -> Double? {
            var lo = 0, hi = rateDays.count
            while lo < hi { let m = (lo + hi) / 2; if rateDays[m].0 <= d.dayNumber { lo = m + 1 } else { hi = m } }
            return lo > 0 ? rateDays[lo - 1].1 : nil
        }
    }

    static func market(_ s: StoreSession, defs: MethodologyDefinitions, through to: CivilDate) throws -> Market {
        try market(s, defs: defs, through: to, curves: try s.latestCurves(to: to),
                   fixings: try fixings(s, grades: Set(defs.futures.map(\.underlying)), through: to))
    }

    /// The market from the stored settlements and rates, and these curves and fixings.
    static func market(_ s: StoreSession, defs: MethodologyDefinitions, through to: CivilDate, curves: [CurveRecord],
                       fixings: [String: [Int64: Double]]) throws -> Market {
        var m = Market()
        for r in try s.latestSettlements(to: to) { if let d = CivilDate(iso: r.date) { m.settle[r.contract, default: [:]][d.dayNumber] = r.settle } }
        for r in curves { if let d = CivilDate(iso: r.date), d <= to, let p = r.price { m.model[r.contract, default: [:]][d.dayNumber] = p } }
        m.rateDays = try s.rates().compactMap { k, v in CivilDate(iso: k).map { ($0.dayNumber, v) } }.sorted { $0.0 < $1.0 }
        m.fixings = fixings
        return m
    }

    /// The rolling indices' values through `to` (§7.5–§7.7), from settlements (which win), stored curves,
    /// rates and the underlying's fixings.
    static func computeIndices(_ s: StoreSession, defs: MethodologyDefinitions, through to: CivilDate) throws -> [(RollingIndexDefinition, [RollingIndexValue])] {
        computeIndices(try market(s, defs: defs, through: to), defs: defs, through: to)
    }

    static func computeIndices(_ m: Market, defs: MethodologyDefinitions, through to: CivilDate) -> [(RollingIndexDefinition, [RollingIndexValue])] {
        defs.rollingIndices.map { ri in
            let f = defs.futures.first { $0.root == ri.futures }!
            // An index ends with its root's last price: past it every day would be a disruption.
            let through = min(to, m.lastPriced(root: f.root) ?? ri.baseDate.adding(days: -1))
            return (ri, RollingIndexEngine.compute(ri, root: f.root, calendar: defs.calendar, through: through, price: m.price, rate: m.rate,
                                                   spot: { m.fixings[f.underlying]?[$0.dayNumber] }))
        }
    }

    static func indexDefinition(_ ri: RollingIndexDefinition, _ defs: MethodologyDefinitions) -> StoredDefinition {
        let f = defs.futures.first { $0.root == ri.futures }!
        return CanonicalDefinitions.rollingIndex(ri, methodologyVersion: defs.methodologyVersion, curve: curveDefinition(f, defs))
    }

    /// §7.5–§7.7: computes every rolling index from its start and publishes the days in [from, to].
    public static func indices(store: Store, defs: MethodologyDefinitions, from: CivilDate, to: CivilDate, now: String? = nil,
                               arguments: String = "") throws -> PublishStats {
        try StageJob.publish(PublishedSeriesRegistry.futuresIndices, store: store, defs: defs, from: from, to: to, now: now,
                             arguments: arguments)
    }

    /// §7.5–§7.7: the stored form of the rolling index days from `from` on.
    static func indexRecords(defs: MethodologyDefinitions, values: [(RollingIndexDefinition, [RollingIndexValue])], from: CivilDate,
                             stats: inout PublishStats) throws -> [FuturesIndexRecord] {
        var out: [FuturesIndexRecord] = []
        for (ri, series) in values {
            let idef = indexDefinition(ri, defs)
            for v in series where v.date >= from {
                guard v.er.isFinite, v.tr.isFinite else {
                    throw StaleInputs(description: "\(ri.id) on \(v.date): ER or TR is not a finite number; check the settlements of \(ri.futures)")
                }
                stats.computed += 1
                stats.byStatus[v.status.rawValue, default: 0] += 1
                let inputs = FuturesAudit.hash(FuturesAudit.rollText(index: ri.id, date: v.date, holdings: v.holdingsText, prices: v.prices,
                                                                     rate: v.tbillRate))
                out.append(FuturesIndexRecord(
                    index: ri.id, date: v.date.description, status: v.status.rawValue, er: v.er, tr: v.tr, cdr: v.cdr, tbr: v.tbr,
                    tbillRate: v.tbillRate, holdings: v.holdingsText, settlementSource: v.settlementSource, rollYield: v.rollYield,
                    erPublished: ri.rounding.format(v.er), trPublished: ri.rounding.format(v.tr), inputsHash: inputs,
                    definitionHash: idef.hash))
            }
        }
        return out
    }
}
