import CixCore
import CixIO
import CixStore
import Foundation
import GRDB
import GRDBSQLite

public struct PublishStats: Sendable {
    public var computed = 0
    public var newVersions = 0
    public var byStatus: [String: Int] = [:]
}

public enum FixingJob {
    /// Window results of every grade for one fixing date, from the normalized quotes in its window.
    /// Rows are stepped with the SQLite C API; the grade list and quality factors of each distinct
    /// (grades, chip) text pair are looked up once.
    static func windowResults(_ db: Database, date: CivilDate, defs: MethodologyDefinitions) throws -> [String: Result<WindowResult, InsufficientData>] {
        let p = defs.fixing
        let grades = defs.reference.grades.grades
        var gradeIndex: [Substring: Int] = [:]
        for (i, g) in grades.enumerated() { gradeIndex[Substring(g.id)] = i }
        var obs = [[GradeObservation]](repeating: [], count: grades.count)
        let (start, end) = p.window(date)
        let st = try db.cachedStatement(sql: """
            SELECT quote_id, source, offer_id, location, observed_epoch, usd_per_gpu_hour, available_gpus, grades, chip
            FROM normalized_quotes
            WHERE observed_epoch > ? AND observed_epoch <= ? AND grades != '' AND usd_per_gpu_hour IS NOT NULL
            """)
        let s = st.sqliteStatement
        sqlite3_reset(s)
        sqlite3_bind_int64(s, 1, start)
        sqlite3_bind_int64(s, 2, end)
        var membership: [UInt64: [(Int, Double)]] = [:]
        func hashColumn(_ i: Int32, into h: inout FNV1a64) {
            guard let t = sqlite3_column_text(s, i) else { return }
            let n = Int(sqlite3_column_bytes(s, i))
            for k in 0..<n { h.add(byte: t[k]) }
        }
        while true {
            let rc = sqlite3_step(s)
            if rc == SQLITE_DONE { break }
            guard rc == SQLITE_ROW else {
                throw DatabaseError(resultCode: ResultCode(rawValue: rc), message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
            }
            // (grades, chip) → [(grade index, quality factor)], cached by the hash of both texts.
            var mh = FNV1a64()
            hashColumn(7, into: &mh)
            mh.separator()
            hashColumn(8, into: &mh)
            let members: [(Int, Double)]
            if let m = membership[mh.value] {
                members = m
            } else {
                let gradesText = String(cString: sqlite3_column_text(s, 7))
                let chip = String(cString: sqlite3_column_text(s, 8))
                var m: [(Int, Double)] = []
                for gid in gradesText.split(separator: " ") {
                    if let gi = gradeIndex[gid], let qf = grades[gi].chips[chip] { m.append((gi, qf)) }
                }
                membership[mh.value] = m
                members = m
            }
            if members.isEmpty { continue }
            var sh = FNV1a64()
            hashColumn(1, into: &sh)
            var offer: UInt64? = nil
            if sqlite3_column_type(s, 2) != SQLITE_NULL {
                var oh = FNV1a64()
                hashColumn(2, into: &oh)
                oh.separator()
                hashColumn(3, into: &oh)
                offer = oh.value
            }
            let available: Int? = sqlite3_column_type(s, 6) == SQLITE_NULL ? nil : Int(sqlite3_column_int64(s, 6))
            let price = sqlite3_column_double(s, 5)
            let base = GradeObservation(quoteID: sqlite3_column_int64(s, 0), sourceKey: sh.value, offerKey: offer,
                                        epoch: sqlite3_column_int64(s, 4), price: price, availableGPUs: available)
            for (gi, qf) in members {
                var o = base
                o.price = price / qf
                obs[gi].append(o)
            }
        }
        let results = Collector<Result<WindowResult, InsufficientData>>()
        let observations = obs
        DispatchQueue.concurrentPerform(iterations: grades.count) { gi in
            var key = FNV1a64()
            key.add(grades[gi].id)
            key.add(date.dayNumber)
            results.put(gi, FixingEngine.compute(observations[gi], windowEnd: end, params: p, seedKey: key.value))
        }
        let all = results.ordered(grades.count)
        var out: [String: Result<WindowResult, InsufficientData>] = [:]
        for (i, g) in grades.enumerated() { out[g.id] = all[i] }
        return out
    }

    /// Computes and stores the fixing of every grade for each date in [from, to]. The days before
    /// `from` that a carry-forward can reach are evaluated too, so the result never depends on which
    /// dates were computed before.
    public static func run(store: Store, defs: MethodologyDefinitions, from: CivilDate, to: CivilDate,
                           now: String = Timestamp.format(Int64(Date().timeIntervalSince1970))) throws -> PublishStats {
        var stats = PublishStats()
        let lookback = defs.fixing.maxStaleDays
        var windows: [Int64: [String: Result<WindowResult, InsufficientData>]] = [:]
        try store.dbQueue.write { db in
            let latest = try db.makeStatement(sql: """
                SELECT version, status, value, inputs_hash, definition_hash, carried_from FROM fixings
                WHERE grade_id = ? AND date = ? ORDER BY version DESC LIMIT 1
                """)
            let insert = try db.makeStatement(sql: """
                INSERT INTO fixings (grade_id, date, version, status, value, published, offers, sources, outliers, p25, p75, min, max,
                    ci_low, ci_high, capacity_gpus, carried_from, inputs_hash, definition_hash, computed_at)
                VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)
                """)
            var d = from.adding(days: -lookback)
            while d <= to {
                windows[d.dayNumber] = try windowResults(db, date: d, defs: defs)
                windows[d.dayNumber - Int64(lookback) - 1] = nil
                if d >= from {
                    for g in defs.reference.grades.grades {
                        let today = windows[d.dayNumber]![g.id]!
                        let history = (1...lookback).map { windows[d.dayNumber - Int64($0)]?[g.id] }
                        let f = FixingEngine.fixing(grade: g.id, date: d, today: today, history: history, params: defs.fixing)
                        stats.computed += 1
                        stats.byStatus[f.status.rawValue, default: 0] += 1
                        let w = f.window
                        let prev = try Row.fetchOne(latest, arguments: [g.id, d.description])
                        if let prev,
                           prev[1] as String == f.status.rawValue, (prev[2] as Double?)?.bitPattern == f.value?.bitPattern,
                           prev[3] as String? == w?.inputsHash, prev[4] as String == defs.fixingHash,
                           prev[5] as String? == f.carriedFrom?.description { continue }
                        let version = (prev?[0] as Int? ?? 0) + 1
                        try insert.execute(arguments: [
                            g.id, d.description, version, f.status.rawValue, f.value, f.published(defs.fixing),
                            f.windowOffers, f.windowSources, w?.outliers, w?.p25, w?.p75, w?.min, w?.max, w?.ciLow, w?.ciHigh,
                            w?.capacityGPUs ?? 0, f.carriedFrom?.description, w?.inputsHash, defs.fixingHash, now,
                        ])
                        stats.newVersions += 1
                    }
                }
                d = d.adding(days: 1)
            }
        }
        return stats
    }
}

public enum IndexJob {
    /// Latest-version fixings of the given grades through `to`, as the index engine reads them.
    static func loadPrices(_ db: Database, grades: Set<String>, through to: CivilDate) throws -> [String: [Int64: ConstituentPrice]] {
        var out: [String: [Int64: ConstituentPrice]] = [:]
        let rows = try Row.fetchCursor(db, sql: """
            SELECT f.grade_id, f.date, f.status, f.value, f.capacity_gpus FROM fixings f
            WHERE f.date <= ? AND f.version = (SELECT MAX(version) FROM fixings g WHERE g.grade_id = f.grade_id AND g.date = f.date)
            """, arguments: [to.description])
        while let r = try rows.next() {
            let g: String = r[0]
            guard grades.contains(g), let d = CivilDate(iso: r[1] as String), let st = FixingStatus(rawValue: r[2]) else { continue }
            out[g, default: [:]][d.dayNumber] = ConstituentPrice(value: r[3], status: st, capacityGPUs: r[4])
        }
        return out
    }

