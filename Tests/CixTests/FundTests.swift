@testable import CixApp
@testable import CixCore
@testable import CixIO
import CixStore
import Foundation
import GRDB
import Testing

/// METHODOLOGY.md §8: fund NAVs against identities, hand-computed days and the demo market.
@Suite(.serialized) struct FundTests {
    static let defs = try! DefinitionLoader.methodology(repoRoot + "/Indices")

    /// A store holding a year of the demo market's CXH settlements and T-bill rates (§7.3, §7.6).
    static let market: (Store, FuturesJob.Market) = {
        let dir = try! tempDir("fundmarket")
        let m = DemoMarket(seed: 42, quotesPerDay: 1200)
        let from = CivilDate(iso: "2025-01-01")!, to = CivilDate(iso: "2026-01-31")!
        try! write(m.settlementsCSV(root: "CXH", from: from, to: to, calendar: defs.calendar), to: dir + "/s.csv")
        try! write(m.tbillCSV(from: from, to: to), to: dir + "/r.csv")
        let s = try! Store(path: dir + "/s.sqlite")
        _ = try! FuturesJob.ingestSettlements(store: s, defs: defs, paths: [dir + "/s.csv"], writeRejectFiles: false, now: "t")
        _ = try! FuturesJob.ingestRates(store: s, paths: [dir + "/r.csv"], writeRejectFiles: false, now: "t")
        return (s, try! s.read { try FuturesJob.market($0, defs: defs, through: to) })
    }()

    func fund(_ design: FundDefinition.Design = .front, collateral: FundDefinition.Collateral = .none, fee: Double = 0,
              exposure: Double = 1, flows: [CivilDate: Double] = [:]) -> FundDefinition {
        var f = FundDefinition(id: "F", name: "F", futures: "CXH", design: design, inception: CivilDate(iso: "2025-01-02")!)
        f.collateral = collateral
        f.expenseRatio = fee
        f.exposure = exposure
        f.flows = flows
        return f
    }

    func nav(_ f: FundDefinition, through: String = "2025-12-31") throws -> [FundDay] {
        let m = Self.market.1
        return try NAVEngine.compute(f, contractGPUHours: 1000, calendar: Self.defs.calendar, through: CivilDate(iso: through)!,
                                     price: m.price, rate: m.rate)
    }

    /// §8.2 identities over a year of the demo market, fractional contracts, to 1e-12 a day: no fee, no
    /// costs, no collateral: NAV ratio = 1 + CDR of the front rolling index; T-bill collateral adds TBR;
    /// a fee subtracts expense ratio × Δt/365; creations and redemptions leave NAV per share unchanged.
    @Test func navIdentitiesAgainstTheRollingIndex() throws {
        let m = Self.market.1
        let ri = RollingIndexDefinition(id: "R", name: "R", futures: "CXH", schedule: .front, baseDate: CivilDate(iso: "2025-01-02")!)
        let index = RollingIndexEngine.compute(ri, root: "CXH", calendar: Self.defs.calendar, through: CivilDate(iso: "2025-12-31")!,
                                               price: m.price, rate: m.rate, spot: { _ in nil })
        let byDate = Dictionary(uniqueKeysWithValues: index.map { ($0.date, $0) })
        let flows: [CivilDate: Double] = [CivilDate(iso: "2025-03-03")!: 50_000, CivilDate(iso: "2025-06-16")!: -80_000,
                                          CivilDate(iso: "2025-10-01")!: 10_000]
        for (collateral, fee) in [(FundDefinition.Collateral.none, 0.0), (.tbill, 0.0), (.tbill, 0.0085)] {
            let days = try nav(fund(collateral: collateral, fee: fee, flows: flows))
            #expect(days.count == index.count && days.count > 240)
            var worst = 0.0
            for (a, b) in zip(days, days.dropFirst()) {
                let x = byDate[b.date]!
                var expected = 1 + x.cdr
                if case .tbill = collateral { expected += x.tbr }
                expected -= fee * Double(b.date.dayNumber - a.date.dayNumber) / 365
                worst = max(worst, abs(b.navPerShare / a.navPerShare / expected - 1))
            }
            #expect(worst < 1e-12, "\(collateral) \(fee): \(worst)")
            #expect(days.last!.sharesOutstanding == 200_000 - 20_000)
        }
    }

