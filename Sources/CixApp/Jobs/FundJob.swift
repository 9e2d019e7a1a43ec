import CixCore
import CixIO
import CixStore
import Foundation

/// Fund NAVs and design comparisons (METHODOLOGY.md §8).
public enum FundJob {
    /// The resolved definition a fund's NAV records.
    static func definition(_ f: FundDefinition, _ defs: MethodologyDefinitions) -> StoredDefinition {
        CanonicalDefinitions.fund(f, methodologyVersion: defs.methodologyVersion,
                                  curve: defs.futures.first { $0.root == f.futures }.map { FuturesJob.curveDefinition($0, defs) })
    }

    /// The design's own total-return index (§8.3): fractional, exposure 1, no fee, no costs, T-bill
    /// collateral, no flows; and its contract return (the same without collateral).
    static func benchmarks(_ f: FundDefinition, _ defs: MethodologyDefinitions, _ m: FuturesJob.Market, through to: CivilDate) throws
        -> (tr: [CivilDate: Double], cdr: [CivilDate: Double]) {
        var tr = f
        tr.contracts = .fractional
        tr.exposure = 1
        tr.expenseRatio = 0
        tr.costPerContract = 0
        tr.collateral = .tbill
        tr.flows = [:]
        var er = tr
        er.collateral = .none
        let h = defs.futures.first { $0.root == f.futures }!.contractGPUHours
        let trDays = try NAVEngine.compute(tr, contractGPUHours: h, calendar: defs.calendar, through: to, price: m.price, rate: m.rate)
        let erDays = try NAVEngine.compute(er, contractGPUHours: h, calendar: defs.calendar, through: to, price: m.price, rate: m.rate)
        return (Dictionary(uniqueKeysWithValues: trDays.map { ($0.date, $0.navPerShare) }),
                Dictionary(uniqueKeysWithValues: erDays.map { ($0.date, $0.dailyReturn) }))
    }

    /// Every selected fund's days through `to`, with its benchmarks.
    static func compute(_ s: StoreSession, defs: MethodologyDefinitions, funds ids: [String]?, through to: CivilDate) throws
        -> [(FundDefinition, [FundDay], [CivilDate: Double], [CivilDate: Double], [CivilDate: Double])] {
        try compute(try FuturesJob.market(s, defs: defs, through: to), defs: defs, funds: ids, through: to)
    }

    static func compute(_ m: FuturesJob.Market, defs: MethodologyDefinitions, funds ids: [String]?, through to: CivilDate) throws
        -> [(FundDefinition, [FundDay], [CivilDate: Double], [CivilDate: Double], [CivilDate: Double])] {
        let selected = try select(defs, ids)
        return try selected.map { f in
            let fut = defs.futures.first { $0.root == f.futures }!
            // A fund's days end with its root's last price.
            let through = min(to, m.lastPriced(root: f.futures) ?? f.inception.adding(days: -1))
            let days = try NAVEngine.compute(f, contractGPUHours: fut.contractGPUHours, calendar: defs.calendar, through: through,
                                             price: m.price, rate: m.rate)
            let b = try benchmarks(f, defs, m, through: through)
            var spot: [CivilDate: Double] = [:]
            for d in days { if let v = m.fixings[fut.underlying]?[d.date.dayNumber] { spot[d.date] = v } }
            return (f, days, b.tr, b.cdr, spot)
        }
    }

    static func select(_ defs: MethodologyDefinitions, _ ids: [String]?) throws -> [FundDefinition] {
        guard let ids, !ids.isEmpty else { return defs.funds }
        return try ids.map { id in
            guard let f = defs.funds.first(where: { $0.id == id }) else {
                throw CixError("no fund \(id) in funds.yaml (funds: \(defs.funds.map(\.id).joined(separator: ", ")))")
            }
            return f
        }
    }

    /// §8.2–§8.3: computes the NAV of the selected funds from inception and publishes [from, to], in one
    /// transaction with its run; a fund that cannot be computed (a redemption beyond the shares
    /// outstanding) stops the run and nothing of it is stored.
    public static func nav(store: Store, defs: MethodologyDefinitions, funds ids: [String]? = nil, from: CivilDate, to: CivilDate,
                           now: String? = nil, arguments: String = "") throws -> PublishStats {
        _ = try select(defs, ids)
        return try StageJob.publish(PublishedSeriesRegistry.funds, store: store, defs: defs, from: from, to: to, now: now, arguments: arguments,
                                    funds: ids)
    }

