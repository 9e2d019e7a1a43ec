import CixCore
import CixIO
import CixStore
import Foundation

/// A request the web app refuses: 400 (bad parameter) or 404 (unknown series or route), with the
/// parameter named.
public struct WebError: Error, Sendable {
    public var status: Int
    public var parameter: String?
    public var reason: String
    public init(_ status: Int, parameter: String? = nil, _ reason: String) {
        self.status = status
        self.parameter = parameter
        self.reason = reason
    }
}

/// The what-if designer (§8): a fund definition from parameters (a shipped fund, changed), its NAV
/// computed with the engine of `cix fund nav`, nothing stored.
public enum WhatIf {
    /// Every parameter the designer takes, with its help text.
    public static let parameters: [(name: String, help: String)] = [
        ("base", "shipped fund to start from (funds.yaml id)"),
        ("futures", "futures root (futures.yaml)"),
        ("design", "front, deferred or ladder"),
        ("months", "deferred: months beyond the front; ladder: number of months held (or deferred_months, ladder_months)"),
        ("roll_start", "first roll day (business day of the month, 1–20)"),
        ("roll_end", "last roll day (roll_start–20)"),
        ("fee", "expense ratio per year, a fraction (0.0085 = 0.85%); or fee_pct in percent (0.85), or expense_ratio"),
        ("exposure", "notional ÷ net assets, 0–3"),
        ("contracts", "whole or fractional"),
        ("cost", "transaction cost per contract traded, USD (or cost_per_contract)"),
        ("collateral", "tbill, none, or a fixed annual rate as a fraction"),
        ("inception", "first NAV date, YYYY-MM-DD"),
        ("initial_nav", "NAV per share at inception, USD"),
        ("initial_shares", "shares at inception"),
        ("flows", "base (the base fund's creations and redemptions) or none"),
        ("exposure_band", "whole contracts: rebalance between rolls when notional ÷ net assets leaves exposure ± this, 0–1"),
    ]

    /// funds.yaml's names of the designer's parameters.
    public static let aliases: [(alias: String, name: String)] = [
        ("expense_ratio", "fee"), ("cost_per_contract", "cost"), ("deferred_months", "months"), ("ladder_months", "months"),
    ]

    /// §8.1: a fund definition from query parameters; every value is checked and a bad one named.
    /// An `inception` given must lie in `data` (the store's published dates): one in year 1 would
    /// walk centuries of empty days before the first price.
    public static func definition(_ q: [String: String], defs: MethodologyDefinitions, data: ClosedRange<CivilDate>? = nil) throws -> FundDefinition {
        // funds.yaml's names are accepted too (a designer can post the definition they have), and the
        // fee in percent (the page's form); each alias names one parameter.
        var q = q
        var given: [String: String] = [:]
        for (alias, name) in aliases where q[alias] != nil {
            guard q[name] == nil else { throw WebError(400, parameter: alias, "give \(alias) or \(name), not both") }
            q[name] = q.removeValue(forKey: alias)
            given[name] = alias
        }
        // An error names the parameter as it was given (funds.yaml's name when that was used).
        do { return try resolve(q, defs: defs, data: data) } catch var e as WebError {
            if let p = e.parameter, let alias = given[p] { e.parameter = alias }
            throw e
        }
    }

