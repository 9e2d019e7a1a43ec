/// Benchmark indices (METHODOLOGY.md §6): single-grade and chain-linked composite (Laspeyres).

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
    /// The level at the link date that this level chains from (§6.3).
    public var linkLevel: Double?
    public var constituents: [ConstituentState]

    public func published(_ rounding: Rounding) -> String? { level.flatMap { rounding.format($0) } }
}

public enum IndexEngine {
    /// The chain-linking step: level = link level × relative, at full precision (§6.3).
    @inline(__always) public static func link(_ linkLevel: Double, relative: Double) -> Double { linkLevel * relative }

    /// Computes the index from its (effective) base date through `end`. `prices(grade, date)` gives
    /// the grade's fixing; `performance(grade)` the H100-equivalent factor of its par chip. Pure: the
    /// result for a date depends only on the fixings up to it.
    /// Levels are computed on the fixing dates (§5.5: every day, or the calendar's business days);
    /// rebalances and weight cut-offs follow the calendar (§6.4).
    public static func compute(_ def: IndexDefinition, calendar: BusinessCalendar, fixingDays: FixingParameters.FixingDays = .everyDay,
                               through end: CivilDate,
                               prices: (String, CivilDate) -> ConstituentPrice?, performance: (String) -> Double) -> [IndexValue] {
        func isFixingDate(_ d: CivilDate) -> Bool { fixingDays == .everyDay || calendar.isBusinessDay(d) }
        var out: [IndexValue] = []
        // Effective base: the first date on or after base_date when some constituent has a value.
        var base = def.baseDate
        while base <= end, !isFixingDate(base) || !def.grades.contains(where: { prices($0, base)?.value != nil }) { base = base.adding(days: 1) }
        guard base <= end else { return [] }
        var linkDate = base
        var linkLevel = def.baseValue
        var members = weights(def, at: base, calendar: calendar, prices: prices, performance: performance)
        var last: [String: Double] = [:]
        var d = base
        while d <= end {
            defer { d = d.adding(days: 1) }
            if !isFixingDate(d) { continue }
            var rel = 0.0
            var states: [ConstituentState] = []
            var anyHeldOrStale = false
            var suspendedSingle = false
            for m in members {
                let (g, w, lp) = (m.grade, m.weight, m.linkPrice)
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
            out.append(IndexValue(date: d, status: status, level: suspendedSingle ? nil : level, linkDate: linkDate, linkLevel: linkLevel,
                                  constituents: states))
            // Rebalance after the close of a rebalance date: new link at today's level (no jump).
            if def.kind == .composite, d > linkDate, calendar.isRebalanceDate(d) {
                let next = weights(def, at: d, calendar: calendar, prices: prices, performance: performance)
                if !next.isEmpty {
                    linkLevel = level
                    linkDate = d
                    members = next
                }
            }
        }
        return out
    }

    /// §6.4: constituents and weights set at a link date: grades with a value on that date; capacity
    /// weights from the GPU-hours (H100-equivalent if so defined) over the lookback ending `lag`
    /// business days before it; floor and cap applied.
    static func weights(_ def: IndexDefinition, at date: CivilDate, calendar: BusinessCalendar,
                        prices: (String, CivilDate) -> ConstituentPrice?, performance: (String) -> Double) -> [LinkMember] {
        let eligible = def.grades.filter { prices($0, date)?.value != nil }
        guard !eligible.isEmpty else { return [] }
        var raw: [Double]
        switch def.weighting {
        case .fixed:
            raw = eligible.map { def.weights?[$0] ?? 0 }
        case .capacity:
            let cutoff = calendar.businessDaysBefore(date, def.weightLagBusinessDays)
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
        return eligible.indices.map { LinkMember(grade: eligible[$0], weight: w[$0], linkPrice: prices(eligible[$0], date)!.value!) }
    }

    /// §6.4: the H100-equivalent factor of a grade, taken from its par chip (quality factor 1.0; when
    /// several chips are at par, the first by id; with none at par, the first chip by id).
    public static func parPerformanceFactor(_ ref: ReferenceData, grade: String, basis: PerformanceBasis = .bf16) -> Double {
        guard let g = ref.grades.grade(id: grade) else { return 1 }
        let par = g.chips.filter { $0.value == 1 }.keys.sorted().first ?? g.chips.keys.sorted().first!
        return ref.chips.chip(id: par).map { ref.chips.performanceFactor($0, basis: basis) } ?? 1
    }
}

/// A constituent as fixed at a link date (§6.3): its weight and link price.
public struct LinkMember: Sendable, Hashable {
    public var grade: String
    public var weight: Double
    public var linkPrice: Double
}
