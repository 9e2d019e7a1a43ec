/// The fixing across sources (METHODOLOGY.md §5.4).
public enum CrossSource {
    /// Capacity shares before the cap: sources without capacity data take the median capacity of the
    /// others (1 each when none has any).
    public static func rawCapacities(_ capacities: [Double?]) -> [Double] {
        let known = capacities.compactMap { $0 }.filter { $0 > 0 }
        let fill = known.isEmpty ? 1 : Stats.median(known)
        return capacities.map { c -> Double in if let c, c > 0 { return c } else { return fill } }
    }

    /// §5.4: capacity shares (1.2: the review's base capacities, §5.8), capped at `cap` with each excess spread pro rata over the uncapped sources
    /// until none exceeds it; all 1/n when the cap cannot hold.
    public static func weights(capacities: [Double?], cap: Double) -> [Double] {
        Stats.cappedWeights(rawCapacities(capacities), cap: cap)
    }

    /// §5.4 (1.2): the weighted trimmed mean (`Stats.weightedTrimmedMean`, trim t at each end) of the
    /// source values sorted ascending (ties by position, i.e. by source key) under their capped weights.
    public static func value(_ values: [Double], weights w: [Double], trim: Double) -> Double {
        let order = values.indices.sorted { (values[$0], $0) < (values[$1], $1) }
        return Stats.weightedTrimmedMean(sortedValues: order.map { values[$0] }, weights: order.map { w[$0] }, trim: trim)
    }
}
