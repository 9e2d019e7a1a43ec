import CixCore
import CixIO
import CixStore
import Foundation

/// What a publishing job did.
public struct PublishStats: Sendable {
    public var computed = 0
    public var newVersions = 0
    public var unchanged = 0
    public var byStatus: [String: Int] = [:]
    public var runID: Int64 = 0
    public var warnings: [String] = []
}

/// A job's inputs were made under other definitions: it refuses to stamp results with definitions
/// it did not use, and names the command to run first.
public struct StaleInputs: Error, CustomStringConvertible {
    public var description: String
}

/// The clock of a job: a fixed time (tests, reproducible runs) or the wall clock.
public struct JobClock: Sendable {
    let fixed: String?
    public init(_ fixed: String? = nil) { self.fixed = fixed }
    public func now() -> String { fixed ?? Timestamp.format(Int64(Date().timeIntervalSince1970)) }
}

public enum FixingJob {
    /// The window's observations per grade (§5.1), read from the store.
    static func observations(_ s: StoreSession, date: CivilDate, defs: MethodologyDefinitions, grades: [GradeDefinition]? = nil,
                             recordNames: Bool = false) throws -> GradeWindowBuilder {
        var b = GradeWindowBuilder(grades: grades ?? defs.reference.grades.grades, recordNames: recordNames)
        try s.forEachGradedQuote(in: defs.fixing.window(date)) { b.add($0) }
        return b
    }

    /// Window results of every grade (or of `only`) for one fixing date; grades are computed in parallel.
    /// A grade's result depends on its own observations only (§5.1–§5.6).
    static func windowResults(_ s: StoreSession, date: CivilDate, defs: MethodologyDefinitions,
                              only: [GradeDefinition]? = nil) throws -> [String: Result<WindowResult, InsufficientData>] {
        let grades = only ?? defs.reference.grades.grades
        let obs = try observations(s, date: date, defs: defs, grades: grades).observations
        let end = defs.fixing.window(date).end
        let results = Collector<Result<WindowResult, InsufficientData>>()
        DispatchQueue.concurrentPerform(iterations: grades.count) { gi in
            results.put(gi, FixingEngine.compute(obs[gi], windowEnd: end, params: defs.fixing,
                                                 seedKey: Bootstrap.seedKey(grade: grades[gi].id, date: date)))
        }
        let all = results.ordered(grades.count)
        var out: [String: Result<WindowResult, InsufficientData>] = [:]
        for (i, g) in grades.enumerated() { out[g.id] = all[i] }
        return out
    }

    /// §1.1: the normalized quotes must have been written under these reference definitions and the
    /// FX rates stored now; quotes stored since the last normalization are reported.
    static func checkNormalization(_ s: StoreSession, defs: MethodologyDefinitions, from: CivilDate, to: CivilDate,
                                   stats: inout PublishStats) throws {
        guard let last = try s.lastNormalizationRun() else {
            if try s.quoteCount() > 0 { throw StaleInputs(description: "the stored quotes are not normalized yet: run cix normalize first") }
            return
        }
        if last.referenceHash != defs.reference.hash {
            throw StaleInputs(description: "the quotes were normalized under other definitions (chips, locations, grades or normalization.yaml changed): run cix normalize first")
        }
        if last.fxHash != (try s.fxSnapshot()).hash {
            throw StaleInputs(description: "FX rates were stored after the last normalization: run cix normalize first")
        }
        let lo = defs.fixing.window(from).start, hi = defs.fixing.window(to).end
        let incomplete = try s.incompletelyNormalizedBlocks()
        if !incomplete.isEmpty {
            throw StaleInputs(description: "the normalized quotes of \(incomplete.count) raw blocks are incomplete (changed behind the store's back): run cix normalize first")
        }
        let pending = try s.rawBlockInfos(afterQuoteID: last.maxQuoteID).filter { $0.maxEpoch > lo && $0.minEpoch <= hi }
        if !pending.isEmpty {
            stats.warnings.append("\(pending.reduce(0) { $0 + $1.count }) quotes stored since the last normalization may fall in these windows and are not in any fixing: run cix normalize")
        }
    }

    /// The stored form of a fixing.
    static func record(_ f: Fixing, defs: MethodologyDefinitions) -> FixingRecord {
        let w = f.window
        return FixingRecord(grade: f.grade, date: f.date.description, status: f.status.rawValue, value: f.value, published: f.published(defs.fixing),
                            offers: f.windowOffers, sources: f.windowSources, outliers: w?.outliers, p25: w?.p25, p75: w?.p75,
                            min: w?.min, max: w?.max, ciLow: w?.ciLow, ciHigh: w?.ciHigh, capacityGPUs: w?.capacityGPUs ?? 0,
                            carriedFrom: f.carriedFrom?.description, inputsHash: w?.inputsHash, definitionHash: defs.fixingHash(grade: f.grade))
    }

