import Crypto

/// Parameters of the daily fixing (Indices/fixing.yaml; METHODOLOGY.md §5).
public struct FixingParameters: Sendable, Codable, Hashable {
    /// Seconds after 00:00 UTC of the fixing date (default 16:00).
    public var fixingTimeSeconds: Int = 16 * 3600
    public var windowHours: Int = 24
    /// Outliers: outside median ± k × 1.4826 × MAD.
    public var outlierK: Double = 3
    public var sourceCap: Double = 0.30
    public var minSources: Int = 3
    public var minOffers: Int = 5
    /// Consecutive insufficient days carried forward as `stale` before `suspended`.
    public var maxStaleDays: Int = 5
    public var bootstrapSamples: Int = 200
    public var bootstrapSeed: UInt64 = 20_240_101
    public var publishedDecimals: Int = 4

    public init() {}

    enum CodingKeys: String, CodingKey {
        case fixingTimeSeconds = "fixing_time_seconds", windowHours = "window_hours", outlierK = "outlier_k",
             sourceCap = "source_cap", minSources = "min_sources", minOffers = "min_offers", maxStaleDays = "max_stale_days",
             bootstrapSamples = "bootstrap_samples", bootstrapSeed = "bootstrap_seed", publishedDecimals = "published_decimals"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = FixingParameters()
        fixingTimeSeconds = try c.decodeIfPresent(Int.self, forKey: .fixingTimeSeconds) ?? d.fixingTimeSeconds
        windowHours = try c.decodeIfPresent(Int.self, forKey: .windowHours) ?? d.windowHours
        outlierK = try c.decodeIfPresent(Double.self, forKey: .outlierK) ?? d.outlierK
        sourceCap = try c.decodeIfPresent(Double.self, forKey: .sourceCap) ?? d.sourceCap
        minSources = try c.decodeIfPresent(Int.self, forKey: .minSources) ?? d.minSources
        minOffers = try c.decodeIfPresent(Int.self, forKey: .minOffers) ?? d.minOffers
        maxStaleDays = try c.decodeIfPresent(Int.self, forKey: .maxStaleDays) ?? d.maxStaleDays
        bootstrapSamples = try c.decodeIfPresent(Int.self, forKey: .bootstrapSamples) ?? d.bootstrapSamples
        bootstrapSeed = try c.decodeIfPresent(UInt64.self, forKey: .bootstrapSeed) ?? d.bootstrapSeed
        publishedDecimals = try c.decodeIfPresent(Int.self, forKey: .publishedDecimals) ?? d.publishedDecimals
    }

    /// The window (start, end] in epoch seconds for a fixing date.
    public func window(_ date: CivilDate) -> (Int64, Int64) {
        let end = date.startEpoch + Int64(fixingTimeSeconds)
        return (end - Int64(windowHours) * 3600, end)
    }
}

/// One priced quote in a grade's window. Source and offer are carried as 64-bit keys (FNV-1a of
/// the source name, and of offer id @ location) so a window of tens of thousands of quotes groups
/// without string work.
public struct GradeObservation: Sendable, Hashable {
    public var quoteID: Int64
    public var source: UInt64
    /// Offer key, or nil for a quote without an offer id (it is its own offer).
    public var offer: UInt64?
    public var epoch: Int64
    /// USD per GPU-hour divided by the chip's quality factor in the grade.
    public var price: Double
    public var availableGPUs: Int?

    public init(quoteID: Int64, sourceKey: UInt64, offerKey: UInt64?, epoch: Int64, price: Double, availableGPUs: Int?) {
        self.quoteID = quoteID
        source = sourceKey
        offer = offerKey
        self.epoch = epoch
        self.price = price
        self.availableGPUs = availableGPUs
    }

    public init(quoteID: Int64, source: String, offer: String?, epoch: Int64, price: Double, availableGPUs: Int?) {
        self.init(quoteID: quoteID, sourceKey: GradeObservation.key(source), offerKey: offer.map(GradeObservation.key),
                  epoch: epoch, price: price, availableGPUs: availableGPUs)
    }

