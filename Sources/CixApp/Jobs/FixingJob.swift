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
    /// Why nothing was computed, when nothing was (issue 22 #4).
    public var notes: [String] = []
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
    /// The UTC date of `now()` (nil for a fixed clock that is not a timestamp).
    public func today() -> CivilDate? { CivilDate(iso: String(now().prefix(10))) }
}

public enum FixingJob {
    /// The window's observations per grade (§5.1), read from the store.
    static func observations(_ s: StoreSession, date: CivilDate, defs: MethodologyDefinitions, grades: [GradeDefinition]? = nil,
                             recordNames: Bool = false) throws -> GradeWindowBuilder {
        var b = GradeWindowBuilder(grades: grades ?? defs.reference.grades.grades, recordNames: recordNames, resales: defs.fixing.resales)
        try s.forEachGradedQuote(in: defs.fixing.window(date)) { b.add($0) }
        return b
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
    static func record(_ f: Fixing, defs: MethodologyDefinitions, names: [UInt64: String]) -> FixingRecord {
        let w = f.window
        func name(_ k: UInt64) -> String { names[k] ?? String(k, radix: 16) }
        let imputed = w.map { $0.imputed.map { "\(name($0.source)):\($0.age)" }.sorted().joined(separator: ";") }
        let changes = f.events.map { $0.text(name) }.joined(separator: "; ")
        var r = FixingRecord(grade: f.grade, date: f.date.description, status: f.status.rawValue, value: f.value, published: f.published(defs.fixing),
                             offers: f.windowOffers, sources: f.windowSources, outliers: w?.outliers, p25: w?.p25, p75: w?.p75,
                             min: w?.min, max: w?.max, ciLow: w?.ciLow, ciHigh: w?.ciHigh, capacityGPUs: w?.capacityGPUs ?? 0,
                             carriedFrom: f.carriedFrom?.description, liveSources: w?.liveSources,
                             imputedSources: imputed?.isEmpty == false ? imputed : nil, panelChanges: changes.isEmpty ? nil : changes,
                             inputsHash: w?.inputsHash, definitionHash: defs.fixingHash(grade: f.grade))
        if let w {
            r.inputLevel = w.inputLevel.rawValue
            r.transactionShare = w.shares.transaction
            r.firmShare = w.shares.firm
            r.indicativeShare = w.shares.indicative
        }
        return r
    }

    /// The earliest date whose window a fixing of `from` can read: its review period (§5.8), its
    /// carry-forward (§5.5) and each carried date's imputation history (§5.8).
    static func lookbackStart(_ defs: MethodologyDefinitions, from: CivilDate) -> CivilDate {
        let p = defs.fixing
        let review = p.review(for: from, calendar: defs.calendar).period.first ?? from
        let back = p.previousFixingDates(from, p.maxStaleDays + p.maxImputedDays + 1, calendar: defs.calendar).last ?? from
        return min(review, back)
    }

    /// §5: the fixing of every grade for each fixing date in [from, to], from the stored normalized
    /// quotes (nothing is written); nothing for a grade before its series starts (§5.5). The earlier windows a fixing reads (§5.5 carry-forward, §5.8
    /// imputation and review) are evaluated too, so the result never depends on which dates were
    /// computed before. `each` gets every fixing as it is computed, in date then grade order, with the
    /// names of the sources it may cite.
    ///
    /// `published` gives the published value of a grade's date, when one is: a stale fixing carries the
    /// published value of the date it carries (§5.5), never a recomputation held outside the
    /// restatement window (§9.2).
    static func compute(_ s: StoreSession, defs: MethodologyDefinitions, from: CivilDate, to: CivilDate,
                        published: ((String, CivilDate) -> Double?)? = nil,
                        each: (Fixing, [UInt64: String]) throws -> Void) throws {
        let c = FixingComputer(s, defs: defs, hashFrom: from)
        // §5.5: a grade's series starts on its first fixing date with a value; a date already published
        // keeps its row (published rows are never deleted, so a store's earlier rows stay in the series).
        var start = try s.firstFixingDates()
        var d = from
        while d <= to {
            defer { d = d.adding(days: 1) }
            guard defs.fixing.isFixingDate(d, calendar: defs.calendar) else { continue }
            for var f in try c.fixings(d) {
                if f.status == .stale, let carried = f.carriedFrom, let v = published?(f.grade, carried) { f.value = v }
                if f.value != nil, start[f.grade].map({ d < $0 }) ?? true { start[f.grade] = d }
                guard let first = start[f.grade], d >= first else { continue }
                try each(f, c.names)
            }
            c.prune(after: d)
        }
    }

    /// Computes and publishes the fixing of every grade for each fixing date in [from, to] (§5), in one
    /// transaction with its publication run.
    public static func run(store: Store, defs: MethodologyDefinitions, from: CivilDate, to: CivilDate,
                           now: String? = nil, arguments: String = "") throws -> PublishStats {
        try StageJob.publish(PublishedSeriesRegistry.fixings, store: store, defs: defs, from: from, to: to, now: now, arguments: arguments,
                             publishedDates: from == to ? from.description : "\(from)..\(to)") { s, stats in
            try checkNormalization(s, defs: defs, from: lookbackStart(defs, from: from), to: to, stats: &stats)
        }
    }
}

/// §5.5: the published value of each grade and date, as a stale fixing carries it (`FixingJob.compute`'s
/// `published`); run, `cix fix` and verify read it alike.
struct PublishedValues {
    private let values: [FixingKey: Double?]
    init(_ fixings: [FixingValue]) {
        values = Dictionary(fixings.map { (FixingKey($0.grade, $0.date), $0.value) }) { a, _ in a }
    }
    func value(_ grade: String, _ date: CivilDate) -> Double? { values[FixingKey(grade, date)] ?? nil }
}

/// Results of concurrent work, by index.
final class Collector<T>: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [Int: T] = [:]
    func put(_ i: Int, _ v: T) { lock.lock(); items[i] = v; lock.unlock() }
    func ordered(_ n: Int) -> [T] { (0..<n).map { items[$0]! } }
}

