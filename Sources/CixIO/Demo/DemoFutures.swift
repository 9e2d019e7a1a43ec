import CixCore
import Foundation

extension DemoMarket {
    /// The demo's term premium on a day, in regimes: contango (+3%) until July 2025, a ramp through
    /// August, backwardation (−2%) from September 2025 to April 2026, a ramp through May, contango (+2.5%)
    /// from June 2026. Within a regime it is constant, so the curve's shape changes only at the ramps.
    public static func termPremium(on d: CivilDate) -> Double {
        interpolate([(CivilDate(iso: "2020-01-01")!, 0.03), (CivilDate(iso: "2025-07-31")!, 0.03), (CivilDate(iso: "2025-09-01")!, -0.02),
                     (CivilDate(iso: "2026-04-30")!, -0.02), (CivilDate(iso: "2026-06-01")!, 0.025), (CivilDate(iso: "2030-01-01")!, 0.025)],
                    d, logScale: false)
    }

    /// The demo curve's shape: spot × (1 + π × 3 (1 − e^(−months/3))): steepest at the front, flat far out,
    /// as commodity curves usually are (so the front month pays most of a contango).
    public static func termShape(premium: Double, monthsAhead a: Double) -> Double { 1 + premium * 3 * (1 - exp(-a / 3)) }

    /// Exchange-style settlements of `root` on the H100 SXM North America level for every weekday in
    /// [from, to]: each listed month (the current one and the next 13, until its last weekday) at the
    /// spot level × `termShape`, with noise, to the 0.0001 tick; volume and open interest.
    public func settlementsCSV(root: String, from: CivilDate, to: CivilDate, calendar: BusinessCalendar = .weekdays) -> String {
        var out = "date,contract,settle,volume,open_interest\n"
        var d = from
        let h100 = DemoMarket.chip("H100-SXM")
        while d <= to {
            defer { d = d.adding(days: 1) }
            guard calendar.isBusinessDay(d) else { continue }
            let spot = DemoMarket.level(chip: h100, on: d) * 1.2
            let premium = DemoMarket.termPremium(on: d)
            var r = SplitMix64.keyed(seed, 41, UInt64(d.dayNumber))
            let month = ContractMonth(d)
            for ahead in 0..<14 {
                let m = month.adding(months: ahead)
                var last = m.lastDay
                while !calendar.isBusinessDay(last) { last = last.adding(days: -1) }
                if d > last { continue }
                let fwd = spot * DemoMarket.termShape(premium: premium, monthsAhead: Double(ahead))
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

    /// External benchmark prints for the demo (§10), `date,benchmark,value,unit`: `EXT-H100-TRADES`, an
    /// executed-trade index on business days, a little under the demo's North American H100 fixing; and
    /// `EXT-H100-LISTINGS`, a listings index every day, a little above it and noisier. Each misses a day now
    /// and then, as external feeds do.
    public func referenceCSV(from: CivilDate, to: CivilDate, calendar: BusinessCalendar = .weekdays) -> String {
        var out = "date,benchmark,value,unit\n"
        let h100 = DemoMarket.chip("H100-SXM")
        var d = from
        while d <= to {
            defer { d = d.adding(days: 1) }
            let level = DemoMarket.level(chip: h100, on: d) * 1.2
            var r = SplitMix64.keyed(seed, 47, UInt64(d.dayNumber))
            let trades = level * 1.2 * (1 + 0.01 * r.normal()), listings = level * 1.3 * (1 + 0.02 * r.normal())
            let skipTrades = r.next() % 25 == 0, skipListings = r.next() % 30 == 0
            if calendar.isBusinessDay(d), !skipTrades { out += "\(d),EXT-H100-TRADES,\(Decimals.format(trades, places: 4)),usd_per_gpu_hour\n" }
            if !skipListings { out += "\(d),EXT-H100-LISTINGS,\(Decimals.format(listings, places: 4)),usd_per_gpu_hour\n" }
        }
        return out
    }

    /// The demo's weekly auction (§5.9): every Tuesday at 15:00 UTC the venue `computeexchange` clears
    /// three lots, in the auction results format (`cix ingest --format auction`): H100 SXM ×8 in
    /// us-east-1 and H200 ×8 in us-east-1 for delivery the next Monday for a week (on-demand by the delivery
    /// window), and H100 SXM ×8 in us-west-2 for a month from the next Monday (reserved_1m). Volumes are
    /// instances × 8 GPUs × the window's hours. One venue is one source: below the three sources of
    /// `transaction_min_sources`, so the clearings are reported (`cix explain fixing`) but firm offers
    /// still decide.
    public func auctionsCSV(from: CivilDate, to: CivilDate) -> String {
        var out = "auction_id,cleared_at,chip,gpu_count,location,term,delivery_start,delivery_end,clearing_price,currency,price_unit,price_basis,volume_gpu_hours,venue\n"
        var d = from
        while d.isoWeekday != 2 { d = d.adding(days: 1) }
        while d <= to {
            defer { d = d.adding(days: 7) }
            var r = SplitMix64.keyed(seed, 53, UInt64(d.dayNumber))
            let id = "CE-\(d)"
            let cleared = Timestamp.format(d.startEpoch + 15 * 3600)
            let start = d.adding(days: 6)
            let lots: [(chip: String, name: String, loc: String, days: Int, factor: Double)] = [
                ("H100-SXM", "H100 SXM", "us-east-1", 7, 1.10), ("H200", "H200", "us-east-1", 7, 1.10), ("H100-SXM", "H100 SXM", "us-west-2", 0, 1.02),
            ]
            for lot in lots {
                let chip = DemoMarket.chip(lot.chip)
                guard chip.entry <= d else { continue }
                let end = lot.days > 0 ? start.adding(days: lot.days) : start.adding(days: 30)
                let hours = (end.dayNumber - start.dayNumber) * 24
                let instances = 4 + r.int(9)
                let price = DemoMarket.level(chip: chip, on: d) * 1.2 * lot.factor * (1 + 0.02 * r.normal())
                out += "\(id),\(cleared),\(lot.name),8,\(lot.loc),,\(start),\(end),\(Decimals.format(price, places: 2)),USD,hour,gpu,\(Int64(instances) * 8 * hours),computeexchange\n"
            }
        }
        return out
    }
}
