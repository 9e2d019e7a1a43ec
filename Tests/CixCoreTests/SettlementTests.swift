@testable import CixCore
import Testing

/// METHODOLOGY.md §7.2, §7.4 and §7.8: the listed-contract replica's business-day average, the curve
/// beyond the strip, and final settlement with coverage and fallback, against numbers worked by hand.
@Suite struct SettlementTests {
    /// A calendar with Tuesday 10 March 2026 a holiday.
    static let calendar = BusinessCalendar(name: "test", holidays: [CivilDate(iso: "2026-03-10")!])
    static let march = ContractMonth(year: 2026, month: 3)

    static func replica(minCoverage: Double = 0.9) -> FuturesDefinition {
        var d = FuturesDefinition(root: "GPUX", name: "replica", underlying: "G", settlement: .monthlyAverageBusinessDays,
                                  contractGPUHours: 730, tick: 0.01, listedMonths: 36)
        d.minCoverage = minCoverage
        return d
    }

    /// The fixing of day d of March: 2 + d ÷ 100, `ok` unless listed otherwise.
    static func fixing(_ kinds: [Int: SettlementDay.Kind], carried: [Int: Double] = [:]) -> (CivilDate) -> FixingValue? {
        { d in
            let day = d.components.day
            switch kinds[day] {
            case .missing?: return FixingValue(grade: "G", date: d, status: .suspended, value: nil, capacityGPUs: 0)
            case .stale?: return FixingValue(grade: "G", date: d, status: .stale, value: carried[day], capacityGPUs: 0)
            case .imputed?: return FixingValue(grade: "G", date: d, status: .ok, value: 2 + Double(day) / 100, capacityGPUs: 0, imputed: true)
            default: return FixingValue(grade: "G", date: d, status: .ok, value: 2 + Double(day) / 100, capacityGPUs: 0)
            }
        }
    }

    /// March 2026 has 22 weekdays; without the holiday on the 10th, 21 business days: 2–6, 9, 11–13,
    /// 16–20, 23–27, 30, 31, whose day numbers sum to 341.
    @Test func theBusinessDaysOfAMonthWithAHoliday() {
        let days = FinalSettlement.averagedDays(.monthlyAverageBusinessDays, month: Self.march, calendar: Self.calendar)
        #expect(days.map { $0.components.day } == [2, 3, 4, 5, 6, 9, 11, 12, 13, 16, 17, 18, 19, 20, 23, 24, 25, 26, 27, 30, 31])
        #expect(FinalSettlement.averagedDays(.monthlyAverage, month: Self.march, calendar: Self.calendar).count == 31)
        #expect(FinalSettlement.averagedDays(.finalFixing, month: Self.march, calendar: Self.calendar) == [CivilDate(iso: "2026-03-31")!])
        // All 21 days live: (21 × 2 + 3.41) ÷ 21.
        let all = FinalSettlement.price(Self.replica(), month: Self.march, calendar: Self.calendar) { 2 + Double($0.components.day) / 100 }
        #expect(abs(all! - 45.41 / 21) < 1e-12)
    }

