/// Final settlement and coverage (METHODOLOGY.md §7.8): per contract month, the price the contract
/// settles at from the underlying's published fixings of the days it averages (§7.2), how many of them
/// were live, imputed, stale or missing, and the fallback a missing day took.

/// One averaged day of a contract month.
public struct SettlementDay: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable {
        /// An `ok` fixing with no imputed source.
        case ok
        /// An `ok` fixing with at least one source imputed (§5.8).
        case imputed
        /// A `stale` fixing: another date's published value carried (§5.5).
        case stale
        /// No fixing with a value (suspended, or none published).
        case missing
    }
    public var date: CivilDate
    public var kind: Kind
    /// The fixing's published value (nil when missing).
    public var fixing: Double?
    /// The value the average used: the fixing's, or the fallback's for a missing day.
    public var used: Double?
}

/// The final settlement of one contract month (§7.8).
public struct SettlementResult: Sendable, Hashable {
    public var contract: Contract
    /// The last day averaged: the settlement's date.
    public var date: CivilDate
    public var days: [SettlementDay]
    public var price: Double?
    /// `final`, `provisional` (coverage below the root's minimum) or `unsettled` (no value at all).
    public var status: String
    public var coverage: Double
    public var longestGap: Int
    public var fallback: String

    public func count(_ k: SettlementDay.Kind) -> Int { days.filter { $0.kind == k }.count }
}

extension FinalSettlement {
    /// §7.8: the final settlement of `month` from the underlying's published fixings (`fixing` gives a
    /// day's status and value as published; nil for none). A missing day counts at the nearest earlier
    /// averaged day's value, else the nearest later one's.
    public static func settle(_ def: FuturesDefinition, month: ContractMonth, calendar: BusinessCalendar,
                              fixing: (CivilDate) -> FixingValue?) -> SettlementResult? {
        let dates = averagedDays(def.settlement, month: month, calendar: calendar)
        guard let last = dates.last else { return nil }
        var days: [SettlementDay] = dates.map { d in
            guard let f = fixing(d), let v = f.value, f.status != .suspended else { return SettlementDay(date: d, kind: .missing, fixing: nil, used: nil) }
            let kind: SettlementDay.Kind = f.status == .stale ? .stale : (f.imputed ? .imputed : .ok)
            return SettlementDay(date: d, kind: kind, fixing: v, used: v)
        }
        var previous = 0, next = 0
        for i in days.indices where days[i].kind == .missing {
            if let v = days[..<i].last(where: { $0.fixing != nil })?.fixing {
                days[i].used = v
                previous += 1
            } else if let v = days[(i + 1)...].first(where: { $0.fixing != nil })?.fixing {
                days[i].used = v
                next += 1
            }
        }
        let used = days.compactMap(\.used)
        let live = days.filter { $0.kind == .ok || $0.kind == .imputed }.count
        let coverage = Double(live) / Double(days.count)
        var gap = 0, run = 0
        for d in days {
            run = (d.kind == .stale || d.kind == .missing) ? run + 1 : 0
            gap = max(gap, run)
        }
        var fallback: [String] = []
        if previous > 0 { fallback.append("\(previous) missing day\(previous == 1 ? "" : "s") at the previous averaged day's value") }
        if next > 0 { fallback.append("\(next) missing day\(next == 1 ? "" : "s") at the next averaged day's value") }
        let price: Double? = used.count == days.count ? used.reduce(0, +) / Double(used.count) : nil
        let status = price == nil ? "unsettled" : (coverage >= def.minCoverage ? "final" : "provisional")
        return SettlementResult(contract: Contract(root: def.root, month: month), date: last, days: days, price: price, status: status,
                                coverage: coverage, longestGap: gap, fallback: fallback.isEmpty ? "none" : fallback.joined(separator: "; "))
    }

    /// §7.8 audit: `CONTRACT|RULE|D1:K1=V1 D2:K2=V2 …` + LF, each averaged day with its kind and its
    /// fixing's value as published (empty when missing).
    public static func inputsText(_ r: SettlementResult, rule: FuturesDefinition.Settlement) -> String {
        "\(r.contract.ticker)|\(rule.rawValue)|" + r.days.map { "\($0.date):\($0.kind.rawValue)=\($0.fixing.map { "\($0)" } ?? "")" }
            .joined(separator: " ") + "\n"
    }
}

/// A published final settlement (§7.8): one version of one contract month.
public struct FinalSettlementRecord: SeriesRecord {
    public var root: String
    /// The last day the settlement averages.
    public var date: String
    public var contract: String
    public var version: Int = 0
    public var status: String
    public var price: Double?
    public var published: String?
    public var days: Int
    public var okDays: Int
    public var imputedDays: Int
    public var staleDays: Int
    public var missingDays: Int
    public var coverage: Double
    public var longestGap: Int
    public var fallback: String
    public var inputsHash: String
    public var definitionHash: String

    public init(_ r: SettlementResult, published: String?, inputsHash: String, definitionHash: String) {
        root = r.contract.root
        date = r.date.description
        contract = r.contract.ticker
        status = r.status
        price = r.price
        self.published = published
        days = r.days.count
        okDays = r.count(.ok)
        imputedDays = r.count(.imputed)
        staleDays = r.count(.stale)
        missingDays = r.count(.missing)
        coverage = r.coverage
        longestGap = r.longestGap
        fallback = r.fallback
        self.inputsHash = inputsHash
        self.definitionHash = definitionHash
    }

    public init() {
        root = ""; date = ""; contract = ""; status = ""; days = 0; okDays = 0; imputedDays = 0; staleDays = 0; missingDays = 0
        coverage = 0; longestGap = 0; fallback = ""; inputsHash = ""; definitionHash = ""
    }

    public static let schema = SeriesSchema<FinalSettlementRecord>(table: "final_settlements", keys: [
        SeriesField("root", \.root), SeriesField("date", \.date), SeriesField("contract", \.contract),
    ], values: [
        SeriesField("status", \.status), SeriesField("price", \.price), SeriesField("published", \.published, number: true),
        SeriesField("days", \.days), SeriesField("ok_days", \.okDays), SeriesField("imputed_days", \.imputedDays),
        SeriesField("stale_days", \.staleDays), SeriesField("missing_days", \.missingDays), SeriesField("coverage", \.coverage),
        SeriesField("longest_gap", \.longestGap), SeriesField("fallback", \.fallback), SeriesField("inputs_hash", \.inputsHash),
        SeriesField("definition_hash", \.definitionHash),
    ], mainValue: "price")
}

extension CanonicalDefinitions {
    /// §7.8: a root's final-settlement definition: its rule, the coverage it needs, the underlying's
    /// fixing definition and the calendar.
    public static func finalSettlement(_ f: FuturesDefinition, methodologyVersion: String, gradeHash: (String) -> String,
                                       calendar: BusinessCalendar) -> StoredDefinition {
        var text = "methodology_version=\(methodologyVersion)\nfinal_settlement=\(f.root)\nunderlying=\(f.underlying)\n"
        text += "settlement=\(f.settlement.rawValue)\ntick=\(f.tick)\nmin_coverage=\(f.minCoverage)\n"
        text += "underlying_definition=\(gradeHash(f.underlying))\n" + Self.calendar(calendar)
        return StoredDefinition(kind: "final_settlement", id: f.root, version: methodologyVersion, canonical: text)
    }
}
