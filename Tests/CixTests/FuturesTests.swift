@testable import CixApp
@testable import CixCore
@testable import CixIO
import CixStore
import Foundation
import GRDB
import Testing

/// METHODOLOGY.md §7: contracts, the T-bill return, the roll, ER/TR, disruption, the model curve and
/// settlement rejects, each against numbers computed by hand or published.
@Suite struct FuturesTests {
    /// §7.1 tickers: root + month code + two-digit year; CXHJ26 is April 2026.
    @Test func tickersAndListing() {
        let c = Contract(root: "CXH", month: ContractMonth(year: 2026, month: 4))
        #expect(c.ticker == "CXHJ26")
        #expect(Contract.parse("CXHJ26", roots: ["CXH", "CX"]) == c)
        #expect(Contract.parse("CXHZ30", roots: ["CXH"])?.month == ContractMonth(year: 2030, month: 12))
        #expect(Contract.parse("CXHA26", roots: ["CXH"]) == nil && Contract.parse("CXHJ2X", roots: ["CXH"]) == nil)
        // April 2026 ends on a Thursday the 30th: its last trading day.
        #expect(c.lastTradingDay(.weekdays) == CivilDate(iso: "2026-04-30"))
        #expect(c.isListed(on: CivilDate(iso: "2026-04-30")!, listedMonths: 12, calendar: .weekdays))
        #expect(!c.isListed(on: CivilDate(iso: "2026-05-01")!, listedMonths: 12, calendar: .weekdays))
        #expect(!c.isListed(on: CivilDate(iso: "2025-04-30")!, listedMonths: 12, calendar: .weekdays), "13 months ahead")
    }

    /// §7.6, the S&P GSCI test vectors: a 91-day bill at 4.230% is 98.930750 per 100, at 0.075%
    /// 99.981042; TBR at 4.23% is 0.000118139676 (1 day) and 0.000354460902 (3 days); at 0.075%
    /// 0.000002083533 and 0.000006250612.
    @Test(arguments: [(0.0423, 98.930750, 0.000118139676, 0.000354460902), (0.00075, 99.981042, 0.000002083533, 0.000006250612)])
    func tbillVectors(rate: Double, price: Double, oneDay: Double, threeDays: Double) {
        #expect(abs(TBill.price(discountRate: rate) - price) < 5e-7)
        #expect(abs(TBill.returnOver(days: 1, discountRate: rate) - oneDay) < 5e-13)
        #expect(abs(TBill.returnOver(days: 3, discountRate: rate) - threeDays) < 5e-13)
    }

    /// A calendar with a holiday on Tuesday 2026-03-10: March's business days 5–9 are Fri 6, Mon 9,
    /// Wed 11, Thu 12, Fri 13: the roll spans a weekend and a listed holiday.
    let calendar = BusinessCalendar(name: "test", holidays: [CivilDate(iso: "2026-03-10")!])
    func index(_ schedule: RollingIndexDefinition.Schedule = .front, base: String = "2026-03-05") -> RollingIndexDefinition {
        RollingIndexDefinition(id: "T", name: "T", futures: "CXH", schedule: schedule, baseDate: CivilDate(iso: base)!)
    }

    /// §7.5: in March the front index holds April (J26) and rolls into May (K26) 20% a day after the
    /// close of business days 5–9: 80/20, 60/40, 40/60, 20/80, 0/100.
    @Test func rollWeightsOverBusinessDaysFiveToNine() {
        let v = RollingIndexEngine.compute(index(), root: "CXH", calendar: calendar, through: CivilDate(iso: "2026-03-16")!,
                                           price: { _, _ in ContractPrice(value: 10, exchange: true) }, rate: { _ in nil }, spot: { _ in nil })
        let byDate = Dictionary(uniqueKeysWithValues: v.map { ($0.date.description, $0.holdingsText) })
        #expect(byDate["2026-03-05"] == "CXHJ26:1.0")
        #expect(byDate["2026-03-06"] == "CXHJ26:0.8 CXHK26:0.2")
        #expect(byDate["2026-03-09"] == "CXHJ26:0.6 CXHK26:0.4")
        #expect(byDate["2026-03-10"] == nil, "a holiday: no index day")
        #expect(byDate["2026-03-11"] == "CXHJ26:0.4 CXHK26:0.6")
        #expect(byDate["2026-03-12"] == "CXHJ26:0.19999999999999996 CXHK26:0.8")
        #expect(byDate["2026-03-13"] == "CXHK26:1.0")
        #expect(byDate["2026-03-16"] == "CXHK26:1.0")
        #expect(RollCalendar.businessDayOfMonth(CivilDate(iso: "2026-03-11")!, calendar: calendar) == 7)
    }

