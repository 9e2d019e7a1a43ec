import CixCore
import CixIO
import CixStore
import Foundation
import GRDB

/// Counts of one normalization run, over the quotes it examined.
public struct NormalizeStats: Sendable {
    public var examined = 0
    /// Rows written: new quotes, plus re-normalized quotes whose result changed.
    public var written = 0
    public var changed = 0
    public var priced = 0
    public var unpriced = 0
    public var graded = 0
    public var unmatched: [UnmatchedReason: Int] = [:]
    public var fullRerun = false

    public var summary: String {
        var s = "normalized \(examined): priced \(priced), unpriced \(unpriced), in a grade \(graded)"
        let u = unmatched.sorted { $0.key.rawValue < $1.key.rawValue }.map { "\($0.key.rawValue) \($0.value)" }
        s += ", unmatched \(unmatched.values.reduce(0, +))" + (u.isEmpty ? "" : " (" + u.joined(separator: ", ") + ")")
        if fullRerun { s += "; definitions or FX changed: re-normalized all, \(changed) changed" }
        return s
    }
}

public enum NormalizeJob {
    /// Normalizes the quotes that have no result yet; when the definitions or the FX rates differ
    /// from the last run's, re-normalizes every stored quote and rewrites only the rows whose result
    /// changed. One transaction.
    public static func run(store: Store, ref: ReferenceData, now: String = Timestamp.format(Int64(Date().timeIntervalSince1970))) throws -> NormalizeStats {
        var stats = NormalizeStats()
        try store.dbQueue.write { db in
            let (fx, fxHash) = try FXStore.table(db)
            let last = try Row.fetchOne(db, sql: "SELECT reference_hash, fx_hash, max_quote_id FROM normalization_runs ORDER BY id DESC LIMIT 1")
            let lastMax: Int64 = last?[2] ?? 0
            let full = last != nil && (last![0] as String != ref.hash || last![1] as String != fxHash)
            stats.fullRerun = full
            let maxQuote = try Int64.fetchOne(db, sql: "SELECT first_quote_id + count - 1 FROM raw_blocks ORDER BY first_quote_id DESC LIMIT 1") ?? 0
            try db.execute(sql: "INSERT INTO normalization_runs (reference_hash, fx_hash, started_at, max_quote_id, examined, written) VALUES (?,?,?,?,0,0)",
                           arguments: [ref.hash, fxHash, now, maxQuote])
            let runID = db.lastInsertedRowID
            let writer = try NormalizedWriter(db: db, runID: runID, referenceHash: ref.hash)
            // Stored results of a block: its time range, filtered to its quote ids (clustered-key scan).
            let existing = try db.makeStatement(sql: """
                SELECT quote_id, result_hash FROM normalized_quotes
                WHERE observed_epoch >= ? AND observed_epoch <= ? AND quote_id >= ? AND quote_id < ?
                """)
            // Blocks to look at: all (full re-run) or the new ones.
            let blocks = try Row.fetchAll(db, sql: """
                SELECT first_quote_id, count, min_epoch, max_epoch FROM raw_blocks WHERE first_quote_id + count > ? ORDER BY first_quote_id
                """, arguments: [full ? 0 : lastMax + 1])
            // Decoding and normalizing run on a worker thread, one block ahead of the SQLite writes on
            // this one; results are written in block order, so the outcome does not depend on timing.
            var inFlight: [BlockWork] = []
            func drain(_ w: BlockWork) throws {
                let r = try w.wait()
                stats.examined += r.examined
                stats.priced += r.priced
                stats.unpriced += r.unpriced
                stats.graded += r.graded
                stats.changed += r.changed
                for (k, v) in r.unmatched { stats.unmatched[k, default: 0] += v }
                stats.written += r.rows.count
                for (sq, n, h) in r.rows { try writer.write(quoteID: sq.id, quote: sq.quote, result: n, resultHash: h) }
            }
            for b in blocks {
                let first: Int64 = b[0]
                let count: Int64 = b[1]
                var stored: [Int64: Int64] = [:]
                if full || first <= lastMax {
                    for r in try Row.fetchAll(existing, arguments: [b[2] as Int64, b[3] as Int64, first, first + count]) { stored[r[0]] = r[1] }
                }
                guard let block = try RawBlock.fetch(db, firstQuoteID: first) else { continue }
                let work = BlockWork(block: block, stored: stored, skipStored: !full && first <= lastMax, ref: ref, fx: fx)
                inFlight.append(work)
                if inFlight.count > 1 { try drain(inFlight.removeFirst()) }
            }
            for w in inFlight { try drain(w) }
            try db.execute(sql: "UPDATE normalization_runs SET examined = ?, written = ? WHERE id = ?",
                           arguments: [stats.examined, stats.written, runID])
        }
        return stats
    }
}

/// One block's decode-and-normalize, run on a global queue; `wait()` gives its rows in the table's key
/// order.
final class BlockWork: @unchecked Sendable {
    struct Output {
        var rows: [(StoredQuote, NormalizedQuote, Int64)] = []
        var examined = 0, priced = 0, unpriced = 0, graded = 0, changed = 0
        var unmatched: [UnmatchedReason: Int] = [:]
    }

    private let done = DispatchSemaphore(value: 0)
    private var result: Result<Output, Error>?

    init(block: RawBlock, stored: [Int64: Int64], skipStored: Bool, ref: ReferenceData, fx: FXTable) {
        DispatchQueue.global().async { [self] in
            result = Result {
                var out = Output()
                var pending: [(StoredQuote, NormalizedQuote, Int64)] = []
                try block.decode { sq in
                    if skipStored && stored[sq.id] != nil { return }
                    let n = Normalization.normalize(sq.quote, ref: ref, fx: fx)
                    out.examined += 1
                    if n.isPriced { out.priced += 1 } else { out.unpriced += 1 }
                    if let u = n.unmatched { out.unmatched[u, default: 0] += 1 } else { out.graded += 1 }
                    let h = n.resultHash
                    if let old = stored[sq.id] {
                        if old == h { return }
                        out.changed += 1
                    }
                    pending.append((sq, n, h))
                }
                // Written in the table's key order: appends, not inserts all over the B-tree.
                let order = pending.indices.sorted {
                    (pending[$0].0.quote.observedEpoch, pending[$0].0.id) < (pending[$1].0.quote.observedEpoch, pending[$1].0.id)
                }
                out.rows = order.map { pending[$0] }
                return out
            }
            done.signal()
        }
    }

    func wait() throws -> Output {
        done.wait()
        return try result!.get()
    }
}
