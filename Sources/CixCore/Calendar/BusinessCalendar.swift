/// The business-day calendar (METHODOLOGY.md §1.6): weekdays minus the holidays listed in
/// `Indices/calendar.yaml`. Index rebalances and weight cut-offs (§6.4) and, with
/// `fixing_days: business_days`, the fixing dates (§5.5) follow it.
public struct BusinessCalendar: Sendable, Hashable {
    public var name: String
    /// Holidays as day numbers (days since 1970-01-01).
    public var holidays: Set<Int64>
    /// The years the holiday list covers; a date outside them is judged by weekday alone.
    public var coveredYears: ClosedRange<Int>?

    public init(name: String, holidays: [CivilDate], coveredYears: ClosedRange<Int>? = nil) {
        self.name = name
        self.holidays = Set(holidays.map(\.dayNumber))
        self.coveredYears = coveredYears
    }

    /// Monday to Friday, no holidays.
    public static let weekdays = BusinessCalendar(name: "weekdays", holidays: [])

    public func isHoliday(_ d: CivilDate) -> Bool { holidays.contains(d.dayNumber) }

    /// Monday to Friday and not a listed holiday.
    public func isBusinessDay(_ d: CivilDate) -> Bool { d.isoWeekday <= 5 && !holidays.contains(d.dayNumber) }

    /// The first business day of January, April, July and October: the quarterly rebalance (§6.4).
    public func isRebalanceDate(_ d: CivilDate) -> Bool {
        let c = d.components
        guard [1, 4, 7, 10].contains(c.month), isBusinessDay(d) else { return false }
        return firstBusinessDay(year: c.year, month: c.month) == d
    }

    /// The first business day of a month.
    public func firstBusinessDay(year: Int, month: Int) -> CivilDate {
        var x = CivilDate(year: year, month: month, day: 1)!
        while !isBusinessDay(x) { x = x.adding(days: 1) }
        return x
    }

    /// The n-th business day strictly before `d` (n ≥ 0; n = 0 gives `d`).
    public func businessDaysBefore(_ d: CivilDate, _ n: Int) -> CivilDate {
        var x = d
        var k = 0
        while k < n {
            x = x.adding(days: -1)
            if isBusinessDay(x) { k += 1 }
        }
        return x
    }

    /// The first business day on or after `d`.
    public func onOrAfter(_ d: CivilDate) -> CivilDate {
        var x = d
        while !isBusinessDay(x) { x = x.adding(days: 1) }
        return x
    }

    /// Business days in [from, to].
    public func businessDays(from: CivilDate, to: CivilDate) -> [CivilDate] {
        var out: [CivilDate] = []
        var x = from
        while x <= to {
            if isBusinessDay(x) { out.append(x) }
            x = x.adding(days: 1)
        }
        return out
    }
}
