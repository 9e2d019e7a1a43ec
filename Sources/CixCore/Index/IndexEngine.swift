/// Benchmark indices (METHODOLOGY.md §6): single-grade and chain-linked composite (Laspeyres).

public struct IndexDefinition: Sendable, Decodable, Hashable {
    public enum Kind: String, Sendable, Decodable { case single, composite }
    public enum Weighting: String, Sendable, Decodable { case fixed, capacity }

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

    enum CodingKeys: String, CodingKey {
        case id, name, kind = "type", grades, grade, weighting, weights, cap, floor
        case h100Equivalent = "h100_equivalent", performanceBasis = "performance_basis", baseDate = "base_date", baseValue = "base_value"
        case weightLagBusinessDays = "weight_lag_business_days", weightLookbackDays = "weight_lookback_days"
        case publishedDecimals = "published_decimals"
    }

    public init(id: String, name: String, kind: Kind, grades: [String], weighting: Weighting = .capacity, weights: [String: Double]? = nil,
                cap: Double = 1, floor: Double = 0, h100Equivalent: Bool = false, performanceBasis: PerformanceBasis = .bf16,
                baseDate: CivilDate, baseValue: Double = 1000,
                weightLagBusinessDays: Int = 5, weightLookbackDays: Int = 91, publishedDecimals: Int = 2) {
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
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        name = try c.decodeIfPresent(String.self, forKey: .name) ?? id
        kind = try c.decode(Kind.self, forKey: .kind)
        if kind == .single {
            grades = [try c.decode(String.self, forKey: .grade)]
        } else {
            grades = try c.decode([String].self, forKey: .grades)
        }
        weighting = try c.decodeIfPresent(Weighting.self, forKey: .weighting) ?? .capacity
        weights = try c.decodeIfPresent([String: Double].self, forKey: .weights)
        cap = try c.decodeIfPresent(Double.self, forKey: .cap) ?? 1
        floor = try c.decodeIfPresent(Double.self, forKey: .floor) ?? 0
        h100Equivalent = try c.decodeIfPresent(Bool.self, forKey: .h100Equivalent) ?? false
        performanceBasis = try c.decodeIfPresent(PerformanceBasis.self, forKey: .performanceBasis) ?? .bf16
        baseDate = try c.decode(CivilDate.self, forKey: .baseDate)
        baseValue = try c.decodeIfPresent(Double.self, forKey: .baseValue) ?? 1000
        weightLagBusinessDays = try c.decodeIfPresent(Int.self, forKey: .weightLagBusinessDays) ?? 5
        weightLookbackDays = try c.decodeIfPresent(Int.self, forKey: .weightLookbackDays) ?? 91
        publishedDecimals = try c.decodeIfPresent(Int.self, forKey: .publishedDecimals) ?? 2
    }
}

/// What the index engine needs of one grade on one date.
public struct ConstituentPrice: Sendable, Hashable {
    public var value: Double?
    public var status: FixingStatus
    /// GPUs available in the window (for capacity weights).
    public var capacityGPUs: Double
    public init(value: Double?, status: FixingStatus, capacityGPUs: Double) {
        self.value = value
        self.status = status
        self.capacityGPUs = capacityGPUs
    }
}

public enum IndexStatus: String, Sendable, Codable {
    /// Every constituent fixed from its own window.
    case ok
    /// Some constituent stale, or held at its last price because suspended.
    case partial
    /// A single-grade index whose grade is suspended: nothing is published.
    case suspended
    /// Before the (effective) base date.
    case notStarted = "not_started"
}

public struct ConstituentState: Sendable, Hashable {
    public var grade: String
    public var weight: Double
    public var linkPrice: Double
    public var price: Double
    /// Held at its last price (suspended or missing today).
    public var held: Bool
}

public struct IndexValue: Sendable, Hashable {
    public var date: CivilDate
    public var status: IndexStatus
    /// Full precision; nil when nothing is published.
    public var level: Double?
    public var linkDate: CivilDate?
    public var constituents: [ConstituentState]

    public func published(decimals: Int) -> String? { level.map { Decimals.format($0, places: decimals) } }
}

public enum Calendar {
    /// Monday to Friday (no holiday calendar: compute markets trade every day; rebalances avoid weekends).
    public static func isBusinessDay(_ d: CivilDate) -> Bool { d.isoWeekday <= 5 }

    /// First business day of January, April, July and October.
    public static func isRebalanceDate(_ d: CivilDate) -> Bool {
        let c = d.components
        guard [1, 4, 7, 10].contains(c.month), isBusinessDay(d) else { return false }
        var x = CivilDate(year: c.year, month: c.month, day: 1)!
        while !isBusinessDay(x) { x = x.adding(days: 1) }
        return x == d
    }

