import CixCore
import Foundation
import GRDB

/// A stored fixing (METHODOLOGY.md §5): one version of one grade and date.
public struct FixingRecord: Sendable, Hashable {
    public var grade: String
    public var date: String
    public var version: Int = 0
    public var status: String
    public var value: Double?
    public var published: String?
    public var offers: Int
    public var sources: Int
    public var outliers: Int?
    public var p25: Double?
    public var p75: Double?
    public var min: Double?
    public var max: Double?
    public var ciLow: Double?
    public var ciHigh: Double?
    public var capacityGPUs: Double
    public var carriedFrom: String?
    /// §5.8 (1.2): live sources in the fixing; the imputed ones as `name:age` (fixing dates since their
    /// last live window) joined by `;`; the panel changes of the date as `kind: name` joined by `; `.
    public var liveSources: Int?
    public var imputedSources: String?
    public var panelChanges: String?
    public var inputsHash: String?
    public var definitionHash: String
    public var runID: Int64 = 0

    public init(grade: String, date: String, status: String, value: Double?, published: String?, offers: Int, sources: Int,
                outliers: Int?, p25: Double?, p75: Double?, min: Double?, max: Double?, ciLow: Double?, ciHigh: Double?,
                capacityGPUs: Double, carriedFrom: String?, liveSources: Int? = nil, imputedSources: String? = nil,
                panelChanges: String? = nil, inputsHash: String?, definitionHash: String) {
        self.liveSources = liveSources
        self.imputedSources = imputedSources
        self.panelChanges = panelChanges
        self.grade = grade
        self.date = date
        self.status = status
        self.value = value
        self.published = published
        self.offers = offers
        self.sources = sources
        self.outliers = outliers
        self.p25 = p25
        self.p75 = p75
        self.min = min
        self.max = max
        self.ciLow = ciLow
        self.ciHigh = ciHigh
        self.capacityGPUs = capacityGPUs
        self.carriedFrom = carriedFrom
        self.inputsHash = inputsHash
        self.definitionHash = definitionHash
    }

    var values: [DatabaseValueConvertible?] {
        [status, value, published, offers, sources, outliers, p25, p75, min, max, ciLow, ciHigh, capacityGPUs, carriedFrom, liveSources,
         imputedSources, panelChanges, inputsHash, definitionHash]
    }

    static let columns = ["grade_id", "date", "version"] + SeriesTable.fixings.values + ["run_id"]

    init(row r: Row) {
        grade = r[0]; date = r[1]; version = r[2]; status = r[3]; value = r[4]; published = r[5]; offers = r[6]; sources = r[7]
        outliers = r[8]; p25 = r[9]; p75 = r[10]; min = r[11]; max = r[12]; ciLow = r[13]; ciHigh = r[14]; capacityGPUs = r[15]
        carriedFrom = r[16]; liveSources = r[17]; imputedSources = r[18]; panelChanges = r[19]; inputsHash = r[20]; definitionHash = r[21]
        runID = r[22]
    }
}

/// A stored index level (§6).
public struct IndexLevelRecord: Sendable, Hashable {
    public var index: String
    public var date: String
    public var version: Int = 0
    public var status: String
    public var level: Double?
    public var published: String?
    public var linkDate: String?
    public var inputsHash: String
    public var definitionHash: String
    public var runID: Int64 = 0

    public init(index: String, date: String, status: String, level: Double?, published: String?, linkDate: String?,
                inputsHash: String, definitionHash: String) {
        self.index = index
        self.date = date
        self.status = status
        self.level = level
        self.published = published
        self.linkDate = linkDate
        self.inputsHash = inputsHash
        self.definitionHash = definitionHash
    }

    var values: [DatabaseValueConvertible?] { [status, level, published, linkDate, inputsHash, definitionHash] }

    static let columns = ["index_id", "date", "version"] + SeriesTable.indexLevels.values + ["run_id"]

    init(row r: Row) {
        index = r[0]; date = r[1]; version = r[2]; status = r[3]; level = r[4]; published = r[5]; linkDate = r[6]
        inputsHash = r[7]; definitionHash = r[8]; runID = r[9]
    }
}

/// A constituent of an index level (§6.4), stored with the level's version.
public struct IndexWeightRecord: Sendable, Hashable {
    public var index: String
    public var date: String
    public var version: Int
    public var grade: String
    public var weight: Double
    public var linkPrice: Double
    public var price: Double
    public var held: Bool

    public init(index: String, date: String, version: Int = 0, grade: String, weight: Double, linkPrice: Double, price: Double, held: Bool) {
        self.index = index
        self.date = date
        self.version = version
        self.grade = grade
        self.weight = weight
        self.linkPrice = linkPrice
        self.price = price
        self.held = held
    }
}

/// Publishes fixings through the one publication helper.
public typealias FixingPublisher = RecordPublisher<FixingRecord>

/// Publishes index levels (with their constituents) through the one publication helper.
public final class IndexLevelPublisher {
    let series: SeriesPublisher
    lazy var weight: Statement? = try? series.db.makeStatement(sql: """
        INSERT INTO index_weights (index_id, date, version, grade_id, weight, link_price, price, held, run_id) VALUES (?,?,?,?,?,?,?,?,?)
        """)
    init(_ s: SeriesPublisher) throws { series = s }
    public var written: Int { series.written }
    public var unchanged: Int { series.unchanged }
    public var restated: Int { series.restated }
    public var held: Int { series.held }

