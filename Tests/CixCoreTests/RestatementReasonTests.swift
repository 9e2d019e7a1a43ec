@testable import CixCore
import Testing

/// METHODOLOGY.md §9.3: the reason a series' changes record, from what arrived since the last daily run.
@Suite struct RestatementReasonTests {
    @Test(arguments: [
        // series, quotes, fx, settlements, rates, reference → reason
        (SeriesInputs.priced, true, false, false, false, false, "late quote"),
        (.priced, false, true, false, false, false, "late FX rate"),
        (.priced, true, true, false, false, false, "late quote or FX rate"),
        (.priced, false, false, true, false, false, "late quote"),
        (.futures, true, false, true, true, false, "corrected settlement"),
        (.futures, false, false, false, true, false, "late rate"),
        (.futures, false, true, false, false, false, "late FX rate"),
        (.reference, false, false, false, false, true, "late reference print"),
        (.reference, true, false, false, false, true, "late quote"),
        (.reference, false, true, false, false, true, "late FX rate"),
    ])
    func reasonByInputs(series: SeriesInputs, quotes: Bool, fx: Bool, settlements: Bool, rates: Bool, reference: Bool, expected: String) {
        #expect(RestatementReason.forInputs(series, quotes: quotes, fx: fx, settlements: settlements, rates: rates, reference: reference)
                    .description == expected)
    }
}
