import CixCore
import Foundation
import GRDB
import GRDBSQLite

/// The FX table as stored, with a hash of its rows (a change triggers re-normalization, §3.6).
public struct FXSnapshot: Sendable {
    public var table: FXTable
    public var hash: String
}

/// The last normalization run (§3.6).
public struct NormalizationRunInfo: Sendable {
    public var referenceHash: String
    public var fxHash: String
    public var maxQuoteID: Int64
}

/// A normalized quote row as exported (the normalized fields of `cix export quotes`).
public struct NormalizedRow: Sendable {
    public var quoteID: Int64
    public var chip: String?
    public var country: String?
    public var region: String?
    public var term: String
    public var usdPerGPUHour: Double?
    public var usdPerH100Hour: Double?
    public var fxRate: Double?
    public var fxDate: String?
    public var grades: String
    public var unpricedReason: String?
    public var unmatchedReason: String?
    public var referenceHash: String
}

/// Observation-time span of the normalized quotes.
public struct NormalizedSpan: Sendable {
    public var minEpoch: Int64
    public var maxEpoch: Int64
    public var count: Int
}

/// A text and how often it occurs.
public struct TextCount: Sendable, Hashable {
    public var text: String
    public var count: Int
    public init(text: String, count: Int) {
        self.text = text
        self.count = count
    }
}

extension StoreSession {
    // MARK: FX (§3.5)

    /// All rates, the latest ingest winning for a currency and day.
    public func fxSnapshot() throws -> FXSnapshot {
        let rows = try Row.fetchAll(db, sql: "SELECT currency, date, usd_per_unit FROM fx_rates ORDER BY id")
        var h = FNV1a64()
        var rates: [FXRate] = []
        for r in rows {
            let cur: String = r[0]
            let date: String = r[1]
            let v: Double = r[2]
            guard let d = CivilDate(iso: date) else { continue }
            rates.append(FXRate(currency: cur, date: d, usdPerUnit: v))
            h.add(cur); h.add(date); h.add(v.bitPattern)
        }
        return FXSnapshot(table: FXTable(rates), hash: String(h.value, radix: 16))
    }

    public func insertFXRates(_ rates: [FXRate], sourcePath: String, at: String) throws -> Int {
        let st = try db.makeStatement(sql: "INSERT INTO fx_rates (currency, date, usd_per_unit, source_path, ingested_at) VALUES (?,?,?,?,?)")
        for r in rates { try st.execute(arguments: [r.currency, r.date.description, r.usdPerUnit, sourcePath, at]) }
        return rates.count
    }

    // MARK: Normalization runs (§3.6)

    /// The last finished run (a killed run never finishes).
    public func lastNormalizationRun() throws -> NormalizationRunInfo? {
        try Row.fetchOne(db, sql: """
            SELECT reference_hash, fx_hash, max_quote_id FROM normalization_runs WHERE finished_at IS NOT NULL ORDER BY id DESC LIMIT 1
            """).map { NormalizationRunInfo(referenceHash: $0[0], fxHash: $0[1], maxQuoteID: $0[2]) }
    }

    public func beginNormalizationRun(referenceHash: String, fxHash: String, startedAt: String, maxQuoteID: Int64) throws -> Int64 {
        try db.execute(sql: "INSERT INTO normalization_runs (reference_hash, fx_hash, started_at, max_quote_id, examined, written) VALUES (?,?,?,?,0,0)",
                       arguments: [referenceHash, fxHash, startedAt, maxQuoteID])
        return db.lastInsertedRowID
    }

    public func finishNormalizationRun(_ id: Int64, examined: Int, written: Int, at: String) throws {
        try db.execute(sql: "UPDATE normalization_runs SET examined = ?, written = ?, finished_at = ? WHERE id = ?",
                       arguments: [examined, written, at, id])
    }

    // MARK: Normalized blocks (§3.6)

    /// Per raw block normalized so far: the reference and FX hashes it was normalized under.
    public func normalizationStates() throws -> [Int64: NormalizationState] {
        var out: [Int64: NormalizationState] = [:]
        for r in try Row.fetchAll(db, sql: "SELECT first_quote_id, reference_hash, fx_hash FROM normalized_blocks") {
            out[r[0]] = NormalizationState(referenceHash: r[1], fxHash: r[2])
        }
        return out
    }

