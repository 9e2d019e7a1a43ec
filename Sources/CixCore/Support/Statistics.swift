/// Robust statistics used by the fixing and the indices (METHODOLOGY.md §5, §6). All on `Double`,
/// deterministic.
public enum Stats {
    /// Median of unsorted values (mean of the two middle values for an even count).
    public static func median(_ xs: [Double]) -> Double {
        precondition(!xs.isEmpty)
        let s = xs.sorted()
        let n = s.count
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2
    }

    /// Quantile by linear interpolation between order statistics (R type 7, NumPy's default).
    public static func quantile(sorted s: [Double], _ q: Double) -> Double {
        precondition(!s.isEmpty)
        let h = Double(s.count - 1) * q
        let lo = Int(h.rounded(.down))
        let hi = min(lo + 1, s.count - 1)
        return s[lo] + (h - Double(lo)) * (s[hi] - s[lo])
    }

    /// Median absolute deviation from the median (unscaled).
    public static func mad(_ xs: [Double], median m: Double) -> Double {
        median(xs.map { abs($0 - m) })
    }

    /// The weighted median, the one used everywhere (METHODOLOGY.md §5.3): values sorted ascending with
    /// weights ≥ 0 (zero-weight entries are skipped); the first value at which the cumulative weight
    /// reaches half the total; when it reaches exactly half (within 1e-12 of the total), the mean of
    /// that value and the next one with positive weight, so equal weights give the ordinary median.
    public static func weightedMedian(sortedValues v: UnsafeBufferPointer<Double>, weights w: UnsafeBufferPointer<Double>) -> Double {
        precondition(!v.isEmpty && v.count == w.count)
        var total = 0.0
        for x in w where x > 0 { total += x }
        let half = total / 2
        var cum = 0.0
        var last = v[v.count - 1]
        for i in 0..<v.count where w[i] > 0 {
            cum += w[i]
            last = v[i]
            if abs(cum - half) <= 1e-12 * total {
                var j = i + 1
                while j < v.count && !(w[j] > 0) { j += 1 }
                return j < v.count ? (v[i] + v[j]) / 2 : v[i]
            }
            if cum > half { return v[i] }
        }
        return last
    }

    public static func weightedMedian(sortedValues v: [Double], weights w: [Double]) -> Double {
        v.withUnsafeBufferPointer { vb in w.withUnsafeBufferPointer { weightedMedian(sortedValues: vb, weights: $0) } }
    }

    /// The weighted trimmed mean (METHODOLOGY.md §5.4, methodology 1.2): values sorted ascending with
    /// weights ≥ 0 summing to W; each value stands for the slice [Cᵢ₋₁, Cᵢ] of the cumulative weight
    /// (as fractions of W), and the result is the mean of the values over the middle slice
    /// [t, 1 − t], each weighted by the length of its overlap with it:
    /// Σ vᵢ × |[Cᵢ₋₁, Cᵢ] ∩ [t, 1 − t]| ÷ (1 − 2t). t = 0 is the weighted mean; t = 0.25 the weighted
    /// interquartile mean. Unlike the weighted median it is a continuous function of the weights.
    public static func weightedTrimmedMean(sortedValues v: UnsafeBufferPointer<Double>, weights w: UnsafeBufferPointer<Double>,
                                           trim t: Double) -> Double {
        precondition(!v.isEmpty && v.count == w.count && t >= 0 && t < 0.5)
        var total = 0.0
        for x in w where x > 0 { total += x }
        guard total > 0 else { return v[v.count / 2] }
        let lo = t, hi = 1 - t
        var cum = 0.0
        var sum = 0.0
        var covered = 0.0
        for i in 0..<v.count where w[i] > 0 {
            let a = cum
            if a >= hi { break }
            cum += w[i] / total
            let overlap = min(cum, hi) - max(a, lo)
            if overlap > 0 { sum += v[i] * overlap; covered += overlap }
        }
        // Σ overlaps is 1 − 2t up to rounding; dividing by it keeps the result a weighted average.
        return sum / covered
    }

    public static func weightedTrimmedMean(sortedValues v: [Double], weights w: [Double], trim t: Double) -> Double {
        v.withUnsafeBufferPointer { vb in w.withUnsafeBufferPointer { weightedTrimmedMean(sortedValues: vb, weights: $0, trim: t) } }
    }

    /// Weights proportional to `raw`, capped at `cap`, the excess spread pro rata over the uncapped ones
    /// (METHODOLOGY.md §5.4): `boundedWeights` with a floor of 0. When the cap cannot hold
    /// (n × cap < 1), every weight is 1/n.
    public static func cappedWeights(_ raw: [Double], cap: Double) -> [Double] {
        var w = [Double](repeating: 0, count: raw.count)
        var order = [Int](repeating: 0, count: raw.count)
        raw.withUnsafeBufferPointer { r in
            w.withUnsafeMutableBufferPointer { wb in
                order.withUnsafeMutableBufferPointer { cappedWeights(raw: r, cap: cap, into: wb, order: $0) }
            }
        }
        return w
    }

