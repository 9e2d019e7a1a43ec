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
    /// §5.4 (1.2): the share of the cross-source weight trimmed at each end (0.25: the weighted
    /// interquartile mean of the source values).
    public var crossSourceTrim: Double = 0.25
    /// §5.2 (1.2): a source whose value is more than this factor above or below the median source value
    /// counts as missing from the window.
    public var sourceOutlierFactor: Double = 3
    /// §5.8 (1.2): a panel source missing from a window is imputed from its last live window for at most
    /// this many fixing dates; beyond that it is dormant (out of the fixing) until it reports again.
    public var maxImputedDays: Int = 10
    /// §5.8 (1.2): the review of a month looks at the fixing dates of the `reviewDays` calendar days
    /// before its first fixing date.
    public var reviewDays: Int = 28
    /// §5.5 (1.2): a window suffices only with at least this many live (not imputed) panel sources.
    public var minLiveSources: Int = 1
    /// §5.9 (1.3): transactions govern a window when their kept volume reaches this many GPU-hours …
    public var transactionMinVolumeGPUHours: Double = 10_000
    /// … and they come from at least this many distinct sources, …
    public var transactionMinSources: Int = 3
    /// … each of which traded at least this many GPU-hours in the window (a thinner source is left out
    /// of the transaction level: one tiny trade neither counts towards the sources nor takes a weight).
    public var transactionMinSourceVolumeGPUHours: Double = 730
    /// §5.9 (1.3): whether indicative quotes may make up a window whose firm offers do not suffice (the
    /// last resort; false: such a window is stale or suspended as in §5.5).
    public var indicativeFallback: Bool = true
    /// §5.1 (1.2, `sources.yaml`): offers that a reseller lists on behalf of another source.
    public var resales: [Resale] = []

    public init() {}

    /// The publication rounding of a fixing value (§1.4).
    public var rounding: Rounding { Rounding(decimals: publishedDecimals) }

    /// The window (start, end] in epoch seconds for a fixing date (§5.1).
    public func window(_ date: CivilDate) -> FixingWindow {
        let end = date.startEpoch + Int64(fixingTimeSeconds)
        return FixingWindow(start: end - Int64(windowHours) * 3600, end: end)
    }

    /// §9.4: the first date whose fixing window ends at or after an observation at `epoch`: a quote
    /// observed then can change that date's fixing and every later one (the daily job restates from it).
    public func firstDateTouched(byObservationAt epoch: Int64) -> CivilDate {
        CivilDate(dayNumber: -floorDiv(-(epoch - Int64(fixingTimeSeconds)), 86_400))
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

/// §5.1 (1.2): a reseller lists some of another source's offers; such an offer is known by its offer id's
/// prefix, and counts once: the upstream source's own listing stands for it (`Indices/sources.yaml`).
public struct Resale: Sendable, Hashable {
    /// The reseller's source id.
    public var reseller: String
    /// The upstream source whose offers it resells.
    public var upstream: String
    /// The reseller's offer ids of the upstream's offers start with this text.
    public var offerIDPrefix: String
    public init(reseller: String, upstream: String, offerIDPrefix: String) {
        self.reseller = reseller
        self.upstream = upstream
        self.offerIDPrefix = offerIDPrefix
    }
}

extension FixingParameters {
    /// The dates of the panel review that governs `date` (§5.8): the first fixing date of `date`'s
    /// month is the review date; the review period is the fixing dates of the `reviewDays` calendar days
    /// before it, oldest first.
    public func review(for date: CivilDate, calendar: BusinessCalendar) -> (date: CivilDate, period: [CivilDate]) {
        let c = date.components
        var first = CivilDate(year: c.year, month: c.month, day: 1)!
        while !isFixingDate(first, calendar: calendar) { first = first.adding(days: 1) }
        var period: [CivilDate] = []
        for k in stride(from: reviewDays, through: 1, by: -1) {
            let d = first.adding(days: -k)
            if isFixingDate(d, calendar: calendar) { period.append(d) }
        }
        return (first, period)
    }
}