/// The fixings of consecutive dates with the windows, reviews and panel evaluations each reads (§5.5,
/// §5.8), each computed once and kept while a later date may need it: a backfill reads every window once.
final class FixingComputer {
    let s: StoreSession
    let defs: MethodologyDefinitions
    let grades: [GradeDefinition]
    let p: FixingParameters
    /// Windows on or after this date carry their inputs hash (§5.7): the dates published.
    let hashFrom: CivilDate
    private var windows: [Int64: [WindowSources]] = [:]
    private var reviews: [Int64: [PanelReview]] = [:]
    private var panels: [Int64: [Panel.Evaluation]] = [:]
    /// Source key → id of every source read.
    private(set) var names: [UInt64: String] = [:]

    init(_ s: StoreSession, defs: MethodologyDefinitions, hashFrom: CivilDate) {
        self.s = s
        self.defs = defs
        grades = defs.reference.grades.grades
        p = defs.fixing
        self.hashFrom = hashFrom
    }

    /// §5.1–§5.3 for every grade on date `d`; grades in parallel.
    func window(_ d: CivilDate) throws -> [WindowSources] {
        if let w = windows[d.dayNumber] { return w }
        let b = try FixingJob.observations(s, date: d, defs: defs, grades: grades)
        names.merge(b.sourceNames) { a, _ in a }
        let obs = b.observations
        let end = p.window(d).end
        let hash = d >= hashFrom
        let params = p
        let results = Collector<WindowSources>()
        DispatchQueue.concurrentPerform(iterations: grades.count) { gi in
            results.put(gi, FixingEngine.window(obs[gi], windowEnd: end, params: params, hash: hash).sources)
        }
        let all = results.ordered(grades.count)
        windows[d.dayNumber] = all
        return all
    }

