/// The publication policy (METHODOLOGY.md §9, `Indices/publication.yaml`): when a changed value is
/// published as a new vintage and when it is only recorded.
public struct PublicationPolicy: Sendable, Hashable {
    /// §9.2: a change is published when it comes at most this many business days after the value's
    /// first publication.
    public var restatementWindowBusinessDays = 1
    /// §9.4: the exports `cix run` writes for its day, in this order.
    public var dailyFiles: [String] = ["fixings", "indices", "weights", "curves", "futures-indices", "funds", "restatements"]

    public init() {}

    /// §9.2: business days of `calendar` in (firstPublished, asOf]; zero when `asOf` is not later.
    public static func businessDaysAfter(_ firstPublished: CivilDate, until asOf: CivilDate, calendar: BusinessCalendar) -> Int {
        guard asOf > firstPublished else { return 0 }
        return calendar.businessDays(from: firstPublished.adding(days: 1), to: asOf).count
    }

    /// §9.2: is a change found as of `asOf` to a value first published as of `firstPublished` still
    /// inside the restatement window?
    public func withinWindow(firstPublished: CivilDate, asOf: CivilDate, calendar: BusinessCalendar) -> Bool {
        PublicationPolicy.businessDaysAfter(firstPublished, until: asOf, calendar: calendar) <= restatementWindowBusinessDays
    }
}

/// §9.3: why a published value changed.
public enum RestatementReason: Sendable, Hashable, CustomStringConvertible {
    case lateQuote
    case correctedSettlement
    case lateRate
    /// A late or corrected FX rate repriced quotes (no new quotes in the run).
    case lateFX
    /// New quotes and new FX rates in the same run.
    case lateQuoteOrFX
    /// A late or corrected external benchmark print (§10).
    case lateReference
    case definitionChange
    /// Dates before the first published one were published (a backfill), and chain-linked series now
    /// start earlier.
    case backfill
    case manual(String)

    public var description: String {
        switch self {
        case .lateQuote: "late quote"
        case .correctedSettlement: "corrected settlement"
        case .lateRate: "late rate"
        case .lateFX: "late FX rate"
        case .lateQuoteOrFX: "late quote or FX rate"
        case .lateReference: "late reference print"
        case .definitionChange: "definition change"
        case .backfill: "backfill"
        case .manual(let why): why.isEmpty ? "manual" : "manual: \(why)"
        }
    }
}

/// What feeds a published series, for the reason its changes record (§9.3).
public enum SeriesInputs: Sendable, Hashable {
    /// Quotes and FX rates (fixings and what is built from them without futures data).
    case priced
    /// Settlements and T-bill rates too (rolling indices, funds).
    case futures
    /// External benchmark prints too (the basis, §10).
    case reference
}

extension RestatementReason {
    /// §9.3: the reason a series' changes record, from the kinds of input that arrived since the last daily
    /// run: for priced series `late quote`, `late FX rate` (FX alone: it reprices quotes) or `late quote or
    /// FX rate`; for futures series `corrected settlement`, else `late rate`, else the priced reason; for
    /// the basis `late reference print` when only prints arrived, else the priced reason.
    public static func forInputs(_ series: SeriesInputs, quotes: Bool, fx: Bool, settlements: Bool, rates: Bool, reference: Bool)
        -> RestatementReason {
        let priced: RestatementReason = !fx ? .lateQuote : !quotes ? .lateFX : .lateQuoteOrFX
        switch series {
        case .priced: return priced
        case .futures: return settlements ? .correctedSettlement : rates ? .lateRate : priced
        case .reference: return reference && !quotes && !fx ? .lateReference : priced
        }
    }
}