    static func resolve(_ q: [String: String], defs: MethodologyDefinitions, data: ClosedRange<CivilDate>?) throws -> FundDefinition {
        var q = q
        if let t = q.removeValue(forKey: "fee_pct") {
            guard q["fee"] == nil else { throw WebError(400, parameter: "fee_pct", "give fee_pct or fee (expense_ratio), not both") }
            guard t.count <= 20, let v = Double(t), v.isFinite else { throw WebError(400, parameter: "fee_pct", "\(t.prefix(20)) is not a percentage") }
            q["fee"] = "\(v / 100)"
        }
        // A funds.yaml entry posted whole: its id and name label nothing here (the result is WHATIF), and
        // its flows file is the shipped fund's that names it.
        q["id"] = nil
        q["name"] = nil
        if let file = q["flows"], file != "base", file != "none" {
            guard let owner = defs.funds.first(where: { $0.flowsFile == file }) else {
                throw WebError(400, parameter: "flows", "\(file.prefix(60)) is not base, none or the flows file of a shipped fund")
            }
            if q["base"] == nil { q["base"] = owner.id }
            guard q["base"] == owner.id else { throw WebError(400, parameter: "flows", "\(file) belongs to \(owner.id), not to the base \(q["base"]!)") }
            q["flows"] = "base"
        }
        let known = Set(parameters.map(\.name))
        for k in q.keys.sorted() where !known.contains(k) {
            throw WebError(400, parameter: k, "unknown parameter (known: \(parameters.map(\.name).joined(separator: ", ")))")
        }
        guard let first = defs.funds.first else { throw WebError(404, "no fund is defined in funds.yaml") }
        var f = first
        if let b = q["base"] {
            guard let base = defs.funds.first(where: { $0.id == b }) else {
                throw WebError(404, parameter: "base", "no fund \(b) (funds: \(defs.funds.map(\.id).joined(separator: ", ")))")
            }
            f = base
        }
        let baseID = f.id
        f.id = "WHATIF"
        f.name = "What-if design (from \(baseID))"
        /// Decimal text only (no NUL, no hex floats, no infinities).
        func decimal(_ t: String) -> Double? {
            guard !t.isEmpty, t.count <= 40, t.unicodeScalars.allSatisfy({ "0123456789.eE+-".unicodeScalars.contains($0) }) else { return nil }
            return Double(t)
        }
        func number(_ k: String, _ range: ClosedRange<Double>) throws -> Double? {
            guard let t = q[k] else { return nil }
            guard let v = decimal(t), v.isFinite, range.contains(v) else {
                throw WebError(400, parameter: k, "\(t) is not a number from \(range.lowerBound) to \(range.upperBound)")
            }
            return v
        }
        func integer(_ k: String, _ range: ClosedRange<Int>) throws -> Int? {
            guard let t = q[k] else { return nil }
            guard t.count <= 12, t.allSatisfy({ $0.isASCII && $0.isNumber }), let v = Int(t), range.contains(v) else {
                throw WebError(400, parameter: k, "\(t.prefix(40)) is not a whole number from \(range.lowerBound) to \(range.upperBound)")
            }
            return v
        }
        if let r = q["futures"] {
            guard defs.futures.contains(where: { $0.root == r }) else {
                throw WebError(404, parameter: "futures", "no futures \(r) (roots: \(defs.futures.map(\.root).joined(separator: ", ")))")
            }
            f.futures = r
        }
        typealias L = FundDefinition.Limits
        let months = try integer("months", L.months)
        if let d = q["design"] {
            switch d {
            case "front": f.design = .front
            case "deferred": f.design = .deferred(months ?? 1)
            case "ladder": f.design = .ladder(months ?? 12)
            default: throw WebError(400, parameter: "design", "\(d) is not front, deferred or ladder")
            }
        } else if let m = months {
            switch f.design {
            case .front: throw WebError(400, parameter: "months", "the front design takes no months (give design=deferred or ladder)")
            case .deferred: f.design = .deferred(m)
            case .ladder: f.design = .ladder(m)
            }
        }
        // §8.1: a design holds listed contracts only (the current month and the next listed_months − 1).
        if let fut = defs.futures.first(where: { $0.root == f.futures }), let problem = FundDefinition.listedProblem(f.design, listed: fut.listedMonths) {
            throw WebError(400, parameter: "months", "\(f.futures): \(problem)")
        }
        let rs = try integer("roll_start", L.rollDay) ?? f.rollDays.lowerBound
        let re = try integer("roll_end", L.rollDay) ?? f.rollDays.upperBound
        guard rs <= re else { throw WebError(400, parameter: "roll_end", "roll_end \(re) is before roll_start \(rs)") }
        f.rollDays = rs...re
        if let v = try number("fee", L.expenseRatio) { f.expenseRatio = v }
        if let v = try number("exposure", L.exposure) { f.exposure = v }
        if let v = try number("exposure_band", L.exposureBand) { f.exposureBand = v }
        if let c = q["contracts"] {
            guard let v = FundDefinition.Contracts(rawValue: c) else { throw WebError(400, parameter: "contracts", "\(c) is not whole or fractional") }
            f.contracts = v
        }
        if let v = try number("cost", L.costPerContract) { f.costPerContract = v }
        if let c = q["collateral"] {
            switch c {
            case "tbill": f.collateral = .tbill
            case "none": f.collateral = .none
            default:
                guard let v = decimal(c), v.isFinite, L.collateralRate.contains(v) else {
                    throw WebError(400, parameter: "collateral", "\(c) is not tbill, none or an annual rate from -0.1 to 0.5")
                }
                f.collateral = .fixed(v)
            }
        }
        if let d = q["inception"] {
            guard let v = CivilDate(iso: d) else { throw WebError(400, parameter: "inception", "\(d) is not a date that exists (YYYY-MM-DD)") }
            guard defs.calendar.isBusinessDay(v) else { throw WebError(400, parameter: "inception", "\(d) is not a business day") }
            // The base fund's own inception is always taken (its NAV starts on the first priced day, as
            // published); another one must lie in the published data.
            if let data, !data.contains(v), v != f.inception {
                throw WebError(400, parameter: "inception", "\(d) is outside the published data (\(data.lowerBound) to \(data.upperBound)): give a business day in it")
            }
            f.inception = v
        }
        if let v = try number("initial_nav", L.initialNAV) { f.initialNAV = v }
        if let v = try number("initial_shares", L.initialShares) { f.initialShares = v }
        if let fl = q["flows"] {
            switch fl {
            case "base": break
            case "none": f.flows = [:]
            default: throw WebError(400, parameter: "flows", "\(fl) is not base or none")
            }
        }
        f.flows = f.flows.filter { $0.key >= f.inception }
        return f
    }

