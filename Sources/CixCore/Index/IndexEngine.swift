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
    /// A single-grade index whose grade is suspended, or a composite whose constituents with their own
    /// fixing carry less than `min_live_weight`: nothing is published (§6.5).
    case suspended
    /// Suspended for more than `cessation_days` consecutive fixing days: the index has ceased (§6.6).
    case ceased
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
        func valued(_ d: CivilDate) -> Int { def.grades.filter { prices($0, d)?.value != nil }.count }
        var out: [IndexValue] = []
        // §6.5 effective base: the first fixing date on or after base_date with min_constituents values.
        var base = def.baseDate
        while base <= end, !isFixingDate(base) || valued(base) < def.minConstituents { base = base.adding(days: 1) }
        guard base <= end else { return [] }
        var linkDate = base
        var linkLevel = def.baseValue
        var members = weights(def, at: base, calendar: calendar, prices: prices, performance: performance)
        var last: [String: Double] = [:]
        var suspendedRun = 0
        var ceased = false
        var everMember = Set(members.map(\.grade))
        var d = base
        while d <= end {
            defer { d = d.adding(days: 1) }
            if !isFixingDate(d) { continue }
            var rel = 0.0
            var live = 0.0
            var states: [ConstituentState] = []
            var anyHeldOrStale = false
            for m in members {
                let (g, w, lp) = (m.grade, m.weight, m.linkPrice)
                let p = prices(g, d)
                var price = p?.value
                var held = false
                if price == nil {
                    price = last[g] ?? lp
                    held = true
                    anyHeldOrStale = true
                } else {
                    live += w
                    if p?.status == .stale { anyHeldOrStale = true }
                }
                last[g] = price!
                rel += w * price! / lp
                states.append(ConstituentState(grade: g, weight: w, linkPrice: lp, price: price!, held: held))
            }
            let level = link(linkLevel, relative: rel)
            // §6.5: too little of the link weight has its own fixing today: nothing is published.
            let suspended = live < def.minLiveWeight - 1e-12 || (def.kind == .single && live == 0)
            suspendedRun = suspended ? suspendedRun + 1 : 0
            if suspendedRun > def.cessationDays { ceased = true }
            let status: IndexStatus = ceased ? .ceased : suspended ? .suspended : (anyHeldOrStale ? .partial : .ok)
            out.append(IndexValue(date: d, status: status, level: (suspended || ceased) ? nil : level, linkDate: linkDate, linkLevel: linkLevel,
                                  constituents: states))
            if ceased { continue }
            // §6.3/§6.4: rebalance after the close of a rebalance date (new link at today's level, no jump);
            // §6.5 re-entry: on the first business day of another month, a former constituent that left
            // (no value on a link date) and has a value today brings a new link with fresh weights. A grade
            // that was never a constituent (a new chip generation) waits for a quarterly rebalance.
            guard def.kind == .composite, d > linkDate else { continue }
            let quarterly = calendar.isRebalanceDate(d)
            let c = d.components
            let monthStart = calendar.isBusinessDay(d) && calendar.firstBusinessDay(year: c.year, month: c.month) == d
            let memberSet = Set(members.map(\.grade))
            let reentry = monthStart && everMember.contains { !memberSet.contains($0) && prices($0, d)?.value != nil }
            if quarterly || reentry {
                let next = weights(def, at: d, calendar: calendar, prices: prices, performance: performance,
                                   only: quarterly ? nil : everMember)
                if next.count >= def.minConstituents {
                    linkLevel = level
                    linkDate = d
                    members = next
                    everMember.formUnion(next.map(\.grade))
                }
            }
        }
        return out
    }

    /// §6.4: constituents and weights set at a link date: grades with a value on that date; capacity
    /// weights from the GPU-hours (H100-equivalent if so defined) over the lookback ending `lag`
    /// business days before it; floor and cap applied.
    static func weights(_ def: IndexDefinition, at date: CivilDate, calendar: BusinessCalendar,
                        prices: (String, CivilDate) -> ConstituentPrice?, performance: (String) -> Double,
                        only: Set<String>? = nil) -> [LinkMember] {
        let eligible = def.grades.filter { prices($0, date)?.value != nil && (only?.contains($0) ?? true) }
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
