/// The input hierarchy (METHODOLOGY.md §5.9, methodology 1.3): which kind of price decides a window.
///
/// IOSCO Principle 8 ranks a benchmark's inputs: transactions first, then firm bids and offers, then
/// other information; EU BMR Art. 11 asks for transaction data "if available and appropriate". A
/// window's quotes are split by `input_type` (§2.1) and the levels are tried in order:
///
/// 1. **transaction**: the window's transactions of the sources that traded at least
///    `transaction_min_source_volume_gpu_hours`, fixed as an initial panel (§5.8) whose sources are
///    weighted by their traded volume, decide when at least `transaction_min_sources` sources and
///    `transaction_min_volume_gpu_hours` GPU-hours remain after §5.2;
/// 2. **firm**: otherwise the firm offers' panel fixing (§5.1–§5.8) decides when it suffices (§5.5);
/// 3. **indicative** (when `indicative_fallback`): otherwise every source's firm offers, or its
///    indicative quotes when it has no firm offer, fixed as an initial panel, when that suffices;
/// 4. otherwise the window is insufficient: stale or suspended (§5.5).

/// The level that decided a fixing (§5.9).
public enum InputLevel: String, Sendable, Hashable, Codable, CaseIterable {
    case transaction, firm, indicative
}

/// The share of a fixing's cross-source weight (§5.4) held by the sources at each level (§5.9); they add
/// up to 1.
public struct LevelShares: Sendable, Hashable, Codable {
    public var transaction: Double
    public var firm: Double
    public var indicative: Double
    public init(transaction: Double, firm: Double, indicative: Double) {
        self.transaction = transaction
        self.firm = firm
        self.indicative = indicative
    }
    public static let firmOnly = LevelShares(transaction: 0, firm: 1, indicative: 0)
}

/// What §5.9 found in a window and why its level decided.
public struct LevelDecision: Sendable, Hashable {
    public var level: InputLevel
    /// Transactions kept after §5.2 (within their source, and sources within the factor of the median):
    /// their sources and volume in GPU-hours.
    public var transactionSources: Int
    public var transactionVolume: Double
    /// Why this level decided, in words (`cix explain fixing`).
    public var reason: String
    /// The sources of a transaction or indicative fixing, with their weights (empty for a firm one: the
    /// panel's sources are the fixing's).
    public var sources: [PanelSource]
}

public enum InputHierarchy {
    /// §5.9, transactions within a window: each source's transactions are its "offers" (one each: a trade
    /// is an event, not a listing held over time), filtered by §5.2 within the source; its value is the
    /// §5.3 weighted median of the kept prices weighted by volume; its capacity is its kept volume.
    /// Sources in key order; returns the samples and the transactions dropped.
    public static func transactionSamples(_ observations: [GradeObservation], params p: FixingParameters) -> (samples: [SourceSample], outliers: Int) {
        var bySource: [UInt64: [GradeObservation]] = [:]
        for o in observations { bySource[o.source, default: []].append(o) }
        var out: [SourceSample] = []
        var outliers = 0
        for s in bySource.keys.sorted() {
            // Ascending price, ties by quote id: the order the bootstrap draws from (§5.6).
            let trades = bySource[s]!.sorted { ($0.price, $0.quoteID) < ($1.price, $1.quoteID) }
            let f = Outliers.filter(trades.map(\.price), k: p.outlierK, minRelativeMAD: p.outlierMinRelativeMAD)
            let kept = zip(trades, f.kept).filter { $0.1 }.map { $0.0 }
            outliers += trades.count - kept.count
            guard !kept.isEmpty else { continue }
            let prices = kept.map(\.price)
            let volumes = kept.map { $0.volume ?? 0 }
            out.append(SourceSample(source: s, prices: prices, weights: volumes, capacity: volumes.reduce(0, +),
                                    value: Stats.weightedMedian(sortedValues: prices, weights: volumes)))
        }
        return (out, outliers)
    }

    /// The initial panel (§5.8: the window's live sources within the factor of their median, no review,
    /// nothing imputed) over `samples`, under `params`.
    static func initialPanel(_ samples: [SourceSample], outliers: Int, inputsHash: String?, date: CivilDate, params: FixingParameters,
                             seedKey: UInt64) -> Panel.Evaluation {
        Panel.evaluate(date: date, today: WindowSources(samples: samples, outliers: outliers, inputsHash: inputsHash), history: [],
                       review: PanelReview(date: date, members: [], capacity: [:]), previousReview: nil, params: params, seedKey: seedKey)
    }

    static func gpuHours(_ v: Double) -> String {
        v == v.rounded() && abs(v) < 1e15 ? String(Int64(v)) : "\(v)"
    }

