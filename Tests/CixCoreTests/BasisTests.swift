@testable import CixCore
import Testing

/// METHODOLOGY.md §10: the basis against another benchmark and its trailing band, by hand.
@Suite struct BasisTests {
    /// Prints of 2.90 (1 March), 3.00 (2 March), 3.20 (4 March), 3.10 (5 March); our fixings 3.00, 3.05,
    /// (3 March: a print-less day) 3.10, and on 5 March suspended. With a 3-day band, from 2 March:
    /// 2 March: basis 0.05, band over 28 Feb–2 Mar = {0.10, 0.05}: low 0.05, high 0.10, mean |b| 0.075;
    /// 4 March: basis −0.10 (3.10 − 3.20), band 2–4 March = {0.05, −0.10}: mean |b| 0.075; 5 March: no
    /// basis (our fixing is suspended); 1 March is before `from` but in the band.
    @Test func basisAndBandByHand() {
        let b = BenchmarkDefinition(id: "EXT", name: "x", grade: "G")
        func d(_ day: Int) -> CivilDate { CivilDate(year: 2026, month: 3, day: day)! }
        let prints: [CivilDate: Double] = [d(1): 2.90, d(2): 3.00, d(4): 3.20, d(5): 3.10]
        let ours: [Int: (FixingStatus, Double?)] = [1: (.ok, 3.00), 2: (.stale, 3.05), 3: (.ok, 3.07), 4: (.ok, 3.10), 5: (.suspended, nil)]
        let r = Basis.compute(b, prints: prints, from: d(2), to: d(5), bandDays: 3, fixing: { day in
            ours[day.components.day].map { FixingValue(grade: "G", date: day, status: $0.0, value: $0.1, capacityGPUs: 0) }
        }, definitionHash: "h")
        #expect(r.map(\.date) == ["2026-03-02", "2026-03-04"])
        #expect(abs(r[0].basis - 0.05) < 1e-12 && r[0].fixingStatus == "stale" && abs(r[0].basisPct - 0.05 / 3.0) < 1e-12)
        #expect(r[0].bandDays == 2 && abs(r[0].bandLow - 0.05) < 1e-12 && abs(r[0].bandHigh - 0.10) < 1e-12 && abs(r[0].meanAbsBasis - 0.075) < 1e-12)
        #expect(abs(r[1].basis - -0.10) < 1e-12 && r[1].bandDays == 2 && abs(r[1].bandLow - -0.10) < 1e-12 && abs(r[1].bandHigh - 0.05) < 1e-12)
        #expect(abs(r[1].meanAbsBasis - 0.075) < 1e-12)
        // The audit text of 4 March.
        #expect(Basis.inputsText(benchmark: "EXT", date: d(4), grade: "G", ours: 3.1, theirs: 3.2) == "EXT|2026-03-04|G=3.1|3.2\n")
        #expect(r[1].inputsHash == FixingAudit.sha256("EXT|2026-03-04|G=3.1|3.2\n"))
    }
}
