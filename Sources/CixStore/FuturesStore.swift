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

/// A stored curve point (§7.4).
public struct CurveRecord: Sendable, Hashable {
    public var root: String
    public var date: String
    public var contract: String
    public var version: Int = 0
    public var monthsAhead: Int
    public var price: Double?
    public var published: String?
    public var warnings: String
    public var inputsHash: String
    public var definitionHash: String

    public init(root: String, date: String, contract: String, monthsAhead: Int, price: Double?, published: String?, warnings: String,
                inputsHash: String, definitionHash: String) {
        self.root = root
        self.date = date
        self.contract = contract
        self.monthsAhead = monthsAhead
        self.price = price
        self.published = published
        self.warnings = warnings
        self.inputsHash = inputsHash
        self.definitionHash = definitionHash
    }
}

/// A stored rolling futures index day (§7.5–§7.7).
public struct FuturesIndexRecord: Sendable, Hashable {
    public var index: String
    public var date: String
    public var version: Int = 0
    public var status: String
    public var er: Double
    public var tr: Double
    public var cdr: Double
    public var tbr: Double
    public var tbillRate: Double?
    public var holdings: String
    public var settlementSource: String
    public var rollYield: Double?
    public var erPublished: String?
    public var trPublished: String?
    public var inputsHash: String
    public var definitionHash: String

    public init(index: String, date: String, status: String, er: Double, tr: Double, cdr: Double, tbr: Double, tbillRate: Double?,
                holdings: String, settlementSource: String, rollYield: Double?, erPublished: String?, trPublished: String?,
                inputsHash: String, definitionHash: String) {
        self.index = index
        self.date = date
        self.status = status
        self.er = er
        self.tr = tr
        self.cdr = cdr
        self.tbr = tbr
        self.tbillRate = tbillRate
        self.holdings = holdings
        self.settlementSource = settlementSource
        self.rollYield = rollYield
        self.erPublished = erPublished
        self.trPublished = trPublished
        self.inputsHash = inputsHash
        self.definitionHash = definitionHash
    }
}

/// Publishes one series' records through the one publication helper.
public final class RecordPublisher<R> {
    let series: SeriesPublisher
    let key: (R) -> [DatabaseValueConvertible?]
    let values: (R) -> [DatabaseValueConvertible?]
    init(_ s: SeriesPublisher, key: @escaping (R) -> [DatabaseValueConvertible?], values: @escaping (R) -> [DatabaseValueConvertible?]) {
        series = s
        self.key = key
        self.values = values
    }
    public var written: Int { series.written }
    public var unchanged: Int { series.unchanged }
    public var restated: Int { series.restated }
    public var held: Int { series.held }
    /// True when a new version was written.
    @discardableResult public func publish(_ r: R, hold: Bool = false) throws -> Bool {
        try series.publish(key: key(r), values: values(r), hold: hold) != nil
    }
    /// What publishing it would do (§9.2), without writing.
    public func decide(_ r: R) throws -> PublishDecision { try series.decide(key: key(r), values: values(r)).decision }
}

extension StoreSession {
    public func settlementPublisher(runID: Int64, computedAt: String, context: PublishContext? = nil) throws -> RecordPublisher<SettlementRecord> {
        RecordPublisher(try SeriesPublisher(db: db, table: .settlements, runID: runID, computedAt: computedAt, context: context),
                        key: { [$0.contract, $0.date] }, values: { [$0.settle, $0.volume, $0.openInterest, $0.sourcePath] })
    }

    public func curvePublisher(runID: Int64, computedAt: String, context: PublishContext? = nil) throws -> RecordPublisher<CurveRecord> {
        RecordPublisher(try SeriesPublisher(db: db, table: .curves, runID: runID, computedAt: computedAt, context: context),
                        key: { [$0.root, $0.date, $0.contract] },
                        values: { [$0.monthsAhead, $0.price, $0.published, $0.warnings, $0.inputsHash, $0.definitionHash] })
    }

    public func futuresIndexPublisher(runID: Int64, computedAt: String, context: PublishContext? = nil) throws -> RecordPublisher<FuturesIndexRecord> {
        RecordPublisher(try SeriesPublisher(db: db, table: .futuresIndexLevels, runID: runID, computedAt: computedAt, context: context),
                        key: { [$0.index, $0.date] },
                        values: { [$0.status, $0.er, $0.tr, $0.cdr, $0.tbr, $0.tbillRate, $0.holdings, $0.settlementSource, $0.rollYield,
                                   $0.erPublished, $0.trPublished, $0.inputsHash, $0.definitionHash] })
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
        let (cond, args) = StoreSession.dateCondition(from, to)
        return try Row.fetchAll(db, sql: SeriesTable.curves.latestSQL(
            columns: ["root", "date", "contract", "version", "months_ahead", "price", "published", "warnings", "inputs_hash", "definition_hash"],
            where: cond, vintage: vintage), arguments: StatementArguments(args)).map {
            var r = CurveRecord(root: $0[0], date: $0[1], contract: $0[2], monthsAhead: $0[4], price: $0[5], published: $0[6],
                                warnings: $0[7], inputsHash: $0[8], definitionHash: $0[9])
            r.version = $0[3]
            return r
        }
    }

