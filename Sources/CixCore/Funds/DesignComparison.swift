/// Side-by-side statistics of fund designs (METHODOLOGY.md §8.4).
public struct FundComparison: Sendable, Hashable {
    public var fund: String
    public var from: CivilDate
    public var to: CivilDate
    public var days: Int
    public var totalReturn: Double
    public var annualizedReturn: Double
    public var annualizedVolatility: Double
    public var maxDrawdown: Double
    /// Against the fund's own total-return index (the same design, fractional, no fee, no costs, T-bill
    /// collateral): annualized standard deviation of the daily return differences, and the total
    /// return difference.
    public var trackingError: Double
    public var trackingDifference: Double
    /// The design's contract return over the period minus the underlying's spot return, in logs:
    /// ln(Π (1 + CDR_t)) − ln(S_last ÷ S_first), over the first and last days with a fixing (the daily
    /// spot noise cancels; a sum of daily differences would accumulate it).
    public var cumulativeRollYield: Double
    public var feesPaid: Double
    public var transactionCosts: Double
    /// Pearson correlation of the fund's daily returns with the underlying fixing's.
    public var correlationWithSpot: Double?
}

public enum DesignComparison {
    static func mean(_ x: [Double]) -> Double { x.isEmpty ? 0 : x.reduce(0, +) / Double(x.count) }
    static func stdev(_ x: [Double]) -> Double {
        guard x.count > 1 else { return 0 }
        let m = mean(x)
        return (x.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(x.count - 1)).squareRoot()
    }

    /// §8.4 over the fund's days: `tr` is its total-return index by date, `contractReturn` the design's
    /// daily contract return (CDR) by date, `spot` the underlying fixing by date.
    public static func compare(fund: String, days: [FundDay], tr: [CivilDate: Double], contractReturn: [CivilDate: Double],
                               spot: [CivilDate: Double]) -> FundComparison? {
        guard let first = days.first, let last = days.last, days.count > 1 else { return nil }
        let total = last.navPerShare / first.navPerShare - 1
        let span = Double(last.date.dayNumber - first.date.dayNumber)
        let annual = span > 0 ? pow(1 + total, 365 / span) - 1 : 0
        let returns = days.dropFirst().map(\.dailyReturn)
        var peak = first.navPerShare
        var dd = 0.0
        for d in days {
            peak = max(peak, d.navPerShare)
            dd = max(dd, 1 - d.navPerShare / peak)
        }
        var diffs: [Double] = []
        var fundR: [Double] = []
        var spotR: [Double] = []
        var firstSpot: (Int, Double)?
        var lastSpot: (Int, Double)?
        for (i, d) in days.enumerated() {
            if let s = spot[d.date] {
                if firstSpot == nil { firstSpot = (i, s) }
                lastSpot = (i, s)
            }
        }
        var roll = 0.0
        if let a = firstSpot, let b = lastSpot, a.1 > 0, b.0 > a.0 {
            var lc = 0.0
            for d in days[(a.0 + 1)...b.0] { if let c = contractReturn[d.date] { lc += log1p(c) } }
            roll = lc - log(b.1 / a.1)
        }
        for (a, b) in zip(days, days.dropFirst()) {
            if let t0 = tr[a.date], let t1 = tr[b.date] { diffs.append(b.dailyReturn - (t1 / t0 - 1)) }
            if let s0 = spot[a.date], let s1 = spot[b.date], s0 > 0 {
                fundR.append(b.dailyReturn)
                spotR.append(s1 / s0 - 1)
            }
        }
        var corr: Double?
        if fundR.count > 2 {
            let mf = mean(fundR), ms = mean(spotR)
            var sxy = 0.0, sxx = 0.0, syy = 0.0
            for (x, y) in zip(fundR, spotR) { sxy += (x - mf) * (y - ms); sxx += (x - mf) * (x - mf); syy += (y - ms) * (y - ms) }
            if sxx > 0 && syy > 0 { corr = sxy / (sxx * syy).squareRoot() }
        }
        let trTotal = (tr[last.date] ?? 1) / (tr[first.date] ?? 1) - 1
        return FundComparison(fund: fund, from: first.date, to: last.date, days: days.count, totalReturn: total, annualizedReturn: annual,
                              annualizedVolatility: stdev(returns) * 252.0.squareRoot(), maxDrawdown: dd,
                              trackingError: stdev(diffs) * 252.0.squareRoot(), trackingDifference: total - trTotal,
                              cumulativeRollYield: roll, feesPaid: days.reduce(0) { $0 + $1.feePaid },
                              transactionCosts: days.reduce(0) { $0 + $1.transactionCosts }, correlationWithSpot: corr)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
