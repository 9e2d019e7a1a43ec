import CixCore
import CixIO
import CixStore
import Foundation

/// One FX file's outcome.
public struct FXFileResult: Sendable {
    public var path: String
    public var format: String
    public var stored: Int
    public var currencies: [String]
    public var rejects: [FXReader.Reject]
    /// SHA-256 of the bytes read.
    public var sha256 = ""
}

public enum FXJob {
    /// Reads every file first (a bad one stops the run before anything is stored), then stores all of
    /// them in one transaction (§3.5).
    public static func ingest(store: Store, paths: [String], now: String? = nil,
                              inTransaction: ((StoreSession, [FXFileResult]) throws -> Void)? = nil) throws -> [FXFileResult] {
        var parsed: [(String, FXReader.Result, String)] = []
        for f in paths {
            let source = try FileByteSource(path: f)
            parsed.append((f, try FXReader.read(source, path: f), source.digest.hex))
        }
        let at = JobClock(now).now()
        return try store.write { s in
            let results = try parsed.map { f, r, sha in
                let stored = try s.insertFXRates(r.rates, sourcePath: f, at: at)
                // Bad rows are kept like every input's (cix export rejects): line, reason, and the field "(record)".
                if !r.rejects.isEmpty {
                    _ = try s.recordInputFile(path: f, format: "fx", startedAt: at, rowsRead: r.rates.count + r.rejects.count, accepted: stored,
                                              duplicates: 0, rejects: r.rejects.map { ($0.line, "(record)", $0.reason, "") })
                }
                return FXFileResult(path: f, format: r.format, stored: stored, currencies: Set(r.rates.map(\.currency)).sorted(), rejects: r.rejects,
                                    sha256: sha)
            }
            try inTransaction?(s, results)
            return results
        }
    }
}
