import CixCore
import CixIO
import CixStore
import Foundation

public enum IndexJob {
    /// Latest-version fixings through `to`, as the index engine reads them. With `definitions`, a
    /// fixing of an index's grade computed under other definitions stops the job (§1.1).
    static func prices(_ s: StoreSession, through to: CivilDate, definitions: MethodologyDefinitions? = nil) throws -> [String: [Int64: ConstituentPrice]] {
        let fixings = try s.latestFixings(to: to)
        if let defs = definitions {
            let used = Set(defs.indices.flatMap(\.grades))
            var stale: (CivilDate, CivilDate)?
            for f in fixings where used.contains(f.grade) && f.definitionHash != defs.fixingHash(grade: f.grade) {
                if let d = CivilDate(iso: f.date) { stale = (min(stale?.0 ?? d, d), max(stale?.1 ?? d, d)) }
            }
            if let (a, b) = stale {
                throw StaleInputs(description: "fixings from \(a) to \(b) were computed under other definitions: run cix fix --from \(a) --to \(b) first")
            }
        }
        return prices(fixings.compactMap(FixingValue.init))
    }

    /// Every defined index's values from its base date through `to` (§6), from the stored fixings.
    static func compute(_ s: StoreSession, defs: MethodologyDefinitions, through to: CivilDate,
                        checkDefinitions: Bool = true) throws -> [(IndexDefinition, [IndexValue])] {
        compute(defs: defs, prices: try prices(s, through: to, definitions: checkDefinitions ? defs : nil), through: to)
    }

    /// Fixings as the index engine reads them.
    static func prices(_ fixings: [FixingValue]) -> [String: [Int64: ConstituentPrice]] {
        var out: [String: [Int64: ConstituentPrice]] = [:]
        for f in fixings {
            out[f.grade, default: [:]][f.date.dayNumber] = ConstituentPrice(value: f.value, status: f.status, capacityGPUs: f.capacityGPUs)
        }
        return out
    }

    /// The stored form of an index value, with its constituents.
    static func record(_ def: IndexDefinition, _ v: IndexValue, defs: MethodologyDefinitions) -> IndexLevelRecord {
        IndexLevelRecord(index: def.id, date: v.date.description, status: v.status.rawValue, level: v.level,
                         published: v.published(def.rounding), linkDate: v.linkDate?.description,
                         inputsHash: inputsHash(def, v), definitionHash: defs.indexHash(index: def.id),
                         constituents: v.constituents.map {
                             IndexWeightRecord(index: def.id, date: v.date.description, grade: $0.grade, weight: $0.weight,
                                               linkPrice: $0.linkPrice, price: $0.price, held: $0.held)
                         })
    }

    /// Every defined index's values from its base date through `to` (§6), from these fixings.
    static func compute(defs: MethodologyDefinitions, prices: [String: [Int64: ConstituentPrice]], through to: CivilDate) -> [(IndexDefinition, [IndexValue])] {
        defs.indices.map { def in
            (def, IndexEngine.compute(def, calendar: defs.calendar, fixingDays: defs.fixing.fixingDays, through: to,
                                      prices: { g, d in prices[g]?[d.dayNumber] },
                                      performance: { IndexEngine.parPerformanceFactor(defs.reference, grade: $0, basis: def.performanceBasis) }))
        }
    }

    /// §6.7: the inputs hash of an index value (IndexAudit).
    static func inputsHash(_ def: IndexDefinition, _ v: IndexValue) -> String { IndexAudit.inputsHash(index: def.id, value: v) }

    /// Computes every defined index from its base date and publishes the values for [from, to] (new
    /// versions only where something changed), in one transaction with its publication run. Levels
    /// depend only on stored fixings, so the result is the same whatever order dates are computed in.
    public static func run(store: Store, defs: MethodologyDefinitions, from: CivilDate, to: CivilDate,
                           now: String? = nil, arguments: String = "") throws -> PublishStats {
        // §1.1: fixings of an index's grades computed under other definitions stop the job first.
        try StageJob.publish(PublishedSeriesRegistry.indexLevels, store: store, defs: defs, from: from, to: to, now: now, arguments: arguments) { s, _ in
            _ = try prices(s, through: to, definitions: defs)
        }
    }
}
