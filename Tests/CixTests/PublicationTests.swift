import CixCore
import CixIO
import Foundation
import Testing

/// METHODOLOGY.md §9: the restatement window and the factsheet's figures, against the document's
/// worked examples and hand-computed series.
@Suite struct PublicationTests {
    static let defs = try! DefinitionLoader.methodology(repoRoot + "/Indices")

    /// §9.2 worked example (NYSE calendar, window 1): business days in (F, A] and the decision.
    @Test(arguments: [
        ("2025-03-20", "2025-03-21", 1, true),   // Thursday, found Friday: restated
        ("2025-03-20", "2025-03-25", 3, false),  // found the next Tuesday: 03-21, 03-24, 03-25: held
        ("2025-03-21", "2025-03-24", 1, true),   // Friday, found Monday
        ("2025-03-21", "2025-03-25", 2, false),  // Friday, found Tuesday
        ("2025-04-17", "2025-04-21", 1, true),   // over Good Friday 2025-04-18 (a holiday)
        ("2025-03-20", "2025-03-20", 0, true),   // found the same day
    ])
    func restatementWindow(first: String, asOf: String, days: Int, restated: Bool) {
        let f = CivilDate(iso: first)!, a = CivilDate(iso: asOf)!
        let cal = PublicationTests.defs.calendar
        #expect(PublicationPolicy.businessDaysAfter(f, until: a, calendar: cal) == days)
        #expect(PublicationTests.defs.publication.withinWindow(firstPublished: f, asOf: a, calendar: cal) == restated)
    }

    /// §9.7 worked example: weights 0.5 and 0.5, fixings 2.00 (1.90–2.10) and 4.00 (3.60–4.40), level 1000.
    @Test func bandWorkedExample() throws {
        let b = try #require(FactsheetMath.band(level: 1000, constituents: [
            .init(weight: 0.5, value: 2.00, low: 1.90, high: 2.10), .init(weight: 0.5, value: 4.00, low: 3.60, high: 4.40),
        ]))
        #expect(abs(b.low - 925) < 1e-9 && abs(b.high - 1075) < 1e-9)
        // A stale fixing (no bounds) is left out: the band is the other constituent's alone.
        let one = try #require(FactsheetMath.band(level: 1000, constituents: [
            .init(weight: 0.5, value: 2.00, low: 1.90, high: 2.10), .init(weight: 0.5, value: 4.00, low: nil, high: nil),
        ]))
        #expect(abs(one.low - 950) < 1e-9 && abs(one.high - 1050) < 1e-9)
        #expect(FactsheetMath.band(level: 1000, constituents: [.init(weight: 1, value: 2, low: nil, high: nil)]) == nil)
    }

    /// §9.7 performance by hand: V(D) ÷ V(s) − 1, V(x) the last value on or before x; n/a when the
    /// series starts after s.
    @Test func performanceByHand() {
        let series = [("2025-01-02", 100.0), ("2025-10-01", 110.0), ("2025-11-01", 120.0), ("2025-12-01", 125.0), ("2025-12-31", 130.0)]
            .map { FactsheetMath.DatedValue(day: CivilDate(iso: $0.0)!.dayNumber, value: $0.1) }
        let end = FactsheetMath.performance(series, date: CivilDate(iso: "2025-12-31")!)
        #expect(end.map(\.period) == ["1 month", "3 months", "year to date", "1 year"])
        #expect(abs(end[0].value! - (130.0 / 125 - 1)) < 1e-12)   // s = 2025-12-01
        #expect(abs(end[1].value! - (130.0 / 110 - 1)) < 1e-12)   // s = 2025-10-01
        #expect(end[2].value == nil && end[3].value == nil)        // s = 2024-12-31: before the series starts
        // A date between values: D = 2025-12-15 takes 125 (12-01); s = 11-15 takes 120 (11-01); s = 09-15 has none.
        let mid = FactsheetMath.performance(series, date: CivilDate(iso: "2025-12-15")!)
        #expect(abs(mid[0].value! - (125.0 / 120 - 1)) < 1e-12)
        #expect(abs(mid[1].value! - (125.0 / 100 - 1)) < 1e-12)   // s = 2025-09-15: the last value before is 100 (01-02)
        // A year later: year to date from 2025-12-31 (130), 1 year from 2025-01-05 (100).
        let next = FactsheetMath.performance(series + [.init(day: CivilDate(iso: "2026-01-05")!.dayNumber, value: 117)],
                                             date: CivilDate(iso: "2026-01-05")!)
        #expect(abs(next[2].value! - (117.0 / 130 - 1)) < 1e-12)
        #expect(abs(next[3].value! - (117.0 / 100 - 1)) < 1e-12)
        #expect(FactsheetMath.performance(series, date: CivilDate(iso: "2024-12-01")!).isEmpty)
    }
}
