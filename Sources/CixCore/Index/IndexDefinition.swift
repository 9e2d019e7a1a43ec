/// A benchmark index definition (Indices/indices.yaml; METHODOLOGY.md §6). The YAML keys and the
/// checks on load live in CixIO/Definitions; the defaults of the initializer are the only defaults.
public struct IndexDefinition: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable, CaseIterable { case single, composite }
    public enum Weighting: String, Sendable, Hashable, CaseIterable { case fixed, capacity }

    public var id: String
    public var name: String
    public var kind: Kind
    /// Constituent grades (one for a single-grade index).
    public var grades: [String]
    public var weighting: Weighting
    /// For fixed weighting: grade → weight (normalized to sum 1).
    public var weights: [String: Double]?
    public var cap: Double
    public var floor: Double
    /// Capacity measured in H100-equivalent GPU-hours (true) or in GPU-hours (false).
    public var h100Equivalent: Bool
    /// What "H100-equivalent" divides by: dense BF16 (default) or memory bandwidth (§3.4).
    public var performanceBasis: PerformanceBasis
    public var baseDate: CivilDate
    public var baseValue: Double
    /// Business days before a rebalance date at which weight data stop.
    public var weightLagBusinessDays: Int
    /// Calendar days of capacity data behind the weight cut-off ("the prior quarter").
    public var weightLookbackDays: Int
    public var publishedDecimals: Int
    /// Constituents with a value needed to start the index or to set a new link (§6.5).
    public var minConstituents: Int
    /// The share of link weight that must have its own fixing (ok or stale) for a level to be published;
    /// below it the index is `suspended` that day (§6.5).
    public var minLiveWeight: Double
    /// Consecutive suspended fixing days after which the index ceases (§6.6).
    public var cessationDays: Int

    public init(id: String, name: String, kind: Kind, grades: [String], weighting: Weighting = .capacity, weights: [String: Double]? = nil,
                cap: Double = 1, floor: Double = 0, h100Equivalent: Bool = false, performanceBasis: PerformanceBasis = .bf16,
                baseDate: CivilDate, baseValue: Double = 1000,
                weightLagBusinessDays: Int = 5, weightLookbackDays: Int = 91, publishedDecimals: Int = 2,
                minConstituents: Int? = nil, minLiveWeight: Double = 0.5, cessationDays: Int = 30) {
        self.id = id
        self.name = name
        self.kind = kind
        self.grades = grades
        self.weighting = weighting
        self.weights = weights
        self.cap = cap
        self.floor = floor
        self.h100Equivalent = h100Equivalent
        self.performanceBasis = performanceBasis
        self.baseDate = baseDate
        self.baseValue = baseValue
        self.weightLagBusinessDays = weightLagBusinessDays
        self.weightLookbackDays = weightLookbackDays
        self.publishedDecimals = publishedDecimals
        self.minConstituents = minConstituents ?? (kind == .single ? 1 : min(2, grades.count))
        self.minLiveWeight = minLiveWeight
        self.cessationDays = cessationDays
    }

    /// The publication rounding of a level (§1.4).
    public var rounding: Rounding { Rounding(decimals: publishedDecimals) }
}
