import CixCore
import CixIO
import CixStore
import Foundation

/// A published series, registered once (issue 20). The daily job, the single-stage commands, `cix verify`,
/// `cix export`, the API routes and their OpenAPI description, and the web pages all iterate
/// `PublishedSeries.all`; adding a series is a record type with its schema and compute step in CixCore,
/// an entry here, and its table's migration.
protocol AnyPublishedSeries: Sendable {
    /// The store table, and the series' name in runs, restatements and `cix verify`.
    var table: String { get }
    var export: ExportKind { get }
    /// One line for the export's and the API's help (with its METHODOLOGY section).
    var summary: String { get }
    /// The export column a `--series` value names (grade, index, root, fund).
    var idName: String { get }
    var exportColumns: [String] { get }
    /// The stored column `--series` filters on.
    var keyColumn: String { get }
    /// Chain-linked values: a held change holds the later values of the key too (§9.2).
    var chainLinked: Bool { get }
    var inputs: SeriesInputs { get }
    /// The single-stage command's job name in the runs table (`cix fix` → `fix`).
    var job: String { get }
    /// The web page of one key (`/indices/ID`), if any, and what it shows.
    var page: (prefix: String, kind: String)? { get }
    /// `cix explain NAME` and `/api/v1/explain/NAME`: the value of one key on a date, recomputed with its trace.
    var explainName: String { get }
    func explain(_ store: Store, _ defs: MethodologyDefinitions, key: String, date: CivilDate) throws -> ExplainedValue
    /// The generic explanation every series has (stored and recomputed fields), whatever its own trace.
    func explainGenerically(_ store: Store, _ defs: MethodologyDefinitions, key: String, date: CivilDate) throws -> ExplainedValue
    /// The series keys the definitions name (grades, indices, roots, funds): what an API query may ask for.
    func ids(_ defs: MethodologyDefinitions) -> [String]
    /// The definitions hash a single-stage run records, and the resolved definitions it publishes under.
    func definitionsHash(_ defs: MethodologyDefinitions) -> String
    func definitions(_ defs: MethodologyDefinitions) -> [StoredDefinition]
    /// The compute step: emits the series' values for [from, to] into the pipeline state.
    func compute(_ state: PipelineState) throws
    /// A note when a run computed nothing for it (issue 22 #4).
    func emptyNotes(_ defs: MethodologyDefinitions, on date: CivilDate, valued: Set<String>) -> [String]

    func publisher(_ s: StoreSession, runID: Int64, computedAt: String, context: PublishContext?) throws -> any AnySeriesPublisher
    /// The published values (chosen vintage) with a date in [from, to], of one series key if given.
    func stored(_ s: StoreSession, from: CivilDate?, to: CivilDate?, series: String?, vintage: Vintage) throws -> [any SeriesRecord]
}

/// A publisher of any registered series' records.
protocol AnySeriesPublisher {
    /// True when a new version was written.
    @discardableResult func publish(any r: any SeriesRecord, hold: Bool) throws -> Bool
    func decide(any r: any SeriesRecord) throws -> PublishDecision
    var written: Int { get }
    var restated: Int { get }
    var held: Int { get }
    var unchanged: Int { get }
}

extension RecordPublisher: AnySeriesPublisher where R: SeriesRecord {
    @discardableResult func publish(any r: any SeriesRecord, hold: Bool) throws -> Bool { try publish(r as! R, hold: hold) }
    func decide(any r: any SeriesRecord) throws -> PublishDecision { try decide(r as! R) }
}

/// A series of records of type R.
struct PublishedSeries<R: SeriesRecord>: AnyPublishedSeries {
    let export: ExportKind
    let summary: String
    let idName: String
    let chainLinked: Bool
    let inputs: SeriesInputs
    let job: String
    let page: (prefix: String, kind: String)?
    let hash: @Sendable (MethodologyDefinitions) -> String
    let resolved: @Sendable (MethodologyDefinitions) -> [StoredDefinition]
    let step: @Sendable (PipelineState) throws -> Void
    let notes: @Sendable (MethodologyDefinitions, CivilDate, Set<String>) -> [String]
    let keys: @Sendable (MethodologyDefinitions) -> [String]
    let explainName: String
    /// A richer trace than the generic one (its inputs, day by day), if the series has one.
    var explainer: (@Sendable (Store, MethodologyDefinitions, String, CivilDate) throws -> ExplainedValue)? = nil

