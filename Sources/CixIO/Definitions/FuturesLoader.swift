import CixCore
import Foundation

extension DefinitionLoader {
    /// futures.yaml (METHODOLOGY.md §7): futures on grades or indices, and rolling indices on them.
    static func futuresDefinitions(_ root: YAMLValue, reference ref: ReferenceData, indices: [IndexDefinition])
        throws -> ([FuturesDefinition], [RollingIndexDefinition]) {
        let m = try root.map()
        var roots = Set<String>()
        let futures = try m.required("futures").list().map { v -> FuturesDefinition in
            let x = try v.map()
            let rv = try x.required("root")
            let r = try rv.string()
            guard r.count >= 2, r.count <= 6, r.unicodeScalars.allSatisfy({ ("A"..."Z").contains($0) }) else {
                throw rv.fail("a root is 2 to 6 capital letters A to Z, not \(r)")
            }
            guard roots.insert(r).inserted else { throw rv.fail("root \(r) appears twice") }
            let uv = try x.required("underlying")
            let u = try uv.string()
            guard ref.grades.grade(id: u) != nil || indices.contains(where: { $0.id == u }) else {
                throw uv.fail("\(r): underlying \(u) is neither a grade nor an index")
            }
            var d = FuturesDefinition(root: r, name: try x.optional("name")?.string() ?? r, underlying: u)
            if let v = x.optional("settlement") { d.settlement = try v.choice(FuturesDefinition.Settlement.self) }
            if let v = x.optional("contract_gpu_hours") { d.contractGPUHours = try v.double(1...1e7) }
            if let v = x.optional("tick") { d.tick = try v.double(1e-6...1) }
            if let v = x.optional("listed_months") { d.listedMonths = try v.int(1...60) }
            if let tv = x.optional("term_grades") {
                for e in try tv.map().all() {
                    guard let months = Int(e.key), [1, 3, 6, 12, 24, 36].contains(months) else {
                        throw e.value.fail("term months must be 1, 3, 6, 12, 24 or 36, not \(e.key)")
                    }
                    let g = try e.value.string()
                    guard ref.grades.grade(id: g) != nil else { throw e.value.fail("\(r): unknown term grade \(g)") }
                    if let other = d.termGrades.first(where: { $0.value == g }) {
                        throw e.value.fail("\(r): grade \(g) is given for both \(other.key) and \(months) months: each term needs its own grade")
                    }
                    d.termGrades[months] = g
                }
                guard ref.grades.grade(id: u) != nil else { throw tv.fail("\(r): a term strip needs an underlying grade") }
            }
            // §7.4: `last_segment` (the default) or `{damped_slope: {half_life_months: H}}`.
            if let ev = x.optional("curve_extension") {
                guard !d.termGrades.isEmpty else { throw ev.fail("\(r): curve_extension needs a term strip (term_grades)") }
                if ev.scalarText == "last_segment" {
                    d.curveExtension = .lastSegment
                } else if ev.scalarText != nil {
                    throw ev.fail("\(r): curve_extension is last_segment or {damped_slope: {half_life_months: H}}, not \(ev.scalarText!)")
                } else {
                    let em = try ev.map()
                    let dv = try em.required("damped_slope")
                    let dm = try dv.map()
                    d.curveExtension = .dampedSlope(halfLifeMonths: try dm.required("half_life_months").double(1...120))
                    try dm.finish()
                    try em.finish()
                }
            }
            if let v = x.optional("settlement_min_coverage") { d.minCoverage = try v.double(0.5...1) }
            try x.finish()
            return d
        }
        var ids = Set<String>()
        let rolling = try (m.optional("rolling_indices")?.list() ?? []).map { v -> RollingIndexDefinition in
            let x = try v.map()
            let iv = try x.required("id")
            let id = try iv.string()
            guard ids.insert(id).inserted else { throw iv.fail("rolling index \(id) appears twice") }
            let fv = try x.required("futures")
            let f = try fv.string()
            guard roots.contains(f) else { throw fv.fail("\(id): unknown futures root \(f)") }
            let bv = try x.required("base_date")
            let base = try bv.date()
            let dates = FundDefinition.Limits.dates
            guard dates.contains(base) else { throw bv.fail("\(id): base_date must be from \(dates.lowerBound) to \(dates.upperBound), not \(base)") }
            var d = RollingIndexDefinition(id: id, name: try x.optional("name")?.string() ?? id, futures: f, baseDate: base)
            let sv = try x.required("schedule")
            if sv.scalarText == "front" {
                d.schedule = .front
            } else if case .mapping = sv.node {
                let sm = try sv.map()
                if let k = sm.optional("deferred") {
                    d.schedule = .deferred(try k.int(1...24))
                } else if let t = sm.optional("months") {
                    let months = try t.list().map { try $0.int(1...36) }
                    guard months.count == 12 else { throw t.fail("months: give 12 offsets, one per calendar month") }
                    d.schedule = .table(months)
                } else {
                    throw sv.fail("schedule: front, {deferred: k} or {months: [12 offsets]}")
                }
                try sm.finish()
            } else {
                throw sv.fail("schedule: front, {deferred: k} or {months: [12 offsets]}")
            }
            if let rv = x.optional("roll_days") {
                let days = try rv.list().map { try $0.int(1...23) }
                guard days.count == 2, days[0] <= days[1] else { throw rv.fail("roll_days: [first, last] business day of the month") }
                d.rollDays = days[0]...days[1]
            }
            // §7.5: the schedule must hold listed contracts only.
            let listed = futures.first { $0.root == f }!.listedMonths
            let furthest: Int
            switch d.schedule {
            case .front: furthest = 2
            case .deferred(let k): furthest = 2 + k
            case .table(let t): furthest = t.max()!
            }
            guard furthest < listed else {
                throw sv.fail("\(id): this schedule holds contracts \(furthest) months ahead, but \(f) lists \(listed) months (listed_months)")
            }
            if let v = x.optional("base_value") { d.baseValue = try v.double(0...1e9, openLower: true) }
            if let v = x.optional("published_decimals") { d.publishedDecimals = try v.int(0...Rounding.maxDecimals) }
            try x.finish()
            return d
        }
        try m.finish(allowed: headerKeys)
        return (futures, rolling)
    }
}
