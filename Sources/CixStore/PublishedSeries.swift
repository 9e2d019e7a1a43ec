import CixCore
import Foundation
import GRDB

/// What the later stages read of a fixing (§6, §7.4): its key, status, value and capacity.
public protocol FixingPoint {
    var grade: String { get }
    var date: String { get }
    var status: String { get }
    var value: Double? { get }
    var capacityGPUs: Double { get }
}

extension FixingRecord: FixingPoint {}

/// A fixing's key, status, value and capacity only (the daily job reads the whole history of them).
public struct FixingValue: FixingPoint, Sendable, Hashable {
    public var grade: String
    public var date: String
    public var status: String
    public var value: Double?
    public var capacityGPUs: Double

    public init(_ r: some FixingPoint) {
        grade = r.grade
        date = r.date
        status = r.status
        value = r.value
        capacityGPUs = r.capacityGPUs
    }

    init(grade: String, date: String, status: String, value: Double?, capacityGPUs: Double) {
        self.grade = grade
        self.date = date
        self.status = status
        self.value = value
        self.capacityGPUs = capacityGPUs
    }
}

extension StoreSession {
    /// The latest version of every fixing dated `to` or earlier, key, status, value and capacity only, by
    /// grade then date (a fifth of the columns: the 96,000 fixings of a two-year store read in half the time).
    public func latestFixingValues(to: CivilDate) throws -> [FixingValue] {
        var out: [FixingValue] = []
        let rows = try Row.fetchCursor(db, sql: """
            SELECT grade_id, date, status, value, capacity_gpus FROM fixings WHERE date <= ? ORDER BY grade_id, date, version
            """, arguments: [to.description])
        while let r = try rows.next() {
            let f = FixingValue(grade: r[0], date: r[1], status: r[2], value: r[3], capacityGPUs: r[4])
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
