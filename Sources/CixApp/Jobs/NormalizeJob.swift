import CixCore
import CixIO
import CixStore
import Foundation

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
    /// Quotes in blocks that could not be read back, left out (quarantined, §2.5).
    public var quarantined = 0
    /// Blocks quarantined by this run.
    public var newlyQuarantined: [String] = []

    public var summary: String {
        var s = "normalized \(examined): priced \(priced), unpriced \(unpriced), in a grade \(graded)"
        let u = unmatched.sorted { $0.key.rawValue < $1.key.rawValue }.map { "\($0.key.rawValue) \($0.value)" }
        s += ", unmatched \(unmatched.values.reduce(0, +))" + (u.isEmpty ? "" : " (" + u.joined(separator: ", ") + ")")
        if fullRerun { s += "; definitions or FX changed: re-normalized all, \(changed) changed" }
        if quarantined > 0 { s += "; \(quarantined) quotes in quarantined blocks left out" }
        return s
    }
}

public enum NormalizeJob {
    /// Normalizes the quotes that have no result yet; when the definitions or the FX rates differ
    /// from the last run's, re-normalizes every stored quote and rewrites only the rows whose result
    /// changed. One transaction.
    /// `progress` is called after each block with the quotes done and the quotes to do.
    public static func run(store: Store, ref: ReferenceData, now: String? = nil,
                           progress: ((Int, Int) -> Void)? = nil) throws -> NormalizeStats {
        var stats = NormalizeStats()
        let started = JobClock(now).now()
        try store.write { s in
            let fx = try s.fxSnapshot()
            let last = try s.lastNormalizationRun()
            let lastMax = last?.maxQuoteID ?? 0
            let full = last.map { $0.referenceHash != ref.hash || $0.fxHash != fx.hash } ?? false
            stats.fullRerun = full
            let runID = try s.beginNormalizationRun(referenceHash: ref.hash, fxHash: fx.hash, startedAt: started, maxQuoteID: try s.maxQuoteID())
            let writer = try s.normalizedWriter(runID: runID, referenceHash: ref.hash)
            // Decoding and normalizing run on a worker thread, one block ahead of the SQLite writes on
            // this one; results are written in block order, so the outcome does not depend on timing.
            let quarantined = try s.quarantinedBlocks()
            var inFlight: [(BlockWork, RawBlockInfo)] = []
            var done = 0
            func drain(_ item: (BlockWork, RawBlockInfo)) throws {
                let (w, info) = item
                done += info.count
                let r: BlockWork.Output
                do { r = try w.wait() } catch let e as StoreCorruption {
                    // A block that cannot be read back never stops the rest: quarantine it and go on.
                    try s.quarantine(firstQuoteID: info.firstQuoteID, reason: e.description, at: started)
                    stats.quarantined += info.count
                    stats.newlyQuarantined.append(e.description)
                    return
                }
                progress?(done, total)
                stats.examined += r.examined
                stats.priced += r.priced
                stats.unpriced += r.unpriced
                stats.graded += r.graded
                stats.changed += r.changed
                for (k, v) in r.unmatched { stats.unmatched[k, default: 0] += v }
                stats.written += r.rows.count
                for row in r.rows { try writer.write(quoteID: row.quote.id, quote: row.quote.quote, result: row.result, resultHash: row.hash) }
            }
            // Blocks to look at: all (full re-run) or the new ones, less the quarantined ones.
            let blocks = try s.rawBlockInfos(afterQuoteID: full ? 0 : lastMax)
            let total = blocks.reduce(0) { $0 + $1.count }
            for b in blocks {
                if quarantined[b.firstQuoteID] != nil {
                    stats.quarantined += b.count
                    continue
                }
                let stored = (full || b.firstQuoteID <= lastMax) ? try s.normalizedResultHashes(b) : [:]
                guard let block = try s.rawBlock(firstQuoteID: b.firstQuoteID) else { continue }
                let work = BlockWork(block: block, stored: stored, skipStored: !full && b.firstQuoteID <= lastMax, ref: ref, fx: fx.table)
                inFlight.append((work, b))
                if inFlight.count > 1 { try drain(inFlight.removeFirst()) }
            }
            for w in inFlight { try drain(w) }
            try s.finishNormalizationRun(runID, examined: stats.examined, written: stats.written)
        }
        return stats
    }
}

/// One block's decode-and-normalize, run on a global queue; `wait()` gives its rows in the table's key
/// order.
final class BlockWork: @unchecked Sendable {
    struct Row {
        var quote: StoredQuote
        var result: NormalizedQuote
        var hash: Int64
    }

    struct Output {
        var rows: [Row] = []
        var examined = 0, priced = 0, unpriced = 0, graded = 0, changed = 0
        var unmatched: [UnmatchedReason: Int] = [:]
    }

    private let done = DispatchSemaphore(value: 0)
    private var result: Result<Output, Error>?

    init(block: RawBlock, stored: [Int64: Int64], skipStored: Bool, ref: ReferenceData, fx: FXTable) {
        DispatchQueue.global().async { [self] in
            result = Result {
                var out = Output()
                var pending: [Row] = []
                try block.decode { sq in
                    if skipStored && stored[sq.id] != nil { return }
                    let n = Normalization.normalize(sq.quote, ref: ref, fx: fx)
                    out.examined += 1
                    if n.isPriced { out.priced += 1 } else { out.unpriced += 1 }
                    if let u = n.unmatched { out.unmatched[u, default: 0] += 1 } else { out.graded += 1 }
                    let h = n.resultHash(nanos: sq.quote.observedNanos)
                    if let old = stored[sq.id] {
                        if old == h { return }
                        out.changed += 1
                    }
                    pending.append(Row(quote: sq, result: n, hash: h))
                }
                // Written in the table's key order: appends, not inserts all over the B-tree.
                let order = pending.indices.sorted {
                    (pending[$0].quote.quote.observedEpoch, pending[$0].quote.id) < (pending[$1].quote.quote.observedEpoch, pending[$1].quote.id)
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
