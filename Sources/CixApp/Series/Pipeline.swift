import CixCore
import CixIO
import CixStore
import Foundation

/// One pass of the stage pipeline (METHODOLOGY.md §9.2): each registered series computes the dates
/// [from, to] from the values of the stages before it as they will stand once this pass has published:
/// the stored values, replaced by the new and restated ones of this pass (a held change is not read).
/// The daily job, the single-stage commands and `cix verify` all run it; they differ only in what
/// `emit` does with each value (decide against the store, publish, or collect).
final class PipelineState {
    let s: StoreSession
    let defs: MethodologyDefinitions
    let from: CivilDate
    let to: CivilDate
    /// Only these funds (`cix fund nav --fund`); nil for all.
    var funds: [String]?
    var stats = PublishStats()
    /// Seconds per stage (logged by the daily job).
    var seconds: [(stage: String, seconds: Double)] = []
    /// What becomes of a computed value: its publication decision, or nil when nothing is published
    /// (verify), in which case later stages read the stored values.
    let decide: (any AnyPublishedSeries, any SeriesRecord) throws -> PublishDecision?

    init(_ s: StoreSession, defs: MethodologyDefinitions, from: CivilDate, to: CivilDate,
         decide: @escaping (any AnyPublishedSeries, any SeriesRecord) throws -> PublishDecision?) {
        self.s = s
        self.defs = defs
        self.from = from
        self.to = to
        self.decide = decide
    }

    /// Emits a value; true when this pass publishes it (new or restated), so later stages read it.
    @discardableResult func emit(_ series: any AnyPublishedSeries, _ r: any SeriesRecord) throws -> Bool {
        let d = try decide(series, r)
        return d == .new || d == .restate
    }

    // MARK: The values later stages read

    private var storedFixings: [FixingValue]?
    /// This pass's new and restated fixings, by grade and date.
    var newFixings: [FixingKey: FixingValue] = [:]
    private var storedCurves: [CurveRecord]?
    var newCurves: [String: CurveRecord] = [:]
    private var cachedMarket: FuturesJob.Market?

    /// The stored fixings through `to` (key, status, value, capacity).
    func publishedFixings() throws -> [FixingValue] {
        if let storedFixings { return storedFixings }
        let f = try s.latestFixingValues(to: to)
        storedFixings = f
        return f
    }

    /// The fixings through `to` as they will stand: the stored ones with this pass's in their place, then
    /// the new ones by grade and date (the stages key every fixing by grade and date: the order only
    /// needs to be deterministic).
    func fixings() throws -> [FixingValue] {
        var fresh = newFixings
        let merged = try publishedFixings().map { $0.date >= from ? fresh.removeValue(forKey: FixingKey($0.grade, $0.date)) ?? $0 : $0 }
        return merged + fresh.values.sorted { ($0.grade, $0.date) < ($1.grade, $1.date) }
    }

    /// The curves through `to` as they will stand.
    func curves() throws -> [CurveRecord] {
        if storedCurves == nil { storedCurves = try s.latestCurves(to: to) }
        guard !newCurves.isEmpty else { return storedCurves! }
        var all: [String: CurveRecord] = [:]
        for c in storedCurves! { all[c.root + "|" + c.date + "|" + c.contract] = c }
        for (k, c) in newCurves { all[k] = c }
        return all.values.sorted { ($0.root, $0.date, $0.contract) < ($1.root, $1.date, $1.contract) }
    }

    /// Settlements, curves, rates and the underlying fixings of the futures roots (§7.5, §8).
    func market() throws -> FuturesJob.Market {
        if let cachedMarket { return cachedMarket }
        let underlying = Set(defs.futures.map(\.underlying))
        let m = try FuturesJob.market(s, defs: defs, through: to, curves: try curves(),
                                      fixings: FuturesJob.values(try fixings()).filter { underlying.contains($0.key) })
        cachedMarket = m
        return m
    }

    /// Runs the given series' compute steps in registry order.
    func run(_ series: [any AnyPublishedSeries] = PublishedSeriesRegistry.all) throws {
        for x in series {
            let t0 = Date()
            try x.compute(self)
            seconds.append((x.table, Date().timeIntervalSince(t0)))
        }
    }
}

/// A fixing's key: grade and date.
struct FixingKey: Hashable {
    var grade: String
    var date: CivilDate
    init(_ grade: String, _ date: CivilDate) {
        self.grade = grade
        self.date = date
    }
}

/// The compute step of each registered series.
enum Stages {
    /// §5: every grade's fixing on each fixing date in [from, to], from the normalized quotes. A stale
    /// fixing carries the published value of its date: this pass's when it publishes that date, else the
    /// stored one (§5.5; a held recomputation is never carried).
    @Sendable static func fixings(_ st: PipelineState) throws {
        let stored = PublishedValues(try st.publishedFixings())
        let series = PublishedSeriesRegistry.fixings
        try FixingJob.compute(st.s, defs: st.defs, from: st.from, to: st.to, published: { g, d in
            st.newFixings[FixingKey(g, d)] != nil ? nil : stored.value(g, d)
        }) { f, names in
            let r = FixingJob.record(f, defs: st.defs, names: names)
            st.stats.computed += 1
            st.stats.byStatus[r.status, default: 0] += 1
            if try st.emit(series, r) {
                st.newFixings[FixingKey(f.grade, f.date)] = FixingValue(grade: f.grade, date: f.date, status: f.status, value: r.value,
                                                                        capacityGPUs: r.capacityGPUs, imputed: !(r.imputedSources ?? "").isEmpty)
            }
        }
    }

