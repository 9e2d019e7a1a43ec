/// Canonical text of resolved definitions and their hashes (METHODOLOGY.md §1.1). A published value
/// records the hash of its own resolved definition, not of whole files: adding an index, or editing a
/// comment, changes nothing that is already published. The store keeps each canonical text by hash,
/// so an old value stays explainable after the definitions change.
public enum CanonicalDefinitions {
    /// §9.4: the definitions hash a daily run records, over everything it publishes under (the index
    /// hash covers the fixings', the funds hash the futures'): when it changes, the run recomputes
    /// from the first published date.
    public static func dailyRunHash(indexHash: String, futuresHash: String, fundsHash: String, benchmarksHash: String = "") -> String {
        FixingAudit.sha256(indexHash + "|" + fundsHash + "|" + futuresHash + (benchmarksHash.isEmpty ? "" : "|" + benchmarksHash))
    }

    static func num(_ v: Double) -> String { "\(v)" }

    /// The fixing parameters (§5), one `key=value` line each, in this order.
    public static func fixing(_ p: FixingParameters) -> String {
        """
        fixing_time_seconds=\(p.fixingTimeSeconds)
        window_hours=\(p.windowHours)
        outlier_k=\(num(p.outlierK))
        outlier_min_relative_mad=\(num(p.outlierMinRelativeMAD))
        source_cap=\(num(p.sourceCap))
        min_sources=\(p.minSources)
        min_offers=\(p.minOffers)
        max_stale_days=\(p.maxStaleDays)
        bootstrap_samples=\(p.bootstrapSamples)
        bootstrap_seed=\(p.bootstrapSeed)
        published_decimals=\(p.publishedDecimals)
        fixing_days=\(p.fixingDays.rawValue)

        """ + panel(p)
    }

    /// The 1.2 parameters (§5.4, §5.8), the 1.3 input hierarchy (§5.9) and the resales of `sources.yaml` (§5.1), sorted by reseller then
    /// prefix (new in methodology 1.2).
    static func panel(_ p: FixingParameters) -> String {
        var s = """
        source_outlier_factor=\(num(p.sourceOutlierFactor))
        cross_source_trim=\(num(p.crossSourceTrim))
        max_imputed_days=\(p.maxImputedDays)
        review_days=\(p.reviewDays)
        min_live_sources=\(p.minLiveSources)
        transaction_min_volume_gpu_hours=\(num(p.transactionMinVolumeGPUHours))
        transaction_min_sources=\(p.transactionMinSources)
        transaction_min_source_volume_gpu_hours=\(num(p.transactionMinSourceVolumeGPUHours))
        indicative_fallback=\(p.indicativeFallback)

        """
        for r in p.resales.sorted(by: { ($0.reseller, $0.offerIDPrefix) < ($1.reseller, $1.offerIDPrefix) }) {
            s += "resale=\(r.reseller)|\(r.upstream)|\(r.offerIDPrefix)\n"
        }
        return s
    }

    /// A grade (§4.1): chips with their quality factors sorted by chip id.
    public static func grade(_ g: GradeDefinition) -> String {
        """
        grade=\(g.id)
        chips=\(g.chips.sorted { $0.key < $1.key }.map { "\($0.key):\(num($0.value))" }.joined(separator: ","))
        regions=\(g.regions.sorted().joined(separator: ","))
        term=\(g.term.rawValue)
        min_gpus=\(g.minGPUs)
        interconnects=\(g.interconnects.map(\.rawValue).sorted().joined(separator: ","))

        """
    }

    /// The calendar (§1.6): its name and holidays.
    public static func calendar(_ c: BusinessCalendar) -> String {
        "calendar=\(c.name)\nholidays=\(c.holidays.sorted().map { CivilDate(dayNumber: $0).description }.joined(separator: ","))\n"
    }

    /// The definition a fixing of grade `g` is computed under: the methodology version, the grade, the
    /// fixing parameters, and the calendar when fixings follow business days.
    public static func fixingDefinition(_ g: GradeDefinition, params p: FixingParameters, calendar: BusinessCalendar, version: String) -> String {
        "methodology_version=\(version)\n" + grade(g) + fixing(p) + (p.fixingDays == .businessDays ? CanonicalDefinitions.calendar(calendar) : "")
    }