    public static func businessDaysBefore(_ d: CivilDate, _ n: Int) -> CivilDate {
        var x = d
        var k = 0
        while k < n {
            x = x.adding(days: -1)
            if isBusinessDay(x) { k += 1 }
        }
        return x
    }
}

public enum IndexEngine {
    /// The chain-linking step: level = link level × relative, at full precision (§6.3).
    @inline(__always) public static func link(_ linkLevel: Double, relative: Double) -> Double { linkLevel * relative }

    /// Computes the index from its (effective) base date through `end`. `prices(grade, date)` gives
    /// the grade's fixing; `performance(grade)` the H100-equivalent factor of its par chip. Pure: the
    /// result for a date depends only on the fixings up to it.
    public static func compute(_ def: IndexDefinition, through end: CivilDate,
                               prices: (String, CivilDate) -> ConstituentPrice?, performance: (String) -> Double) -> [IndexValue] {
        var out: [IndexValue] = []
        // Effective base: the first date on or after base_date when some constituent has a value.
        var base = def.baseDate
        while base <= end, !def.grades.contains(where: { prices($0, base)?.value != nil }) { base = base.adding(days: 1) }
        guard base <= end else { return [] }
        var linkDate = base
        var linkLevel = def.baseValue
        var members = weights(def, at: base, prices: prices, performance: performance)
        var last: [String: Double] = [:]
        var d = base
        while d <= end {
            var rel = 0.0
            var states: [ConstituentState] = []
            var anyHeldOrStale = false
            var suspendedSingle = false
            for (g, w, lp) in members {
                let p = prices(g, d)
                var price = p?.value
                var held = false
                if price == nil {
                    price = last[g] ?? lp
                    held = true
                    anyHeldOrStale = true
                    if def.kind == .single { suspendedSingle = true }
                } else if p?.status == .stale {
                    anyHeldOrStale = true
                }
                last[g] = price!
                rel += w * price! / lp
                states.append(ConstituentState(grade: g, weight: w, linkPrice: lp, price: price!, held: held))
            }
            let level = link(linkLevel, relative: rel)
            let status: IndexStatus = suspendedSingle ? .suspended : (anyHeldOrStale ? .partial : .ok)
            out.append(IndexValue(date: d, status: status, level: suspendedSingle ? nil : level, linkDate: linkDate, constituents: states))
            // Rebalance after the close of a rebalance date: new link at today's level (no jump).
            if def.kind == .composite, d > linkDate, Calendar.isRebalanceDate(d) {
                let next = weights(def, at: d, prices: prices, performance: performance)
                if !next.isEmpty {
                    linkLevel = level
                    linkDate = d
                    members = next
                }
            }
            d = d.adding(days: 1)
        }
        return out
    }

    /// Constituents and weights set at a link date: grades with a value on that date; capacity weights
    /// from the GPU-hours (H100-equivalent if so defined) over the lookback ending `lag` business days
    /// before it; cap and floor applied. Returns (grade, weight, link price).
    static func weights(_ def: IndexDefinition, at date: CivilDate, prices: (String, CivilDate) -> ConstituentPrice?,
                        performance: (String) -> Double) -> [(String, Double, Double)] {
        let eligible = def.grades.filter { prices($0, date)?.value != nil }
        guard !eligible.isEmpty else { return [] }
        var raw: [Double]
        switch def.weighting {
        case .fixed:
            raw = eligible.map { def.weights?[$0] ?? 0 }
        case .capacity:
            let cutoff = Calendar.businessDaysBefore(date, def.weightLagBusinessDays)
            raw = eligible.map { g in
                var gpuHours = 0.0
                var x = cutoff.adding(days: -(def.weightLookbackDays - 1))
                while x <= cutoff {
                    gpuHours += (prices(g, x)?.capacityGPUs ?? 0) * 24
                    x = x.adding(days: 1)
                }
                return def.h100Equivalent ? gpuHours * performance(g) : gpuHours
            }
            // A new constituent with no capacity history yet: the smallest positive capacity.
            let positive = raw.filter { $0 > 0 }
            if positive.isEmpty { raw = raw.map { _ in 1 } } else { raw = raw.map { $0 > 0 ? $0 : positive.min()! } }
        }
        let w = eligible.count == 1 ? [1.0] : Stats.boundedWeights(raw, floor: def.floor, cap: def.cap)
        return eligible.indices.map { (eligible[$0], w[$0], prices(eligible[$0], date)!.value!) }
    }
}
