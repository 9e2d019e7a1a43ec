/// Compute futures contracts (METHODOLOGY.md §7.1–§7.2).

/// A futures definition (Indices/futures.yaml).
public struct FuturesDefinition: Sendable, Hashable {
    public enum Settlement: String, Sendable, Hashable, CaseIterable {
        /// The average of the underlying's daily fixings over the contract month (the default: a rental
        /// delivers evenly over its month).
        case monthlyAverage = "monthly_average"
        /// The underlying's fixing on the last calendar day of the contract month.
        case finalFixing = "final_fixing"
        /// The average of the underlying's daily fixings over the business days (§1.6) of the contract
        /// month: the listed H100 contract's rule (§7.2).
        case monthlyAverageBusinessDays = "monthly_average_business_days"
    }

    /// §7.4: the curve beyond the reserved strip's last term.
    public enum CurveExtension: Sendable, Hashable {
        /// The last strip segment's forward, held (the shipped 14-month roots).
        case lastSegment
        /// The strip's last monthly log slope, continued and halved every `halfLifeMonths` months.
        case dampedSlope(halfLifeMonths: Double)

        public var text: String {
            switch self {
            case .lastSegment: "last_segment"
            case .dampedSlope(let h): "damped_slope half_life_months=\(h)"
            }
        }
    }

    public var root: String
    public var name: String
    /// A grade id (the curve model needs a grade) or an index id.
    public var underlying: String
    public var settlement: Settlement
    public var contractGPUHours: Double
    public var tick: Double
    /// Months listed at any time: the current month and the next `listedMonths − 1`.
    public var listedMonths: Int
    /// The reserved-term strip of the curve model (§7.4): months → grade.
    public var termGrades: [Int: String] = [:]
    /// §7.4: how the curve goes on beyond the strip's last term.
    public var curveExtension: CurveExtension = .lastSegment
    /// §7.8: the share of a month's averaged days with a live or imputed fixing at which its final
    /// settlement is `final` (below it, `provisional`).
    public var minCoverage: Double = 0.9

    public init(root: String, name: String, underlying: String, settlement: Settlement = .monthlyAverage,
                contractGPUHours: Double = 1000, tick: Double = 0.0001, listedMonths: Int = 12) {
        self.root = root
        self.name = name
        self.underlying = underlying
        self.settlement = settlement
        self.contractGPUHours = contractGPUHours
        self.tick = tick
        self.listedMonths = listedMonths
    }
}

/// A contract month.
public struct ContractMonth: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var year: Int
    public var month: Int

    public init(year: Int, month: Int) {
        self.year = year
        self.month = month
    }

    public init(_ d: CivilDate) {
        let c = d.components
        self.init(year: c.year, month: c.month)
    }

    /// Months since year 0.
    public var index: Int { year * 12 + (month - 1) }
    public init(index: Int) { self.init(year: index / 12, month: index % 12 + 1) }
    public func adding(months: Int) -> ContractMonth { ContractMonth(index: index + months) }
    public func months(since o: ContractMonth) -> Int { index - o.index }

    public var firstDay: CivilDate { CivilDate(year: year, month: month, day: 1)! }
    public var lastDay: CivilDate { CivilDate(year: year, month: month, day: CivilDate.daysInMonth(year: year, month: month))! }
    public var days: Int { CivilDate.daysInMonth(year: year, month: month) }

    public static func < (a: ContractMonth, b: ContractMonth) -> Bool { a.index < b.index }
    public var description: String { "\(year)-\(month < 10 ? "0" : "")\(month)" }

    /// The exchange month codes F G H J K M N Q U V X Z (January to December).
    public static let codes: [Character] = ["F", "G", "H", "J", "K", "M", "N", "Q", "U", "V", "X", "Z"]
}

/// A contract: its root and month; its ticker is root + month code + two-digit year (`CXHJ26` is
/// April 2026).
public struct Contract: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var root: String
    public var month: ContractMonth

    public init(root: String, month: ContractMonth) {
        self.root = root
        self.month = month
    }

    public var ticker: String {
        let yy = month.year % 100
        return root + String(ContractMonth.codes[month.month - 1]) + (yy < 10 ? "0" : "") + String(yy)
    }

    public var description: String { ticker }

    public static func < (a: Contract, b: Contract) -> Bool { (a.root, a.month) < (b.root, b.month) }

    /// Parses a ticker against the known roots (the longest matching root wins); years 2000–2099.
    public static func parse(_ ticker: String, roots: [String]) -> Contract? {
        for root in roots.sorted(by: { $0.count > $1.count }) where ticker.hasPrefix(root) {
            let rest = Array(ticker.dropFirst(root.count))
            guard rest.count == 3, let m = ContractMonth.codes.firstIndex(of: rest[0]),
                  let yy = Int(String(rest[1...2])), rest[1].isNumber, rest[2].isNumber else { continue }
            return Contract(root: root, month: ContractMonth(year: 2000 + yy, month: m + 1))
        }
        return nil
    }

    /// §7.2: trading ends after the last business day of the contract month.
    public func lastTradingDay(_ calendar: BusinessCalendar) -> CivilDate {
        var d = month.lastDay
        while !calendar.isBusinessDay(d) { d = d.adding(days: -1) }
        return d
    }

    /// §7.1: listed on `date` when its month is the date's month or one of the next `listed − 1`, and it
    /// has not expired.
    public func isListed(on date: CivilDate, listedMonths: Int, calendar: BusinessCalendar) -> Bool {
        let ahead = month.months(since: ContractMonth(date))
        return ahead >= 0 && ahead < listedMonths && date <= lastTradingDay(calendar)
    }
}

/// §7.2: the final settlement price of a contract from the underlying's daily fixings of its month
/// (nil while any averaged day has no fixing; §7.8 settles with coverage and a fallback).
public enum FinalSettlement {
    /// The days a contract month's final settlement averages (§7.2): every calendar day
    /// (`monthly_average`), every business day (`monthly_average_business_days`), or the last day
    /// (`final_fixing`).
    public static func averagedDays(_ rule: FuturesDefinition.Settlement, month: ContractMonth, calendar: BusinessCalendar) -> [CivilDate] {
        switch rule {
        case .finalFixing: return [month.lastDay]
        case .monthlyAverage: return (0..<month.days).map { month.firstDay.adding(days: $0) }
        case .monthlyAverageBusinessDays: return calendar.businessDays(from: month.firstDay, to: month.lastDay)
        }
    }

    public static func price(_ def: FuturesDefinition, month: ContractMonth, calendar: BusinessCalendar = .weekdays,
                             fixing: (CivilDate) -> Double?) -> Double? {
        let days = averagedDays(def.settlement, month: month, calendar: calendar)
        var sum = 0.0
        for d in days {
            guard let v = fixing(d) else { return nil }
            sum += v
        }
        return days.isEmpty ? nil : sum / Double(days.count)
    }
}
