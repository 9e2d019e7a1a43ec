import CixCore
import Foundation

extension DemoMarket {
    /// The demo's term premium per month ahead on a day: +1.5% to −1.0% and back over about 14 months,
    /// so the CXH curve is in contango part of the time and in backwardation the rest.
    public static func termPremium(on d: CivilDate) -> Double {
        let t = Double(d.dayNumber - CivilDate(iso: "2024-11-25")!.dayNumber)
        return 0.0025 + 0.0125 * sin(2 * Double.pi * t / 420)
    }

    /// Exchange-style settlements of `root` on the H100 SXM North America level for every weekday in
    /// [from, to]: each listed month (the current one and the next 11, until its last weekday) at the
    /// spot level × (1 + premium × months ahead), with noise, to the 0.0001 tick; volume and open interest.
    public func settlementsCSV(root: String, from: CivilDate, to: CivilDate) -> String {
        var out = "date,contract,settle,volume,open_interest\n"
        var d = from
        let h100 = DemoMarket.chip("H100-SXM")
        while d <= to {
            defer { d = d.adding(days: 1) }
            guard d.isoWeekday <= 5 else { continue }
            let spot = DemoMarket.level(chip: h100, on: d) * 1.2
            let premium = DemoMarket.termPremium(on: d)
            var r = SplitMix64.keyed(seed, 41, UInt64(d.dayNumber))
            let month = ContractMonth(d)
            for ahead in 0..<12 {
                let m = month.adding(months: ahead)
                var last = m.lastDay
                while last.isoWeekday > 5 { last = last.adding(days: -1) }
                if d > last { continue }
                // The current month averages the days gone (at spot) and the days left (at the forward).
                let fwd = spot * (1 + premium * Double(ahead))
                let settle = fwd * (1 + 0.002 * r.normal())
                let c = Contract(root: root, month: m)
                out += "\(d),\(c.ticker),\(Decimals.format(settle, places: 4)),\(200 + r.int(5000) / (ahead + 1)),\(1000 + r.int(20000) / (ahead + 1))\n"
            }
        }
        return out
    }

    /// The 3-month T-bill rate in the public series' layout (`observation_date,DTB3`, `.` on days
    /// without a value): about 4.3% in early 2025, 3.7% at the end of 2025 (futures-facts.md), then
    /// drifting to 3.5%.
    public func tbillCSV(from: CivilDate, to: CivilDate) -> String {
        let anchors: [(CivilDate, Double)] = [("2024-01-01", 5.25), ("2025-01-02", 4.32), ("2025-06-30", 4.25), ("2025-09-15", 3.95),
                                              ("2025-12-31", 3.68), ("2026-06-30", 3.55), ("2027-12-31", 3.45)]
            .map { (CivilDate(iso: $0.0)!, $0.1) }
        var out = "observation_date,DTB3\n"
        var d = from
        while d <= to {
            defer { d = d.adding(days: 1) }
            guard d.isoWeekday <= 5 else { continue }
            let c = d.components
            if (c.month == 1 && c.day == 1) || (c.month == 12 && c.day == 25) || (c.month == 7 && c.day == 4) {
                out += "\(d),.\n"
                continue
            }
            var r = SplitMix64.keyed(seed, 43, UInt64(d.dayNumber))
            let v = DemoMarket.interpolate(anchors, d, logScale: false) + 0.01 * r.normal()
            out += "\(d),\(Decimals.format(v, places: 2))\n"
        }
        return out
    }
}