    public func latestFuturesIndexLevels(from: CivilDate? = nil, to: CivilDate? = nil, vintage: Vintage = .latest) throws -> [FuturesIndexRecord] {
        let (cond, args) = StoreSession.dateCondition(from, to)
        let cols = ["index_id", "date", "version"] + SeriesTable.futuresIndexLevels.values
        return try Row.fetchAll(db, sql: SeriesTable.futuresIndexLevels.latestSQL(columns: cols, where: cond, vintage: vintage),
                                arguments: StatementArguments(args)).map {
            var r = FuturesIndexRecord(index: $0[0], date: $0[1], status: $0[3], er: $0[4], tr: $0[5], cdr: $0[6], tbr: $0[7],
                                       tbillRate: $0[8], holdings: $0[9], settlementSource: $0[10], rollYield: $0[11],
                                       erPublished: $0[12], trPublished: $0[13], inputsHash: $0[14], definitionHash: $0[15])
            r.version = $0[2]
            return r
        }
    }
}

/// A stored fund NAV day (§8.3).
public struct FundNAVRecord: Sendable, Hashable {
    public var fund: String
    public var date: String
    public var version: Int = 0
    public var status: String
    public var navPerShare: Double
    public var navPublished: String?
    public var sharesOutstanding: Double
    public var netAssets: Double
    public var cash: Double
    public var futuresGain: Double
    public var interest: Double
    public var feeAccrued: Double
    public var feePaid: Double
    public var transactionCosts: Double
    public var contractsTraded: Double
    public var positions: String
    public var trackingDifference: Double?
    public var definitionHash: String

    public init(fund: String, date: String, status: String, navPerShare: Double, navPublished: String?, sharesOutstanding: Double,
                netAssets: Double, cash: Double, futuresGain: Double, interest: Double, feeAccrued: Double, feePaid: Double,
                transactionCosts: Double, contractsTraded: Double, positions: String, trackingDifference: Double?, definitionHash: String) {
        self.fund = fund
        self.date = date
        self.status = status
        self.navPerShare = navPerShare
        self.navPublished = navPublished
        self.sharesOutstanding = sharesOutstanding
        self.netAssets = netAssets
        self.cash = cash
        self.futuresGain = futuresGain
        self.interest = interest
        self.feeAccrued = feeAccrued
        self.feePaid = feePaid
        self.transactionCosts = transactionCosts
        self.contractsTraded = contractsTraded
        self.positions = positions
        self.trackingDifference = trackingDifference
        self.definitionHash = definitionHash
    }

    var values: [DatabaseValueConvertible?] {
        [status, navPerShare, navPublished, sharesOutstanding, netAssets, cash, futuresGain, interest, feeAccrued, feePaid,
         transactionCosts, contractsTraded, positions, trackingDifference, definitionHash]
    }
}

extension StoreSession {
    public func fundNAVPublisher(runID: Int64, computedAt: String, context: PublishContext? = nil) throws -> RecordPublisher<FundNAVRecord> {
        RecordPublisher(try SeriesPublisher(db: db, table: .fundNAV, runID: runID, computedAt: computedAt, context: context),
                        key: { [$0.fund, $0.date] }, values: { $0.values })
    }

    public func latestFundNAV(fund: String? = nil, from: CivilDate? = nil, to: CivilDate? = nil, vintage: Vintage = .latest) throws -> [FundNAVRecord] {
        var (cond, args) = StoreSession.dateCondition(from, to)
        if let fund {
            cond = (cond.map { $0 + " AND " } ?? "") + "t.fund_id = ?"
            args.append(fund)
        }
        let cols = ["fund_id", "date", "version"] + SeriesTable.fundNAV.values
        return try Row.fetchAll(db, sql: SeriesTable.fundNAV.latestSQL(columns: cols, where: cond, vintage: vintage), arguments: StatementArguments(args)).map {
            var r = FundNAVRecord(fund: $0[0], date: $0[1], status: $0[3], navPerShare: $0[4], navPublished: $0[5], sharesOutstanding: $0[6],
                                  netAssets: $0[7], cash: $0[8], futuresGain: $0[9], interest: $0[10], feeAccrued: $0[11], feePaid: $0[12],
                                  transactionCosts: $0[13], contractsTraded: $0[14], positions: $0[15], trackingDifference: $0[16],
                                  definitionHash: $0[17])
            r.version = $0[2]
            return r
        }
    }
}
