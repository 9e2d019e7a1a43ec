/// The bootstrap confidence interval of a fixing (METHODOLOGY.md §5.6).
public enum Bootstrap {
    /// §5.6 seed key: FNV-1a 64 of the grade id's UTF-8 bytes followed by the date's day number (days
    /// since 1970-01-01) as 8 little-endian bytes. The generator is seeded with `bootstrap_seed` XOR it.
    public static func seedKey(grade: String, date: CivilDate) -> UInt64 {
        var key = FNV1a64()
        key.add(grade)
        key.add(date.dayNumber)
        return key.value
    }

    /// §5.6, a two-stage (cluster) bootstrap, so the interval reflects the spread between sources as well
    /// as within them. For each of the `samples` replicates, with one SplitMix64 stream:
    /// 1. draw S sources with replacement from the S sources in key order: S draws, each `next() mod S`;
    /// 2. for each drawn source in draw order, draw its n offers with replacement: n draws `next() mod n`;
    ///    its value is the weighted median (§5.3) of its offer prices with weight count × capacity weight;
    /// 3. the cross-source weights are §5.4's over the drawn sources (a source drawn twice counts twice,
    ///    with its capacity each time), and the replicate is the weighted trimmed mean (1.2, §5.4) of the
    ///    drawn sources' values sorted ascending (ties by draw position).
    /// The interval is the 2.5% and 97.5% type-7 quantiles of the sorted replicates. Buffers are reused.
    public static func interval(_ sources: [SourceSample], cap: Double, trim: Double, samples: Int, seed: UInt64,
                                fallback: Double) -> ConfidenceInterval {
        guard samples > 0, !sources.isEmpty else { return ConfidenceInterval(low: fallback, high: fallback) }
        var rng = SplitMixCore(seed: seed)
        var out: [Double] = []
        out.reserveCapacity(samples)
        let S = sources.count
        let maxN = sources.map(\.prices.count).max() ?? 0
        var counts = [Double](repeating: 0, count: maxN)
        var w = [Double](repeating: 0, count: maxN)
        var drawn = [Int](repeating: 0, count: S)
        var values = [Double](repeating: 0, count: S)
        var capacities = [Double](repeating: 0, count: S)
        var known = [Double](repeating: 0, count: S)
        var cross = [Double](repeating: 0, count: S)
        var scratch = [Int](repeating: 0, count: S)
        var order = [Int](repeating: 0, count: S)
        var sortedValues = [Double](repeating: 0, count: S)
        var sortedWeights = [Double](repeating: 0, count: S)
        // The sources flattened once (no reference counting in the loops below).
        var offsets = [Int](repeating: 0, count: S + 1)
        var flatPrices: [Double] = []
        var flatWeights: [Double] = []
        var sourceCaps = [Double](repeating: 0, count: S)
        for (i, src) in sources.enumerated() {
            flatPrices += src.prices
            flatWeights += src.weights
            offsets[i + 1] = flatPrices.count
            sourceCaps[i] = src.capacity ?? 0
        }
        for _ in 0..<samples {
            for k in 0..<S { drawn[k] = Int(rng.next() % UInt64(S)) }
            for k in 0..<S {
                let si = drawn[k]
                let lo = offsets[si]
                let n = offsets[si + 1] - lo
                for i in 0..<n { counts[i] = 0 }
                for _ in 0..<n { counts[Int(rng.next() % UInt64(n))] += 1 }
                for i in 0..<n { w[i] = counts[i] * flatWeights[lo + i] }
                values[k] = flatPrices.withUnsafeBufferPointer { v in
                    w.withUnsafeBufferPointer { wb in
                        Stats.weightedMedian(sortedValues: UnsafeBufferPointer(rebasing: v[lo..<(lo + n)]),
                                             weights: UnsafeBufferPointer(rebasing: wb[0..<n]))
                    }
                }
                capacities[k] = sourceCaps[si]
            }
            // §5.4 over the drawn sources, without allocating: a source without capacity data takes the
            // median positive capacity of the drawn ones (1 each when none has any), then the cap.
            var nk = 0
            for k in 0..<S where capacities[k] > 0 { known[nk] = capacities[k]; nk += 1 }
            if nk < S {
                var fill = 1.0
                if nk > 0 {
                    known.withUnsafeMutableBufferPointer { b in
                        var part = UnsafeMutableBufferPointer(rebasing: b[0..<nk])
                        part.sort()
                        fill = nk % 2 == 1 ? part[nk / 2] : (part[nk / 2 - 1] + part[nk / 2]) / 2
                    }
                }
                for k in 0..<S where !(capacities[k] > 0) { capacities[k] = fill }
            }
            capacities.withUnsafeBufferPointer { r in
                cross.withUnsafeMutableBufferPointer { wb in
                    scratch.withUnsafeMutableBufferPointer { Stats.cappedWeights(raw: r, cap: cap, into: wb, order: $0) }
                }
            }
            for k in 0..<S { order[k] = k }
            order.sort { (values[$0], $0) < (values[$1], $1) }
            for (k, i) in order.enumerated() {
                sortedValues[k] = values[i]
                sortedWeights[k] = cross[i]
            }
            out.append(sortedValues.withUnsafeBufferPointer { v in
                sortedWeights.withUnsafeBufferPointer { Stats.weightedTrimmedMean(sortedValues: v, weights: $0, trim: trim) }
            })
        }
        out.sort()
        return ConfidenceInterval(low: Stats.quantile(sorted: out, 0.025), high: Stats.quantile(sorted: out, 0.975))
    }
}

public struct ConfidenceInterval: Sendable, Hashable {
    public var low: Double
    public var high: Double
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
