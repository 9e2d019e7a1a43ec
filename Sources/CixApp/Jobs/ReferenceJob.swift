import CixCore
import CixIO
import CixStore
import Foundation

/// External benchmark prints (METHODOLOGY.md §10): `cix reference ingest` and the daily job's inbox.
public enum ReferenceJob {
    /// Stores the prints of each file in its own transaction; only a new or changed print is stored (a
    /// re-ingest adds nothing). Bad rows go to the rejects table and `FILE.rejects.csv`.
    public static func ingest(store: Store, defs: MethodologyDefinitions, paths: [String], writeRejectFiles: Bool = true,
                              rejectsDir: String? = nil, now: String? = nil,
                              inTransaction: ((StoreSession, InputFileResult) throws -> Void)? = nil) throws -> [InputFileResult] {
        let clock = JobClock(now)
        // Prints dated after tomorrow are refused, like settlements (§10.1).
        let latest = (clock.today() ?? Timestamp.utcDate(Int64(Date().timeIntervalSince1970))).adding(days: 1)
        let parsed = try paths.map { p in
            let source = try FileByteSource(path: p)
            return (p, try ReferenceReader.read(source, path: p, benchmarks: defs.benchmarks, latest: latest), source.digest.hex)
        }
        var out: [InputFileResult] = []
        for (path, r, sha) in parsed {
            var stored = 0, unchanged = 0
            try store.write { s in
                let at = clock.now()
                let current = try s.referencePrints()
                let fresh = r.prints.filter { current[$0.benchmark]?[$0.date] != $0.value }
                unchanged = r.prints.count - fresh.count
                stored = fresh.count
                try s.insertReferencePrints(fresh, sourcePath: path, at: at)
                _ = try s.recordInputFile(path: path, format: "reference", startedAt: at, rowsRead: r.rowsRead, accepted: stored,
                                          duplicates: unchanged + r.duplicates, rejects: r.rejects.map { ($0.line, $0.field, $0.reason, $0.original) })
                try inTransaction?(s, InputFileResult(path: path, rowsRead: r.rowsRead, stored: stored, unchanged: unchanged, rejected: r.rejects.count,
                                                      sha256: sha, duplicates: r.duplicates))
            }
            out.append(InputFileResult(path: path, rowsRead: r.rowsRead, stored: stored, unchanged: unchanged, rejected: r.rejects.count,
                                       rejectsPath: try FuturesJob.writeRejects(r.rejects, path: path, enabled: writeRejectFiles, dir: rejectsDir),
                                       sha256: sha, duplicates: r.duplicates))
        }
        return out
    }

    /// §10's definition of a benchmark comparison.
    static func definition(_ b: BenchmarkDefinition, _ defs: MethodologyDefinitions) -> StoredDefinition {
        CanonicalDefinitions.benchmark(b, bandDays: defs.basisBandDays, methodologyVersion: defs.methodologyVersion,
                                       gradeHash: defs.fixingHash(grade: b.grade))
    }
}
