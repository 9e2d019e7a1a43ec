import CixCore

/// An independent, deliberately naive implementation of METHODOLOGY.md §6.2–§6.5 for tests: link dates,
/// weights (bounded by bisection, not by the engine's exact solve), link prices and levels are all
/// computed here from the prices alone; no value is taken from the engine.
public struct NaiveIndex {
    public struct Link {
        public var date: CivilDate
        public var level: Double
        public var weights: [String: Double]
        public var prices: [String: Double]
    }

    let def: IndexDefinition
    let calendar: BusinessCalendar
    let prices: (String, CivilDate) -> Double?
    let capacity: (String, CivilDate) -> Double
    let performance: (String) -> Double

    public init(def: IndexDefinition, calendar: BusinessCalendar, prices: @escaping (String, CivilDate) -> Double?,
                capacity: @escaping (String, CivilDate) -> Double, performance: @escaping (String) -> Double) {
        self.def = def
        self.calendar = calendar
        self.prices = prices
        self.capacity = capacity
        self.performance = performance
    }

    /// §6.4 by bisection on λ: wᵢ = min(cap, max(floor, λ sᵢ)), Σ = 1; infeasible: 1/n.
    public static func bisectionWeights(_ raw: [Double], floor: Double, cap: Double) -> [Double] {
        let n = Double(raw.count)
        if raw.count == 1 { return [1] }
        if n * floor > 1 || n * cap < 1 { return raw.map { _ in 1 / n } }
        let t = raw.reduce(0, +)
        let s = raw.map { $0 / t }
        func f(_ l: Double) -> Double { s.reduce(0) { $0 + min(cap, max(floor, l * $1)) } }
        var lo = 0.0, hi = 1.0
        while f(hi) < 1 { hi *= 2 }
        for _ in 0..<200 { let m = (lo + hi) / 2; if f(m) < 1 { lo = m } else { hi = m } }
        return s.map { min(cap, max(floor, hi * $0)) }
    }

    func weights(at d: CivilDate, among grades: [String]) -> [String: Double] {
        var cutoff = d
        var k = 0
        while k < def.weightLagBusinessDays { cutoff = cutoff.adding(days: -1); if calendar.isBusinessDay(cutoff) { k += 1 } }
        var raw = grades.map { g -> Double in
            var sum = 0.0
            for i in 0..<def.weightLookbackDays { sum += capacity(g, cutoff.adding(days: -i)) * 24 }
            return def.h100Equivalent ? sum * performance(g) : sum
        }
        let pos = raw.filter { $0 > 0 }
        raw = pos.isEmpty ? raw.map { _ in 1 } : raw.map { $0 > 0 ? $0 : pos.min()! }
        let w = NaiveIndex.bisectionWeights(raw, floor: def.floor, cap: def.cap)
        return Dictionary(uniqueKeysWithValues: zip(grades, w))
    }

    func isQuarterStart(_ d: CivilDate) -> Bool {
        let c = d.components
        guard [1, 4, 7, 10].contains(c.month) else { return false }
        return isMonthStart(d)
    }

    func isMonthStart(_ d: CivilDate) -> Bool {
        guard calendar.isBusinessDay(d) else { return false }
        var x = CivilDate(year: d.components.year, month: d.components.month, day: 1)!
        while !calendar.isBusinessDay(x) { x = x.adding(days: 1) }
        return x == d
    }

    /// Levels by date (nil when suspended) and the links, walking every date from the base.
    public func run(through end: CivilDate) -> (levels: [CivilDate: Double?], links: [Link]) {
        var base = def.baseDate
        while base <= end, def.grades.filter({ prices($0, base) != nil }).count < def.minConstituents { base = base.adding(days: 1) }
        var links: [Link] = []
        func makeLink(_ d: CivilDate, level: Double, among: [String]) -> Link {
            let g = among.filter { prices($0, d) != nil }
            return Link(date: d, level: level, weights: weights(at: d, among: g), prices: Dictionary(uniqueKeysWithValues: g.map { ($0, prices($0, d)!) }))
        }
        links.append(makeLink(base, level: def.baseValue, among: def.grades))
        var former = Set(links[0].weights.keys)
        var levels: [CivilDate: Double?] = [:]
        var last: [String: Double] = [:]
        var d = base
        while d <= end {
            let l = links.last!
            var rel = 0.0
            var live = 0.0
            for (g, w) in l.weights {
                if let p = prices(g, d) { last[g] = p; live += w }
                let p = last[g] ?? l.prices[g]!
                rel += w * p / l.prices[g]!
            }
            let level = l.level * rel
            levels[d] = live < def.minLiveWeight - 1e-12 ? nil : level
            if def.kind == .composite, d > l.date {
                let members = Set(l.weights.keys)
                let quarter = isQuarterStart(d)
                let reentry = isMonthStart(d) && former.contains { !members.contains($0) && prices($0, d) != nil }
                if quarter || reentry {
                    let next = makeLink(d, level: level, among: quarter ? def.grades : def.grades.filter { former.contains($0) })
                    if next.weights.count >= def.minConstituents {
                        links.append(next)
                        former.formUnion(next.weights.keys)
                    }
                }
            }
            d = d.adding(days: 1)
        }
        return (levels, links)
    }
}
