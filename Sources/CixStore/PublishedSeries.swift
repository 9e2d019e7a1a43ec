import CixCore
import Foundation
import GRDB

extension StoreSession {
    /// The latest version of every fixing dated `to` or earlier, key, status, value and capacity only, by
    /// grade then date (a fifth of the columns: the 96,000 fixings of a two-year store read in half the
    /// time), typed here at the store's edge.
    public func latestFixingValues(to: CivilDate) throws -> [FixingValue] {
        var out: [FixingValue] = []
        let rows = try Row.fetchCursor(db, sql: """
            SELECT grade_id, date, status, value, capacity_gpus, COALESCE(imputed_sources, '') != '' FROM fixings WHERE date <= ?
            ORDER BY grade_id, date, version
            """, arguments: [to.description])
        while let r = try rows.next() {
            let dateText: String = r[1], statusText: String = r[2]
            guard let date = CivilDate(iso: dateText), let status = FixingStatus(rawValue: statusText) else {
                throw DatabaseError(message: "fixings: \(r[0] as String) has an unreadable date or status (\(r[1] as String), \(r[2] as String))")
            }
            let f = FixingValue(grade: r[0], date: date, status: status, value: r[3], capacityGPUs: r[4], imputed: r[5])
            if let last = out.last, last.grade == f.grade, last.date == f.date { out[out.count - 1] = f } else { out.append(f) }
        }
        return out
    }

    /// The first date with a stored fixing (any version), by grade: where each grade's series starts (§5.5).
    public func firstFixingDates() throws -> [String: CivilDate] {
        var out: [String: CivilDate] = [:]
        for r in try Row.fetchAll(db, sql: "SELECT grade_id, MIN(date) FROM fixings GROUP BY grade_id") {
            if let t: String = r[1], let d = CivilDate(iso: t) { out[r[0]] = d }
        }
        return out
    }

    public func fixingPublisher(runID: Int64, computedAt: String, context: PublishContext? = nil) throws -> RecordPublisher<FixingRecord> {
        try publisher(FixingRecord.self, runID: runID, computedAt: computedAt, context: context)
    }

    public func indexLevelPublisher(runID: Int64, computedAt: String, context: PublishContext? = nil) throws -> RecordPublisher<IndexLevelRecord> {
        try publisher(IndexLevelRecord.self, runID: runID, computedAt: computedAt, context: context)
    }

    static func dateCondition(_ from: CivilDate?, _ to: CivilDate?) -> (String?, [DatabaseValueConvertible]) {
        var parts: [String] = []
        var args: [DatabaseValueConvertible] = []
        if let from { parts.append("t.date >= ?"); args.append(from.description) }
        if let to { parts.append("t.date <= ?"); args.append(to.description) }
        return (parts.isEmpty ? nil : parts.joined(separator: " AND "), args)
    }

    /// The latest version of every fixing with a date in [from, to] (of the given grades), by grade then date.
    public func latestFixings(from: CivilDate? = nil, to: CivilDate? = nil, grades: Set<String>? = nil, vintage: Vintage = .latest) throws -> [FixingRecord] {
        try latest(FixingRecord.self, from: from, to: to, series: grades.map { $0.sorted() }, vintage: vintage)
    }

    public func latestFixing(grade: String, date: CivilDate) throws -> FixingRecord? {
        try latest(FixingRecord.self, key: [grade, date.description])
    }

    /// Every stored version of a fixing, oldest first (the audit trail).
    public func fixingVersions(grade: String, date: CivilDate) throws -> [FixingRecord] {
        try versions(FixingRecord.self, key: [grade, date.description])
    }

    /// The latest version of every index level with a date in [from, to], by index then date.
    public func latestIndexLevels(from: CivilDate? = nil, to: CivilDate? = nil, vintage: Vintage = .latest) throws -> [IndexLevelRecord] {
        try latest(IndexLevelRecord.self, from: from, to: to, vintage: vintage)
    }

    public func latestIndexLevel(index: String, date: CivilDate) throws -> IndexLevelRecord? {
        try latest(IndexLevelRecord.self, key: [index, date.description])
    }

    /// The constituents of the latest version of every index level in [from, to], by index, date, grade.
    public func latestIndexWeights(from: CivilDate? = nil, to: CivilDate? = nil, vintage: Vintage = .latest) throws -> [IndexWeightRecord] {
        let (cond, args) = StoreSession.dateCondition(from, to)
        let levels = SeriesTable(IndexLevelRecord.schema).latestSQL(columns: ["index_id", "date", "version"], where: cond, vintage: vintage)
        return try Row.fetchAll(db, sql: """
            SELECT w.index_id, w.date, w.version, w.grade_id, w.weight, w.link_price, w.price, w.held
            FROM (\(levels)) l JOIN index_weights w ON w.index_id = l.index_id AND w.date = l.date AND w.version = l.version
            ORDER BY w.index_id, w.date, w.grade_id
            """, arguments: StatementArguments(args)).map {
            IndexWeightRecord(index: $0[0], date: $0[1], version: $0[2], grade: $0[3], weight: $0[4], linkPrice: $0[5], price: $0[6],
                              held: ($0[7] as Int) != 0)
        }
    }
}
