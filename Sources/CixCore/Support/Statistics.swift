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

    /// Weights proportional to `raw`, capped at `cap` with the excess spread pro rata over the
    /// uncapped ones, repeated until none exceeds the cap (METHODOLOGY.md §5.4). When the cap cannot
    /// hold (n × cap < 1), every weight is 1/n.
    public static func cappedWeights(_ raw: [Double], cap: Double) -> [Double] {
        let n = raw.count
        precondition(n > 0)
        if Double(n) * cap < 1 - 1e-12 { return Array(repeating: 1 / Double(n), count: n) }
        let total = raw.reduce(0, +)
        var w = total > 0 ? raw.map { $0 / total } : Array(repeating: 1 / Double(n), count: n)
        var capped = Array(repeating: false, count: n)
        for _ in 0..<n {
            var changed = false
            for i in 0..<n where !capped[i] && w[i] > cap + 1e-15 { capped[i] = true; changed = true }
            guard changed else { break }
            let free = 1 - Double(capped.filter { $0 }.count) * cap
            let uncappedTotal = (0..<n).filter { !capped[$0] }.reduce(0.0) { $0 + w[$1] }
            for i in 0..<n {
                if capped[i] { w[i] = cap } else { w[i] = uncappedTotal > 0 ? w[i] / uncappedTotal * free : free / Double(n - capped.filter { $0 }.count) }
            }
        }
        return w
    }

    /// Weights with a floor and a cap (each applied by redistributing pro rata), for index weights.
    public static func boundedWeights(_ raw: [Double], floor: Double, cap: Double) -> [Double] {
        let n = raw.count
        let total = raw.reduce(0, +)
        var w = total > 0 ? raw.map { $0 / total } : Array(repeating: 1 / Double(n), count: n)
        guard Double(n) * floor <= 1, Double(n) * cap >= 1 else { return Array(repeating: 1 / Double(n), count: n) }
        var fixed = Array(repeating: false, count: n)
        for _ in 0..<(2 * n) {
            var changed = false
            for i in 0..<n where !fixed[i] {
                if w[i] < floor - 1e-15 { w[i] = floor; fixed[i] = true; changed = true }
                else if w[i] > cap + 1e-15 { w[i] = cap; fixed[i] = true; changed = true }
            }
            guard changed else { break }
            let fixedSum = (0..<n).filter { fixed[$0] }.reduce(0.0) { $0 + w[$1] }
            let freeSum = (0..<n).filter { !fixed[$0] }.reduce(0.0) { $0 + w[$1] }
            let target = 1 - fixedSum
            for i in 0..<n where !fixed[i] { w[i] = freeSum > 0 ? w[i] / freeSum * target : target / Double(n - fixed.filter { $0 }.count) }
        }
        return w
    }
}
