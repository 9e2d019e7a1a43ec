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
        import os
        # Every export the demo writes loads with no options, with its documented first column.
        first = {"fixings": "grade", "indices": "index", "weights": "index", "runs": "run_id", "settlements": "contract",
                 "curves": "root", "futures-indices": "index", "funds": "fund", "restatements": "restatement_id",
                 "rejects": "batch_id", "fund-compare": "fund", "final-settlements": "root", "basis": "benchmark"}
        for name, col in first.items():
            t = pd.read_csv(d + "/exports/" + name + ".csv")
            assert t.columns[0] == col, (name, list(t.columns))
            assert name in ("restatements", "final-settlements") or len(t) > 0, name
        assert str(pd.read_csv(d + "/exports/futures-indices.csv")["er"].dtype) == "float64"
        assert str(pd.read_csv(d + "/exports/funds.csv")["nav_per_share"].dtype) == "float64"
        assert str(pd.read_csv(d + "/exports/rejects.csv")["line"].dtype) == "int64"
        b = pd.read_csv(d + "/exports/basis.csv")
        assert str(b["basis"].dtype) == "float64" and str(b["band_days"].dtype) == "int64", b.dtypes
        assert list(pd.read_csv(d + "/exports/final-settlements.csv").columns)[4:8] == ["status", "price", "published", "days"]
        # Issue 22 #16: no non-empty cell of any export reads as missing with pandas' defaults (the
        # region code "NA" did: North America is NAM).
        def no_false_missing(path):
            raw = pd.read_csv(path, dtype=str, keep_default_na=False)
            t = pd.read_csv(path)
            bad = (raw != "") & t.isna()
            if bad.any().any():
                cols = [c for c in t.columns if bad[c].any()]
                raise AssertionError((path, cols, raw[bad.any(axis=1)].head(3).to_dict("records")))
        assert "NAM" in set(q["market_region"]), set(q["market_region"])
        for fn in os.listdir(d + "/exports"):
            if fn.endswith(".csv"):
                no_false_missing(d + "/exports/" + fn)
        for day in os.listdir(d + "/published"):
            if day == "rejects":
                continue
            for fn in os.listdir(d + "/published/" + day):
                pd.read_csv(d + "/published/" + day + "/" + fn)
                no_false_missing(d + "/published/" + day + "/" + fn)
        print(len(q), len(f), len(i), len(w))
        """
        let (status, o, e) = try runProcess("/usr/bin/env", ["python3", "-c", script, dir])
        #expect(status == 0, "\(e)")
        let counts = o.split(separator: " ").compactMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        #expect(counts.count == 4 && counts.allSatisfy { $0 > 0 })
    }
}