    /// The fixing dates in [from, to], preceded by the earlier fixing dates a carry-forward can reach.
    static func datesWithLookback(_ defs: MethodologyDefinitions, from: CivilDate, to: CivilDate) -> [CivilDate] {
        let p = defs.fixing
        var dates = p.previousFixingDates(from, p.maxStaleDays, calendar: defs.calendar).reversed() as [CivilDate]
        var d = from
        while d <= to {
            if p.isFixingDate(d, calendar: defs.calendar) { dates.append(d) }
            d = d.adding(days: 1)
        }
        return dates
    }

    /// §5: the fixing of every grade for each fixing date in [from, to], from the stored normalized
    /// quotes (nothing is written). The fixing dates before `from` that a carry-forward can reach are
    /// evaluated too, so the result never depends on which dates were computed before. `each` gets
    /// every fixing as it is computed, in date then grade order.
    static func compute(_ s: StoreSession, defs: MethodologyDefinitions, from: CivilDate, to: CivilDate,
                        each: (Fixing) throws -> Void) throws {
        let p = defs.fixing
        let grades = defs.reference.grades.grades
        // Window results by date and grade. A date in [from, to] is computed for every grade; an earlier
        // window only for the grades whose carry-forward (§5.5) reaches it, most recent first, until each
        // finds a sufficient window: the results are those of computing every window in full.
        var windows: [Int64: [String: Result<WindowResult, InsufficientData>]] = [:]
        func ensure(_ d: CivilDate, _ wanted: [GradeDefinition]) throws {
            let have = windows[d.dayNumber] ?? [:]
            let missing = wanted.filter { have[$0.id] == nil }
            guard !missing.isEmpty else { return }
            let r = try windowResults(s, date: d, defs: defs, only: missing.count == grades.count ? nil : missing)
            windows[d.dayNumber, default: [:]].merge(r) { old, _ in old }
        }
        var d = from
        while d <= to {
            defer { d = d.adding(days: 1) }
            guard p.isFixingDate(d, calendar: defs.calendar) else { continue }
            try ensure(d, grades)
            let historyDates = p.previousFixingDates(d, p.maxStaleDays, calendar: defs.calendar)
            var pending = grades.filter { if case .failure = windows[d.dayNumber]![$0.id]! { true } else { false } }
            for h in historyDates where !pending.isEmpty {
                try ensure(h, pending)
                pending = pending.filter { if case .failure = windows[h.dayNumber]![$0.id]! { true } else { false } }
            }
            for g in grades {
                let history = historyDates.map { windows[$0.dayNumber]?[g.id] }
                try each(FixingEngine.fixing(grade: g.id, date: d, today: windows[d.dayNumber]![g.id]!, history: history,
                                             params: p, historyDates: historyDates))
            }
            // Windows older than any later date's history are no longer needed.
            if let oldest = historyDates.last { windows = windows.filter { $0.key >= oldest.dayNumber } }
        }
    }

    /// Computes and publishes the fixing of every grade for each fixing date in [from, to] (§5), in one
    /// transaction with its publication run.
    public static func run(store: Store, defs: MethodologyDefinitions, from: CivilDate, to: CivilDate,
                           now: String? = nil, arguments: String = "") throws -> PublishStats {
        let clock = JobClock(now)
        var stats = PublishStats()
        try store.write { s in
            try checkNormalization(s, defs: defs, from: datesWithLookback(defs, from: from, to: to).first ?? from, to: to, stats: &stats)
            let started = clock.now()
            let runID = try s.beginRun(job: "fix", arguments: arguments, startedAt: started, definitions: defs.source.description,
                                       definitionsHash: defs.fixingHash)
            stats.runID = runID
            try s.recordDefinitions(defs.reference.grades.grades.compactMap { defs.fixingDefinitions[$0.id] }, runID: runID)
            let publisher = try s.fixingPublisher(runID: runID, computedAt: started)
            try compute(s, defs: defs, from: from, to: to) { f in
                stats.computed += 1
                stats.byStatus[f.status.rawValue, default: 0] += 1
                try publisher.publish(record(f, defs: defs))
            }
            stats.newVersions = publisher.written
            stats.unchanged = publisher.unchanged
            try s.finishRun(runID, finishedAt: clock.now(), written: publisher.written, unchanged: publisher.unchanged)
        }
        return stats
    }
}

/// Results of concurrent work, by index.
final class Collector<T>: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [Int: T] = [:]
    func put(_ i: Int, _ v: T) { lock.lock(); items[i] = v; lock.unlock() }
    func ordered(_ n: Int) -> [T] { (0..<n).map { items[$0]! } }
}
