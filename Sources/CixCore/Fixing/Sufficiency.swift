/// Data sufficiency and the fallback for an insufficient window (METHODOLOGY.md §5.5).
public enum FixingStatus: String, Sendable, Codable {
    /// Computed from the window's data.
    case ok
    /// Insufficient data: the last `ok` value carried forward (at most `maxStaleDays` fixing dates).
    case stale
    /// Insufficient data for longer, or never fixed: nothing is published.
    case suspended
}

public struct InsufficientData: Error, Sendable, Hashable {
    public var offers: Int
    public var sources: Int
    public init(offers: Int, sources: Int) {
        self.offers = offers
        self.sources = sources
    }
}

public enum Sufficiency {
    /// §5.5: a date suffices with at least `min_sources` sources and `min_offers` offers in the fixing,
    /// live and imputed together (§5.8; the panel also requires `min_live_sources` live ones).
    public static func suffices(offers: Int, sources: Int, params p: FixingParameters) -> Bool {
        sources >= p.minSources && offers >= p.minOffers
    }
}

extension FixingEngine {
    /// §5.5: the published fixing for a date from the window results of that date and of the fixing
    /// dates before it (`history[0]` = the previous fixing date, …; at least `maxStaleDays` entries
    /// where available). Depends on nothing else, so dates can be computed in any order.
    public static func fixing(grade: String, date: CivilDate, today: Result<WindowResult, InsufficientData>,
                              history: [Result<WindowResult, InsufficientData>?], params p: FixingParameters,
                              historyDates: [CivilDate]? = nil) -> Fixing {
        switch today {
        case .success(let w):
            return Fixing(grade: grade, date: date, status: .ok, value: w.value, window: w, carriedFrom: nil,
                          windowOffers: w.offers, windowSources: w.sources)
        case .failure(let ins):
            for (i, h) in history.prefix(p.maxStaleDays).enumerated() {
                if case .success(let w)? = h {
                    let from = historyDates.map { $0[i] } ?? date.adding(days: -(i + 1))
                    return Fixing(grade: grade, date: date, status: .stale, value: w.value, window: nil,
                                  carriedFrom: from, windowOffers: ins.offers, windowSources: ins.sources)
                }
            }
            return Fixing(grade: grade, date: date, status: .suspended, value: nil, window: nil, carriedFrom: nil,
                          windowOffers: ins.offers, windowSources: ins.sources)
        }
    }
}