    /// §8.2: exposure 0, no collateral, a 0.85% fee: NAV per share compounds (1 − 0.0085 × Δt/365) a day.
    @Test func aFeeOnlyFundCompoundsItsFee() throws {
        let days = try nav(fund(fee: 0.0085, exposure: 0))
        var expected = 25.0
        for (a, b) in zip(days, days.dropFirst()) {
            expected *= 1 - 0.0085 * Double(b.date.dayNumber - a.date.dayNumber) / 365
            #expect(abs(b.navPerShare / expected - 1) < 1e-12)
        }
        #expect(days.count > 240 && days.last!.date == CivilDate(iso: "2025-12-31"))
        #expect(days.last!.navPerShare < 25 * (1 - 0.0085 * 363 / 365) + 1e-3, "about 0.85% over the year")
    }

    /// §8.2 by hand: whole contracts of 1000 GPU-hours, a fixed 3.65% collateral rate and a 3.65% fee
    /// (0.0001 a day each), $1 a contract traded, 1000 shares at 25.00.
    /// Day 0 (Mon 2 Mar 2026): April at 2.00: 25,000 ÷ 2,000 = 12.5 → 13 contracts, cost 13: NAV 24.987.
    /// Day 1: April at 2.10: gain 13 × 0.10 × 1000 = 1,300; interest and fee 2.4987 each: cash 26,289.4987,
    /// fee accrued 2.4987, net assets 26,287.0000: NAV 26.2870; exposure 27,300 ÷ 26,287 = 1.0385, inside
    /// the 5% band: no trade. Day 2: a creation of 100 shares at 26.2870 (+2,628.70), then 28,914.70 ÷
    /// 2,100 = 13.769 → 14 contracts, one traded for $1: NAV 26.28609090…. Day 3: a redemption (below).
    @Test func wholeContractsByHand() throws {
        var f = FundDefinition(id: "H", name: "H", futures: "CXH", design: .front, inception: CivilDate(iso: "2026-03-02")!,
                               initialNAV: 25, initialShares: 1000)
        f.contracts = .whole
        f.collateral = .fixed(0.0365)
        f.expenseRatio = 0.0365
        f.costPerContract = 1
        f.flows = [CivilDate(iso: "2026-03-04")!: 100, CivilDate(iso: "2026-03-05")!: -200]
        let prices: [String: Double] = ["2026-03-02": 2.0, "2026-03-03": 2.1, "2026-03-04": 2.1]
        let days = try NAVEngine.compute(f, contractGPUHours: 1000, calendar: .weekdays, through: CivilDate(iso: "2026-03-31")!, price: { c, d in
            ContractPrice(value: (prices[d.description] ?? 2.1) + (c.month.month == 5 ? 0.05 : 0), exchange: true)
        }, rate: { _ in nil })
        let april = Contract(root: "CXH", month: ContractMonth(year: 2026, month: 4))
        let may = Contract(root: "CXH", month: ContractMonth(year: 2026, month: 5))
        #expect(days[0].positions == [april: 13] && days[0].transactionCosts == 13 && abs(days[0].navPerShare - 24.987) < 1e-12)
        #expect(abs(days[1].futuresGain - 1300) < 1e-9 && abs(days[1].interest - 2.4987) < 1e-9 && abs(days[1].feeAccrued - 2.4987) < 1e-9)
        #expect(abs(days[1].cash - 26_289.4987) < 1e-9 && abs(days[1].netAssets - 26_287) < 1e-9 && days[1].contractsTraded == 0)
        #expect(days[2].sharesOutstanding == 1100 && days[2].positions == [april: 14] && days[2].transactionCosts == 1)
        #expect(abs(days[2].navPerShare - 28_914.7 / 1100) < 1e-12)
        // Day 3: a redemption of 200 shares at 28,914.70 ÷ 1,100 = 26.2861 (−5,257.22): 23,657.48 ÷ 2,100 =
        // 11.27 → 11 contracts, three sold for $3: NAV (23,657.48 − 3) ÷ 900 = 26.28276.
        #expect(days[3].sharesOutstanding == 900 && days[3].positions == [april: 11] && days[3].transactionCosts == 3)
        #expect(abs(days[3].navPerShare - (28_914.7 / 1100 * 900 - 3) / 900) < 1e-9)
        // The roll (business days 5–9: 6, 9, 10, 11, 12 March) trades into May; the month's last business
        // day pays every fee accrued in March from cash, leaving net assets unchanged.
        let roll = days.filter { (6...12).contains($0.date.components.day) }
        #expect(roll.allSatisfy { $0.contractsTraded > 0 && $0.transactionCosts == $0.contractsTraded })
        #expect(days.first { $0.date.components.day == 12 }!.positions.keys.sorted() == [may])
        let end = days.last!
        #expect(end.date == CivilDate(iso: "2026-03-31") && end.feePaid > 0)
        #expect(abs(end.feePaid - days.reduce(0) { $0 + $1.feeAccrued }) < 1e-9, "the month's accruals, paid at its end")
        let before = days[days.count - 2]
        #expect(abs(end.cash - (before.cash + end.futuresGain + end.interest - end.feePaid - end.transactionCosts)) < 1e-9)
        #expect(end.netAssets == end.cash, "nothing accrued after the payment")
        // Collateral income: every day on the prior net assets, whole contracts or not.
        for (a, b) in zip(days, days.dropFirst()) {
            #expect(abs(b.interest - a.netAssets * 0.0365 * Double(b.date.dayNumber - a.date.dayNumber) / 365) < 1e-9)
        }
    }

