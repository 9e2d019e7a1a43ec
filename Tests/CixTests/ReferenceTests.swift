@testable import CixApp
import CixCore
import CixIO
import CixStore
import Foundation
import Testing

/// Issue 23 #4 (METHODOLOGY.md §10): external benchmark prints in, basis out.
@Suite struct ReferenceTests {
    /// Bad rows of a reference file are rejected with line, field and reason; the good ones are stored,
    /// a re-ingest stores nothing, and a changed print is stored again.
    @Test func badReferenceRowsAreNamed() throws {
        let dir = try tempDir()
        let db = dir + "/s.sqlite"
        let indices = repoRoot + "/Indices"
        let file = dir + "/ref.csv"
        try write("""
            date,benchmark,value,unit
            2026-11-02,EXT-H100-TRADES,2.91,usd_per_gpu_hour
            2026-11-03,NOPE-INDEX,2.95,usd_per_gpu_hour
            2026-13-01,EXT-H100-TRADES,2.95,
            2026-11-04,EXT-H100-TRADES,0,
            2026-11-05,EXT-H100-TRADES,2.95,eur_per_gpu_hour
            2026-11-02,EXT-H100-TRADES,2.99,
            2026-11-02,EXT-H100-TRADES,2.91,
            2099-01-01,EXT-H100-LISTINGS,3.1,
            2026-11-06,EXT-H100-LISTINGS
            2026-11-06,EXT-H100-LISTINGS,3.05,

            """, to: file)
        let (code, out, err) = try runProcess(builtCix, ["reference", "ingest", "--db", db, "--indices", indices, file])
        #expect(code == 3, "\(out)\(err)")
        #expect(out.contains("ref.csv: 10 rows: stored 2, unchanged 0, rejected 7"), "\(out)")
        let rejects = try String(contentsOfFile: file + ".rejects.csv", encoding: .utf8)
        for (line, field, reason) in [(3, "benchmark", "unknown benchmark NOPE-INDEX (benchmarks.yaml defines: EXT-H100-TRADES, EXT-H100-LISTINGS)"),
                                      (4, "date", "not a date that exists"), (5, "value", "not a price in USD per GPU-hour"),
                                      (6, "unit", "EXT-H100-TRADES is in usd_per_gpu_hour, not eur_per_gpu_hour"),
                                      (7, "value", "given twice with different values (line 2: 2.91)"), (9, "date", "outside the plausible dates"),
                                      (10, "(record)", "expected 4 fields, found 2")] {
            #expect(rejects.contains("\(line),\(field),") && rejects.contains(reason), "line \(line) \(field): \(rejects)")
        }
        // Again: nothing new.
        let (code2, out2, _) = try runProcess(builtCix, ["reference", "ingest", "--db", db, "--indices", indices, "--no-reject-files", file])
        #expect(code2 == 3 && out2.contains("stored 0, unchanged 2"), "\(out2)")
        // A header that is not a reference file's is refused whole, naming the missing column.
        try write("date,benchmark,price\n2026-11-02,EXT-H100-TRADES,2.9\n", to: dir + "/bad.csv")
        let (code3, _, err3) = try runProcess(builtCix, ["reference", "ingest", "--db", db, "--indices", indices, dir + "/bad.csv"])
        #expect(code3 == 2 && err3.contains("value is missing"), "\(err3)")
        #expect(Inbox.classify(Data("date,benchmark,value\n".utf8)).0 == .reference)
    }
}