    public static func key(_ s: String) -> UInt64 {
        var h = FNV1a64()
        h.add(s)
        return h.value
    }
}

public enum FixingStatus: String, Sendable, Codable {
    /// Computed from the window's data.
    case ok
    /// Insufficient data: the last `ok` value carried forward (at most `maxStaleDays` days).
    case stale
    /// Insufficient data for longer, or never fixed: nothing is published.
    case suspended
}

/// The result of the computation on one window (before carry-forward).
public struct WindowResult: Sendable, Hashable {
    public var value: Double
    public var offers: Int
    public var sources: Int
    public var outliers: Int
    public var p25: Double
    public var p75: Double
    public var min: Double
    public var max: Double
    public var ciLow: Double
    public var ciHigh: Double
    /// Time-weighted available GPUs over the offers that report it (for capacity weights).
    public var capacityGPUs: Double
    public var inputsHash: String
}

public struct Fixing: Sendable, Hashable {
    public var grade: String
    public var date: CivilDate
    public var status: FixingStatus
    /// Full precision; nil when suspended.
    public var value: Double?
    /// The window result when the data sufficed (status ok); nil otherwise.
    public var window: WindowResult?
    /// For stale fixings: the date of the ok fixing carried forward.
    public var carriedFrom: CivilDate?
    /// Offers and sources found in the window even when insufficient.
    public var windowOffers: Int
    public var windowSources: Int

    public func published(_ p: FixingParameters) -> String? { value.map { Decimals.format($0, places: p.publishedDecimals) } }
}

public enum FixingEngine {
    /// One offer's time-weighted price over the window (METHODOLOGY.md §5.1): each observation holds
    /// from its time to the next one (the last to the window end); the first starts the clock.
    static func timeWeighted(_ obs: [GradeObservation], windowEnd: Int64) -> (price: Double, available: Double?) {
        let s = obs.sorted { ($0.epoch, $0.quoteID) < ($1.epoch, $1.quoteID) }
        if s.count == 1 { return (s[0].price, s[0].availableGPUs.map(Double.init)) }
        var total = 0.0
        var weighted = 0.0
        var avail = 0.0
        var availSpan = 0.0
        for (i, o) in s.enumerated() {
            let until = i + 1 < s.count ? s[i + 1].epoch : windowEnd
            let span = Double(max(until - o.epoch, 0))
            total += span
            weighted += o.price * span
            if let a = o.availableGPUs { avail += Double(a) * span; availSpan += span }
        }
        // All observations at the window end: plain mean.
        let price = total > 0 ? weighted / total : s.map(\.price).reduce(0, +) / Double(s.count)
        let available: Double? = availSpan > 0 ? avail / availSpan : s.last!.availableGPUs.map(Double.init)
        return (price, available)
    }

    struct Offer {
        var source: UInt64
        var price: Double
        var available: Double?
    }

    struct OfferKey: Hashable, Comparable {
        var source: UInt64
        var offer: UInt64
        /// For quotes without an offer id: the quote id (each is its own offer).
        var quote: Int64
        static func < (a: OfferKey, b: OfferKey) -> Bool { (a.source, a.offer, a.quote) < (b.source, b.offer, b.quote) }
    }

