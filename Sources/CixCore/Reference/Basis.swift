/// Basis against other benchmarks (METHODOLOGY.md §10): external benchmark prints stored as inputs, each
/// benchmark mapped to one of our grades, and per benchmark and date the basis (our fixing minus their
/// print) with a trailing band of disagreement.

/// An external benchmark (`Indices/benchmarks.yaml`).
public struct BenchmarkDefinition: Sendable, Hashable {
    public var id: String
    public var name: String
    /// The unit its prints are in: `usd_per_gpu_hour` (the only one our fixings are in).
    public var unit: String
    /// The grade whose fixing it is compared with.
    public var grade: String

    public init(id: String, name: String, unit: String = "usd_per_gpu_hour", grade: String) {
        self.id = id
        self.name = name
        self.unit = unit
        self.grade = grade
    }

    public static let units = ["usd_per_gpu_hour"]
}

/// One stored print of an external benchmark.
public struct ReferencePrint: Sendable, Hashable {
    public var benchmark: String
    public var date: CivilDate
    public var value: Double

    public init(benchmark: String, date: CivilDate, value: Double) {
        self.benchmark = benchmark
        self.date = date
        self.value = value
    }
}

/// A published basis day (§10).
public struct BasisRecord: SeriesRecord {
    public var benchmark: String
    public var date: String
    public var version: Int = 0
    public var grade: String
    /// Our fixing's value and status on the date (`ok` or `stale`).
    public var ours: Double
    public var fixingStatus: String
    public var theirs: Double
    /// ours − theirs, and that over theirs.
    public var basis: Double
    public var basisPct: Double
    /// Days with a basis in the trailing band window (the date and the `band_days − 1` calendar days before).
    public var bandDays: Int
    public var bandLow: Double
    public var bandHigh: Double
    public var meanAbsBasis: Double
    public var inputsHash: String
    public var definitionHash: String

    public init() {
        benchmark = ""; date = ""; grade = ""; ours = 0; fixingStatus = ""; theirs = 0; basis = 0; basisPct = 0; bandDays = 0
        bandLow = 0; bandHigh = 0; meanAbsBasis = 0; inputsHash = ""; definitionHash = ""
    }

    public static let schema = SeriesSchema<BasisRecord>(table: "basis", keys: [
        SeriesField("benchmark", \.benchmark), SeriesField("date", \.date),
    ], values: [
        SeriesField("grade", \.grade), SeriesField("ours", \.ours), SeriesField("fixing_status", \.fixingStatus), SeriesField("theirs", \.theirs),
        SeriesField("basis", \.basis), SeriesField("basis_pct", \.basisPct), SeriesField("band_days", \.bandDays),
        SeriesField("band_low", \.bandLow), SeriesField("band_high", \.bandHigh), SeriesField("mean_abs_basis", \.meanAbsBasis),
        SeriesField("inputs_hash", \.inputsHash), SeriesField("definition_hash", \.definitionHash),
    ], mainValue: "basis")
}

public enum Basis {
    /// §10 audit: `BENCHMARK|DATE|GRADE=OURS|THEIRS` + LF, numbers in their shortest round-trip form.
    public static func inputsText(benchmark: String, date: CivilDate, grade: String, ours: Double, theirs: Double) -> String {
        "\(benchmark)|\(date)|\(grade)=\(ours)|\(theirs)\n"
    }

    /// §10: the basis of `b` on every date in [from, to] with both a print and a fixing value of its grade,
    /// with the band over the trailing `bandDays` calendar days (dates before `from` count in the band).
    /// `fixing` gives the grade's published status and value of a date.
    public static func compute(_ b: BenchmarkDefinition, prints: [CivilDate: Double], from: CivilDate, to: CivilDate, bandDays: Int,
                               fixing: (CivilDate) -> FixingValue?, definitionHash: String) -> [BasisRecord] {
        var daily: [(date: CivilDate, ours: Double, status: FixingStatus, theirs: Double)] = []
        for (d, theirs) in prints.sorted(by: { $0.key < $1.key }) where d <= to && d >= from.adding(days: -(bandDays - 1)) {
            guard let f = fixing(d), let v = f.value, f.status != .suspended else { continue }
            daily.append((d, v, f.status, theirs))
        }
        var out: [BasisRecord] = []
        for (i, x) in daily.enumerated() where x.date >= from {
            let start = x.date.adding(days: -(bandDays - 1))
            let window = daily[...i].filter { $0.date >= start }.map { $0.ours - $0.theirs }
            var r = BasisRecord()
            r.benchmark = b.id
            r.date = x.date.description
            r.grade = b.grade
            r.ours = x.ours
            r.fixingStatus = x.status.rawValue
            r.theirs = x.theirs
            r.basis = x.ours - x.theirs
            r.basisPct = r.basis / x.theirs
            r.bandDays = window.count
            r.bandLow = window.min()!
            r.bandHigh = window.max()!
            r.meanAbsBasis = window.map(abs).reduce(0, +) / Double(window.count)
            r.inputsHash = FixingAudit.sha256(inputsText(benchmark: b.id, date: x.date, grade: b.grade, ours: x.ours, theirs: x.theirs))
            r.definitionHash = definitionHash
            out.append(r)
        }
        return out
    }
}

extension CanonicalDefinitions {
    /// §10: a benchmark's comparison definition: its mapping, unit, band and the grade's fixing definition.
    public static func benchmark(_ b: BenchmarkDefinition, bandDays: Int, methodologyVersion: String, gradeHash: String) -> StoredDefinition {
        let text = "methodology_version=\(methodologyVersion)\nbenchmark=\(b.id)\nname=\(b.name)\nunit=\(b.unit)\ngrade=\(b.grade)\n"
            + "band_days=\(bandDays)\ngrade_definition=\(gradeHash)\n"
        return StoredDefinition(kind: "benchmark", id: b.id, version: methodologyVersion, canonical: text)
    }
}