    /// §8.2: a redemption of more shares than outstanding is refused with its date, and nothing of the
    /// run is stored.
    @Test func anOverRedemptionStopsTheRun() throws {
        var defs = Self.defs
        defs.funds = [fund(flows: [CivilDate(iso: "2025-02-03")!: -300_000])]
        defs.funds[0].id = "OVER"
        let s = Self.market.0
        #expect(throws: FundError.self) {
            try FundJob.nav(store: s, defs: defs, from: CivilDate(iso: "2025-01-02")!, to: CivilDate(iso: "2025-03-31")!)
        }
        do { _ = try FundJob.nav(store: s, defs: defs, from: CivilDate(iso: "2025-01-02")!, to: CivilDate(iso: "2025-03-31")!) } catch {
            #expect("\(error)".contains("2025-02-03") && "\(error)".contains("300000"))
        }
        #expect(try s.read { try $0.latestFundNAV(fund: "OVER") }.isEmpty)
    }

    /// §8.4 on the demo market: the three shipped designs compare side by side, and in every month of the
    /// demo's contango regime (a constant positive term premium all month) the front design lags the
    /// 12-month ladder: it pays the steep front of the curve.
    @Test func theFrontLagsTheLadderInContango() throws {
        let s = Self.market.0
        let end = CivilDate(iso: "2026-01-31")!
        _ = try FundJob.nav(store: s, defs: Self.defs, from: CivilDate(iso: "2025-01-02")!, to: end, now: "t")
        let rows = try FundJob.compare(store: s, defs: Self.defs, funds: nil, from: nil, to: end)
        #expect(rows.map(\.fund) == ["CXH-FRONT", "CXH-LADDER", "CXH-D2"])
        #expect(rows.allSatisfy { $0.feesPaid > 0 && $0.transactionCosts > 0 })
        let navs = try s.read { try $0.latestFundNAV() }
        func monthEnd(_ fund: String, _ month: String) -> Double? { navs.last { $0.fund == fund && $0.date.hasPrefix(month) }?.navPerShare }
        var checked = 0
        for mo in 2...7 {
            let m = "2025-\(String(format: "%02d", mo))", p = "2025-\(String(format: "%02d", mo - 1))"
            let first = CivilDate(iso: m + "-01")!, last = ContractMonth(first).lastDay
            guard DemoMarket.termPremium(on: first) > 0, DemoMarket.termPremium(on: last) == DemoMarket.termPremium(on: first) else { continue }
            let front = monthEnd("CXH-FRONT", m)! / monthEnd("CXH-FRONT", p)!
            let ladder = monthEnd("CXH-LADDER", m)! / monthEnd("CXH-LADDER", p)!
            #expect(front < ladder, "\(m): front \(front) ladder \(ladder)")
            checked += 1
        }
        #expect(checked >= 5)
        // The export has the documented columns and loads back.
        try ExportJob.run(store: s, kind: .funds, range: DateRange(), format: .csv, out: NSTemporaryDirectory() + "cix-funds.csv", fund: "CXH-D2")
        let text = try String(contentsOfFile: NSTemporaryDirectory() + "cix-funds.csv", encoding: .utf8)
        #expect(text.hasPrefix(ExportJob.columns(.funds).joined(separator: ",")) && !text.contains("CXH-FRONT"))
    }

    /// §1.2: two processes (each with its own hash seed) publish byte-identical fund exports.
    @Test func twoProcessesPublishTheSameBytes() throws {
        let (s, _) = Self.market
        try s.checkpoint()
        let dir = try tempDir()
        var outs: [Data] = []
        for k in 0..<2 {
            let db = dir + "/\(k).sqlite"
            try FileManager.default.copyItem(atPath: s.path, toPath: db)
            let nav = try runProcess(builtCix, ["fund", "nav", "--db", db, "--indices", repoRoot + "/Indices", "--from", "2025-01-02", "--to", "2025-12-31"])
            #expect(nav.0 == 0, "\(nav.2)")
            let exp = try runProcess(builtCix, ["export", "funds", "--db", db])
            outs.append(Data(exp.1.utf8))
        }
        #expect(outs[0] == outs[1] && outs[0].count > 10_000)
    }

    /// funds.yaml is checked before anything is computed: the futures root, the flows file, its dates.
    @Test func badFundDefinitionsAreNamed() throws {
        func error(_ edit: @escaping (inout [String: String]) -> Void, flows: String? = nil) throws -> String {
            let dir = try editedIndices("fund\(UUID().uuidString.prefix(6))", edit: edit)
            try write(flows ?? "date,shares\n2025-02-03,100\n", to: dir + "/flows/cxh-front.csv")
            try write("date,shares\n", to: dir + "/flows/cxh-ladder.csv")
            do { _ = try DefinitionLoader.methodology(dir); return "loaded" } catch { return "\(error)" }
        }
        #expect(try error { _ in } == "loaded")
        let root = try error { $0["funds.yaml"] = $0["funds.yaml"]!.replacingOccurrences(of: "futures: CXH\n    design: front", with: "futures: CXZ\n    design: front") }
        #expect(root.contains("funds.yaml") && root.contains("unknown futures root CXZ"))
        let file = try error { $0["funds.yaml"] = $0["funds.yaml"]!.replacingOccurrences(of: "flows/cxh-front.csv", with: "flows/nope.csv") }
        #expect(file.contains("cannot read the flows file flows/nope.csv"))
        let date = try error({ _ in }, flows: "date,shares\n2024-12-02,100\n")
        #expect(date.contains("cxh-front.csv") && date.contains("line 2") && date.contains("before the fund's inception"))
        let bad = try error({ _ in }, flows: "date,shares\n2025-02-30,100\n")
        #expect(bad.contains("date: not a date that exists"))
        let design = try error { $0["funds.yaml"] = $0["funds.yaml"]!.replacingOccurrences(of: "design: ladder", with: "design: spiral") }
        #expect(design.contains("design must be front, deferred or ladder"))
    }
}

