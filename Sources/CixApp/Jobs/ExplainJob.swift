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
            let e = FixingEngine.window(obs, windowEnd: window.end, params: p, hash: true)
            let computer = FixingComputer(s, defs: defs, hashFrom: date)
            let panel = try computer.panel(date)[gi]
            let f = try computer.fixings(date)[gi]
            var names = builder.names ?? [:]
            names.merge(computer.names) { a, _ in a }
            let trace = FixingTrace(grade: grade, date: date, window: window, observations: obs.count, evaluation: e, panel: panel,
                                    review: p.review(for: date, calendar: defs.calendar).date, fixing: f, params: p, names: names)
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

/// A recomputed record of the futures and fund layers beside the stored one (`cix explain curve |
/// futures-index | fund`): the inputs it read, then each field stored and recomputed.
public struct RecordTrace: Sendable, Encodable {
    public struct Line: Sendable, Encodable {
        public var name: String
        public var value: String
    }
    public struct Field: Sendable, Encodable {
        public var name: String
        public var stored: String
        public var recomputed: String
    }
    public var series: String
    public var key: String
    public var date: String
    public var section: String
    public var inputs: [Line]
    public var fields: [Field]

    /// The value fields of two records side by side, by their export names (the series' schema).
    static func fields<R: SeriesRecord>(stored: R?, recomputed: R?) -> [Field] {
        R.schema.values.map { f in
            Field(name: f.export, stored: stored.map { f.get($0).description } ?? "-", recomputed: recomputed.map { f.get($0).description } ?? "-")
        }
    }

    public var text: String {
        var out = "\(series) \(key) on \(date) (METHODOLOGY.md \(section))\ninputs:\n"
        for l in inputs { out += "  \(l.name): \(l.value)\n" }
        out += "fields (stored | recomputed):\n"
        for f in fields { out += "  \(f.name): \(f.stored) | \(f.recomputed)\(f.stored == f.recomputed ? "" : "   <- differs")\n" }
        return out
    }
}

extension ExplainJob {
    /// §7.4: the model curve of `root` on `date`, from the stored fixings of its spot and term strip.
    public static func curve(store: Store, defs: MethodologyDefinitions, root: String, date: CivilDate) throws -> Explanation<RecordTrace> {
        guard let f = defs.futures.first(where: { $0.root == root }) else { throw NotFound(description: "no futures \(root) in futures.yaml") }
        guard !f.termGrades.isEmpty else { throw NotFound(description: "\(root) has no term strip: it has no model curve") }
        return try store.read { s in
            let grades = Set([f.underlying] + f.termGrades.values)
            let fx = try FuturesJob.fixings(s, grades: grades, through: date)
            var stats = PublishStats()
            var one = defs
            one.futures = [f]
            let recomputed = FuturesJob.curveRecords(defs: one, fixings: fx, from: date, to: date, stats: &stats)
            guard !recomputed.isEmpty else {
                throw NotFound(description: "\(root) has no curve on \(date) (not a business day, or a fixing of its strip is missing)")
            }
            let stored = try s.latestCurves(from: date, to: date).filter { $0.root == root }
            var inputs = [RecordTrace.Line(name: "spot \(f.underlying)", value: fx[f.underlying]?[date.dayNumber].map { "\($0)" } ?? "-")]
            for (m, g) in f.termGrades.sorted(by: { $0.key < $1.key }) {
                inputs.append(.init(name: "\(m)-month strip \(g)", value: fx[g]?[date.dayNumber].map { "\($0)" } ?? "-"))
            }
            inputs.append(.init(name: "settlement", value: f.settlement.rawValue))
            if !stats.warnings.isEmpty { inputs.append(.init(name: "arbitrage warnings", value: stats.warnings.joined(separator: "; "))) }
            var fields: [RecordTrace.Field] = []
            for c in recomputed {
                let st = stored.first { $0.contract == c.contract }
                fields.append(.init(name: "\(c.contract) (\(c.monthsAhead) ahead)", stored: st.map { "\($0.published ?? "-") (\($0.price.map { "\($0)" } ?? "-"))" } ?? "-",
                                    recomputed: "\(c.published ?? "-") (\(c.price.map { "\($0)" } ?? "-"))"))
            }
            if let c = recomputed.first {
                fields.append(.init(name: "inputs_hash", stored: stored.first?.inputsHash ?? "-", recomputed: c.inputsHash))
            }
            let same = stored.count == recomputed.count && zip(stored.sorted { $0.contract < $1.contract }, recomputed.sorted { $0.contract < $1.contract })
                .allSatisfy { var a = $0; a.version = 0; return a == $1 }
            return Explanation(trace: RecordTrace(series: "curve", key: root, date: date.description, section: "§7.4", inputs: inputs, fields: fields),
                               stored: stored.isEmpty ? nil : "version \(stored.map(\.version).max() ?? 0)", reproduces: same)
        }
    }

