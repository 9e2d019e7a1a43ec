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
    /// Quotes per transaction: a long run commits every this many quotes (whole blocks), so the WAL of a
    /// backfill stays bounded and a killed run resumes from its last commit (§3.6).
    public static let batchQuotes = 1_000_000
    /// Blocks decoded and normalized ahead of the writes (on other threads).
    static let ahead = 3

    /// Normalizes every raw block not yet normalized under these definitions and FX rates: new blocks,
    /// and all blocks when the definitions or the FX rates changed (only the rows whose result changed take
    /// the new reference hash). Commits every `batchQuotes` quotes; the result does not depend on where a
    /// run was interrupted. `progress` is called after each block with the quotes done and to do.
    /// `afterCommit` is called after each committed transaction with the number committed so far.
    /// With `rebuild`, every block is normalized again and its segments rewritten (what was stored is
    /// only compared with, where it still decodes).
    public static func run(store: Store, ref: ReferenceData, now: String? = nil, batchQuotes: Int = NormalizeJob.batchQuotes,
                           rebuild: Bool = false, progress: ((Int, Int) -> Void)? = nil, afterCommit: ((Int) -> Void)? = nil) throws -> NormalizeStats {
        var stats = NormalizeStats()
        let started = JobClock(now).now()
        let plan = try store.read { s in
            (fx: try s.fxSnapshot(), blocks: try s.rawBlockInfos(afterQuoteID: 0), states: try s.normalizationStates(),
             quarantined: try s.quarantinedBlocks(), last: try s.lastNormalizationRun(), maxQuoteID: try s.maxQuoteID(),
             incomplete: try s.incompletelyNormalizedBlocks())
        }
        let current = NormalizationState(referenceHash: ref.hash, fxHash: plan.fx.hash)
        var todo: [RawBlockInfo] = []
        for b in plan.blocks {
            if plan.quarantined[b.firstQuoteID] != nil { stats.quarantined += b.count; continue }
            if let st = plan.states[b.firstQuoteID] {
                // A block whose segments do not hold all its quotes (damaged behind the store's back) is done again.
                if st == current && !rebuild && !plan.incomplete.contains(b.firstQuoteID) { continue }
                if st != current { stats.fullRerun = true }
            }
            todo.append(b)
        }
        // Nothing to do and nothing changed since the last run: no run is recorded.
        if todo.isEmpty, let last = plan.last, last.referenceHash == ref.hash, last.fxHash == plan.fx.hash { return stats }
        let total = todo.reduce(0) { $0 + $1.count }
        var next = 0
        var inFlight: [(work: BlockWork, info: RawBlockInfo)] = []
        var runID: Int64?
        let caches = (0..<ahead).map { _ in NormalizeCache() }
        var done = 0
        var commits = 0
        repeat {
            try store.write { s in
                let run = try runID ?? s.beginNormalizationRun(referenceHash: ref.hash, fxHash: plan.fx.hash, startedAt: started,
                                                               maxQuoteID: plan.maxQuoteID)
                runID = run
                var inThis = 0
                while inThis < batchQuotes, next < todo.count || !inFlight.isEmpty {
                    while inFlight.count < ahead, next < todo.count {
                        let b = todo[next]
                        next += 1
                        guard let raw = try s.storedRawBlock(firstQuoteID: b.firstQuoteID) else { continue }
                        let old = plan.states[b.firstQuoteID] == nil ? [] : try s.normalizedSegments(ofBlock: b.firstQuoteID)
                        // Work k and k + ahead never run at once (k is waited for before k + ahead starts), so
                        // they can share a cache.
                        inFlight.append((BlockWork(raw: raw, old: old, ref: ref, fx: plan.fx.table, cache: caches[next % ahead]), b))
                    }
                    guard !inFlight.isEmpty else { break }
                    let (w, info) = inFlight.removeFirst()
                    inThis += info.count
                    done += info.count
                    let r: BlockWork.Output
                    do { r = try w.wait() } catch let e as StoreCorruption {
                        // A block that cannot be read back never stops the rest: quarantine it and go on.
                        try s.quarantine(firstQuoteID: info.firstQuoteID, reason: e.description, at: started)
                        // Its normalized quotes, if any, go too: a quarantined block is in no fixing (§2.5).
                        try s.dropNormalized(firstQuoteID: info.firstQuoteID)
                        stats.quarantined += info.count
                        stats.newlyQuarantined.append(e.description)
                        continue
                    }
                    stats.examined += r.examined
                    stats.priced += r.priced
                    stats.unpriced += r.unpriced
                    stats.graded += r.graded
                    stats.changed += r.changed
                    stats.written += r.written
                    for (k, v) in r.unmatched { stats.unmatched[k, default: 0] += v }
                    if r.unchanged {
                        try s.markNormalized(firstQuoteID: info.firstQuoteID, runID: run, referenceHash: ref.hash, fxHash: plan.fx.hash)
                    } else {
                        try s.writeNormalizedBlock(firstQuoteID: info.firstQuoteID, runID: run, referenceHash: ref.hash, fxHash: plan.fx.hash,
                                                   segments: r.segments)
                    }
                    progress?(done, total)
                }
                if next >= todo.count, inFlight.isEmpty {
                    try s.finishNormalizationRun(run, examined: stats.examined, written: stats.written, at: JobClock(now).now())
                }
            }
            commits += 1
            afterCommit?(commits)
        } while next < todo.count || !inFlight.isEmpty
        return stats
    }
}

