/// Parameters of the daily fixing (Indices/fixing.yaml; METHODOLOGY.md §5). The defaults here are the
/// only place each default is written; the loader (CixIO/Definitions) fills what a file leaves out.
public struct FixingParameters: Sendable, Hashable {
    /// Which dates have a fixing (§5.5).
    public enum FixingDays: String, Sendable, Hashable, CaseIterable {
        /// Every calendar day: compute is rented around the clock (the shipped choice).
        case everyDay = "every_day"
        /// Business days of the calendar (§1.6) only.
        case businessDays = "business_days"
    }

    /// Seconds after 00:00 UTC of the fixing date (default 16:00).
    public var fixingTimeSeconds: Int = 16 * 3600
    public var windowHours: Int = 24
    /// Outliers: outside median ± k × 1.4826 × MAD (§5.2).
    public var outlierK: Double = 3
    /// The dispersion floor of §5.2: the MAD used is at least this fraction of the median, so a wild offer
    /// is dropped even when all the others agree exactly (MAD = 0).
    public var outlierMinRelativeMAD: Double = 0.005
    public var sourceCap: Double = 0.30
    public var minSources: Int = 3
    public var minOffers: Int = 5
    /// Consecutive insufficient fixing dates carried forward as `stale` before `suspended`.
    public var maxStaleDays: Int = 5
    public var bootstrapSamples: Int = 200
    public var bootstrapSeed: UInt64 = 20_240_101
    public var publishedDecimals: Int = 4
    public var fixingDays: FixingDays = .everyDay

    public init() {}

    /// The publication rounding of a fixing value (§1.4).
    public var rounding: Rounding { Rounding(decimals: publishedDecimals) }

    /// The window (start, end] in epoch seconds for a fixing date (§5.1).
    public func window(_ date: CivilDate) -> FixingWindow {
        let end = date.startEpoch + Int64(fixingTimeSeconds)
        return FixingWindow(start: end - Int64(windowHours) * 3600, end: end)
    }

    /// Whether `date` has a fixing (§5.5).
    public func isFixingDate(_ date: CivilDate, calendar: BusinessCalendar) -> Bool {
        fixingDays == .everyDay || calendar.isBusinessDay(date)
    }

    /// The `n` fixing dates before `date`, most recent first (the carry-forward history of §5.5).
    public func previousFixingDates(_ date: CivilDate, _ n: Int, calendar: BusinessCalendar) -> [CivilDate] {
        var out: [CivilDate] = []
        var x = date
        while out.count < n {
            x = x.adding(days: -1)
            if isFixingDate(x, calendar: calendar) { out.append(x) }
        }
        return out
    }
}

/// A fixing window (start, end] in epoch seconds (§5.1).
public struct FixingWindow: Sendable, Hashable {
    public var start: Int64
    public var end: Int64
    public init(start: Int64, end: Int64) {
        self.start = start
        self.end = end
    }
}