    var table: String { R.schema.table }
    var exportColumns: [String] { R.schema.exportColumns }
    var keyColumn: String { R.schema.keys[0].column }
    func ids(_ defs: MethodologyDefinitions) -> [String] { keys(defs) }
    func explain(_ store: Store, _ defs: MethodologyDefinitions, key: String, date: CivilDate) throws -> ExplainedValue {
        if let explainer { return try explainer(store, defs, key, date) }
        return try genericExplanation(store, defs, key: key, date: date).explained { t, _ in t.text }
    }

    func explainGenerically(_ store: Store, _ defs: MethodologyDefinitions, key: String, date: CivilDate) throws -> ExplainedValue {
        try genericExplanation(store, defs, key: key, date: date).explained { t, _ in t.text }
    }

    /// Any registered series explained without code of its own: its compute step run through the pipeline
    /// for the one date (reading the stored values of the stages before it, as `cix verify` does), each
    /// value field stored beside recomputed.
    func genericExplanation(_ store: Store, _ defs: MethodologyDefinitions, key: String, date: CivilDate) throws -> Explanation<RecordTrace> {
        try store.read { s in
            var recomputed: [R] = []
            let state = PipelineState(s, defs: defs, from: date, to: date) { _, r in
                if let x = r as? R, x.keyCells.first?.description == key, x.date == date.description { recomputed.append(x) }
                return nil
            }
            try state.run([self])
            let stored = try s.latest(R.self, from: date, to: date, series: [key])
            guard !recomputed.isEmpty || !stored.isEmpty else {
                throw ExplainJob.NotFound(description: "no \(table) value of \(key) on \(date) is published or computable")
            }
            // One row per full key (a curve has one per contract): the first of each, stored or recomputed.
            let a = stored.first, b = recomputed.first { x in a.map { $0.keyCells == x.keyCells } ?? true }
            let lines = recomputed.count > 1 ? [RecordTrace.Line(name: "values on the date", value: "\(recomputed.count) (the first shown)")] : []
            return Explanation(trace: RecordTrace(series: table, key: key, date: date.description, section: summary, inputs: lines,
                                                  fields: RecordTrace.fields(stored: a, recomputed: b)),
                               stored: a.map { "version \($0.version), \($0.mainText)" },
                               reproduces: a.flatMap { x in b.map { x.differingFields($0).isEmpty } } ?? false)
        }
    }
    func definitionsHash(_ defs: MethodologyDefinitions) -> String { hash(defs) }
    func definitions(_ defs: MethodologyDefinitions) -> [StoredDefinition] { resolved(defs) }
    func compute(_ state: PipelineState) throws { try step(state) }
    func emptyNotes(_ defs: MethodologyDefinitions, on date: CivilDate, valued: Set<String>) -> [String] { notes(defs, date, valued) }

    func publisher(_ s: StoreSession, runID: Int64, computedAt: String, context: PublishContext?) throws -> any AnySeriesPublisher {
        try s.publisher(R.self, runID: runID, computedAt: computedAt, context: context)
    }

    func stored(_ s: StoreSession, from: CivilDate?, to: CivilDate?, series: String?, vintage: Vintage) throws -> [any SeriesRecord] {
        try s.latest(R.self, from: from, to: to, series: series.map { [$0] }, vintage: vintage)
    }
}

/// The registered series, in the order the pipeline computes and the daily job publishes them (§9.2).
enum PublishedSeriesRegistry {
    static let fixings = PublishedSeries<FixingRecord>(
        export: .fixings, summary: "Fixings (latest vintage), by grade then date (METHODOLOGY.md §5)", idName: "grade", chainLinked: false,
        inputs: .priced, job: "fix", page: nil, hash: { $0.fixingHash },
        resolved: { defs in defs.reference.grades.grades.compactMap { defs.fixingDefinitions[$0.id] } },
        step: Stages.fixings, notes: { _, _, _ in [] }, keys: { $0.reference.grades.grades.map(\.id) },
        explainName: "fixing", explainer: { try ExplainJob.fixing(store: $0, defs: $1, grade: $2, date: $3).explained(ExplainRender.text) })