    /// §6: every index from its base date; the levels dated [from, to].
    @Sendable static func indices(_ st: PipelineState) throws {
        for (def, values) in IndexJob.compute(defs: st.defs, prices: IndexJob.prices(try st.fixings()), through: st.to) {
            for v in values where v.date >= st.from {
                st.stats.computed += 1
                st.stats.byStatus[v.status.rawValue, default: 0] += 1
                try st.emit(PublishedSeriesRegistry.indexLevels, IndexJob.record(def, v, defs: st.defs))
            }
        }
    }

    /// §7.4: the model curve of every root with a term strip, on each business day in [from, to].
    @Sendable static func curves(_ st: PipelineState) throws {
        for c in FuturesJob.curveRecords(defs: st.defs, fixings: FuturesJob.values(try st.fixings()), from: st.from, to: st.to, stats: &st.stats) {
            if try st.emit(PublishedSeriesRegistry.curves, c) { st.newCurves[c.root + "|" + c.date + "|" + c.contract] = c }
        }
    }

    /// §7.5–§7.7: every rolling index from its start; the days dated [from, to].
    @Sendable static func futuresIndices(_ st: PipelineState) throws {
        let values = FuturesJob.computeIndices(try st.market(), defs: st.defs, through: st.to)
        for r in try FuturesJob.indexRecords(defs: st.defs, values: values, from: st.from, stats: &st.stats) {
            try st.emit(PublishedSeriesRegistry.futuresIndices, r)
        }
    }

    /// §8: every fund (or the selected ones) from inception; the days dated [from, to].
    @Sendable static func funds(_ st: PipelineState) throws {
        let m = try st.market()
        let computed = try FundJob.compute(m, defs: st.defs, funds: st.funds, through: st.to)
        for r in try FundJob.navRecords(defs: st.defs, computed: computed, market: m, from: st.from, stats: &st.stats) {
            try st.emit(PublishedSeriesRegistry.funds, r)
        }
    }

    /// §7.8: every root's contract months whose last averaged day falls in [from, to], from the
    /// underlying's fixings as they will stand; a month with no fixing value at all is not settled.
    @Sendable static func finalSettlements(_ st: PipelineState) throws {
        let roots = FuturesJob.gradeRoots(st.defs)
        guard !roots.isEmpty else { return }
        let underlying = Set(roots.map(\.underlying))
        var byGrade: [String: [Int64: FixingValue]] = [:]
        for f in try st.fixings() where underlying.contains(f.grade) { byGrade[f.grade, default: [:]][f.date.dayNumber] = f }
        for def in roots {
            var m = ContractMonth(st.from)
            while m <= ContractMonth(st.to) {
                defer { m = m.adding(months: 1) }
                guard let r = FinalSettlement.settle(def, month: m, calendar: st.defs.calendar, fixing: { byGrade[def.underlying]?[$0.dayNumber] }),
                      r.date >= st.from, r.date <= st.to, r.price != nil else { continue }
                st.stats.computed += 1
                st.stats.byStatus[r.status, default: 0] += 1
                try st.emit(PublishedSeriesRegistry.finalSettlements, FuturesJob.settlementRecord(r, def, defs: st.defs))
            }
        }
    }

    static func noPrices(_ defs: MethodologyDefinitions, _ d: CivilDate) -> String {
        "no settlement and no model-curve price of \(defs.futures.map(\.root).joined(separator: ", ")) contracts through \(d) (§7.3–§7.5)"
    }
}

/// A single-stage command (`cix fix`, `cix index`, `cix futures curve`, `cix futures index`,
/// `cix fund nav`): computes one series for [from, to] from the stored values of the stages before it
/// and publishes every change, in one transaction with its publication run.
enum StageJob {
    static func publish(_ series: any AnyPublishedSeries, store: Store, defs: MethodologyDefinitions, from: CivilDate, to: CivilDate,
                        now: String?, arguments: String, publishedDates: String? = nil, funds: [String]? = nil,
                        before: ((StoreSession, inout PublishStats) throws -> Void)? = nil) throws -> PublishStats {
        let clock = JobClock(now)
        var stats = PublishStats()
        try store.write { s in
            try before?(s, &stats)
            let at = clock.now()
            let run = try s.beginRun(job: series.job, arguments: arguments, startedAt: at, definitions: defs.source.description,
                                     definitionsHash: series.definitionsHash(defs))
            try s.recordDefinitions(series.definitions(defs), runID: run)
            let pub = try series.publisher(s, runID: run, computedAt: at, context: nil)
            let state = PipelineState(s, defs: defs, from: from, to: to) { _, r in
                let d = try pub.decide(any: r)
                try pub.publish(any: r, hold: false)
                return d
            }
            state.funds = funds
            state.stats = stats
            try state.run([series])
            stats = state.stats
            if stats.computed == 0, defs.calendar.businessDays(from: from, to: to).isEmpty {
                stats.notes = ["nothing to compute: no business day from \(from) to \(to) (§1.6)"]
            } else if stats.computed == 0 {
                let valued = Set(try state.fixings().filter { $0.value != nil && $0.date == to }.map(\.grade))
                stats.notes = series.emptyNotes(defs, on: to, valued: valued)
                if stats.notes.isEmpty { stats.notes = ["\(series.table): nothing to compute from \(from) to \(to) (no fixing or business day with inputs)"] }
            }
            stats.runID = run
            stats.newVersions = pub.written
            stats.unchanged = pub.unchanged
            try s.finishRun(run, finishedAt: clock.now(), written: pub.written, unchanged: pub.unchanged, publishedDates: publishedDates)
        }
        return stats
    }
}
