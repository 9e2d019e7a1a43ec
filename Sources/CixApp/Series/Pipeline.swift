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

    /// The fixings of these grades as they will stand, by grade and day number.
    func fixingsByGrade(_ grades: Set<String>) throws -> [String: [Int64: FixingValue]] {
        var out: [String: [Int64: FixingValue]] = [:]
        for f in try fixings() where grades.contains(f.grade) { out[f.grade, default: [:]][f.date.dayNumber] = f }
        return out
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
            // Without a publication context every change is published: a value written is what later
            // stages read (publish decides once; deciding first as well read each key's latest version twice).
            let state = PipelineState(s, defs: defs, from: from, to: to) { _, r in
                try pub.publish(any: r, hold: false) ? .new : .unchanged
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
