import CixCore
import Foundation

/// Fixing parameters, index definitions and the calendar, with the reference data and the hashes of
/// the files they came from.
public struct MethodologyDefinitions: Sendable {
    public var reference: ReferenceData
    public var fixing: FixingParameters
    public var indices: [IndexDefinition]
    public var calendar: BusinessCalendar
    /// Hash of grades + catalogues + fixing.yaml + calendar.yaml: what every fixing records.
    public var fixingHash: String
    /// Hash of the above + indices.yaml: what every index value records.
    public var indexHash: String
    /// Where they were read from (a folder or "built-in").
    public var source: DefinitionSource
    /// `methodology_version` of fixing.yaml (METHODOLOGY.md's version).
    public var methodologyVersion: String
    /// Each grade's resolved fixing definition, whose hash its fixings record (§1.1).
    public var fixingDefinitions: [String: StoredDefinition]
    /// Each index's resolved definition, whose hash its levels record (§1.1).
    public var indexDefinitions: [String: StoredDefinition]

    /// Futures and rolling futures indices (futures.yaml, §7), and the hash of that file with the
    /// fixing definitions of their underlyings.
    public var futures: [FuturesDefinition] = []
    public var rollingIndices: [RollingIndexDefinition] = []
    public var futuresHash: String = ""
    /// Fund designs (funds.yaml, §8), flows loaded, and the hash of funds.yaml with the futures hash.
    public var funds: [FundDefinition] = []
    public var fundsHash: String = ""
    /// External benchmarks a basis is published against (benchmarks.yaml, §10; optional), the band's
    /// days, and the hash of that file (empty when absent).
    public var benchmarks: [BenchmarkDefinition] = []
    public var basisBandDays = 30
    public var benchmarksHash: String = ""
    /// The publication policy (publication.yaml, §9) and the hash of that file.
    public var publication = PublicationPolicy()
    public var publicationHash: String = ""

    /// The definition hash a fixing of `grade` records.
    public func fixingHash(grade: String) -> String { fixingDefinitions[grade]?.hash ?? fixingHash }
    /// The definition hash a level of `index` records.
    public func indexHash(index: String) -> String { indexDefinitions[index]?.hash ?? indexHash }
}

/// Loaded definitions by the hash of their bytes: a process that runs many commands (tests, a server)
/// parses and validates each distinct set of files once.
final class DefinitionCache: @unchecked Sendable {
    static let shared = DefinitionCache()
    private let lock = NSLock()
    private var methodology: [String: MethodologyDefinitions] = [:]

    func get(_ key: String) -> MethodologyDefinitions? {
        lock.lock()
        defer { lock.unlock() }
        return methodology[key]
    }

    func put(_ key: String, _ value: MethodologyDefinitions) {
        lock.lock()
        defer { lock.unlock() }
        if methodology.count > 64 { methodology.removeAll() }
        methodology[key] = value
    }
}

extension DefinitionLoader {
    public static func methodology(_ source: DefinitionSource) throws -> MethodologyDefinitions {
        var key = source.description
        for name in fileNames + source.flowFiles() { key += sha256Hex(try source.read(name).data) }
        key += try source.readOptional("benchmarks.yaml").map { "benchmarks" + sha256Hex($0.data) } ?? ""
        if let cached = DefinitionCache.shared.get(key) { return cached }
        let defs = try loadMethodology(source)
        DefinitionCache.shared.put(key, defs)
        return defs
    }