/// What normalizing blocks works out once per distinct descriptive text (§3.8): the scanner's validated
/// templates, and per template its profile (§3.1–§3.3, §4.2), stored profile and currency number.
final class NormalizeCache: @unchecked Sendable {
    private(set) var scan = ScanCache()
    private(set) var profiles: [NormalizationProfile] = []
    private(set) var stored: [NormalizedProfile] = []
    private(set) var currency: [Int] = []
    private var currencies: [String: Int] = [:]
    /// Entries kept at most: a file whose quotes rarely share descriptive texts would otherwise grow
    /// the cache with every block. Emptied when full (it only saves work, so results do not change).
    static let limit = 30_000

    /// Before a scan: empty when full.
    func bound() {
        guard scan.templates.count > NormalizeCache.limit else { return }
        scan = ScanCache()
        profiles = []
        stored = []
        currency = []
        currencies = [:]
        chips = [:]
        locations = [:]
    }

    private var chips: [String: ChipSpec?] = [:]
    private var locations: [LocationKey: ResolvedLocation?] = [:]
    private struct LocationKey: Hashable {
        var source: String
        var location: String
    }

    /// Works out the templates the last scan added; chips (§3.1) and locations (§3.2) are resolved once
    /// per distinct text.
    func extend(ref: ReferenceData) {
        for t in scan.templates[profiles.count...] {
            let chip: ChipSpec?
            if let c = chips[t.chip] { chip = c } else {
                chip = ref.chips.resolve(t.chip)
                chips[t.chip] = .some(chip)
            }
            let lk = LocationKey(source: t.source, location: t.location)
            let loc: ResolvedLocation?
            if let l = locations[lk] { loc = l } else {
                loc = ref.locations.resolve(source: t.source, location: t.location)
                locations[lk] = .some(loc)
            }
            let p = Normalization.profile(t, chip: chip, location: loc, ref: ref)
            profiles.append(p)
            stored.append(NormalizedProfile(
                source: t.source, location: t.location, chip: p.chip?.id, country: p.location?.country, region: p.location?.region,
                term: p.term.rawValue, gpuCount: p.gpuCount, interconnect: p.interconnect.rawValue, grades: p.grades.joined(separator: " "),
                unmatched: p.unmatched?.rawValue, h100Factor: p.h100Factor))
            let c = currencies[p.currency] ?? currencies.count
            currencies[p.currency] = c
            currency.append(c)
        }
    }
}

/// One block's decompress, decode, normalize and encode, run on a global queue: the block's new
/// segments, compared with its old ones (a re-normalization keeps the reference hash of every row whose
/// result did not change).
final class BlockWork: @unchecked Sendable {
    struct Output {
        var segments: [NormalizedSegment] = []
        /// The new segments are the old ones byte for byte.
        var unchanged = false
        var examined = 0, priced = 0, unpriced = 0, graded = 0, changed = 0, written = 0
        var unmatched: [UnmatchedReason: Int] = [:]
    }

    private let done = DispatchSemaphore(value: 0)
    private var result: Result<Output, Error>?

