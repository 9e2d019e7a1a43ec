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

    /// §5.6: `samples` times, resample each source's offers with replacement (n draws for n offers, in
    /// source order, each draw `next() mod n`), recompute each source's weighted median (§5.3) and the
    /// cross-source weighted median (§5.4, the cross-source weights unchanged: resampling within a
    /// source keeps its capacity); the interval is the 2.5% and 97.5% type-7 quantiles. Buffers are
    /// reused: no allocation per sample.
    public static func interval(_ sources: [SourceSample], crossWeights: [Double], samples: Int, seed: UInt64,
                                fallback: Double) -> ConfidenceInterval {
        guard samples > 0, !sources.isEmpty else { return ConfidenceInterval(low: fallback, high: fallback) }
        var rng = SplitMixCore(seed: seed)
        var out: [Double] = []
        out.reserveCapacity(samples)
        let maxN = sources.map(\.prices.count).max() ?? 0
        var counts = [Double](repeating: 0, count: maxN)
        var w = [Double](repeating: 0, count: maxN)
        var sourceValues = [Double](repeating: 0, count: sources.count)
        var order = [Int](repeating: 0, count: sources.count)
        var sortedValues = [Double](repeating: 0, count: sources.count)
        var sortedWeights = [Double](repeating: 0, count: sources.count)
        for _ in 0..<samples {
            for (si, s) in sources.enumerated() {
                let n = s.prices.count
                for i in 0..<n { counts[i] = 0 }
                for _ in 0..<n { counts[Int(rng.next() % UInt64(n))] += 1 }
                for i in 0..<n { w[i] = counts[i] * s.weights[i] }
                sourceValues[si] = s.prices.withUnsafeBufferPointer { v in
                    w.withUnsafeBufferPointer { wb in
                        Stats.weightedMedian(sortedValues: v, weights: UnsafeBufferPointer(rebasing: wb[0..<n]))
                    }
                }
            }
            for i in 0..<order.count { order[i] = i }
            order.sort { (sourceValues[$0], $0) < (sourceValues[$1], $1) }
            for (k, i) in order.enumerated() {
                sortedValues[k] = sourceValues[i]
                sortedWeights[k] = crossWeights[i]
            }
            out.append(sortedValues.withUnsafeBufferPointer { v in
                sortedWeights.withUnsafeBufferPointer { Stats.weightedMedian(sortedValues: v, weights: $0) }
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