/// Findings of a bad-input sweep of the futures and fund commands, each pinned.
@Suite struct FuturesBadInputTests {
    let indices = repoRoot + "/Indices"

    @Test func sweepFindings() throws {
        let dir = try tempDir()
        let db = dir + "/s.sqlite"
        // A contract the design wants that never has a price: no crash, the day is disrupted, positions kept.
        var f = FundDefinition(id: "X", name: "X", futures: "CXH", design: .front, inception: CivilDate(iso: "2026-03-02")!)
        f.collateral = .none
        let days = try NAVEngine.compute(f, contractGPUHours: 1000, calendar: .weekdays, through: CivilDate(iso: "2026-03-31")!, price: { c, _ in
            c.month.month == 5 ? nil : ContractPrice(value: 2, exchange: true)
        }, rate: { _ in nil })
        #expect(days.count == 22 && days.filter { $0.status == "disrupted" }.count >= 5)
        #expect(days.allSatisfy { $0.positions.keys.map(\.month.month) == [4] })
        // Settlements: implausible, on a holiday, or conflicting within a file.
        try write("date,contract,settle\n2026-03-02,CXHJ26,1e308\n2026-03-02,CXHK26,1e-320\n2026-04-03,CXHK26,2.5\n2026-03-03,CXHJ26,2.5\n", to: dir + "/a.csv")
        #expect(CixMain.run(["futures", "ingest", "--db", db, "--indices", indices, dir + "/a.csv"]) == 3)
        let reasons = try Store(path: db).dbQueue.read { try String.fetchAll($0, sql: "SELECT reason FROM rejects ORDER BY line") }
        #expect(reasons.count == 3 && reasons[0].contains("plausible") && reasons[2].contains("not a business day"))
        try write("date,contract,settle\n2026-03-04,CXHJ26,2.5\n2026-03-04,CXHJ26,2.6\n", to: dir + "/b.csv")
        #expect(CixMain.run(["futures", "ingest", "--db", db, "--indices", indices, dir + "/b.csv"]) == 2)
        // Rates: a re-ingest stores nothing new.
        try write("date,rate\n2026-03-02,4.2\n2026-03-03,4.2\n", to: dir + "/r.csv")
        let first = try FuturesJob.ingestRates(store: try Store(path: db), paths: [dir + "/r.csv"], writeRejectFiles: false)
        let again = try FuturesJob.ingestRates(store: try Store(path: db), paths: [dir + "/r.csv"], writeRejectFiles: false)
        #expect(first[0].stored == 2 && again[0].stored == 0 && again[0].unchanged == 2)
        // Indices and funds end with the root's last price: a far date publishes nothing past it.
        #expect(CixMain.run(["futures", "index", "--db", db, "--indices", indices, "--date", "9999-12-31"]) == 0)
        #expect(try Store(path: db).read { try $0.latestFuturesIndexLevels(from: CivilDate(iso: "2026-03-05")!) }.isEmpty)
        // A redemption of every share is refused.
        var all = FundDefinition(id: "Y", name: "Y", futures: "CXH", design: .front, inception: CivilDate(iso: "2026-03-02")!)
        all.flows = [CivilDate(iso: "2026-03-03")!: -all.initialShares]
        #expect(throws: FundError.self) {
            try NAVEngine.compute(all, contractGPUHours: 1000, calendar: .weekdays, through: CivilDate(iso: "2026-03-10")!,
                                  price: { _, _ in ContractPrice(value: 2, exchange: true) }, rate: { _ in nil })
        }
        // Definitions: flows on a weekend, a ladder beyond the listed months, a deferred schedule too far out.
        func loads(_ edit: @escaping (inout [String: String]) -> Void, flows: String? = nil) throws -> String {
            let d = try editedIndices("sweep\(UUID().uuidString.prefix(6))", edit: edit)
            if let flows { try write(flows, to: d + "/flows/cxh-front.csv") }
            do { _ = try DefinitionLoader.methodology(d); return "loaded" } catch { return "\(error)" }
        }
        #expect(try loads({ _ in }, flows: "date,shares\n2025-02-08,100\n").contains("not a business day"))
        #expect(try loads({ $0["funds.yaml"] = $0["funds.yaml"]!.replacingOccurrences(of: "ladder_months: 12", with: "ladder_months: 13") }).contains("lists 14 months"))
        #expect(try loads({ $0["futures.yaml"] = $0["futures.yaml"]!.replacingOccurrences(of: "schedule: {deferred: 2}", with: "schedule: {deferred: 20}") }).contains("listed_months"))
        #expect(try loads({ $0["funds.yaml"] = $0["funds.yaml"]!.replacingOccurrences(of: "collateral: tbill\n    flows: flows/cxh-front.csv", with: "collateral: abc\n    flows: flows/cxh-front.csv") }).contains("tbill, none or a fixed"))
        // Commands: a mistyped store for a computing command, a reversed range, a full disk.
        #expect(CixMain.run(["fund", "nav", "--db", dir + "/typo.sqlite", "--date", "2026-03-03"]) == 2)
        #expect(!FileManager.default.fileExists(atPath: dir + "/typo.sqlite"))
        #expect(CixMain.run(["fund", "compare", "--db", db, "--from", "2026-03-05", "--to", "2026-03-01"]) == 2)
        #expect(CixMain.run(["export", "funds", "--db", db, "--fund", "NOPE"]) == 2)
        let full = try runProcess("/bin/sh", ["-c", "\(builtCix) fund compare --db \(db) > /dev/full"])
        #expect(full.0 == 2, "\(full.2)")
    }
}
