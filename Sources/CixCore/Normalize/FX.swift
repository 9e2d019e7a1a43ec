/// FX rates: USD per unit of a currency, by UTC date (METHODOLOGY.md §3.5).
public struct FXRate: Sendable, Hashable {
    public var currency: String
    public var date: CivilDate
    public var usdPerUnit: Double
    public init(currency: String, date: CivilDate, usdPerUnit: Double) {
        self.currency = currency
        self.date = date
        self.usdPerUnit = usdPerUnit
    }
}

public struct FXTable: Sendable {
    /// How far back a quote may reach for a rate (a rate of the quote's UTC date, else the latest
    /// earlier one at most this many days before).
    public static let maxStalenessDays = 7
    private var byCurrency: [String: [(day: Int64, rate: Double)]] = [:]

    public init(_ rates: [FXRate]) {
        for r in rates { byCurrency[r.currency, default: []].append((r.date.dayNumber, r.usdPerUnit)) }
        for k in byCurrency.keys {
            // Later entries for the same day win (a corrected rate file ingested after the first).
            var seen: [Int64: Double] = [:]
            for e in byCurrency[k]! { seen[e.day] = e.rate }
            byCurrency[k] = seen.map { (day: $0.key, rate: $0.value) }.sorted { $0.day < $1.day }
        }
    }

    public var isEmpty: Bool { byCurrency.isEmpty }

    /// The rate a quote observed on `date` uses, with the date it is from; nil when there is none
    /// within the staleness window. USD is always 1.
    public func rate(_ currency: String, on date: CivilDate) -> AppliedRate? {
        if currency == "USD" { return AppliedRate(rate: 1, date: date) }
        guard let list = byCurrency[currency], !list.isEmpty else { return nil }
        // Last entry with day <= date.
        var lo = 0
        var hi = list.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if list[mid].day <= date.dayNumber { lo = mid + 1 } else { hi = mid }
        }
        guard lo > 0 else { return nil }
        let e = list[lo - 1]
        guard date.dayNumber - e.day <= Int64(FXTable.maxStalenessDays) else { return nil }
        return AppliedRate(rate: e.rate, date: CivilDate(dayNumber: e.day))
    }
}

/// The FX rate a quote uses and the date it is from (§3.5).
public struct AppliedRate: Sendable, Hashable {
    public var rate: Double
    public var date: CivilDate
}
