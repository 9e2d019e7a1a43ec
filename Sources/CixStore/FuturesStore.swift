import CixCore
import Foundation
import GRDB

/// A stored exchange settlement (§7.3).
public struct SettlementRecord: Sendable, Hashable {
    public var contract: String
    public var date: String
    public var version: Int = 0
    public var settle: Double
    public var volume: Int?
    public var openInterest: Int?
    public var sourcePath: String

    public init(contract: String, date: String, settle: Double, volume: Int?, openInterest: Int?, sourcePath: String) {
        self.contract = contract
        self.date = date
        self.settle = settle
        self.volume = volume
        self.openInterest = openInterest
        self.sourcePath = sourcePath
    }
}

extension StoreSession {
    public func settlementPublisher(runID: Int64, computedAt: String, context: PublishContext? = nil) throws -> RecordPublisher<SettlementRecord> {
        RecordPublisher(try SeriesPublisher(db: db, table: .settlements, runID: runID, computedAt: computedAt, context: context),
                        key: { [$0.contract, $0.date] }, values: { [$0.settle, $0.volume, $0.openInterest, $0.sourcePath] })
    }

    public func curvePublisher(runID: Int64, computedAt: String, context: PublishContext? = nil) throws -> RecordPublisher<CurveRecord> {
        try publisher(CurveRecord.self, runID: runID, computedAt: computedAt, context: context)
    }

    public func futuresIndexPublisher(runID: Int64, computedAt: String, context: PublishContext? = nil) throws -> RecordPublisher<FuturesIndexRecord> {
        try publisher(FuturesIndexRecord.self, runID: runID, computedAt: computedAt, context: context)
    }

    /// Records a non-quote input file (settlements, rates) as an ingest batch, and its rejects.
    public func recordInputFile(path: String, format: String, startedAt: String, rowsRead: Int, accepted: Int, duplicates: Int,
                                rejects: [(line: Int, field: String, reason: String, original: String)]) throws -> Int64 {
        try db.execute(sql: """
            INSERT INTO ingest_batches (source_path, format, started_at, finished_at, rows_read, accepted, duplicates, rejected)
            VALUES (?,?,?,?,?,?,?,?)
            """, arguments: [path, format, startedAt, startedAt, rowsRead, accepted, duplicates, rejects.count])
        let id = db.lastInsertedRowID
        let st = try db.makeStatement(sql: "INSERT OR IGNORE INTO rejects (batch_id, line, field, reason, original, identity) VALUES (?,?,?,?,?,?)")
        for r in rejects {
            try st.execute(arguments: [id, r.line, r.field, r.reason, r.original, rejectIdentity([format, r.field, r.reason, r.original])])
        }
        return id
    }

    public func insertRates(_ rates: [(date: String, rate: Double)], sourcePath: String, at: String) throws {
        let st = try db.makeStatement(sql: "INSERT INTO rates (date, rate, source_path, ingested_at) VALUES (?,?,?,?)")
        for r in rates { try st.execute(arguments: [r.date, r.rate, sourcePath, at]) }
    }

    /// Rates by date (percent), the latest ingest winning.
    public func rates() throws -> [String: Double] {
        var out: [String: Double] = [:]
        for r in try Row.fetchAll(db, sql: "SELECT date, rate FROM rates ORDER BY id") { out[r[0]] = r[1] }
        return out
    }

    public func latestSettlements(from: CivilDate? = nil, to: CivilDate? = nil, vintage: Vintage = .latest) throws -> [SettlementRecord] {
        let (cond, args) = StoreSession.dateCondition(from, to)
        return try Row.fetchAll(db, sql: SeriesTable.settlements.latestSQL(
            columns: ["contract", "date", "version", "settle", "volume", "open_interest", "source_path"], where: cond, vintage: vintage),
                                arguments: StatementArguments(args)).map {
            var r = SettlementRecord(contract: $0[0], date: $0[1], settle: $0[3], volume: $0[4], openInterest: $0[5], sourcePath: $0[6])
            r.version = $0[2]
            return r
        }
    }

    public func latestCurves(from: CivilDate? = nil, to: CivilDate? = nil, vintage: Vintage = .latest) throws -> [CurveRecord] {
        try latest(CurveRecord.self, from: from, to: to, vintage: vintage)
    }

    public func latestFuturesIndexLevels(from: CivilDate? = nil, to: CivilDate? = nil, vintage: Vintage = .latest) throws -> [FuturesIndexRecord] {
        try latest(FuturesIndexRecord.self, from: from, to: to, vintage: vintage)
    }
}

extension StoreSession {
    public func fundNAVPublisher(runID: Int64, computedAt: String, context: PublishContext? = nil) throws -> RecordPublisher<FundNAVRecord> {
        try publisher(FundNAVRecord.self, runID: runID, computedAt: computedAt, context: context)
    }

    public func latestFundNAV(fund: String? = nil, from: CivilDate? = nil, to: CivilDate? = nil, vintage: Vintage = .latest) throws -> [FundNAVRecord] {
        try latest(FundNAVRecord.self, from: from, to: to, series: fund.map { [$0] }, vintage: vintage)
    }
}