    /// §8.2–§8.3: the stored form of the funds' days from `from` on.
    static func navRecords(defs: MethodologyDefinitions,
                           computed: [(FundDefinition, [FundDay], [CivilDate: Double], [CivilDate: Double], [CivilDate: Double])],
                           market m: FuturesJob.Market, from: CivilDate, stats: inout PublishStats) throws -> [FundNAVRecord] {
        var out: [FundNAVRecord] = []
        for (f, days, tr, _, _) in computed {
            let def = definition(f, defs)
            guard let first = days.first else { continue }
            for (i, d) in days.enumerated() where d.date >= from {
                guard d.navPerShare.isFinite, d.netAssets.isFinite else {
                    throw FundError("\(f.id) on \(d.date): the NAV is not a finite number; check the settlements of \(f.futures)")
                }
                // §8.2: a fund whose net assets fall to zero or below cannot go on (it would hold short positions).
                guard d.netAssets > 0, d.navPerShare > 0 else {
                    throw FundError("\(f.id) on \(d.date): net assets fall to \(abs(d.netAssets) < 1e12 ? String(format: "%.2f", d.netAssets) : String(format: "%.3e", d.netAssets)): the design cannot continue (costs, fees or exposure too high for its size)")
                }
                stats.computed += 1
                stats.byStatus[d.status, default: 0] += 1
                var td: Double?
                if let t0 = tr[first.date], let t1 = tr[d.date] { td = d.navPerShare / first.navPerShare - t1 / t0 }
                out.append(FundNAVRecord(
                    fund: f.id, date: d.date.description, status: d.status, navPerShare: d.navPerShare,
                    navPublished: Rounding(decimals: 4).format(d.navPerShare), sharesOutstanding: d.sharesOutstanding,
                    netAssets: d.netAssets, cash: d.cash, futuresGain: d.futuresGain, interest: d.interest, feeAccrued: d.feeAccrued,
                    feePaid: d.feePaid, transactionCosts: d.transactionCosts, contractsTraded: d.contractsTraded,
                    positions: d.positionsText, trackingDifference: td,
                    inputsHash: inputsHash(f, d, previous: i > 0 ? days[i - 1] : nil, market: m), definitionHash: def.hash))
            }
        }
        return out
    }

    /// §8.3 audit: the hash of a NAV day's inputs (`FuturesAudit.navText`): the positions before and
    /// after the day, the day's price of each contract in either (§7.7's rule: its last price on a
    /// disrupted day), and the T-bill rate its interest used.
    static func inputsHash(_ f: FundDefinition, _ d: FundDay, previous p: FundDay?, market m: FuturesJob.Market) -> String {
        var prices: [String: Double] = [:]
        for c in Set(d.positions.keys).union(p.map { Array($0.positions.keys) } ?? []) { prices[c.ticker] = m.lastPrice(c, d.date) }
        var rate: Double?
        if case .tbill = f.collateral, let p { rate = m.rate(p.date) }
        return FuturesAudit.hash(FuturesAudit.navText(fund: f.id, date: d.date, previous: p?.positionsText ?? "", positions: d.positionsText,
                                                      prices: prices, rate: rate))
    }

    /// §8.4: the side-by-side statistics of funds over [from, to] (their whole history by default).
    public static func compare(store: Store, defs: MethodologyDefinitions, funds ids: [String]?, from: CivilDate?, to: CivilDate) throws -> [FundComparison] {
        try store.read { s in
            try compute(s, defs: defs, funds: ids, through: to).compactMap { f, days, tr, cdr, spot in
                DesignComparison.compare(fund: f.id, days: days.filter { $0.date >= (from ?? .init(dayNumber: .min)) }, tr: tr,
                                         contractReturn: cdr, spot: spot)
            }
        }
    }

    public static let compareColumns = ["fund", "from", "to", "days", "total_return", "annualized_return", "annualized_volatility",
                                        "max_drawdown", "tracking_error", "tracking_difference", "cumulative_roll_yield", "fees_paid",
                                        "transaction_costs", "correlation_with_spot"]

    public static func compareRows(_ c: [FundComparison]) -> [[TableValue]] {
        c.map { x in
            [.text(x.fund), .text(x.from.description), .text(x.to.description), .int(x.days), .double(x.totalReturn),
             .double(x.annualizedReturn), .double(x.annualizedVolatility), .double(x.maxDrawdown), .double(x.trackingError),
             .double(x.trackingDifference), .double(x.cumulativeRollYield), .double(x.feesPaid), .double(x.transactionCosts),
             .double(x.correlationWithSpot)]
        }
    }
}