    static let indexLevels = PublishedSeries<IndexLevelRecord>(
        export: .indices, summary: "Benchmark index levels, by index then date (§6)", idName: "index", chainLinked: true, inputs: .priced,
        job: "index", page: ("indices", "index"), hash: { $0.indexHash },
        resolved: { defs in defs.indices.compactMap { defs.indexDefinitions[$0.id] } }, step: Stages.indices,
        notes: { _, d, _ in ["index_levels: none computed: no index has constituent fixings with values from its base date through \(d)"] },
        keys: { $0.indices.map(\.id) },
        explainName: "index", explainer: { try ExplainJob.index(store: $0, defs: $1, index: $2, date: $3).explained(ExplainRender.text) })

    static let curves = PublishedSeries<CurveRecord>(
        export: .curves, summary: "Model forward curves (§7.4)", idName: "root", chainLinked: false, inputs: .priced, job: "futures curve",
        page: nil, hash: { $0.futuresHash },
        resolved: { defs in defs.futures.filter { !$0.termGrades.isEmpty }.map { FuturesJob.curveDefinition($0, defs) } },
        step: Stages.curves, notes: { defs, d, valued in
            defs.futures.compactMap { f in
                let strip = f.termGrades.sorted { $0.key < $1.key }.map(\.value)
                if !valued.contains(f.underlying) { return "curves: none for \(f.root) on \(d): its underlying \(f.underlying) has no fixing with a value" }
                if !strip.contains(where: valued.contains) {
                    return "curves: none for \(f.root) on \(d): none of its strip grades (\(strip.joined(separator: ", "))) has a fixing with a value (§7.4)"
                }
                return nil
            }
        }, keys: { $0.futures.filter { !$0.termGrades.isEmpty }.map(\.root) },
        explainName: "curve", explainer: { try ExplainJob.curve(store: $0, defs: $1, root: $2, date: $3).explained { t, _ in t.text } })

    static let futuresIndices = PublishedSeries<FuturesIndexRecord>(
        export: .futuresIndices, summary: "Rolling futures indices: ER, TR, holdings (§7.5–§7.7)", idName: "index", chainLinked: true,
        inputs: .futures, job: "futures index", page: ("futures", "futures"), hash: { $0.futuresHash },
        resolved: { defs in defs.rollingIndices.map { FuturesJob.indexDefinition($0, defs) } }, step: Stages.futuresIndices,
        notes: { defs, d, _ in ["futures_index_levels: none computed: " + Stages.noPrices(defs, d)] },
        keys: { $0.rollingIndices.map(\.id) },
        explainName: "futures-index",
        explainer: { try ExplainJob.futuresIndex(store: $0, defs: $1, index: $2, date: $3).explained { t, _ in t.text } })

    static let funds = PublishedSeries<FundNAVRecord>(
        export: .funds, summary: "Fund NAV days: NAV per share, shares, net assets, cash, gains, interest, fees, costs, positions (§8)",
        idName: "fund", chainLinked: true, inputs: .futures, job: "fund nav", page: ("funds", "fund"), hash: { $0.fundsHash },
        resolved: { defs in defs.funds.map { FundJob.definition($0, defs) } }, step: Stages.funds,
        notes: { defs, d, _ in ["fund_nav: none computed: " + Stages.noPrices(defs, d)] },
        keys: { $0.funds.map(\.id) },
        explainName: "fund", explainer: { try ExplainJob.fund(store: $0, defs: $1, fund: $2, date: $3).explained { t, _ in t.text } })

    static let finalSettlements = PublishedSeries<FinalSettlementRecord>(
        export: ExportKind(rawValue: "final-settlements"),
        summary: "Final settlements per contract month: price, days averaged (ok, imputed, stale, missing), coverage, longest gap, fallback (§7.8)",
        idName: "root", chainLinked: false, inputs: .priced, job: "futures settle", page: nil, hash: { $0.futuresHash },
        resolved: { defs in FuturesJob.gradeRoots(defs).map { FuturesJob.settlementDefinition($0, defs) } }, step: Stages.finalSettlements,
        notes: { _, _, _ in [] }, keys: { FuturesJob.gradeRoots($0).map(\.root) },
        explainName: "final-settlement",
        explainer: { try ExplainJob.finalSettlement(store: $0, defs: $1, root: $2, month: ContractMonth($3)).explained { t, _ in t.text } })