    /// §7.6 by hand across the roll: J26 at 10.0 10.1 10.2 10.3 10.4 10.5 and K26 at 11.0 11.2 11.4 11.6
    /// 11.8 12.0 on Mar 5, 6, 9, 11, 12, 13. Each day's return is earned on the previous close's holdings:
    /// Mar 6 10.1/10.0; Mar 9 (.8×10.2 + .2×11.4)/(.8×10.1 + .2×11.2) = 10.44/10.32; Mar 11 10.82/10.68;
    /// Mar 12 11.24/11.08; Mar 13 11.70/11.52: ER = 100 × 1.01 × 10.44/10.32 × 10.82/10.68 × 11.24/11.08
    /// × 11.70/11.52 = 106.6493263893835. TR adds TBR at 4.23% over the calendar days (3 over the
    /// weekend, 2 over the holiday).
    @Test func excessAndTotalReturnAcrossARollByHand() {
        let days = ["2026-03-05", "2026-03-06", "2026-03-09", "2026-03-11", "2026-03-12", "2026-03-13"].map { CivilDate(iso: $0)! }
        let j = [10.0, 10.1, 10.2, 10.3, 10.4, 10.5], k = [11.0, 11.2, 11.4, 11.6, 11.8, 12.0]
        let v = RollingIndexEngine.compute(index(), root: "CXH", calendar: calendar, through: days.last!, price: { c, d in
            guard let i = days.firstIndex(of: d) else { return nil }
            return ContractPrice(value: c.month.month == 4 ? j[i] : k[i], exchange: true)
        }, rate: { _ in 4.23 }, spot: { _ in nil })
        #expect(v.map(\.date) == days)
        #expect(abs(v.last!.er - 106.6493263893835) < 1e-10)
        var tr = 100.0
        var er = 100.0
        for (i, x) in v.enumerated().dropFirst() {
            let dt = Int(x.date.dayNumber - v[i - 1].date.dayNumber)
            let cdr = x.er / er - 1
            er = x.er
            tr *= 1 + cdr + TBill.returnOver(days: dt, discountRate: 0.0423)
            #expect(abs(x.tbr - TBill.returnOver(days: dt, discountRate: 0.0423)) < 1e-15)
        }
        #expect(abs(v.last!.tr - tr) < 1e-10)
        #expect(v[2].tbr > 2.9 * v[1].tbr, "Mar 6 → Mar 9 earns three days")
    }

    /// §7.6: contango with a flat spot costs the roll: each month every contract's price falls 2% of spot
    /// as it comes one month closer (price = spot × (1 + 0.02 × months ahead)), so each month change
    /// costs 1.02/1.04: ER after one month = 100 × 1.02/1.04 = 98.0769…; backwardation (−2%) gains
    /// 0.98/0.96 = 102.0833….
    @Test(arguments: [(0.02, 98.07692307692308), (-0.02, 102.08333333333334)])
    func contangoCostsAndBackwardationPays(slope: Double, expected: Double) {
        let v = RollingIndexEngine.compute(index(base: "2026-03-16"), root: "CXH", calendar: .weekdays, through: CivilDate(iso: "2026-04-01")!,
                                           price: { c, d in
            ContractPrice(value: 2.0 * (1 + slope * Double(c.month.months(since: ContractMonth(d)))), exchange: true)
        }, rate: { _ in nil }, spot: { _ in 2.0 })
        #expect(v.first!.holdingsText == "CXHK26:1.0")
        #expect(abs(v.last!.er - expected) < 1e-10, "\(v.last!.er)")
        #expect(v.last!.rollYield! == v.last!.cdr, "flat spot: the whole return is roll yield")
    }