    /// Computes one window's result, or nil with the counts when data do not suffice (§5.5).
    public static func compute(_ observations: [GradeObservation], windowEnd: Int64, params p: FixingParameters,
                               seedKey: UInt64) -> Result<WindowResult, InsufficientData> {
        // 1. One offer counts once.
        var byOffer: [OfferKey: [GradeObservation]] = [:]
        byOffer.reserveCapacity(observations.count)
        for o in observations {
            let key = OfferKey(source: o.source, offer: o.offer ?? 0, quote: o.offer == nil ? o.quoteID : -1)
            byOffer[key, default: []].append(o)
        }
        var offers: [Offer] = []
        offers.reserveCapacity(byOffer.count)
        for key in byOffer.keys.sorted() {
            let obs = byOffer[key]!
            let tw = timeWeighted(obs, windowEnd: windowEnd)
            offers.append(Offer(source: obs[0].source, price: tw.price, available: tw.available))
        }
        // 2. Outliers.
        var outliers = 0
        if offers.count >= 3 {
            let prices = offers.map(\.price)
            let m = Stats.median(prices)
            let mad = Stats.mad(prices, median: m)
            if mad > 0 {
                let band = p.outlierK * 1.4826 * mad
                let kept = offers.filter { abs($0.price - m) <= band }
                outliers = offers.count - kept.count
                offers = kept
            }
        }
        let sourceNames = Set(offers.map(\.source))
        guard sourceNames.count >= p.minSources, offers.count >= p.minOffers else {
            return .failure(InsufficientData(offers: offers.count, sources: sourceNames.count))
        }
        // 3. Per source: capacity-weighted median of its offers.
        let sources = sourceNames.sorted()
        var perSource: [(values: [Double], weights: [Double], capacity: Double?)] = []
        for s in sources {
            let mine = offers.filter { $0.source == s }.sorted { $0.price < $1.price }
            let caps = mine.compactMap(\.available).filter { $0 > 0 }
            let fill = caps.isEmpty ? 1 : Stats.median(caps)
            let w = mine.map { ($0.available ?? fill) > 0 ? ($0.available ?? fill) : fill }
            perSource.append((mine.map(\.price), w, caps.isEmpty ? nil : mine.compactMap(\.available).reduce(0, +)))
        }
        let value = crossSource(perSource.map { Stats.weightedMedian(sortedValues: $0.values, weights: $0.weights) },
                                capacities: perSource.map(\.capacity), cap: p.sourceCap)
        // 4. Dispersion of the offers used.
        let all = offers.map(\.price).sorted()
        // 5. Bootstrap CI: resample offers within each source (stratified), recompute the two medians.
        // Cross-source weights depend only on capacities, which resampling within a source keeps:
        // computed once. Buffers are reused: no allocation per sample.
        let crossWeights = crossSourceWeights(capacities: perSource.map(\.capacity), cap: p.sourceCap)
        var rng = SplitMixCore(seed: p.bootstrapSeed ^ seedKey)
        var samples: [Double] = []
        samples.reserveCapacity(p.bootstrapSamples)
        let maxN = perSource.map(\.values.count).max() ?? 0
        var counts = [Double](repeating: 0, count: maxN)
        var sourceValues = [Double](repeating: 0, count: perSource.count)
        var order = [Int](repeating: 0, count: perSource.count)
        for _ in 0..<p.bootstrapSamples {
            for (si, ps) in perSource.enumerated() {
                let n = ps.values.count
                for i in 0..<n { counts[i] = 0 }
                for _ in 0..<n { counts[Int(rng.next() % UInt64(n))] += 1 }
                var total = 0.0
                for i in 0..<n { total += counts[i] * ps.weights[i] }
                let half = total / 2
                var cum = 0.0
                var v = ps.values[n - 1]
                for i in 0..<n where counts[i] > 0 {
                    cum += counts[i] * ps.weights[i]
                    if abs(cum - half) <= 1e-12 * total {
                        var j = i + 1
                        while j < n && counts[j] == 0 { j += 1 }
                        v = j < n ? (ps.values[i] + ps.values[j]) / 2 : ps.values[i]
                        break
                    }
                    if cum > half { v = ps.values[i]; break }
                }
                sourceValues[si] = v
            }
            for i in 0..<order.count { order[i] = i }
            order.sort { (sourceValues[$0], $0) < (sourceValues[$1], $1) }
            let half = 0.5
            var cum = 0.0
            var value = sourceValues[order[order.count - 1]]
            for (k, i) in order.enumerated() {
                cum += crossWeights[i]
                if abs(cum - half) <= 1e-12, k + 1 < order.count { value = (sourceValues[i] + sourceValues[order[k + 1]]) / 2; break }
                if cum > half { value = sourceValues[i]; break }
            }
            samples.append(value)
        }
        samples.sort()
        // 6. Inputs hash: sorted quote ids with their normalized prices.
        var h = SHA256()
        for o in observations.sorted(by: { $0.quoteID < $1.quoteID }) {
            var id = o.quoteID.littleEndian
            var bits = o.price.bitPattern.littleEndian
            withUnsafeBytes(of: &id) { h.update(bufferPointer: $0) }
            withUnsafeBytes(of: &bits) { h.update(bufferPointer: $0) }
        }
        let hash = h.finalize().map { hexByte($0) }.joined()
        let capacity = offers.compactMap(\.available).reduce(0, +)
        return .success(WindowResult(value: value, offers: offers.count, sources: sources.count, outliers: outliers,
                                     p25: Stats.quantile(sorted: all, 0.25), p75: Stats.quantile(sorted: all, 0.75),
                                     min: all.first!, max: all.last!,
                                     ciLow: samples.isEmpty ? value : Stats.quantile(sorted: samples, 0.025),
                                     ciHigh: samples.isEmpty ? value : Stats.quantile(sorted: samples, 0.975),
                                     capacityGPUs: capacity, inputsHash: hash))
    }