    static let basis = PublishedSeries<BasisRecord>(
        export: ExportKind(rawValue: "basis"), summary: "Basis against other benchmarks: our fixing minus their print, and its trailing band, per benchmark and date (§10)",
        idName: "benchmark", chainLinked: false, inputs: .reference, job: "basis", page: nil, hash: { $0.benchmarksHash },
        resolved: { defs in defs.benchmarks.map { ReferenceJob.definition($0, defs) } }, step: Stages.basis,
        notes: { _, _, _ in [] }, keys: { $0.benchmarks.map(\.id) }, explainName: "basis",
        explainer: { try ExplainJob.basis(store: $0, defs: $1, benchmark: $2, date: $3).explained { t, _ in t.text } })

    static let all: [any AnyPublishedSeries] = [fixings, indexLevels, curves, futuresIndices, funds, finalSettlements, basis]

    static func named(_ table: String) -> (any AnyPublishedSeries)? { all.first { $0.table == table } }
    static func exported(as kind: ExportKind) -> (any AnyPublishedSeries)? { all.first { $0.export == kind } }
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
        let byGrade = try st.fixingsByGrade(Set(roots.map(\.underlying)))
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

    /// §10: every benchmark's basis on the dates in [from, to] with a print and a fixing value of its grade.
    @Sendable static func basis(_ st: PipelineState) throws {
        guard !st.defs.benchmarks.isEmpty else { return }
        let prints = try st.s.referencePrints()
        let byGrade = try st.fixingsByGrade(Set(st.defs.benchmarks.map(\.grade)))
        for b in st.defs.benchmarks {
            let def = ReferenceJob.definition(b, st.defs)
            for r in Basis.compute(b, prints: prints[b.id] ?? [:], from: st.from, to: st.to, bandDays: st.defs.basisBandDays,
                                   fixing: { byGrade[b.grade]?[$0.dayNumber] }, definitionHash: def.hash) {
                st.stats.computed += 1
                try st.emit(PublishedSeriesRegistry.basis, r)
            }
        }
    }

    static func noPrices(_ defs: MethodologyDefinitions, _ d: CivilDate) -> String {
        "no settlement and no model-curve price of \(defs.futures.map(\.root).joined(separator: ", ")) contracts through \(d) (§7.3–§7.5)"
    }
}

extension FuturesJob {
    /// §7.8's definition of a root's final settlements.
    static func settlementDefinition(_ f: FuturesDefinition, _ defs: MethodologyDefinitions) -> StoredDefinition {
        CanonicalDefinitions.finalSettlement(f, methodologyVersion: defs.methodologyVersion, gradeHash: defs.fixingHash(grade:), calendar: defs.calendar)
    }

    /// The roots whose underlying is a grade: the ones with a curve model and final settlements (§7.8).
    static func gradeRoots(_ defs: MethodologyDefinitions) -> [FuturesDefinition] {
        defs.futures.filter { defs.reference.grades.grade(id: $0.underlying) != nil }
    }

    /// §7.8: the published form of a month's final settlement.
    static func settlementRecord(_ r: SettlementResult, _ f: FuturesDefinition, defs: MethodologyDefinitions) -> FinalSettlementRecord {
        FinalSettlementRecord(r, published: r.price.flatMap { Rounding(decimals: tickDecimals(f.tick)).format($0) },
                              inputsHash: FuturesAudit.hash(FinalSettlement.inputsText(r, rule: f.settlement)),
                              definitionHash: settlementDefinition(f, defs).hash)
    }
}

/// A value explained (`cix explain`): its trace as JSON and as text, the stored version, and whether the
/// recomputation reproduces it.
struct ExplainedValue: Sendable {
    var json: String
    var text: String
    var stored: String?
    var reproduces: Bool
}

extension Explanation where Trace: Encodable {
    func explained(_ text: (Trace, String?) -> String) throws -> ExplainedValue {
        ExplainedValue(json: try ExplainRender.json(trace), text: text(trace, stored), stored: stored, reproduces: reproduces)
    }
}
