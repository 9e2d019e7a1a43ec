@testable import CixApp
import CixCore
import CixIO
import Foundation
import Testing

/// Analysts load the exports with `pandas.read_csv(path)` and no options: numbers come out numeric,
/// one row per record, the documented columns. (.ci/run installs pandas.)
@Suite struct PandasTests {
    @Test func exportsLoadWithPlainReadCSV() throws {
        let dir = try tempDir()
        try CixMain.runThrowing(["demo", "--days", "8", "--quotes-per-day", "1500", "--end", "2025-03-20", "--out", dir,
                                 "--indices", repoRoot + "/Indices"])
        let script = """
        import pandas as pd, sys
        d = sys.argv[1]
        q = pd.read_csv(d + "/exports/quotes-2025-03-14-to-2025-03-20.csv")
        f = pd.read_csv(d + "/exports/fixings.csv")
        i = pd.read_csv(d + "/exports/indices.csv")
        w = pd.read_csv(d + "/exports/weights.csv")
        assert str(q["usd_per_gpu_hour"].dtype) == "float64", q.dtypes
        assert str(q["quote_id"].dtype) == "int64"
        assert q["location"].str.contains(", US, NA").any()
        assert str(f["value"].dtype) == "float64" and str(f["offers"].dtype) == "int64"
        assert set(f["status"]) <= {"ok", "stale", "suspended"}
        assert str(i["level"].dtype) == "float64"
        assert str(w["weight"].dtype) == "float64" and w["held"].dtype == bool
        print(len(q), len(f), len(i), len(w))
        """
        let (status, o, e) = try runProcess("/usr/bin/env", ["python3", "-c", script, dir])
        #expect(status == 0, "\(e)")
        let counts = o.split(separator: " ").compactMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        #expect(counts.count == 4 && counts.allSatisfy { $0 > 0 })
    }
}