    /// Weighted median across sources: weights are capacity shares (sources without capacity data
    /// get the median capacity), capped (§5.4).
    static func crossSourceWeights(capacities: [Double?], cap: Double) -> [Double] {
        let known = capacities.compactMap { $0 }.filter { $0 > 0 }
        let fill = known.isEmpty ? 1 : Stats.median(known)
        let raw = capacities.map { c -> Double in if let c, c > 0 { return c } else { return fill } }
        return Stats.cappedWeights(raw, cap: cap)
    }

    static func crossSource(_ values: [Double], capacities: [Double?], cap: Double) -> Double {
        let w = crossSourceWeights(capacities: capacities, cap: cap)
        let order = values.indices.sorted { (values[$0], $0) < (values[$1], $1) }
        return Stats.weightedMedian(sortedValues: order.map { values[$0] }, weights: order.map { w[$0] })
    }

    /// The published fixing for a date given the window results of that date and the days before it
    /// (`history[0]` = the day before, `history[1]` = two days before, …; at least `maxStaleDays`
    /// entries where available). Depends on nothing else, so dates can be computed in any order.
    public static func fixing(grade: String, date: CivilDate, today: Result<WindowResult, InsufficientData>,
                              history: [Result<WindowResult, InsufficientData>?], params p: FixingParameters) -> Fixing {
        switch today {
        case .success(let w):
            return Fixing(grade: grade, date: date, status: .ok, value: w.value, window: w, carriedFrom: nil,
                          windowOffers: w.offers, windowSources: w.sources)
        case .failure(let ins):
            // The most recent sufficient day within maxStaleDays.
            for (i, h) in history.prefix(p.maxStaleDays).enumerated() {
                if case .success(let w)? = h {
                    return Fixing(grade: grade, date: date, status: .stale, value: w.value, window: nil,
                                  carriedFrom: date.adding(days: -(i + 1)), windowOffers: ins.offers, windowSources: ins.sources)
                }
            }
            return Fixing(grade: grade, date: date, status: .suspended, value: nil, window: nil, carriedFrom: nil,
                          windowOffers: ins.offers, windowSources: ins.sources)
        }
    }
}

public struct InsufficientData: Error, Sendable, Hashable {
    public var offers: Int
    public var sources: Int
}

func hexByte(_ b: UInt8) -> String {
    let d = Array("0123456789abcdef")
    return String([d[Int(b >> 4)], d[Int(b & 15)]])
}

/// SplitMix64 for the core's seeded resampling (same algorithm as the demo's, kept in the core so the
/// methodology does not depend on the I/O module).
public struct SplitMixCore: Sendable {
    public var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