    /// `cache` is used by this work only until it is waited for.
    init(raw: StoredRawBlock, old: [NormalizedSegment], ref: ReferenceData, fx: FXTable, cache: NormalizeCache) {
        DispatchQueue.global().async { [self] in
            result = Result { try BlockWork.normalize(raw: raw, old: old, ref: ref, fx: fx, cache: cache) }
            done.signal()
        }
    }

    func wait() throws -> Output {
        done.wait()
        return try result!.get()
    }

    static func normalize(raw: StoredRawBlock, old: [NormalizedSegment], ref: ReferenceData, fx: FXTable, cache: NormalizeCache) throws -> Output {
        var out = Output()
        // The old results, quote id → (segment, row). What was stored, to keep the reference hash of unchanged results; segments that no longer decode
        // are left out (their quotes are then written as new).
        let oldSegments = old.compactMap { try? DecodedSegment($0) }
        var oldRow: [Int64: (Int, Int)] = [:]
        for (si, g) in oldSegments.enumerated() { for r in 0..<g.count { oldRow[g.quoteIDs[r]] = (si, r) } }
        cache.bound()
        let block = try raw.block().scan(cache: cache.scan)
        cache.extend(ref: ref)
        var builder = NormalizedBlockBuilder(firstQuoteID: raw.firstQuoteID, capacity: block.quotes.count)
        let currentReference = builder.text(ref.hash)
        let offerBase = builder.appendTexts(block.offers)
        // The builder's number of each profile used here, made on first use.
        var builderProfile = [Int32](repeating: -1, count: cache.profiles.count)
        var perSlot = [Int](repeating: 0, count: cache.profiles.count)
        // FX rate per (currency, day), looked up once per pair (§3.5), with its builder number.
        var rates: [Int64: (rate: AppliedRate?, number: Int32)] = [:]
        var lastKey: Int64 = -1
        var last: (rate: AppliedRate?, number: Int32) = (nil, -1)
        for q in block.quotes {
            let slot = Int(q.slot)
            let p = cache.profiles[slot]
            perSlot[slot] += 1
            if builderProfile[slot] < 0 { builderProfile[slot] = builder.appendProfile(cache.stored[slot]) }
            let dayNumber = floorDiv(q.epoch, 86_400)
            let rk = Int64(cache.currency[slot]) << 40 | (dayNumber & 0xFF_FFFF_FFFF)
            if rk != lastKey {
                if let r = rates[rk] { last = r } else {
                    let rate = fx.rate(p.currency, on: CivilDate(dayNumber: dayNumber))
                    last = (rate, rate.map { builder.fx(rate: $0.rate, date: $0.date.description) } ?? -1)
                    rates[rk] = last
                }
                lastKey = rk
            }
            let price = Normalization.price(q.price, day: CivilDate(dayNumber: dayNumber), profile: p, ref: ref, rate: last.rate)
            var reference = currentReference
            if let (si, r) = oldRow[q.id] {
                let g = oldSegments[si]
                if g.quote(r) == NormalizedQuote(profile: p, price: price, availableGPUs: q.availableGPUs) {
                    reference = builder.text(g.string(g.reference[r])!)
                } else {
                    out.changed += 1
                    out.written += 1
                }
            } else {
                out.written += 1
            }
            if price.usdPerGPUHour != nil { out.priced += 1 } else { out.unpriced += 1 }
            builder.add(quoteID: q.id, epoch: q.epoch, nanos: q.nanos, profile: builderProfile[slot], offer: q.offer < 0 ? -1 : offerBase + q.offer,
                        availableGPUs: q.availableGPUs, usdPerGPUHour: price.usdPerGPUHour, usdPerH100Hour: price.usdPerH100Hour,
                        unpriced: price.unpricedReason.map { builder.text($0) } ?? -1, reference: reference, fx: last.number,
                        inputType: q.inputType, volume: q.volume)
        }
        out.examined = block.quotes.count
        for (slot, k) in perSlot.enumerated() where k > 0 {
            if let u = cache.profiles[slot].unmatched { out.unmatched[u, default: 0] += k } else { out.graded += k }
        }
        out.segments = builder.segments()
        out.unchanged = !old.isEmpty && out.segments == old
        return out
    }
}