    /// §7.7: K26 has no price on Wednesday Mar 11: the day is `disrupted`, its last price is used, and
    /// its roll share waits: the holdings stay 60/40 and Thursday takes both shares (20/80).
    @Test func aDisruptionPostponesTheRollShare() {
        let v = RollingIndexEngine.compute(index(), root: "CXH", calendar: calendar, through: CivilDate(iso: "2026-03-13")!, price: { c, d in
            if c.month.month == 5 && d == CivilDate(iso: "2026-03-11")! { return nil }
            return ContractPrice(value: c.month.month == 4 ? 10 : 11, exchange: true)
        }, rate: { _ in nil }, spot: { _ in nil })
        let byDate = Dictionary(uniqueKeysWithValues: v.map { ($0.date.description, $0) })
        #expect(byDate["2026-03-11"]!.status == .disrupted)
        #expect(byDate["2026-03-11"]!.holdingsText == "CXHJ26:0.6 CXHK26:0.4")
        #expect(byDate["2026-03-12"]!.status == .ok && byDate["2026-03-12"]!.holdingsText == "CXHJ26:0.19999999999999996 CXHK26:0.8")
        #expect(byDate["2026-03-13"]!.holdingsText == "CXHK26:1.0")
        #expect(v.allSatisfy { $0.er == 100 }, "constant prices: no return")
    }