    /// A block's stored segments, by day.
    public func normalizedSegments(ofBlock firstQuoteID: Int64) throws -> [NormalizedSegment] {
        try Row.fetchAll(db.cachedStatement(sql: """
            SELECT day, first_quote_id, count, min_epoch, max_epoch, data FROM normalized_segments WHERE first_quote_id = ? ORDER BY day
            """), arguments: [firstQuoteID]).map {
            NormalizedSegment(day: $0[0], firstQuoteID: $0[1], count: $0[2], minEpoch: $0[3], maxEpoch: $0[4], data: [UInt8]($0[5] as Data))
        }
    }

    /// Replaces a block's segments and records it as normalized by `runID` under these hashes.
    public func writeNormalizedBlock(firstQuoteID: Int64, runID: Int64, referenceHash: String, fxHash: String,
                                     segments: [NormalizedSegment]) throws {
        segmentCache = [:]
        try NormalizedSegmentWriter.write(db, firstQuoteID: firstQuoteID, runID: runID, referenceHash: referenceHash, fxHash: fxHash,
                                          segments: segments)
    }

    /// Blocks recorded as normalized whose segments do not hold as many quotes as the block (damaged
    /// behind the store's back): the next normalization does them again.
    public func incompletelyNormalizedBlocks() throws -> Set<Int64> {
        Set(try Int64.fetchAll(db, sql: """
            SELECT b.first_quote_id FROM normalized_blocks b JOIN raw_blocks r ON r.first_quote_id = b.first_quote_id
            LEFT JOIN (SELECT first_quote_id, SUM(count) AS n FROM normalized_segments GROUP BY first_quote_id) s
                ON s.first_quote_id = b.first_quote_id
            WHERE COALESCE(s.n, 0) != r.count
            """))
    }

    /// Removes a block's normalized quotes and state (a quarantined block is in no fixing).
    public func dropNormalized(firstQuoteID: Int64) throws {
        segmentCache = [:]
        try NormalizedSegmentWriter.write(db, firstQuoteID: firstQuoteID, runID: nil, referenceHash: "", fxHash: "", segments: [])
    }

    /// Records a block as normalized by `runID` under these hashes, its segments unchanged.
    public func markNormalized(firstQuoteID: Int64, runID: Int64, referenceHash: String, fxHash: String) throws {
        try NormalizedSegmentWriter.state(db, firstQuoteID: firstQuoteID, runID: runID, referenceHash: referenceHash, fxHash: fxHash)
    }

