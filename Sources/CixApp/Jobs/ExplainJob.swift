import CixCore
import CixIO
import CixStore
import Foundation

/// A recomputed value beside what the store holds.
public struct Explanation<Trace: Sendable>: Sendable {
    public var trace: Trace
    /// The stored latest version's published text and version, if any.
    public var stored: String?
    /// The recomputed value equals the stored one (bit for bit; both nil counts as equal).
    public var reproduces: Bool
}

/// Recomputes any published value from the store with its trace (`cix explain`).
public enum ExplainJob {
    public struct NotFound: Error, CustomStringConvertible {
        public var description: String
    }

    /// §5: the fixing of `grade` on `date`, recomputed from the normalized quotes of its window (and of
    /// the fixing dates before it, for a carry-forward).
    public static func fixing(store: Store, defs: MethodologyDefinitions, grade: String, date: CivilDate) throws -> Explanation<FixingTrace> {
        guard defs.reference.grades.grade(id: grade) != nil else { throw NotFound(description: "no grade \(grade) in the definitions") }
        guard defs.fixing.isFixingDate(date, calendar: defs.calendar) else { throw NotFound(description: "\(date) is not a fixing date") }
        let gi = defs.reference.grades.grades.firstIndex { $0.id == grade }!
        let p = defs.fixing
        return try store.read { s in
            let builder = try FixingJob.observations(s, date: date, defs: defs, recordNames: true)
            let window = p.window(date)
            let obs = builder.observations[gi]
            let e = FixingEngine.evaluate(obs, windowEnd: window.end, params: p, seedKey: Bootstrap.seedKey(grade: grade, date: date))
            let historyDates = p.previousFixingDates(date, p.maxStaleDays, calendar: defs.calendar)
            var history: [Result<WindowResult, InsufficientData>?] = []
            if case .failure = e.result {
                for h in historyDates {
                    let o = try FixingJob.observations(s, date: h, defs: defs).observations[gi]
                    history.append(FixingEngine.compute(o, windowEnd: p.window(h).end, params: p, seedKey: Bootstrap.seedKey(grade: grade, date: h)))
                }
            }
            let f = FixingEngine.fixing(grade: grade, date: date, today: e.result, history: history, params: p, historyDates: historyDates)
            let trace = FixingTrace(grade: grade, date: date, window: window, observations: obs.count, evaluation: e, fixing: f,
                                    params: p, names: builder.names ?? [:])
            let stored = try s.latestFixing(grade: grade, date: date)
            return Explanation(trace: trace,
                               stored: stored.map { "version \($0.version), \($0.status) \($0.published ?? "-") (value \($0.value.map { "\($0)" } ?? "-"))" },
                               reproduces: stored.map { $0.value?.bitPattern == f.value?.bitPattern && $0.status == f.status.rawValue } ?? false)
        }
    }

    /// §6: the level of `index` on `date`, recomputed from the stored fixings.
    public static func index(store: Store, defs: MethodologyDefinitions, index: String, date: CivilDate) throws -> Explanation<IndexTrace> {
        guard let def = defs.indices.first(where: { $0.id == index }) else { throw NotFound(description: "no index \(index) in the definitions") }
        return try store.read { s in
            var one = defs
            one.indices = [def]
            guard let v = try IndexJob.compute(s, defs: one, through: date).first?.1.first(where: { $0.date == date }) else {
                throw NotFound(description: "\(index) has no level on \(date) (before its base date, not a fixing date, or no fixings stored)")
            }
            let stored = try s.latestIndexLevel(index: index, date: date)
            return Explanation(trace: IndexTrace(definition: def, value: v),
                               stored: stored.map { "version \($0.version), \($0.status) \($0.published ?? "-") (level \($0.level.map { "\($0)" } ?? "-"))" },
                               reproduces: stored.map { $0.level?.bitPattern == v.level?.bitPattern && $0.status == v.status.rawValue } ?? false)
        }
    }
}