    /// `boundedWeights` with a floor of 0, without allocating (the bootstrap calls it 200 times a
    /// fixing): by water-filling, which gives the same λ. Take the raw values from the largest down;
    /// while the largest remaining one would exceed the cap at λ = (weight left) ÷ (raw left), cap it.
    /// The others get raw × (weight left) ÷ (raw left).
    public static func cappedWeights(raw: UnsafeBufferPointer<Double>, cap: Double, into w: UnsafeMutableBufferPointer<Double>,
                                     order: UnsafeMutableBufferPointer<Int>) {
        let n = raw.count
        precondition(n > 0 && w.count >= n && order.count >= n)
        var total = 0.0
        var valid = true
        for x in raw { if !(x.isFinite && x >= 0) { valid = false }; total += x }
        guard Double(n) * cap >= 1 - 1e-12, valid, total > 0 else {
            for i in 0..<n { w[i] = 1 / Double(n) }
            return
        }
        if Double(n) * cap <= 1 + 1e-15 {
            for i in 0..<n { w[i] = cap }
            return
        }
        // Indices by raw value, largest first (insertion sort: n is small).
        for i in 0..<n { order[i] = i }
        if n > 1 {
            for i in 1..<n {
                let k = order[i]
                var j = i
                while j > 0 && raw[order[j - 1]] < raw[k] { order[j] = order[j - 1]; j -= 1 }
                order[j] = k
            }
        }
        var left = 1.0
        var rawLeft = total
        var capped = 0
        while capped < n, rawLeft > 0, raw[order[capped]] * left / rawLeft > cap {
            w[order[capped]] = cap
            left -= cap
            rawLeft -= raw[order[capped]]
            capped += 1
        }
        for k in capped..<n { w[order[k]] = rawLeft > 0 ? raw[order[k]] * left / rawLeft : left / Double(n - capped) }
    }

    /// Bounded proportional weights (METHODOLOGY.md §6.4, and §5.4 with floor 0): with sᵢ = rawᵢ ÷ Σ raw,
    ///
    ///     wᵢ = min(cap, max(floor, λ · sᵢ))
    ///
    /// for the unique λ > 0 with Σ wᵢ = 1. Floor and cap apply at once, the weights between them keep
    /// their proportions, and the weights always sum to 1 within [floor, cap]. When that is infeasible
    /// (n × floor > 1 or n × cap < 1), or no raw value is positive, every weight is 1/n.
    /// λ is found exactly: Σ wᵢ is continuous and non-decreasing in λ and linear between the breakpoints
    /// floor ÷ sᵢ and cap ÷ sᵢ; within the segment where it reaches 1, λ = (1 − Σ clipped) ÷ Σ free sᵢ.
    public static func boundedWeights(_ raw: [Double], floor: Double, cap: Double) -> [Double] {
        if floor == 0 { return cappedWeights(raw, cap: cap) }
        let n = raw.count
        precondition(n > 0)
        let equal = [Double](repeating: 1 / Double(n), count: n)
        guard Double(n) * floor <= 1 + 1e-12, Double(n) * cap >= 1 - 1e-12, floor <= cap else { return equal }
        guard raw.allSatisfy({ $0.isFinite && $0 >= 0 }) else { return equal }
        let total = raw.reduce(0, +)
        guard total > 0 else { return equal }
        if Double(n) * floor >= 1 - 1e-15 { return [Double](repeating: floor, count: n) }
        if Double(n) * cap <= 1 + 1e-15 { return [Double](repeating: cap, count: n) }
        let s = raw.map { $0 / total }
        func sum(_ l: Double) -> Double { s.reduce(0) { $0 + min(cap, max(floor, l * $1)) } }
        var points: [Double] = []
        for x in s where x > 0 {
            points.append(floor / x)
            points.append(cap / x)
        }
        points.sort()
        let k = points.firstIndex { sum($0) >= 1 } ?? (points.count - 1)
        let lo = k > 0 ? points[k - 1] : 0
        let mid = (lo + points[k]) / 2
        var clipped = 0.0
        var freeShare = 0.0
        for x in s {
            let v = mid * x
            if v >= cap { clipped += cap } else if v <= floor { clipped += floor } else { freeShare += x }
        }
        let lambda = freeShare > 0 ? (1 - clipped) / freeShare : mid
        return s.map { x in
            let v = mid * x
            if v >= cap { return cap }
            if v <= floor { return floor }
            return lambda * x
        }
    }
}