    /// §7.5–§7.7: a rolling futures index day, from the stored settlements, curves, rates and fixings.
    public static func futuresIndex(store: Store, defs: MethodologyDefinitions, index: String, date: CivilDate) throws -> Explanation<RecordTrace> {
        guard let ri = defs.rollingIndices.first(where: { $0.id == index }) else {
            throw NotFound(description: "no rolling index \(index) in futures.yaml")
        }
        return try store.read { s in
            var one = defs
            one.rollingIndices = [ri]
            let m = try FuturesJob.market(s, defs: defs, through: date)
            let values = FuturesJob.computeIndices(m, defs: one, through: date)
            guard let series = values.first?.1, let i = series.firstIndex(where: { $0.date == date }) else {
                throw NotFound(description: "\(index) has no value on \(date) (before its base date, not a business day, or no prices)")
            }
            var stats = PublishStats()
            let rec = try FuturesJob.indexRecords(defs: defs, values: [(ri, [series[i]])], from: date, stats: &stats).first
            let stored = try s.latestFuturesIndexLevels(from: date, to: date).first { $0.index == index }
            let v = series[i]
            var inputs: [RecordTrace.Line] = []
            if i > 0 { inputs.append(.init(name: "previous day \(series[i - 1].date)", value: "ER \(series[i - 1].er), TR \(series[i - 1].tr), holdings \(series[i - 1].holdingsText)")) }
            for (k, p) in v.prices.sorted(by: { $0.key < $1.key }) { inputs.append(.init(name: "price \(k)", value: "\(p)")) }
            inputs.append(.init(name: "T-bill rate (%)", value: v.tbillRate.map { "\($0)" } ?? "-"))
            inputs.append(.init(name: "settlement source", value: v.settlementSource))
            var a = stored
            a?.version = 0
            return Explanation(trace: RecordTrace(series: "futures index", key: index, date: date.description, section: "§7.5–§7.7",
                                                  inputs: inputs, fields: RecordTrace.fields(stored: stored, recomputed: rec)),
                               stored: stored.map { "version \($0.version), ER \($0.erPublished ?? "-"), TR \($0.trPublished ?? "-")" },
                               reproduces: a != nil && a == rec)
        }
    }

    /// §8.2–§8.3: a fund's NAV day, from the stored settlements, curves, rates and its flows.
    public static func fund(store: Store, defs: MethodologyDefinitions, fund: String, date: CivilDate) throws -> Explanation<RecordTrace> {
        guard let f = defs.funds.first(where: { $0.id == fund }) else { throw NotFound(description: "no fund \(fund) in funds.yaml") }
        return try store.read { s in
            let market = try FuturesJob.market(s, defs: defs, through: date)
            let computed = try FundJob.compute(market, defs: defs, funds: [fund], through: date)
            guard let days = computed.first?.1, let i = days.firstIndex(where: { $0.date == date }) else {
                throw NotFound(description: "\(fund) has no NAV on \(date) (before inception, not a business day, or no prices)")
            }
            var stats = PublishStats()
            let all = try FundJob.navRecords(defs: defs, computed: computed, market: market, from: date, stats: &stats)
            let rec = all.first { $0.date == date.description }
            let stored = try s.latestFundNAV(fund: fund, from: date, to: date).first
            let d = days[i]
            var inputs: [RecordTrace.Line] = []
            if i > 0 { inputs.append(.init(name: "previous day \(days[i - 1].date)", value: "NAV/share \(days[i - 1].navPerShare), net assets \(days[i - 1].netAssets), positions \(days[i - 1].positionsText)")) }
            inputs.append(.init(name: "flow (shares)", value: f.flows[date].map { "\($0)" } ?? "0"))
            inputs.append(.init(name: "design", value: "\(f.design), \(f.contracts.rawValue) contracts, expense ratio \(f.expenseRatio), cost per contract \(f.costPerContract)"))
            inputs.append(.init(name: "positions after trading", value: d.positionsText))
            // §8.3: the prices and the rate the day's inputs hash covers.
            let previous = i > 0 ? days[i - 1] : nil
            for c in Set(d.positions.keys).union(previous.map { Array($0.positions.keys) } ?? []).sorted(by: { $0.ticker < $1.ticker }) {
                inputs.append(.init(name: "price \(c.ticker)", value: market.lastPrice(c, date).map { "\($0)" } ?? "-"))
            }
            if case .tbill = f.collateral {
                inputs.append(.init(name: "T-bill rate (%) of \(previous?.date.description ?? "-")", value: previous.flatMap { market.rate($0.date) }.map { "\($0)" } ?? "-"))
            }
            var a = stored
            a?.version = 0
            return Explanation(trace: RecordTrace(series: "fund NAV", key: fund, date: date.description, section: "§8.2–§8.3", inputs: inputs,
                                                  fields: RecordTrace.fields(stored: stored, recomputed: rec)),
                               stored: stored.map { "version \($0.version), NAV/share \($0.navPublished ?? "-")" }, reproduces: a != nil && a == rec)
        }
    }

