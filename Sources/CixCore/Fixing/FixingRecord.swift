/// A published fixing (METHODOLOGY.md §5): one version of one grade and date.
public struct FixingRecord: SeriesRecord {
    public var grade: String
    public var date: String
    public var version: Int = 0
    public var status: String
    public var value: Double?
    public var published: String?
    public var offers: Int
    public var sources: Int
    public var outliers: Int?
    public var p25: Double?
    public var p75: Double?
    public var min: Double?
    public var max: Double?
    public var ciLow: Double?
    public var ciHigh: Double?
    public var capacityGPUs: Double
    public var carriedFrom: String?
    /// §5.8 (1.2): live sources in the fixing; the imputed ones as `name:age` (fixing dates since their
    /// last live window) joined by `;`; the panel changes of the date as `kind: name` joined by `; `.
    public var liveSources: Int?
    public var imputedSources: String?
    public var panelChanges: String?
    public var inputsHash: String?
    public var definitionHash: String
    /// §5.9 (1.3): the input level that decided an ok fixing, and the share of its cross-source weight
    /// held by transaction, firm and indicative sources (empty when not ok, and in vintages before 1.3).
    public var inputLevel: String?
    public var transactionShare: Double?
    public var firmShare: Double?
    public var indicativeShare: Double?

    public init(grade: String, date: String, status: String, value: Double?, published: String?, offers: Int, sources: Int,
                outliers: Int?, p25: Double?, p75: Double?, min: Double?, max: Double?, ciLow: Double?, ciHigh: Double?,
                capacityGPUs: Double, carriedFrom: String?, liveSources: Int? = nil, imputedSources: String? = nil,
                panelChanges: String? = nil, inputsHash: String?, definitionHash: String) {
        self.liveSources = liveSources
        self.imputedSources = imputedSources
        self.panelChanges = panelChanges
        self.grade = grade
        self.date = date
        self.status = status
        self.value = value
        self.published = published
        self.offers = offers
        self.sources = sources
        self.outliers = outliers
        self.p25 = p25
        self.p75 = p75
        self.min = min
        self.max = max
        self.ciLow = ciLow
        self.ciHigh = ciHigh
        self.capacityGPUs = capacityGPUs
        self.carriedFrom = carriedFrom
        self.inputsHash = inputsHash
        self.definitionHash = definitionHash
    }

    public init() {
        self.init(grade: "", date: "", status: "", value: nil, published: nil, offers: 0, sources: 0, outliers: nil, p25: nil, p75: nil,
                  min: nil, max: nil, ciLow: nil, ciHigh: nil, capacityGPUs: 0, carriedFrom: nil, inputsHash: nil, definitionHash: "")
    }

    public static let schema = SeriesSchema<FixingRecord>(table: "fixings", keys: [
        SeriesField("grade_id", export: "grade", \.grade), SeriesField("date", \.date),
    ], values: [
        SeriesField("status", \.status), SeriesField("value", \.value), SeriesField("published", \.published, number: true),
        SeriesField("offers", \.offers), SeriesField("sources", \.sources), SeriesField("outliers", export: "outliers_dropped", \.outliers),
        SeriesField("p25", \.p25), SeriesField("p75", \.p75), SeriesField("min", \.min), SeriesField("max", \.max),
        SeriesField("ci_low", export: "ci95_low", \.ciLow), SeriesField("ci_high", export: "ci95_high", \.ciHigh),
        SeriesField("capacity_gpus", \.capacityGPUs), SeriesField("carried_from", \.carriedFrom), SeriesField("live_sources", \.liveSources),
        SeriesField("imputed_sources", \.imputedSources), SeriesField("panel_changes", \.panelChanges),
        SeriesField("inputs_hash", \.inputsHash), SeriesField("definition_hash", \.definitionHash),
        SeriesField("input_level", \.inputLevel, introduced: true), SeriesField("transaction_share", \.transactionShare, introduced: true),
        SeriesField("firm_share", \.firmShare, introduced: true), SeriesField("indicative_share", \.indicativeShare, introduced: true),
    ], mainValue: "value")
}

/// What the later stages read of a fixing (§5.5, §6, §7.4): its key, status, value and capacity, typed
/// (the record's texts are parsed once, at the store's edge).
public struct FixingValue: Sendable, Hashable {
    public var grade: String
    public var date: CivilDate
    public var status: FixingStatus
    public var value: Double?
    public var capacityGPUs: Double
    /// At least one of its sources was imputed (§5.8).
    public var imputed: Bool

    public init(grade: String, date: CivilDate, status: FixingStatus, value: Double?, capacityGPUs: Double, imputed: Bool = false) {
        self.imputed = imputed
        self.grade = grade
        self.date = date
        self.status = status
        self.value = value
        self.capacityGPUs = capacityGPUs
    }

    /// A published record's values (nil when its date or status does not read back).
    public init?(_ r: FixingRecord) {
        guard let d = CivilDate(iso: r.date), let s = FixingStatus(rawValue: r.status) else { return nil }
        self.init(grade: r.grade, date: d, status: s, value: r.value, capacityGPUs: r.capacityGPUs, imputed: !(r.imputedSources ?? "").isEmpty)
    }
}