    static func loadMethodology(_ source: DefinitionSource) throws -> MethodologyDefinitions {
        let ref = try referenceData(source)
        let (fp, fd) = try source.read("fixing.yaml")
        let (ip, id) = try source.read("indices.yaml")
        let (cp, cd) = try source.read("calendar.yaml")
        let (sp, sd) = try source.read("sources.yaml")
        let fixingRoot = try YAMLValue.parse(fd, path: fp)
        let version = try fixingRoot.map().required("methodology_version").string()
        var fixing = try fixingParameters(fixingRoot)
        fixing.resales = try resales(try YAMLValue.parse(sd, path: sp))
        let indices = try indexDefinitions(try YAMLValue.parse(id, path: ip), reference: ref)
        let calendar = try calendar(try YAMLValue.parse(cd, path: cp))
        let fh = sha256Hex(Data((ref.hash + sha256Hex(fd) + sha256Hex(cd) + sha256Hex(sd)).utf8))
        let ih = sha256Hex(Data((fh + sha256Hex(id)).utf8))
        var fixingDefs: [String: StoredDefinition] = [:]
        for g in ref.grades.grades {
            fixingDefs[g.id] = StoredDefinition(kind: "fixing", id: g.id, version: version,
                                                canonical: CanonicalDefinitions.fixingDefinition(g, params: fixing, calendar: calendar, version: version))
        }
        var indexDefs: [String: StoredDefinition] = [:]
        for d in indices {
            var perf: [String: Double] = [:]
            for g in d.grades { perf[g] = IndexEngine.parPerformanceFactor(ref, grade: g, basis: d.performanceBasis) }
            indexDefs[d.id] = StoredDefinition(kind: "index", id: d.id, version: version, canonical: CanonicalDefinitions.indexDefinition(
                d, fixingHashes: fixingDefs.mapValues(\.hash), performance: perf, calendar: calendar, version: version))
        }
        let (up, ud) = try source.read("futures.yaml")
        let (futures, rolling) = try futuresDefinitions(try YAMLValue.parse(ud, path: up), reference: ref, indices: indices)
        var defs = MethodologyDefinitions(reference: ref, fixing: fixing, indices: indices, calendar: calendar,
                                          fixingHash: fh, indexHash: ih, source: source, methodologyVersion: version,
                                          fixingDefinitions: fixingDefs, indexDefinitions: indexDefs)
        defs.futures = futures
        defs.rollingIndices = rolling
        defs.futuresHash = sha256Hex(Data((fh + sha256Hex(ud)).utf8))
        let (np, nd) = try source.read("funds.yaml")
        defs.funds = try fundDefinitions(try YAMLValue.parse(nd, path: np), source: source, futures: futures, calendar: calendar)
        var flowBytes = ""
        for f in defs.funds { if let n = f.flowsFile { flowBytes += sha256Hex(try source.read(n).data) } }
        defs.fundsHash = sha256Hex(Data((defs.futuresHash + sha256Hex(nd) + flowBytes).utf8))
        if let (bp, bd) = try source.readOptional("benchmarks.yaml") {
            (defs.benchmarks, defs.basisBandDays) = try benchmarkDefinitions(try YAMLValue.parse(bd, path: bp), reference: ref)
            defs.benchmarksHash = sha256Hex(Data((fh + sha256Hex(bd)).utf8))
        }
        let (pp, pd) = try source.read("publication.yaml")
        defs.publication = try publicationPolicy(try YAMLValue.parse(pd, path: pp))
        defs.publicationHash = sha256Hex(pd)
        return defs
    }

    // MARK: fixing.yaml (§5)

    static func fixingParameters(_ root: YAMLValue) throws -> FixingParameters {
        let m = try root.map()
        var p = FixingParameters()
        if let v = m.optional("fixing_time_seconds") { p.fixingTimeSeconds = try v.int(0...86_399) }
        if let v = m.optional("window_hours") { p.windowHours = try v.int(1...168) }
        if let v = m.optional("outlier_k") { p.outlierK = try v.double(0...100, openLower: true) }
        if let v = m.optional("outlier_min_relative_mad") { p.outlierMinRelativeMAD = try v.double(0...1) }
        if let v = m.optional("source_cap") { p.sourceCap = try v.double(0...1, openLower: true) }
        if let v = m.optional("min_sources") { p.minSources = try v.int(1...1000) }
        if let v = m.optional("min_offers") { p.minOffers = try v.int(1...100_000) }
        if let v = m.optional("max_stale_days") { p.maxStaleDays = try v.int(0...60) }
        if let v = m.optional("bootstrap_samples") { p.bootstrapSamples = try v.int(0...100_000) }
        if let v = m.optional("bootstrap_seed") { p.bootstrapSeed = try v.uint64() }
        if let v = m.optional("published_decimals") { p.publishedDecimals = try v.int(0...Rounding.maxDecimals) }
        if let v = m.optional("fixing_days") { p.fixingDays = try v.choice(FixingParameters.FixingDays.self) }
        if let v = m.optional("source_outlier_factor") { p.sourceOutlierFactor = try v.double(1...1000, openLower: true) }
        if let v = m.optional("cross_source_trim") { p.crossSourceTrim = try v.double(0...0.5, openUpper: true) }
        if let v = m.optional("max_imputed_days") { p.maxImputedDays = try v.int(0...60) }
        if let v = m.optional("review_days") { p.reviewDays = try v.int(1...366) }
        if let v = m.optional("min_live_sources") { p.minLiveSources = try v.int(1...1000) }
        if p.minLiveSources > p.minSources, let v = m.optional("min_live_sources") {
            throw v.fail("min_live_sources (\(p.minLiveSources)) cannot exceed min_sources (\(p.minSources))")
        }
        if let v = m.optional("transaction_min_volume_gpu_hours") { p.transactionMinVolumeGPUHours = try v.double(0...1e12, openLower: true) }
        if let v = m.optional("transaction_min_sources") { p.transactionMinSources = try v.int(1...1000) }
        if let v = m.optional("transaction_min_source_volume_gpu_hours") { p.transactionMinSourceVolumeGPUHours = try v.double(0...1e12) }
        if let v = m.optional("indicative_fallback") { p.indicativeFallback = try v.bool() }
        try m.finish(allowed: headerKeys)
        return p
    }

