/// The factsheet's figures (METHODOLOGY.md §9.7): performance over standard periods and an index
/// level's 95% band from its constituents' fixing bounds.
public enum FactsheetMath {
    /// A value of a series on a day (days since 1970-01-01).
    public struct DatedValue: Sendable, Hashable {
        public var day: Int64
        public var value: Double
        public init(day: Int64, value: Double) {
            self.day = day
            self.value = value
        }
    }

    /// A constituent on a date: its link weight, and its fixing with the bootstrap bounds (§5.6).
    public struct BandInput: Sendable, Hashable {
        public var weight: Double
        public var value: Double?
        public var low: Double?
        public var high: Double?
        public init(weight: Double, value: Double?, low: Double?, high: Double?) {
            self.weight = weight
            self.value = value
            self.low = low
            self.high = high
        }
    }

    /// §9.7: V(D) ÷ V(s) − 1 for 1 month (D − 30), 3 months (D − 91), year to date (31 December of
    /// the previous year) and 1 year (D − 365), V(x) the last value on or before x (values in day
    /// order); nil when the series starts after s. Empty without a value on or before D.
    public static func performance(_ values: [DatedValue], date: CivilDate) -> [(period: String, value: Double?)] {
        func value(onOrBefore d: CivilDate) -> Double? { values.last { $0.day <= d.dayNumber }?.value }
        guard let now = value(onOrBefore: date) else { return [] }
        let c = date.components
        let starts: [(String, CivilDate)] = [("1 month", date.adding(days: -30)), ("3 months", date.adding(days: -91)),
                                             ("year to date", CivilDate(year: c.year - 1, month: 12, day: 31)!), ("1 year", date.adding(days: -365))]
        return starts.map { name, d in (name, value(onOrBefore: d).flatMap { $0 > 0 && values.first!.day <= d.dayNumber ? now / $0 - 1 : nil }) }
    }

    /// §9.7: level × Σ wᵢ·cᵢ/vᵢ ÷ Σ wᵢ over the constituents whose fixing has bounds, lower and upper;
    /// nil when none has.
    public static func band(level: Double, constituents: [BandInput]) -> (low: Double, high: Double)? {
        var lo = 0.0, hi = 0.0, total = 0.0
        for c in constituents {
            guard let v = c.value, v > 0, let a = c.low, let b = c.high else { continue }
            lo += c.weight * a / v
            hi += c.weight * b / v
            total += c.weight
        }
        guard total > 0 else { return nil }
        return (level * lo / total, level * hi / total)
    }
}