    /// §7.4 strip bootstrap by hand: term averages 2.0 (1 month), 1.9 (3), 1.8 (6), 1.7 (12) give
    /// forwards 2.0, (1.9×3 − 2.0×1)/2 = 1.85, (1.8×6 − 1.9×3)/3 = 1.7, (1.7×12 − 1.8×6)/6 = 1.6;
    /// anchored to a spot of 2.5: month 0 = 2.5, month 1 = 2.5 × 1.85/2.0 = 2.3125, month 4 = 2.5 × 1.7/2.0.
    @Test func stripBootstrapAndAnchoringByHand() {
        let c = ForwardCurve(strip: [TermPoint(months: 1, price: 2.0), TermPoint(months: 3, price: 1.9), TermPoint(months: 6, price: 1.8),
                                     TermPoint(months: 12, price: 1.7)], spot: 2.5)
        let f = c.segments.map(\.forward)
        for (x, y) in zip(f, [2.0, 1.85, 1.7, 1.6]) { #expect(abs(x - y) < 1e-12, "\(f)") }
        #expect(c.warnings.isEmpty)
        #expect(c.forward(monthsAhead: 0) == 2.5)
        #expect(abs(c.forward(monthsAhead: 1)! - 2.3125) < 1e-12)
        #expect(abs(c.forward(monthsAhead: 4)! - 2.125) < 1e-12)
        #expect(abs(c.forward(monthsAhead: 20)! - 2.0) < 1e-12, "beyond the strip: the last forward")
        // A month that has begun (April 2026, 30 days) on Apr 10: ten fixings of 2.4 and twenty days at
        // the current forward 2.5: (10 × 2.4 + 20 × 2.5) / 30 = 2.4666….
        let k = Contract(root: "CXH", month: ContractMonth(year: 2026, month: 4))
        let v = c.value(of: k, on: CivilDate(iso: "2026-04-10")!, settlement: .monthlyAverage) { _ in 2.4 }
        #expect(abs(v! - (10 * 2.4 + 20 * 2.5) / 30) < 1e-12)
        // Arbitrage warnings: a negative implied forward, and a strip that turns.
        let neg = ForwardCurve(strip: [TermPoint(months: 1, price: 2.0), TermPoint(months: 3, price: 0.5)], spot: 2)
        #expect(abs(neg.segments[1].forward - -0.25) < 1e-12 && neg.warnings.count == 1 && neg.warnings[0].contains("negative"))
        let turn = ForwardCurve(strip: [TermPoint(months: 1, price: 2.0), TermPoint(months: 3, price: 2.1), TermPoint(months: 6, price: 1.9)], spot: 2)
        #expect(turn.warnings.count == 1 && turn.warnings[0].contains("non-monotone"))
    }

    /// §7.5: the demo's settlements carry a term premium that changes sign, so its CXH curve is in
    /// contango part of the time and in backwardation the rest.
    @Test func theDemoTermPremiumChangesSign() {
        var d = CivilDate(iso: "2024-11-25")!
        var signs = Set<Bool>()
        while d <= CivilDate(iso: "2026-11-24")! { signs.insert(DemoMarket.termPremium(on: d) > 0); d = d.adding(days: 7) }
        #expect(signs == [true, false])
    }

    /// §7.2 final settlement: the average of the month's fixings.
    @Test func monthlyAverageSettlement() {
        let def = FuturesDefinition(root: "CXH", name: "x", underlying: "G")
        let feb = ContractMonth(year: 2026, month: 2)
        #expect(FinalSettlement.price(def, month: feb) { d in Double(d.components.day) } == (1...28).reduce(0.0) { $0 + Double($1) } / 28)
        #expect(FinalSettlement.price(def, month: feb) { d in d.components.day == 14 ? nil : 1 } == nil)
        var last = def
        last.settlement = .finalFixing
        #expect(FinalSettlement.price(last, month: feb) { d in Double(d.components.day) } == 28)
    }
}

/// §7.3: settlement files through the store.
@Suite struct SettlementIngestTests {
    @Test func everyKindOfBadRowIsRejectedWithItsReason() throws {
        let dir = try tempDir()
        let db = dir + "/s.sqlite"
        let file = dir + "/settle.csv"
        try write("""
            contract,date,settle,volume,open_interest,note
            CXHJ26,2026-03-02,2.5000,100,1000,good
            CXHK26,2026-03-02,2.6,,,good without volume
            XXXJ26,2026-03-02,2.5,1,1,unknown root
            CXHA26,2026-03-02,2.5,1,1,bad month code
            CXHF26,2026-03-02,2.5,1,1,expired in January
            CXHJ28,2026-03-02,2.5,1,1,not listed yet
            CXHM26,2026-03-02,0,1,1,zero
            CXHM26,2026-03-02,-1,1,1,negative
            CXHM26,2026-03-02,abc,1,1,text
            CXHM26,2026-02-30,2.5,1,1,no such date
            CXHM26,2026-03-02,2.5,-4,1,negative volume

            """, to: file)
        #expect(CixMain.run(["futures", "ingest", "--db", db, "--indices", repoRoot + "/Indices", file]) == 3)
        let s = try Store(path: db)
        let rejects = try s.dbQueue.read { try Row.fetchAll($0, sql: "SELECT line, field, reason FROM rejects ORDER BY line") }
        #expect(rejects.map { $0[0] as Int } == [4, 5, 6, 7, 8, 9, 10, 11, 12])
        #expect(rejects.map { $0[1] as String } == ["contract", "contract", "contract", "contract", "settle", "settle", "settle", "date", "volume"])
        let reasons = rejects.map { $0[2] as String }
        #expect(reasons[0].contains("unknown root") && reasons[1].contains("malformed ticker") && reasons[2].contains("expired"))
        #expect(reasons[3].contains("not listed") && reasons[4].contains("positive"))
        #expect(FileManager.default.fileExists(atPath: file + ".rejects.csv"))
        #expect(try s.read { try $0.latestSettlements() }.count == 2)
        // Re-ingesting adds nothing; a changed settle is a new version, the old one kept.
        #expect(CixMain.run(["futures", "ingest", "--db", db, "--indices", repoRoot + "/Indices", file]) == 3)
        #expect(try s.dbQueue.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM settlements") } == 2)
        try write("date,contract,settle\n2026-03-02,CXHJ26,2.5100\n", to: dir + "/fix.csv")
        #expect(CixMain.run(["futures", "ingest", "--db", db, "--indices", repoRoot + "/Indices", dir + "/fix.csv"]) == 0)
        let j = try s.read { try $0.latestSettlements() }.first { $0.contract == "CXHJ26" }!
        #expect(j.version == 2 && j.settle == 2.51)
        #expect(try s.dbQueue.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM rejects") } == 9, "rejects stored once")
        // Rates: both layouts; "." is a day without a value.
        try write("observation_date,DTB3\n2026-03-02,4.23\n2026-03-03,.\n2026-03-04,140\n", to: dir + "/dtb3.csv")
        #expect(CixMain.run(["rates", "ingest", "--db", db, dir + "/dtb3.csv"]) == 3)
        #expect(try s.read { try $0.rates() } == ["2026-03-02": 4.23])
        #expect(CixMain.run(["export", "settlements", "--db", db, "--out", dir + "/s.csv"]) == 0)
    }

