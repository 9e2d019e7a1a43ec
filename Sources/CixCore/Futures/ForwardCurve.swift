/// The model forward curve (METHODOLOGY.md §7.4): the shape from the term (reserved) strip, anchored to
/// the underlying's own fixing.

/// One term fixing of the strip: the average price over the first `months` months of a commitment.
public struct TermPoint: Sendable, Hashable {
    public var months: Int
    public var price: Double
    public init(months: Int, price: Double) {
        self.months = months
        self.price = price
    }
}

/// A bootstrapped forward segment (T_{k−1}, T_k] in months.
public struct ForwardSegment: Sendable, Hashable {
    public var fromMonths: Int
    public var toMonths: Int
    public var forward: Double
}

public struct ForwardCurve: Sendable, Hashable {
    /// The forwards of the strip, before anchoring.
    public var segments: [ForwardSegment]
    /// The anchor: the underlying's fixing on the curve date.
    public var spot: Double
    /// Arbitrage warnings (§7.4): negative or non-monotone implied forwards. Published with the curve.
    public var warnings: [String]
    /// How the curve goes on beyond the strip's last term.
    public var curveExtension: FuturesDefinition.CurveExtension = .lastSegment

    /// §7.4: F(T_{k−1}, T_k) = (A_k T_k − A_{k−1} T_{k−1}) ÷ (T_k − T_{k−1}), T₀ = 0, from term averages
    /// A_k sorted by term.
    public static func bootstrap(_ strip: [TermPoint]) -> [ForwardSegment] {
        var out: [ForwardSegment] = []
        var prevT = 0
        var prevA = 0.0
        for p in strip.sorted(by: { $0.months < $1.months }) where p.months > prevT {
            let f = (p.price * Double(p.months) - prevA * Double(prevT)) / Double(p.months - prevT)
            out.append(ForwardSegment(fromMonths: prevT, toMonths: p.months, forward: f))
            prevT = p.months
            prevA = p.price
        }
        return out
    }

    public init(strip: [TermPoint], spot: Double, extension ext: FuturesDefinition.CurveExtension = .lastSegment) {
        segments = ForwardCurve.bootstrap(strip)
        self.spot = spot
        curveExtension = ext
        var w: [String] = []
        for s in segments where !(s.forward > 0) {
            w.append("negative or zero implied forward \(s.forward) for months \(s.fromMonths)–\(s.toMonths)")
        }
        // Non-monotone: the strip's forwards change direction (up then down, or down then up).
        var direction = 0
        for (a, b) in zip(segments, segments.dropFirst()) {
            let d = b.forward > a.forward ? 1 : (b.forward < a.forward ? -1 : 0)
            if d != 0 && direction != 0 && d != direction {
                w.append("non-monotone implied forwards: \(a.forward) (months \(a.fromMonths)–\(a.toMonths)) then \(b.forward) (months \(b.fromMonths)–\(b.toMonths))")
            }
            if d != 0 { direction = d }
        }
        warnings = w
    }

    /// True when the delivery month `ahead` months out lies beyond the strip (its middle after the last term).
    public func isBeyondStrip(monthsAhead ahead: Int) -> Bool {
        guard let last = segments.last else { return false }
        return Double(ahead) + 0.5 > Double(last.toMonths)
    }

    /// The strip forward for the delivery month that starts `ahead` months after the current month:
    /// the segment holding its middle (ahead + ½ months). Beyond the strip (§7.4): the last segment
    /// held, or with a damped slope, F_K × exp(g × h ÷ ln 2 × (1 − 2^(−n ÷ h))), g the log slope per month
    /// between the last two segments' middles, n the months from the last term to the delivery month's
    /// middle, h the half-life (the slope halves every h months, so the curve levels off at
    /// F_K × exp(g h ÷ ln 2) instead of running away).
    public func stripForward(monthsAhead ahead: Int) -> Double? {
        guard let last = segments.last else { return nil }
        let mid = Double(ahead) + 0.5
        if let s = segments.first(where: { Double($0.fromMonths) < mid && mid <= Double($0.toMonths) }) { return s.forward }
        guard case .dampedSlope(let h) = curveExtension, segments.count >= 2 else { return last.forward }
        let prev = segments[segments.count - 2]
        guard last.forward > 0, prev.forward > 0 else { return last.forward }
        let muK = Double(last.fromMonths + last.toMonths) / 2, muPrev = Double(prev.fromMonths + prev.toMonths) / 2
        let g = log(last.forward / prev.forward) / (muK - muPrev)
        let n = mid - Double(last.toMonths)
        return last.forward * exp(g * h / log(2.0) * (1 - pow(2, -n / h)))
    }

    /// §7.4 anchoring: the forward of a delivery month `ahead` months out is spot × F(ahead) ÷ F(0): the
    /// front month is the underlying's own level (without the commitment discount of reserved prices),
    /// the strip gives the shape.
    public func forward(monthsAhead ahead: Int) -> Double? {
        guard let f = stripForward(monthsAhead: ahead), let f0 = stripForward(monthsAhead: 0), f0 > 0 else { return nil }
        return spot * f / f0
    }

    /// §7.4: the model value of a contract on `date`. For a month that has begun (an averaged month): the
    /// fixings of its averaged days so far (up to `date`) and the current forward for the days left,
    /// averaged over the days the settlement averages (§7.2).
    public func value(of c: Contract, on date: CivilDate, settlement: FuturesDefinition.Settlement,
                      calendar: BusinessCalendar = .weekdays, fixing: (CivilDate) -> Double?) -> Double? {
        let ahead = c.month.months(since: ContractMonth(date))
        guard ahead >= 0, let fwd = forward(monthsAhead: ahead) else { return nil }
        guard ahead == 0, settlement != .finalFixing else { return fwd }
        let days = FinalSettlement.averagedDays(settlement, month: c.month, calendar: calendar)
        guard !days.isEmpty else { return fwd }
        var sum = 0.0
        for d in days {
            if d <= date, let v = fixing(d) { sum += v } else { sum += fwd }
        }
        return sum / Double(days.count)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