    // MARK: sources.yaml (§5.1)

    /// Resellers and the upstream sources whose offers they list, known by an offer id prefix.
    static func resales(_ root: YAMLValue) throws -> [Resale] {
        let m = try root.map()
        var out: [Resale] = []
        var seen = Set<String>()
        if let list = m.optional("resellers") {
            for v in try list.list() {
                let x = try v.map()
                let sv = try x.required("source")
                let reseller = try sv.string()
                guard !reseller.isEmpty else { throw sv.fail("a reseller's source cannot be empty") }
                for r in try x.required("resells").list() {
                    let y = try r.map()
                    let uv = try y.required("upstream")
                    let upstream = try uv.string()
                    guard !upstream.isEmpty, upstream != reseller else { throw uv.fail("upstream must be another source than \(reseller)") }
                    let pv = try y.required("offer_id_prefix")
                    let prefix = try pv.string()
                    guard !prefix.isEmpty else { throw pv.fail("offer_id_prefix cannot be empty: every offer would be resold") }
                    guard seen.insert(reseller + "|" + prefix).inserted else { throw pv.fail("\(reseller) lists the prefix \(prefix) twice") }
                    try y.finish(allowed: [])
                    out.append(Resale(reseller: reseller, upstream: upstream, offerIDPrefix: prefix))
                }
                try x.finish(allowed: [])
            }
        }
        try m.finish(allowed: headerKeys)
        return out
    }

    // MARK: indices.yaml (§6)

    static func indexDefinitions(_ root: YAMLValue, reference ref: ReferenceData) throws -> [IndexDefinition] {
        let m = try root.map()
        var seen = Set<String>()
        let list = try m.required("indices").list().map { v -> IndexDefinition in
            let x = try v.map()
            let idValue = try x.required("id")
            let id = try idValue.string()
            guard seen.insert(id).inserted else { throw idValue.fail("index \(id) appears twice") }
            let kind = try x.required("type").choice(IndexDefinition.Kind.self)
            let gradesValue = kind == .single ? try x.required("grade") : try x.required("grades")
            let grades = kind == .single ? [try gradesValue.string()] : try gradesValue.stringList()
            guard !grades.isEmpty else { throw gradesValue.fail("index \(id) names no grade") }
            guard Set(grades).count == grades.count else { throw gradesValue.fail("index \(id) names a grade twice") }
            for g in grades where ref.grades.grade(id: g) == nil {
                throw DefinitionError(path: gradesValue.path, line: gradesValue.node.mark?.line, column: gradesValue.node.mark?.column,
                                      field: nil, message: "index \(id) names unknown grade \(g)")
            }
            var d = IndexDefinition(id: id, name: id, kind: kind, grades: grades, baseDate: try x.required("base_date").date())
            if let v = x.optional("name") { d.name = try v.string() }
            if let v = x.optional("weighting") { d.weighting = try v.choice(IndexDefinition.Weighting.self) }
            if let v = x.optional("weights") {
                var w: [String: Double] = [:]
                for e in try v.map().all() {
                    guard grades.contains(e.key) else { throw e.value.fail("weight for \(e.key), which is not a constituent of \(id)") }
                    w[e.key] = try e.value.double(0...1e12, openLower: true)
                }
                d.weights = w
            }
            if d.weighting == .fixed {
                guard let w = d.weights, Set(w.keys) == Set(grades) else {
                    throw (x.optional("weights") ?? idValue).fail("index \(id) has fixed weighting: give a positive weight for each of its grades")
                }
            }
            let capValue = x.optional("cap")
            if let v = capValue { d.cap = try v.double(0...1, openLower: true) }
            if let v = x.optional("floor") { d.floor = try v.double(0...1, openUpper: true) }
            let n = Double(grades.count)
            if kind == .composite {
                guard d.floor <= d.cap else { throw (capValue ?? idValue).fail("index \(id): floor \(d.floor) is above cap \(d.cap)") }
                guard d.floor * n <= 1 + 1e-12, d.cap * n >= 1 - 1e-12 else {
                    throw (capValue ?? idValue).fail("index \(id): floor × \(grades.count) ≤ 1 ≤ cap × \(grades.count) must hold (floor \(d.floor), cap \(d.cap))")
                }
            }
            if let v = x.optional("h100_equivalent") { d.h100Equivalent = try v.bool() }
            if let v = x.optional("performance_basis") { d.performanceBasis = try v.choice(PerformanceBasis.self) }
            if let v = x.optional("base_value") { d.baseValue = try v.double(0...1e12, openLower: true) }
            if let v = x.optional("weight_lag_business_days") { d.weightLagBusinessDays = try v.int(0...60) }
            if let v = x.optional("weight_lookback_days") { d.weightLookbackDays = try v.int(1...366) }
            if let v = x.optional("published_decimals") { d.publishedDecimals = try v.int(0...Rounding.maxDecimals) }
            if let v = x.optional("min_constituents") { d.minConstituents = try v.int(1...grades.count) }
            if let v = x.optional("min_live_weight") { d.minLiveWeight = try v.double(0...1) }
            if let v = x.optional("cessation_days") { d.cessationDays = try v.int(1...3660) }
            try x.finish()
            return d
        }
        try m.finish(allowed: headerKeys)
        return list
    }