    /// The what-if fund's days and the comparison with the shipped designs (§8.4), through the last
    /// day with prices.
    public struct Result: Sendable {
        public var fund: FundDefinition
        public var records: [FundNAVRecord]
        public var comparison: [FundComparison]
        public var trIndex: [ChartPoint]
        /// Each design computed (the what-if first), NAV per share by day.
        public var designs: [(id: String, nav: [ChartPoint])] = []
    }

    /// With `compare`, the shipped designs are computed too (the page's table); the API computes the one fund.
    static func compute(_ f: FundDefinition, market m: FuturesJob.Market, defs: MethodologyDefinitions, through: CivilDate,
                        compare: Bool = true) throws -> Result {
        guard m.firstPriced(root: f.futures) != nil else {
            throw WebError(400, parameter: "futures", "\(f.futures) has no published prices in this store yet")
        }
        var d2 = defs
        d2.funds = [f] + (compare ? defs.funds : [])
        let computed: [(FundDefinition, [FundDay], [CivilDate: Double], [CivilDate: Double], [CivilDate: Double])]
        var stats = PublishStats()
        let records: [FundNAVRecord]
        do {
            computed = try FundJob.compute(m, defs: d2, funds: nil, through: through)
            records = try FundJob.navRecords(defs: d2, computed: Array(computed.prefix(1)), market: m, from: f.inception, stats: &stats)
        } catch let e as FundError {
            throw WebError(400, parameter: "design", e.description)
        }
        guard !records.isEmpty else { throw WebError(400, parameter: "inception", "no prices on or after \(f.inception): nothing to compute") }
        let comparison = computed.compactMap { fd, days, tr, cdr, spot in
            DesignComparison.compare(fund: fd.id, days: days, tr: tr, contractReturn: cdr, spot: spot)
        }
        let (_, days, tr, _, _) = computed[0]
        let first = days.first!
        let trPoints = days.compactMap { d -> ChartPoint? in
            guard let t0 = tr[first.date], let t = tr[d.date] else { return nil }
            return ChartPoint(Double(d.date.dayNumber), first.navPerShare * t / t0)
        }
        let designs = computed.map { fd, days, _, _, _ in (fd.id, days.map { ChartPoint(Double($0.date.dayNumber), $0.navPerShare) }) }
        return Result(fund: f, records: records, comparison: comparison, trIndex: trPoints, designs: designs)
    }
}