    /// Issue 21 #8: a settlement's versions change only when its values change. The same settlement in
    /// a file of another name adds nothing; a file without volume and open interest keeps them; a
    /// duplicate row with another volume is rejected by name, never dropped silently.
    @Test func settlementVersionsChangeOnlyWithValues() throws {
        let dir = try tempDir()
        let db = dir + "/s.sqlite"
        let ix = repoRoot + "/Indices"
        try write("date,contract,settle,volume,open_interest\n2026-03-02,CXHJ26,2.5,100,1000\n2026-03-02,CXHK26,2.6,50,500\n", to: dir + "/a.csv")
        #expect(CixMain.run(["futures", "ingest", "--db", db, "--indices", ix, dir + "/a.csv"]) == 0)
        // The same bytes, another name: nothing new, no restatement.
        try FileManager.default.copyItem(atPath: dir + "/a.csv", toPath: dir + "/a-copy.csv")
        #expect(CixMain.run(["futures", "ingest", "--db", db, "--indices", ix, dir + "/a-copy.csv"]) == 0)
        // Without the optional columns: the settle is the same, volume and open interest are kept.
        try write("date,contract,settle\n2026-03-02,CXHJ26,2.5\n2026-03-02,CXHK26,2.6\n", to: dir + "/b.csv")
        #expect(CixMain.run(["futures", "ingest", "--db", db, "--indices", ix, dir + "/b.csv"]) == 0)
        let s = try Store(path: db)
        #expect(try s.dbQueue.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM settlements") } == 2)
        #expect(try s.read { try $0.restatements() }.isEmpty)
        let j = try s.read { try $0.latestSettlements() }.first { $0.contract == "CXHJ26" }!
        #expect(j.volume == 100 && j.openInterest == 1000 && j.version == 1 && j.sourcePath.hasSuffix("/a.csv"))
        // A new volume alone is a new version (values changed), the settle kept.
        try write("date,contract,settle,volume\n2026-03-02,CXHJ26,2.5,120\n", to: dir + "/c.csv")
        #expect(CixMain.run(["futures", "ingest", "--db", db, "--indices", ix, dir + "/c.csv"]) == 0)
        let j2 = try s.read { try $0.latestSettlements() }.first { $0.contract == "CXHJ26" }!
        #expect(j2.version == 2 && j2.volume == 120 && j2.openInterest == 1000)
        // A duplicate row with another volume: named in the rejects (exit 3), the first row kept.
        try write("date,contract,settle,volume\n2026-03-03,CXHJ26,2.55,10\n2026-03-03,CXHJ26,2.55,11\n", to: dir + "/d.csv")
        #expect(CixMain.run(["futures", "ingest", "--db", db, "--indices", ix, dir + "/d.csv"]) == 3)
        let rejects = try s.dbQueue.read { try Row.fetchAll($0, sql: "SELECT line, field, reason FROM rejects") }
        #expect(rejects.count == 1 && rejects[0][0] as Int == 3 && rejects[0][1] as String == "volume" && (rejects[0][2] as String).contains("line 2 is kept"))
        #expect(try s.read { try $0.latestSettlements() }.first { $0.contract == "CXHJ26" && $0.date == "2026-03-03" }?.volume == 10)
    }