    /// Computes every defined index from its base date and stores the values for [from, to] (new
    /// versions only where something changed). Levels depend only on stored fixings, so the result is
    /// the same whatever order dates are computed in.
    public static func run(store: Store, defs: MethodologyDefinitions, from: CivilDate, to: CivilDate,
                           now: String = Timestamp.format(Int64(Date().timeIntervalSince1970))) throws -> PublishStats {
        var stats = PublishStats()
        try store.dbQueue.write { db in
            let prices = try loadPrices(db, grades: Set(defs.indices.flatMap(\.grades)), through: to)
            let latest = try db.makeStatement(sql: """
                SELECT version, status, level, inputs_hash, definition_hash FROM index_levels
                WHERE index_id = ? AND date = ? ORDER BY version DESC LIMIT 1
                """)
            let insert = try db.makeStatement(sql: """
                INSERT INTO index_levels (index_id, date, version, status, level, published, link_date, inputs_hash, definition_hash, computed_at)
                VALUES (?,?,?,?,?,?,?,?,?,?)
                """)
            let insertWeight = try db.makeStatement(sql: """
                INSERT INTO index_weights (index_id, date, version, grade_id, weight, link_price, price, held) VALUES (?,?,?,?,?,?,?,?)
                """)
            for def in defs.indices {
                let series = IndexEngine.compute(def, through: to, prices: { g, d in prices[g]?[d.dayNumber] },
                                                 performance: { g in performanceFactor(defs.reference, grade: g, basis: def.performanceBasis) })
                for v in series where v.date >= from {
                    stats.computed += 1
                    stats.byStatus[v.status.rawValue, default: 0] += 1
                    var h = FNV1a64()
                    for c in v.constituents {
                        h.add(c.grade); h.add(c.weight.bitPattern); h.add(c.linkPrice.bitPattern); h.add(c.price.bitPattern)
                    }
                    let inputs = String(h.value, radix: 16)
                    let prev = try Row.fetchOne(latest, arguments: [def.id, v.date.description])
                    if let prev, prev[1] as String == v.status.rawValue, (prev[2] as Double?)?.bitPattern == v.level?.bitPattern,
                       prev[3] as String == inputs, prev[4] as String == defs.indexHash { continue }
                    let version = (prev?[0] as Int? ?? 0) + 1
                    try insert.execute(arguments: [def.id, v.date.description, version, v.status.rawValue, v.level,
                                                   v.published(decimals: def.publishedDecimals), v.linkDate?.description,
                                                   inputs, defs.indexHash, now])
                    for c in v.constituents {
                        try insertWeight.execute(arguments: [def.id, v.date.description, version, c.grade, c.weight, c.linkPrice, c.price, c.held])
                    }
                    stats.newVersions += 1
                }
            }
        }
        return stats
    }

    /// The H100-equivalent factor of a grade's par chip (quality factor 1.0; else its first chip).
    public static func performanceFactor(_ ref: ReferenceData, grade: String, basis: PerformanceBasis = .bf16) -> Double {
        guard let g = ref.grades.grade(id: grade) else { return 1 }
        let par = g.chips.filter { $0.value == 1 }.keys.sorted().first ?? g.chips.keys.sorted().first!
        return ref.chips.chip(id: par).map { ref.chips.performanceFactor($0, basis: basis) } ?? 1
    }
}