    /// §7.8: a contract month's final settlement, day by day, from the stored fixings of its underlying.
    public static func finalSettlement(store: Store, defs: MethodologyDefinitions, root: String, month: ContractMonth) throws
        -> Explanation<RecordTrace> {
        guard let f = FuturesJob.gradeRoots(defs).first(where: { $0.root == root }) else {
            throw NotFound(description: "no futures \(root) on a grade in futures.yaml (known: \(FuturesJob.gradeRoots(defs).map(\.root).joined(separator: ", ")))")
        }
        return try store.read { s in
            let days = FinalSettlement.averagedDays(f.settlement, month: month, calendar: defs.calendar)
            guard let first = days.first, let last = days.last else { throw NotFound(description: "\(root) \(month) averages no day") }
            var byDay: [Int64: FixingValue] = [:]
            for x in try s.latestFixings(from: first, to: last, grades: [f.underlying]).compactMap(FixingValue.init) { byDay[x.date.dayNumber] = x }
            guard let r = FinalSettlement.settle(f, month: month, calendar: defs.calendar, fixing: { byDay[$0.dayNumber] }), r.price != nil else {
                throw NotFound(description: "\(root) \(month): no fixing of \(f.underlying) with a value on the days it averages")
            }
            let rec = FuturesJob.settlementRecord(r, f, defs: defs)
            let stored = try s.latest(FinalSettlementRecord.self, key: [root, r.date.description, r.contract.ticker])
            var inputs = [RecordTrace.Line(name: "rule", value: "\(f.settlement.rawValue): \(days.count) days averaged, final at coverage ≥ \(f.minCoverage)")]
            for d in r.days {
                let used = d.used.map { "\($0)" } ?? "-"
                inputs.append(.init(name: "\(d.date) \(d.kind.rawValue)", value: d.kind == .missing ? "no fixing; counts at \(used)" : used))
            }
            // A month settles once its last averaged day is published (§7.8): before, there is nothing to settle.
            if let published = try s.publishedFixingSpan()?.upperBound, last > published {
                let done = days.filter { $0 <= published }.count
                throw NotFound(description: "\(r.contract.ticker) has not settled: \(done) of its \(days.count) averaged days are published (through \(published)); it settles once \(last) is")
            }
            var a = stored
            a?.version = 0
            return Explanation(trace: RecordTrace(series: "final settlement", key: r.contract.ticker, date: r.date.description, section: "§7.8",
                                                  inputs: inputs, fields: RecordTrace.fields(stored: stored, recomputed: rec)),
                               stored: stored.map { "version \($0.version), \($0.status) \($0.published ?? "-")" }, reproduces: a != nil && a == rec)
        }
    }

    /// §10: a benchmark's basis on a date, from the stored print and fixing, with its band's days.
    public static func basis(store: Store, defs: MethodologyDefinitions, benchmark: String, date: CivilDate) throws -> Explanation<RecordTrace> {
        guard let b = defs.benchmarks.first(where: { $0.id == benchmark }) else {
            throw NotFound(description: "no benchmark \(benchmark) in benchmarks.yaml (known: \(defs.benchmarks.map(\.id).joined(separator: ", ")))")
        }
        return try store.read { s in
            let prints = try s.referencePrints()[b.id] ?? [:]
            let start = date.adding(days: -(defs.basisBandDays - 1))
            var byDay: [Int64: FixingValue] = [:]
            for x in try s.latestFixings(from: start, to: date, grades: [b.grade]).compactMap(FixingValue.init) { byDay[x.date.dayNumber] = x }
            let def = ReferenceJob.definition(b, defs)
            guard let rec = Basis.compute(b, prints: prints, from: date, to: date, bandDays: defs.basisBandDays, fixing: { byDay[$0.dayNumber] },
                                          definitionHash: def.hash).first else {
                throw NotFound(description: "\(benchmark) has no basis on \(date): no print of it that day, or no fixing value of \(b.grade)")
            }
            var inputs = [RecordTrace.Line(name: "benchmark", value: "\(b.name), compared with \(b.grade)")]
            for (d, v) in prints.filter({ $0.key >= start && $0.key <= date }).sorted(by: { $0.key < $1.key }) {
                let ours = byDay[d.dayNumber]
                inputs.append(.init(name: "\(d)", value: "theirs \(v), ours \(ours?.value.map { "\($0)" } ?? "-") (\(ours?.status.rawValue ?? "no fixing"))"))
            }
            let stored = try s.latest(BasisRecord.self, key: [benchmark, date.description])
            var a = stored
            a?.version = 0
            return Explanation(trace: RecordTrace(series: "basis", key: benchmark, date: date.description, section: "§10", inputs: inputs,
                                                  fields: RecordTrace.fields(stored: stored, recomputed: rec)),
                               stored: stored.map { "version \($0.version), basis \($0.basis)" }, reproduces: a != nil && a == rec)
        }
    }
}