    /// A missing day (the 17th) counts at the previous averaged day's value (the 16th, 2.16); the 18th is
    /// stale carrying 2.16; the 19th is ok with an imputed source. Sum of day numbers 341 − 17 + 16 − 18 +
    /// 16 = 338, so the price is (42 + 3.38) ÷ 21 = 2.160952…; live days 18 + 1 imputed of 21: coverage
    /// 19 ÷ 21 = 0.9048 ≥ 0.9, final; the longest run of stale or missing days is 2 (17th, 18th).
    @Test func aMissingAStaleAndAnImputedDayByHand() throws {
        let r = try #require(FinalSettlement.settle(Self.replica(), month: Self.march, calendar: Self.calendar,
                                                   fixing: Self.fixing([17: .missing, 18: .stale, 19: .imputed], carried: [18: 2.16])))
        #expect(abs(r.price! - 45.38 / 21) < 1e-12)
        #expect((r.count(.ok), r.count(.imputed), r.count(.stale), r.count(.missing)) == (18, 1, 1, 1))
        #expect(abs(r.coverage - 19.0 / 21) < 1e-12 && r.status == "final" && r.longestGap == 2)
        #expect(r.fallback == "1 missing day at the previous averaged day's value")
        #expect(r.date == CivilDate(iso: "2026-03-31")! && r.contract.ticker == "GPUXH26")
        // The audit text names each day's kind and published value (the missing day's is empty).
        let text = FinalSettlement.inputsText(r, rule: .monthlyAverageBusinessDays)
        #expect(text.hasPrefix("GPUXH26|monthly_average_business_days|2026-03-02:ok=2.02 2026-03-03:ok=2.03 "))
        #expect(text.contains(" 2026-03-17:missing= 2026-03-18:stale=2.16 2026-03-19:imputed=2.19 ") && text.hasSuffix("2026-03-31:ok=2.31\n"))
    }

    /// Three missing days, the first of them the month's first business day (no earlier value: it takes
    /// the next one, 2.03), and the 30th and 31st (at 2.27, the 27th's): coverage 18 ÷ 21 = 0.857 < 0.9,
    /// provisional. Sum of day numbers 341 − 2 + 3 − 30 + 27 − 31 + 27 = 335: (42 + 3.35) ÷ 21.
    @Test func coverageBelowTheMinimumIsProvisional() throws {
        let r = try #require(FinalSettlement.settle(Self.replica(), month: Self.march, calendar: Self.calendar,
                                                   fixing: Self.fixing([2: .missing, 30: .missing, 31: .missing])))
        #expect(abs(r.price! - 45.35 / 21) < 1e-12)
        #expect(abs(r.coverage - 18.0 / 21) < 1e-12 && r.status == "provisional" && r.longestGap == 2)
        #expect(r.fallback == "2 missing days at the previous averaged day's value; 1 missing day at the next averaged day's value")
        // The same month under a definition that settles at 80% coverage is final.
        #expect(FinalSettlement.settle(Self.replica(minCoverage: 0.8), month: Self.march, calendar: Self.calendar,
                                       fixing: Self.fixing([2: .missing, 30: .missing, 31: .missing]))?.status == "final")
        // No value on any day: nothing to settle at.
        let none = FinalSettlement.settle(Self.replica(), month: Self.march, calendar: Self.calendar) { _ in nil }
        #expect(none?.price == nil && none?.status == "unsettled" && none?.coverage == 0)
    }

    /// §7.4 beyond the strip, damped slope with a 6-month half-life. Strip 1:2.0, 3:1.9, 6:1.8 gives
    /// forwards 2.0, 1.85, 1.7 with middles 0.5, 2 and 4.5 months; g = ln(1.7 ÷ 1.85) ÷ 2.5 =
    /// −0.0338229552. Twelve months ahead the middle is 12.5, n = 6.5 months past the last term:
    /// F = 1.7 × exp(g × 6 ÷ ln 2 × (1 − 2^(−6.5 ÷ 6))) = 1.4564813015; anchored to S = 2.5 over F(0) = 2.0,
    /// 1.8206016269. The level it tends to: 1.7 × exp(g × 6 ÷ ln 2) × 1.25 = 1.5856501997.
    @Test func theCurveBeyondTheStripByHand() {
        let strip = [TermPoint(months: 1, price: 2.0), TermPoint(months: 3, price: 1.9), TermPoint(months: 6, price: 1.8)]
        let c = ForwardCurve(strip: strip, spot: 2.5, extension: .dampedSlope(halfLifeMonths: 6))
        let cases: [(ahead: Int, expected: Double)] = [(0, 2.5), (1, 2.3125), (5, 2.125), (6, 2.0903666422632), (12, 1.8206016268898),
                                                        (24, 1.6413805074398), (35, 1.6010951730509)]
        for (ahead, expected) in cases {
            #expect(abs(c.forward(monthsAhead: ahead)! - expected) < 1e-10, "\(ahead) months ahead")
        }
        #expect(!c.isBeyondStrip(monthsAhead: 5) && c.isBeyondStrip(monthsAhead: 6))
        #expect(c.forward(monthsAhead: 35)! > 1.5856501997 && c.forward(monthsAhead: 35)! < c.forward(monthsAhead: 24)!)
        // The shipped 14-month roots hold the last segment: 2.5 × 1.7 ÷ 2.0 at any distance.
        let flat = ForwardCurve(strip: strip, spot: 2.5)
        #expect(abs(flat.forward(monthsAhead: 12)! - 2.125) < 1e-12 && abs(flat.forward(monthsAhead: 35)! - 2.125) < 1e-12)
        // One segment has no slope: held.
        let one = ForwardCurve(strip: [TermPoint(months: 1, price: 2.0)], spot: 2.5, extension: .dampedSlope(halfLifeMonths: 6))
        #expect(one.forward(monthsAhead: 20) == 2.5)
    }

    /// §7.4 for a month that has begun under the business-day rule: on Friday 13 March 2026 (holiday on
    /// the 10th), 9 business days have a fixing of 2.4 and the 12 left count at forward(0) = 2.5:
    /// (9 × 2.4 + 12 × 2.5) ÷ 21 = 2.4571428….
    @Test func aBegunMonthAveragesItsBusinessDays() {
        let c = ForwardCurve(strip: [TermPoint(months: 1, price: 2.0), TermPoint(months: 3, price: 1.9)], spot: 2.5)
        let k = Contract(root: "GPUX", month: Self.march)
        let v = c.value(of: k, on: CivilDate(iso: "2026-03-13")!, settlement: .monthlyAverageBusinessDays, calendar: Self.calendar) { _ in 2.4 }
        #expect(abs(v! - (9 * 2.4 + 12 * 2.5) / 21) < 1e-12)
    }
}
