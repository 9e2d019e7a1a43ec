/// The daily NAV of a rolling-futures fund (METHODOLOGY.md §8.2).

/// One fund day.
public struct FundDay: Sendable, Hashable {
    public var date: CivilDate
    /// `ok` or `disrupted` (a held contract without a price: its last price used, the roll share waits).
    public var status: String
    public var navPerShare: Double
    public var sharesOutstanding: Double
    public var netAssets: Double
    public var cash: Double
    public var futuresGain: Double
    public var interest: Double
    /// The fee accrued today; `feePaid` the accrued fee paid out today (the month's last business day).
    public var feeAccrued: Double
    public var feePaid: Double
    public var transactionCosts: Double
    public var contractsTraded: Double
    /// Contracts held after the close, by contract.
    public var positions: [Contract: Double]
    /// NAV per share ÷ the previous day's − 1.
    public var dailyReturn: Double

    public var positionsText: String {
        positions.sorted { $0.key < $1.key }.map { "\($0.key.ticker):\($0.value)" }.joined(separator: " ")
    }
}

public struct FundError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ d: String) { description = d }
}

public enum NAVEngine {
    /// §8.2, for business days from the inception (or the first later day on which every contract of the
    /// design has a price) through `end`:
    ///
    /// 1. marks: futures gain Σ q_{t−1} (P_t − P_{t−1}) × contract GPU-hours; collateral income NA_{t−1} ×
    ///    TBR_t (`tbill`), NA_{t−1} × rate × Δt/365 (a fixed rate), or 0; the fee NA_{t−1} × expense ratio ×
    ///    Δt/365 accrued (a liability), paid from cash on the month's last business day;
    /// 2. flows: creations and redemptions at that NAV per share (they do not change it);
    /// 3. the close: roll step and positions: fractional funds hold exposure × net assets in the design's
    ///    quantity proportions; whole-contract funds round to whole contracts and rebalance only on roll
    ///    days, flow days, or when exposure leaves its band; every contract traded costs
    ///    `cost_per_contract`, charged at the close.
    public static func compute(_ def: FundDefinition, contractGPUHours h: Double, calendar: BusinessCalendar, through end: CivilDate,
                               price: (Contract, CivilDate) -> ContractPrice?, rate: (CivilDate) -> Double?) throws -> [FundDay] {
        let root = def.futures
        func planned(_ d: CivilDate) -> Int { RollCalendar.stepsDue(d, rollDays: def.rollDays, calendar: calendar) }
        func target(_ d: CivilDate, steps: Int) -> [(Contract, Double)] {
            def.proportions(in: ContractMonth(d), steps: steps).map { (Contract(root: root, month: $0.0), $0.1) }
        }
        var start = calendar.onOrAfter(def.inception)
        while start <= end, !target(start, steps: planned(start)).allSatisfy({ price($0.0, start) != nil }) {
            start = calendar.onOrAfter(start.adding(days: 1))
        }
        guard start <= end else { return [] }
        var last: [Contract: Double] = [:]
        var steps = planned(start)
        var month = ContractMonth(start)
        var shares = def.initialShares
        var cash = def.initialNAV * def.initialShares
        var accrued = 0.0
        var positions: [Contract: Double] = [:]
        func rebalance(_ d: CivilDate, netAssets na: Double, force: Bool) -> (traded: Double, changed: Bool) {
            let w = target(d, steps: steps)
            // A contract of the target that has never had a price cannot be bought yet: keep the positions.
            guard w.allSatisfy({ last[$0.0] != nil }) else { return (0, false) }
            let basket = w.reduce(0.0) { $0 + $1.1 * last[$1.0]! * h }
            guard basket > 0 else { return (0, false) }
            let units = def.exposure * na / basket
            var next: [Contract: Double] = [:]
            for (c, x) in w {
                let q = units * x
                next[c] = def.contracts == .whole ? (q.rounded(.toNearestOrAwayFromZero)) : q
            }
            if def.contracts == .whole && !force {
                // Sums in contract order: a dictionary's order changes from run to run, and so would the rounding.
                let notional = positions.sorted { $0.key < $1.key }.reduce(0.0) { $0 + $1.value * (last[$1.key] ?? 0) * h }
                let sameContracts = Set(positions.keys.filter { positions[$0]! != 0 }) == Set(next.keys.filter { next[$0]! != 0 })
                if sameContracts && na > 0 && abs(notional / na - def.exposure) <= def.exposureBand { return (0, false) }
            }
            var traded = 0.0
            for c in Set(next.keys).union(positions.keys).sorted() { traded += abs((next[c] ?? 0) - (positions[c] ?? 0)) }
            positions = next.filter { $0.value != 0 || def.contracts == .fractional }
            return (traded, true)
        }
        for (c, _) in target(start, steps: steps) { last[c] = price(c, start)!.value }
        if let f = def.flows[start] {
            guard shares + f > 0 else { throw FundError("\(def.id): on \(start) the redemption of \(-f) shares leaves none of the \(shares) outstanding (a fund that closes is ended by a definition change)") }
            cash += f * def.initialNAV
            shares += f
        }
        let t0 = rebalance(start, netAssets: cash, force: true)
        let c0 = t0.traded * def.costPerContract
        cash -= c0
        var out = [FundDay(date: start, status: "ok", navPerShare: cash / shares, sharesOutstanding: shares, netAssets: cash, cash: cash,
                           futuresGain: 0, interest: 0, feeAccrued: 0, feePaid: 0, transactionCosts: c0, contractsTraded: t0.traded,
                           positions: positions, dailyReturn: 0)]
        var prev = start
        var na = cash
        var d = calendar.onOrAfter(start.adding(days: 1))
        while d <= end {
            defer { prev = d; d = calendar.onOrAfter(d.adding(days: 1)) }
            if ContractMonth(d) != month { month = ContractMonth(d); steps = 0 }
            let dt = Double(d.dayNumber - prev.dayNumber)
            var disrupted = false
            var gain = 0.0
            let wanted = target(d, steps: max(steps, planned(d))).map(\.0)
            var today: [Contract: Double] = [:]
            for c in Set(positions.keys).union(wanted) {
                if let p = price(c, d) { today[c] = p.value } else if positions[c] != nil || wanted.contains(c) { disrupted = true }
            }
            for (c, q) in positions.sorted(by: { $0.key < $1.key }) { gain += q * ((today[c] ?? last[c]!) - last[c]!) * h }
            for (c, p) in today { last[c] = p }
            let interest: Double
            switch def.collateral {
            case .none: interest = 0
            case .fixed(let r): interest = na * r * dt / 365
            case .tbill: interest = na * (rate(prev).map { TBill.returnOver(days: Int(dt), discountRate: $0 / 100) } ?? 0)
            }
            let fee = na * def.expenseRatio * dt / 365
            cash += gain + interest
            accrued += fee
            var paid = 0.0
            let next = calendar.onOrAfter(d.adding(days: 1))
            if ContractMonth(next) != ContractMonth(d) {
                paid = accrued
                cash -= accrued
                accrued = 0
            }
            let pre = cash - accrued
            let navPre = pre / shares
            var flowDay = false
            if let f = def.flows[d] {
                guard shares + f > 0 else { throw FundError("\(def.id): on \(d) the redemption of \(-f) shares leaves none of the \(shares) outstanding (a fund that closes is ended by a definition change)") }
                cash += f * navPre
                shares += f
                flowDay = f != 0
            }
            let before = steps
            if !disrupted && steps < planned(d) { steps = planned(d) }
            let canHold = target(d, steps: steps).allSatisfy { last[$0.0] != nil }
            if !canHold { steps = before }
            let r = rebalance(d, netAssets: cash - accrued, force: def.contracts == .fractional || steps != before || flowDay)
            let costs = r.traded * def.costPerContract
            cash -= costs
            let prevNAV = out.last!.navPerShare
            na = cash - accrued
            out.append(FundDay(date: d, status: disrupted ? "disrupted" : "ok", navPerShare: na / shares, sharesOutstanding: shares,
                               netAssets: na, cash: cash, futuresGain: gain, interest: interest, feeAccrued: fee, feePaid: paid,
                               transactionCosts: costs, contractsTraded: r.traded, positions: positions,
                               dailyReturn: na / shares / prevNAV - 1))
        }
        return out
    }
}