    /// What publishing it would do (§9.2), without writing.
    public func decide(_ l: IndexLevelRecord) throws -> PublishDecision { try series.decide(key: [l.index, l.date], values: l.values).decision }

    @discardableResult public func publish(_ l: IndexLevelRecord, constituents: [IndexWeightRecord], hold: Bool = false) throws -> Bool {
        guard let v = try series.publish(key: [l.index, l.date], values: l.values, hold: hold) else { return false }
        guard let weight else { throw DatabaseError(message: "cannot prepare the insert into index_weights") }
        for c in constituents {
            try weight.execute(arguments: [l.index, l.date, v, c.grade, c.weight, c.linkPrice, c.price, c.held, series.runID])
        }
        return true
    }
}

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

    public func fixingPublisher(runID: Int64, computedAt: String, context: PublishContext? = nil) throws -> FixingPublisher {
        RecordPublisher(try SeriesPublisher(db: db, table: .fixings, runID: runID, computedAt: computedAt, context: context),
                        key: { [$0.grade, $0.date] }, values: { $0.values })
    }

    public func indexLevelPublisher(runID: Int64, computedAt: String, context: PublishContext? = nil) throws -> IndexLevelPublisher {
        try IndexLevelPublisher(try SeriesPublisher(db: db, table: .indexLevels, runID: runID, computedAt: computedAt, context: context))
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
        var (cond, args) = StoreSession.dateCondition(from, to)
        if let grades {
            let list = grades.sorted()
            cond = (cond.map { $0 + " AND " } ?? "") + "t.grade_id IN (\(list.map { _ in "?" }.joined(separator: ",")))"
            args += list as [DatabaseValueConvertible]
        }
        // A cursor decodes each row from the statement (a copied row measured 4× slower on 96,000 fixings).
        var out: [FixingRecord] = []
        if vintage == .latest {
            // Every version in key order, the last of each key kept: one pass over the primary key (a
            // subquery per row measured twice as slow on the 96,000 fixings of a two-year store).
            let sql = "SELECT \(FixingRecord.columns.map { "t.\($0)" }.joined(separator: ", ")) FROM fixings t"
                + (cond.map { " WHERE " + $0 } ?? "") + " ORDER BY t.grade_id, t.date, t.version"
            let rows = try Row.fetchCursor(db, sql: sql, arguments: StatementArguments(args))
            while let r = try rows.next() {
                let f = FixingRecord(row: r)
                if let last = out.last, last.grade == f.grade, last.date == f.date { out[out.count - 1] = f } else { out.append(f) }
            }
            return out
        }
        let rows = try Row.fetchCursor(db, sql: SeriesTable.fixings.latestSQL(columns: FixingRecord.columns, where: cond, vintage: vintage),
                                       arguments: StatementArguments(args))
        while let r = try rows.next() { out.append(FixingRecord(row: r)) }
        return out
    }

    public func latestFixing(grade: String, date: CivilDate) throws -> FixingRecord? {
        try Row.fetchOne(db, sql: SeriesTable.fixings.latestSQL(columns: FixingRecord.columns, where: "t.grade_id = ? AND t.date = ?"),
                         arguments: [grade, date.description]).map(FixingRecord.init(row:))
    }

    /// Every stored version of a fixing, oldest first (the audit trail).
    public func fixingVersions(grade: String, date: CivilDate) throws -> [FixingRecord] {
        try Row.fetchAll(db, sql: "SELECT \(FixingRecord.columns.joined(separator: ", ")) FROM fixings WHERE grade_id = ? AND date = ? ORDER BY version",
                         arguments: [grade, date.description]).map(FixingRecord.init(row:))
    }

    /// The latest version of every index level with a date in [from, to], by index then date.
    public func latestIndexLevels(from: CivilDate? = nil, to: CivilDate? = nil, vintage: Vintage = .latest) throws -> [IndexLevelRecord] {
        let (cond, args) = StoreSession.dateCondition(from, to)
        return try Row.fetchAll(db, sql: SeriesTable.indexLevels.latestSQL(columns: IndexLevelRecord.columns, where: cond, vintage: vintage),
                                arguments: StatementArguments(args)).map(IndexLevelRecord.init(row:))
    }

    public func latestIndexLevel(index: String, date: CivilDate) throws -> IndexLevelRecord? {
        try Row.fetchOne(db, sql: SeriesTable.indexLevels.latestSQL(columns: IndexLevelRecord.columns, where: "t.index_id = ? AND t.date = ?"),
                         arguments: [index, date.description]).map(IndexLevelRecord.init(row:))
    }

    /// The constituents of the latest version of every index level in [from, to], by index, date, grade.
    public func latestIndexWeights(from: CivilDate? = nil, to: CivilDate? = nil, vintage: Vintage = .latest) throws -> [IndexWeightRecord] {
        let (cond, args) = StoreSession.dateCondition(from, to)
        let levels = SeriesTable.indexLevels.latestSQL(columns: ["index_id", "date", "version"], where: cond, vintage: vintage)
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