    /// §5.9 on one date: the firm panel's evaluation `firm` (§5.8) and the window's transactions and
    /// indicative quotes decide the level. The returned evaluation keeps the firm panel's sources, events
    /// and counts (the panel goes on whatever decided) with the deciding level's result and `decision`.
    public static func apply(_ firm: Panel.Evaluation, today: WindowSources, date: CivilDate, params p: FixingParameters,
                             seedKey: UInt64) -> Panel.Evaluation {
        var out = firm
        let firmCapacity: Double = {
            if case .success(let r) = firm.result { return r.capacityGPUs }
            return today.samples.reduce(0) { $0 + ($1.capacity ?? 0) }
        }()
        var txSources = 0
        var txVolume = 0.0
        var txNote = "no transactions in the window"
        // Sources that traded less than the minimum are left out of the transaction level.
        let eligible = today.transactions.filter { ($0.capacity ?? 0) >= p.transactionMinSourceVolumeGPUHours }
        let thin = today.transactions.count - eligible.count
        let thinNote = thin == 0 ? "" : "; \(thin) source\(thin == 1 ? "" : "s") under \(gpuHours(p.transactionMinSourceVolumeGPUHours)) GPU-hours left out"
        if !today.transactions.isEmpty && eligible.isEmpty {
            txNote = "transactions below the thresholds: no source traded \(gpuHours(p.transactionMinSourceVolumeGPUHours)) GPU-hours\(thinNote)"
        }
        if !eligible.isEmpty {
            // 1. Transactions: the initial panel over the transaction sources; sufficient with the
            // thresholds' sources (one transaction each at least) and volume.
            var q = p
            q.minSources = p.transactionMinSources
            q.minOffers = 1
            q.minLiveSources = 1
            let e = initialPanel(eligible, outliers: today.transactionOutliers, inputsHash: today.inputsHash, date: date,
                                 params: q, seedKey: seedKey)
            let kept = e.sources.filter { $0.state == .live }
            txSources = kept.count
            txVolume = kept.reduce(0) { $0 + ($1.sample?.capacity ?? 0) }
            let need = "need \(p.transactionMinSources) sources and \(gpuHours(p.transactionMinVolumeGPUHours)) GPU-hours"
            let found = "\(txSources) source\(txSources == 1 ? "" : "s") and \(gpuHours(txVolume)) GPU-hours of transactions kept\(thinNote)"
            if case .success(var r) = e.result, txVolume >= p.transactionMinVolumeGPUHours {
                r.inputLevel = .transaction
                r.shares = LevelShares(transaction: 1, firm: 0, indicative: 0)
                // The indices weigh grades by capacity (§6.4): it stays the firm offers' GPUs, not a volume.
                r.capacityGPUs = firmCapacity
                out.result = .success(r)
                out.decision = LevelDecision(level: .transaction, transactionSources: txSources, transactionVolume: txVolume,
                                             reason: "transactions govern: \(found) (thresholds \(p.transactionMinSources) and \(gpuHours(p.transactionMinVolumeGPUHours)))",
                                             sources: e.sources)
                return out
            }
            txNote = "transactions below the thresholds: \(found); \(need)"
        }
        if case .success(var r) = firm.result {
            // 2. Firm offers: the panel's fixing.
            r.inputLevel = .firm
            r.shares = .firmOnly
            out.result = .success(r)
            out.decision = LevelDecision(level: .firm, transactionSources: txSources, transactionVolume: txVolume,
                                         reason: "firm offers govern (\(txNote))", sources: [])
            return out
        }
        // 3. The last resort: each source's firm offers, else its indicative quotes, as an initial panel.
        if p.indicativeFallback, !today.indicative.isEmpty {
            var merged: [SourceSample] = []
            var fromFirm = Set<UInt64>()
            var i = 0, j = 0
            let a = today.samples, b = today.indicative
            while i < a.count || j < b.count {
                if j == b.count || (i < a.count && a[i].source <= b[j].source) {
                    if j < b.count, a[i].source == b[j].source { j += 1 }
                    merged.append(a[i]); fromFirm.insert(a[i].source); i += 1
                } else {
                    merged.append(b[j]); j += 1
                }
            }
            // Dropped within their source: the firm offers, and the indicative ones of sources without a firm value.
            let indicativeDropped = today.indicativeOutliersBySource.filter { !fromFirm.contains($0.key) }.values.reduce(0, +)
            let e = initialPanel(merged, outliers: today.outliers + indicativeDropped, inputsHash: today.inputsHash,
                                 date: date, params: p, seedKey: seedKey)
            if case .success(var r) = e.result {
                var firmShare = 0.0, indicativeShare = 0.0
                var nFirm = 0, nInd = 0
                for s in e.sources where s.weight > 0 {
                    if fromFirm.contains(s.source) { firmShare += s.weight; nFirm += 1 } else { indicativeShare += s.weight; nInd += 1 }
                }
                r.inputLevel = .indicative
                r.shares = LevelShares(transaction: 0, firm: firmShare, indicative: indicativeShare)
                out.result = .success(r)
                out.decision = LevelDecision(level: .indicative, transactionSources: txSources, transactionVolume: txVolume,
                                             reason: "indicative quotes as the last resort: firm offers alone do not suffice (\(txNote)); \(nFirm) firm and \(nInd) indicative sources fix it",
                                             sources: e.sources)
                return out
            }
        }
        let why = p.indicativeFallback
            ? (today.indicative.isEmpty ? "no indicative quotes to fall back on" : "firm and indicative quotes together do not suffice either")
            : "indicative quotes are switched off (indicative_fallback: false)"
        out.decision = LevelDecision(level: .firm, transactionSources: txSources, transactionVolume: txVolume,
                                     reason: "no level suffices: firm offers do not (\(txNote)); \(why)", sources: [])
        return out
    }

    /// §5.8 then §5.9: the firm panel of `Panel.evaluate`, then the level that decides.
    public static func evaluate(date: CivilDate, today: WindowSources, history: [(date: CivilDate, sources: WindowSources)],
                                review: PanelReview, previousReview: PanelReview?, params p: FixingParameters,
                                seedKey: UInt64) -> Panel.Evaluation {
        let firm = Panel.evaluate(date: date, today: today, history: history, review: review, previousReview: previousReview,
                                  params: p, seedKey: seedKey)
        return apply(firm, today: today, date: date, params: p, seedKey: seedKey)
    }
}