    /// Issue 21 #13: settlements dated after tomorrow are rejected by line and field; a UTF-16 file is
    /// refused as an unsupported encoding, not as missing columns; a row `4,5,6` is rejected by field.
    @Test func implausibleSettlementFilesAreNamed() throws {
        let defs = try DefinitionLoader.methodology(repoRoot + "/Indices")
        func read(_ text: [UInt8]) throws -> SettlementsReader.Result {
            try SettlementsReader.read(MemoryByteSource(text), path: "s.csv", futures: defs.futures, calendar: defs.calendar,
                                       through: CivilDate(iso: "2026-12-03")!)
        }
        let future = try read(Array("date,contract,settle\n2030-01-02,CXHF30,2.5\n2026-12-02,CXHF27,2.5\n4,5,6\n".utf8))
        #expect(future.rows.count == 1 && future.rejects.map(\.field) == ["date", "date"])
        #expect(future.rejects[0].reason.contains("in the future"))
        var utf16: [UInt8] = [0xFF, 0xFE]
        for u in "date,contract,settle\n2026-12-02,CXHF27,2.5\n".utf16 { utf16 += [UInt8(u & 0xFF), UInt8(u >> 8)] }
        #expect { try read(utf16) } throws: { "\($0)".contains("unsupported encoding") }
        #expect { try read(Array(utf16.dropFirst(2))) } throws: { "\($0)".contains("unsupported encoding") }
    }

    /// Issue 22 #18 and 21 #13: the public series' older layout `DATE,DTB3`, both missing-value markers,
    /// small negative rates; implausible dates and rates rejected by line and field; extra columns and
    /// UTF-16 refused with a reason.
    @Test func tBillRatesAsPublished() throws {
        let ok = try RatesReader.read(MemoryByteSource(Array("DATE,DTB3\n2020-03-26,-0.01\n2020-03-27,.\n2020-03-30,\n2020-03-31,0.11\n".utf8)), path: "old.csv")
        #expect(ok.format == "dtb3" && ok.rates.map(\.rate) == [-0.01, 0.11] && ok.rejects.isEmpty)
        let bad = try RatesReader.read(MemoryByteSource(Array("date,rate\n0000-01-01,4\n9999-12-31,4\n2026-01-02,1e-320\n2026-01-05,-6\n2026-01-06,4,5\n2026-01-07,4.1\n".utf8)), path: "bad.csv")
        #expect(bad.rates.map(\.date) == ["2026-01-07"])
        #expect(bad.rejects.map(\.line) == [2, 3, 4, 5, 6] && bad.rejects.map(\.field) == ["date", "date", "rate", "rate", "(record)"], "\(bad.rejects)")
        #expect(throws: QuoteFileError.self) { try RatesReader.read(MemoryByteSource(Array("date,rate,rate\n2026-01-02,4,4\n".utf8)), path: "x.csv") }
        var utf16 = Data([0xFF, 0xFE])
        utf16.append("date,rate\n2026-01-02,4\n".data(using: .utf16LittleEndian)!)
        do { _ = try RatesReader.read(MemoryByteSource(Array(utf16)), path: "u.csv"); Issue.record("UTF-16 accepted") } catch let e as QuoteFileError {
            #expect(e.description.contains("encoding"), "\(e)")
        }
        #expect(Inbox.classify(Data("DATE,DTB3\n".utf8)).0 == .rates)
    }
}