    // MARK: benchmarks.yaml (§10)

    static func benchmarkDefinitions(_ root: YAMLValue, reference ref: ReferenceData) throws -> ([BenchmarkDefinition], Int) {
        let m = try root.map()
        let band = try m.optional("band_days")?.int(5...365) ?? 30
        var ids = Set<String>()
        let list = try (m.optional("benchmarks")?.list() ?? []).map { v -> BenchmarkDefinition in
            let x = try v.map()
            let iv = try x.required("id")
            let id = try iv.string()
            guard (2...40).contains(id.count), id.unicodeScalars.allSatisfy({ ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }) else {
                throw iv.fail("a benchmark id is 2 to 40 characters A–Z, 0–9 and -, not \(id.prefix(40))")
            }
            guard ids.insert(id).inserted else { throw iv.fail("benchmark \(id) appears twice") }
            let gv = try x.required("grade")
            let g = try gv.string()
            guard ref.grades.grade(id: g) != nil else { throw gv.fail("\(id): unknown grade \(g.prefix(60))") }
            var b = BenchmarkDefinition(id: id, name: try x.optional("name")?.string() ?? id, grade: g)
            if let uv = x.optional("unit") {
                let u = try uv.string()
                guard BenchmarkDefinition.units.contains(u) else {
                    throw uv.fail("\(id): unit must be \(BenchmarkDefinition.units.joined(separator: " or ")), not \(u.prefix(40))")
                }
                b.unit = u
            }
            try x.finish()
            return b
        }
        try m.finish(allowed: headerKeys)
        return (list, band)
    }

    // MARK: publication.yaml (§9)

    /// The exports a day's publication may list.
    public static let dailyFileKinds = ["fixings", "indices", "weights", "settlements", "curves", "futures-indices", "funds", "final-settlements",
                                        "basis", "restatements",
                                        "rejects", "runs"]

    static func publicationPolicy(_ root: YAMLValue) throws -> PublicationPolicy {
        let m = try root.map()
        var p = PublicationPolicy()
        if let v = m.optional("restatement_window_business_days") { p.restatementWindowBusinessDays = try v.int(0...260) }
        if let v = m.optional("daily_files") {
            let items = try v.list()
            var seen = Set<String>()
            p.dailyFiles = try items.map { item in
                let k = try item.string()
                guard dailyFileKinds.contains(k) else {
                    throw item.fail("unknown export \(k) (one of: \(dailyFileKinds.joined(separator: ", ")))")
                }
                guard seen.insert(k).inserted else { throw item.fail("export \(k) is listed twice") }
                return k
            }
        }
        try m.finish(allowed: headerKeys)
        return p
    }

    // MARK: calendar.yaml (§1.6)

    static func calendar(_ root: YAMLValue) throws -> BusinessCalendar {
        let m = try root.map()
        let name = try m.required("name").string()
        var covered: ClosedRange<Int>?
        if let v = m.optional("covered_years") {
            let ys = try v.list().map { try $0.int(1900...2200) }
            guard ys.count == 2, ys[0] <= ys[1] else { throw v.fail("must be [first year, last year]") }
            covered = ys[0]...ys[1]
        }
        var seen = Set<CivilDate>()
        let holidays = try (m.optional("holidays")?.list() ?? []).map { v -> CivilDate in
            let h = try v.map()
            let dv = try h.required("date")
            let d = try dv.date()
            _ = try h.required("name").string()
            try h.finish()
            guard seen.insert(d).inserted else { throw dv.fail("holiday \(d) is listed twice") }
            guard d.isoWeekday <= 5 else { throw dv.fail("holiday \(d) falls on a weekend") }
            if let covered, !covered.contains(d.components.year) { throw dv.fail("holiday \(d) is outside covered_years") }
            return d
        }
        try m.finish(allowed: headerKeys)
        return BusinessCalendar(name: name, holidays: holidays, coveredYears: covered)
    }
}