    /// A raw block as stored (still compressed): its `block()` decompresses it, on any thread.
    public func storedRawBlock(firstQuoteID: Int64) throws -> StoredRawBlock? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT batch_id, count, CAST(data AS BLOB) FROM raw_blocks WHERE first_quote_id = ?"),
                         arguments: [firstQuoteID]).map {
            StoredRawBlock(batchID: $0[0], firstQuoteID: firstQuoteID, count: $0[1], stored: [UInt8]($0[2] as Data))
        }
    }

    // MARK: Reading normalized quotes

    /// The decoded segments with a quote observed in [fromEpoch, toEpoch], by day then block.
    func decodedSegments(fromEpoch: Int64, toEpoch: Int64) throws -> [DecodedSegment] {
        guard fromEpoch <= toEpoch else { return [] }
        let firstDay = floorDiv(fromEpoch, 86_400), lastDay = floorDiv(toEpoch, 86_400)
        // Keys first; a segment decoded for an earlier window of this session is reused.
        // (Every segment of these days: a segment's stored time range is checked against its rows, not trusted.)
        let rows = try Row.fetchAll(db.cachedStatement(sql: """
            SELECT day, first_quote_id, count, min_epoch, max_epoch FROM normalized_segments
            WHERE day >= ? AND day <= ? ORDER BY day, first_quote_id
            """), arguments: [firstDay, lastDay])
        let data = try db.cachedStatement(sql: "SELECT data FROM normalized_segments WHERE day = ? AND first_quote_id = ?")
        var out: [DecodedSegment] = []
        for r in rows {
            let k = SegmentKey(day: r[0], firstQuoteID: r[1])
            if let g = segmentCache[k] { out.append(g); continue }
            guard let bytes = try Data.fetchOne(data, arguments: [k.day, k.firstQuoteID]) else { continue }
            let g = try DecodedSegment(NormalizedSegment(day: k.day, firstQuoteID: k.firstQuoteID, count: r[2], minEpoch: r[3], maxEpoch: r[4],
                                                         data: [UInt8](bytes)))
            segmentCache[k] = g
            out.append(g)
        }
        // Only the days a later window (a day on) can read again are kept.
        segmentCache = segmentCache.filter { $0.key.day >= lastDay - 1 && $0.key.day <= lastDay + 1 }
        return out
    }

    /// Rows of `segments` passing `keep`, in (observation second, quote id) order: (segment, row).
    func ordered(_ segments: [DecodedSegment], _ keep: (DecodedSegment, Int) -> Bool) -> [(Int, Int)] {
        var picked: [(epoch: Int64, id: Int64, seg: Int, row: Int)] = []
        for (si, g) in segments.enumerated() {
            for r in 0..<g.count where keep(g, r) { picked.append((g.epochs[r], g.quoteIDs[r], si, r)) }
        }
        picked.sort { ($0.epoch, $0.id) < ($1.epoch, $1.id) }
        return picked.map { ($0.seg, $0.row) }
    }

    /// Every priced quote in a grade observed in the window (start, end], as bytes for the fixing's
    /// observation builder (§5.1), in (observation second, quote id) order. Instants are compared at full
    /// precision (§5.1): a quote at end + 0.5 s is after the window, one at start + 0.5 s inside it.
    public func forEachGradedQuote(in window: FixingWindow, _ body: (NormalizedQuoteView) -> Void) throws {
        let segs = try decodedSegments(fromEpoch: window.start, toEpoch: window.end)
        let rows = ordered(segs) { g, r in
            let e = g.epochs[r], n = g.nanos[r]
            guard (e > window.start || (e == window.start && n > 0)) && (e < window.end || (e == window.end && n == 0)) else { return false }
            return g.unpriced[r] < 0 && !g.ranges[Int(g.profiles[Int(g.profile[r])].grades)].isEmpty
        }
        for (si, r) in rows {
            let g = segs[si]
            let p = g.profiles[Int(g.profile[r])]
            g.bytes.withUnsafeBytes { buf in
                func text(_ i: Int32) -> UnsafeRawBufferPointer {
                    i < 0 ? UnsafeRawBufferPointer(start: nil, count: 0) : UnsafeRawBufferPointer(rebasing: buf[g.ranges[Int(i)]])
                }
                var view = NormalizedQuoteView(quoteID: g.quoteIDs[r], epoch: g.epochs[r], nanos: g.nanos[r], usdPerGPUHour: g.usd[r],
                                               availableGPUs: g.available[r] < 0 ? nil : g.available[r], gpuCount: p.gpuCount,
                                               source: text(p.source), offerID: g.offer[r] < 0 ? nil : text(g.offer[r]),
                                               location: text(p.location), grades: text(p.grades), chip: text(p.chip))
                if !g.inputs.isEmpty { (view.inputType, view.volume) = g.input(r) }
                body(view)
            }
        }
    }

    /// Normalized rows observed in [fromEpoch, toEpoch), by observation time then quote id.
    public func forEachNormalizedRow(fromEpoch: Int64, toEpoch: Int64, _ body: (NormalizedRow) throws -> Void) throws {
        guard fromEpoch < toEpoch else { return }
        let segs = try decodedSegments(fromEpoch: fromEpoch, toEpoch: toEpoch - 1)
        for (si, r) in ordered(segs, { g, r in g.epochs[r] >= fromEpoch && g.epochs[r] < toEpoch }) {
            let g = segs[si]
            let p = g.profiles[Int(g.profile[r])]
            let f = g.fx[r]
            try body(NormalizedRow(quoteID: g.quoteIDs[r], chip: g.string(p.chip), country: g.string(p.country), region: g.string(p.region),
                                   term: g.string(p.term)!, usdPerGPUHour: g.usd[r].isNaN ? nil : g.usd[r], usdPerH100Hour: g.h100[r],
                                   fxRate: f < 0 ? nil : g.fxRates[Int(f)], fxDate: f < 0 ? nil : g.string(g.fxDates[Int(f)]),
                                   grades: g.string(p.grades)!, unpricedReason: g.string(g.unpriced[r]), unmatchedReason: g.string(p.unmatched),
                                   referenceHash: g.string(g.reference[r])!))
        }
    }

    public func normalizedSpan() throws -> NormalizedSpan {
        let r = try Row.fetchOne(db, sql: "SELECT MIN(min_epoch), MAX(max_epoch), COALESCE(SUM(count), 0) FROM normalized_segments")!
        return NormalizedSpan(minEpoch: r[0] ?? 0, maxEpoch: r[1] ?? 0, count: r[2])
    }

    // MARK: Unmatched quotes (§4.3)

    public func normalizedCount(fromEpoch: Int64, toEpoch: Int64) throws -> Int {
        guard fromEpoch < toEpoch else { return 0 }
        var n = 0
        for g in try decodedSegments(fromEpoch: fromEpoch, toEpoch: toEpoch - 1) {
            for e in g.epochs where e >= fromEpoch && e < toEpoch { n += 1 }
        }
        return n
    }

    /// Calls `body` with each unmatched row's segment and row, observed in [fromEpoch, toEpoch).
    private func forEachUnmatched(fromEpoch: Int64, toEpoch: Int64, _ body: (DecodedSegment, Int, String) -> Void) throws {
        guard fromEpoch < toEpoch else { return }
        for g in try decodedSegments(fromEpoch: fromEpoch, toEpoch: toEpoch - 1) {
            let reasons = g.profiles.map { g.string($0.unmatched) }
            for r in 0..<g.count where g.epochs[r] >= fromEpoch && g.epochs[r] < toEpoch {
                if let why = reasons[Int(g.profile[r])] { body(g, r, why) }
            }
        }
    }

    /// Most frequent first, ties in byte order of the text.
    private func ranked(_ counts: [String: Int]) -> [TextCount] {
        counts.map { TextCount(text: $0.key, count: $0.value) }.sorted {
            $0.count != $1.count ? $0.count > $1.count : Array($0.text.utf8).lexicographicallyPrecedes(Array($1.text.utf8))
        }
    }

    /// Unmatched quotes by reason, most frequent first.
    public func unmatchedByReason(fromEpoch: Int64, toEpoch: Int64) throws -> [TextCount] {
        var counts: [String: Int] = [:]
        try forEachUnmatched(fromEpoch: fromEpoch, toEpoch: toEpoch) { _, _, why in counts[why, default: 0] += 1 }
        return ranked(counts)
    }

    /// For one reason: chip / region / term / GPUs / interconnect of the unmatched quotes, most frequent first.
    public func unmatchedDetail(fromEpoch: Int64, toEpoch: Int64, reason: String, limit: Int) throws -> [TextCount] {
        var counts: [String: Int] = [:]
        try forEachUnmatched(fromEpoch: fromEpoch, toEpoch: toEpoch) { g, r, why in
            guard why == reason else { return }
            let p = g.profiles[Int(g.profile[r])]
            let text = "\(g.string(p.chip) ?? "?") / \(g.string(p.region) ?? "?") / \(g.string(p.term)!) / \(p.gpuCount) GPUs / \(g.string(p.interconnect)!)"
            counts[text, default: 0] += 1
        }
        return Array(ranked(counts).prefix(max(limit, 0)))
    }

    /// Quote id → unmatched reason, for the quotes with one of `reasons`.
    public func unmatchedQuotes(fromEpoch: Int64, toEpoch: Int64, reasons: [String]) throws -> [Int64: String] {
        var out: [Int64: String] = [:]
        try forEachUnmatched(fromEpoch: fromEpoch, toEpoch: toEpoch) { g, r, why in
            if reasons.contains(why) { out[g.quoteIDs[r]] = why }
        }
        return out
    }
}

/// The definitions and FX rates a block was last normalized under.
public struct NormalizationState: Sendable, Hashable {
    public var referenceHash: String
    public var fxHash: String
    public init(referenceHash: String, fxHash: String) {
        self.referenceHash = referenceHash
        self.fxHash = fxHash
    }
}

/// A raw block as the store holds it, compressed; `block()` decompresses it (any thread).
public struct StoredRawBlock: Sendable {
    public var batchID: Int64
    public var firstQuoteID: Int64
    public var count: Int
    public var stored: [UInt8]

    public func block() -> RawBlock {
        do {
            return RawBlock(batchID: batchID, firstQuoteID: firstQuoteID, count: count, data: try BlockCodec.plain(stored))
        } catch {
            return RawBlock(batchID: batchID, firstQuoteID: firstQuoteID, count: count, data: [], unreadable: "\(error)")
        }
    }
}