    /// §5.8: the review governing `d`'s month, per grade.
    func review(_ d: CivilDate) throws -> (date: CivilDate, reviews: [PanelReview]) {
        let r = p.review(for: d, calendar: defs.calendar)
        if let c = reviews[r.date.dayNumber] { return (r.date, c) }
        let period = try r.period.map { try window($0) }
        let out = grades.indices.map { gi in PanelReview.make(date: r.date, period: period.map { $0[gi] }, factor: p.sourceOutlierFactor) }
        reviews[r.date.dayNumber] = out
        return (r.date, out)
    }

    /// The inputs of §5.8 for `d`: the windows of the previous fixing dates and the reviews.
    func panelInputs(_ d: CivilDate) throws -> (history: [(date: CivilDate, windows: [WindowSources])], review: [PanelReview],
                                                 previous: [PanelReview]?, reviewDate: CivilDate) {
        let hd = p.previousFixingDates(d, p.maxImputedDays + 1, calendar: defs.calendar)
        let history = try hd.map { ($0, try window($0)) }
        let r = try review(d)
        let previous = r.date == d ? try review(d.adding(days: -1)).reviews : nil
        return (history, r.reviews, previous, r.date)
    }

    /// §5.8 and §5.4–§5.6 for every grade on `d`.
    func panel(_ d: CivilDate) throws -> [Panel.Evaluation] {
        if let e = panels[d.dayNumber] { return e }
        let today = try window(d)
        let inputs = try panelInputs(d)
        let params = p
        let grades = self.grades
        let results = Collector<Panel.Evaluation>()
        DispatchQueue.concurrentPerform(iterations: grades.count) { gi in
            results.put(gi, InputHierarchy.evaluate(date: d, today: today[gi], history: inputs.history.map { ($0.date, $0.windows[gi]) },
                                           review: inputs.review[gi], previousReview: inputs.previous?[gi], params: params,
                                           seedKey: Bootstrap.seedKey(grade: grades[gi].id, date: d)))
        }
        let all = results.ordered(grades.count)
        panels[d.dayNumber] = all
        return all
    }

    /// §5.5: the published fixing of every grade on `d`: the panel's result, or the last ok one of the
    /// `max_stale_days` fixing dates before (computed only for the grades that need it), or suspended.
    func fixings(_ d: CivilDate) throws -> [Fixing] {
        let today = try panel(d)
        let staleDates = p.previousFixingDates(d, p.maxStaleDays, calendar: defs.calendar)
        var out: [Fixing] = []
        out.reserveCapacity(grades.count)
        for (gi, g) in grades.enumerated() {
            var history: [Result<WindowResult, InsufficientData>?] = []
            if case .failure = today[gi].result {
                for h in staleDates {
                    let r = try panel(h)[gi].result
                    history.append(r)
                    if case .success = r { break }
                }
            }
            var f = FixingEngine.fixing(grade: g.id, date: d, today: today[gi].result, history: history, params: p, historyDates: staleDates)
            f.events = today[gi].events
            out.append(f)
        }
        return out
    }

    /// Forgets what no date after `d` can read.
    func prune(after d: CivilDate) {
        let next = d.adding(days: 1)
        let history = p.previousFixingDates(next, p.maxImputedDays + 1, calendar: defs.calendar).last ?? next
        let keepWindows = min(history.dayNumber, next.dayNumber - Int64(p.reviewDays) - 1)
        windows = windows.filter { $0.key >= keepWindows }
        let keepPanels = (p.previousFixingDates(next, p.maxStaleDays, calendar: defs.calendar).last ?? next).dayNumber
        panels = panels.filter { $0.key >= keepPanels }
        let keepReviews = next.dayNumber - 70
        reviews = reviews.filter { $0.key >= keepReviews }
    }
}