    /// The definition an index level is computed under: the methodology version, the index's fields, the
    /// calendar, each constituent's fixing definition hash and its par chip's performance factor.
    public static func indexDefinition(_ d: IndexDefinition, fixingHashes: [String: String], performance: [String: Double],
                                       calendar c: BusinessCalendar, version: String) -> String {
        var s = "methodology_version=\(version)\nindex=\(d.id)\ntype=\(d.kind.rawValue)\ngrades=\(d.grades.joined(separator: ","))\n"
        s += "weighting=\(d.weighting.rawValue)\n"
        s += "weights=\((d.weights ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key):\(num($0.value))" }.joined(separator: ","))\n"
        s += "cap=\(num(d.cap))\nfloor=\(num(d.floor))\nh100_equivalent=\(d.h100Equivalent)\nperformance_basis=\(d.performanceBasis.rawValue)\n"
        s += "base_date=\(d.baseDate)\nbase_value=\(num(d.baseValue))\nweight_lag_business_days=\(d.weightLagBusinessDays)\n"
        s += "weight_lookback_days=\(d.weightLookbackDays)\npublished_decimals=\(d.publishedDecimals)\n"
        s += "min_constituents=\(d.minConstituents)\nmin_live_weight=\(num(d.minLiveWeight))\ncessation_days=\(d.cessationDays)\n"
        s += calendar(c)
        for g in d.grades.sorted() {
            s += "fixing_definition \(g)=\(fixingHashes[g] ?? "?")\nperformance \(g)=\(num(performance[g] ?? 1))\n"
        }
        return s
    }

    // MARK: §7–§8 (futures curves, rolling indices, funds)

    /// §7.4: a futures root's curve definition: the contract's terms, its strip grades with their
    /// fixing definition hashes, its underlying's, and the calendar.
    public static func curve(_ f: FuturesDefinition, methodologyVersion: String, gradeHash: (String) -> String,
                             calendar: BusinessCalendar) -> StoredDefinition {
        var text = "methodology_version=\(methodologyVersion)\nfutures=\(f.root)\nunderlying=\(f.underlying)\n"
        text += "settlement=\(f.settlement.rawValue)\ncontract_gpu_hours=\(f.contractGPUHours)\ntick=\(f.tick)\nlisted_months=\(f.listedMonths)\n"
        for (m, g) in f.termGrades.sorted(by: { $0.key < $1.key }) { text += "term \(m)=\(g) \(gradeHash(g))\n" }
        // Written only when not the default, so the shipped roots' definitions (and hashes) are unchanged.
        if f.curveExtension != .lastSegment { text += "curve_extension=\(f.curveExtension.text)\n" }
        text += "underlying_definition=\(gradeHash(f.underlying))\n" + Self.calendar(calendar)
        return StoredDefinition(kind: "futures", id: f.root, version: methodologyVersion, canonical: text)
    }

    /// §7.5: a rolling index's definition, naming its curve definition by hash.
    public static func rollingIndex(_ ri: RollingIndexDefinition, methodologyVersion: String, curve: StoredDefinition) -> StoredDefinition {
        var text = "methodology_version=\(methodologyVersion)\nrolling_index=\(ri.id)\nfutures=\(ri.futures)\n"
        switch ri.schedule {
        case .front: text += "schedule=front\n"
        case .deferred(let k): text += "schedule=deferred \(k)\n"
        case .table(let t): text += "schedule=months \(t.map(String.init).joined(separator: ","))\n"
        }
        text += "roll_days=\(ri.rollDays.lowerBound)-\(ri.rollDays.upperBound)\nbase_date=\(ri.baseDate)\nbase_value=\(ri.baseValue)\n"
        text += "published_decimals=\(ri.publishedDecimals)\ncurve_definition=\(curve.hash)\n"
        return StoredDefinition(kind: "rolling_index", id: ri.id, version: methodologyVersion, canonical: text)
    }

    /// §8.1: a fund's definition, naming its futures' curve definition by hash (when the root is defined).
    public static func fund(_ f: FundDefinition, methodologyVersion: String, curve: StoredDefinition?) -> StoredDefinition {
        var t = "methodology_version=\(methodologyVersion)\nfund=\(f.id)\nfutures=\(f.futures)\n"
        switch f.design {
        case .front: t += "design=front\n"
        case .deferred(let k): t += "design=deferred \(k)\n"
        case .ladder(let n): t += "design=ladder \(n)\n"
        }
        t += "roll_days=\(f.rollDays.lowerBound)-\(f.rollDays.upperBound)\ninception=\(f.inception)\ninitial_nav=\(f.initialNAV)\n"
        t += "initial_shares=\(f.initialShares)\nexposure=\(f.exposure)\ncontracts=\(f.contracts.rawValue)\nexpense_ratio=\(f.expenseRatio)\n"
        t += "cost_per_contract=\(f.costPerContract)\nexposure_band=\(f.exposureBand)\n"
        switch f.collateral {
        case .tbill: t += "collateral=tbill\n"
        case .none: t += "collateral=none\n"
        case .fixed(let r): t += "collateral=\(r)\n"
        }
        t += "flows=" + f.flows.sorted { $0.key < $1.key }.map { "\($0.key):\($0.value)" }.joined(separator: ",") + "\n"
        if let curve { t += "curve_definition=\(curve.hash)\n" }
        return StoredDefinition(kind: "fund", id: f.id, version: methodologyVersion, canonical: t)
    }
}

/// A resolved definition as stored: its kind (`fixing` or `index`), id, version, canonical text, hash.
public struct StoredDefinition: Sendable, Hashable {
    public var kind: String
    public var id: String
    public var version: String
    public var canonical: String
    public var hash: String

    public init(kind: String, id: String, version: String, canonical: String) {
        self.kind = kind
        self.id = id
        self.version = version
        self.canonical = canonical
        hash = FixingAudit.sha256(canonical)
    }
}
