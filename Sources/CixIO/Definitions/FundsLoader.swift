import CixCore
import Foundation

extension DefinitionLoader {
    /// funds.yaml (METHODOLOGY.md §8), with each fund's flows file; everything is checked before anything
    /// is computed: the futures root, the dates, the flows (file, line and field named).
    static func fundDefinitions(_ root: YAMLValue, source: DefinitionSource, futures: [FuturesDefinition],
                                calendar: BusinessCalendar = .weekdays) throws -> [FundDefinition] {
        let m = try root.map()
        var ids = Set<String>()
        let funds = try (m.optional("funds")?.list() ?? []).map { v -> FundDefinition in
            let x = try v.map()
            let iv = try x.required("id")
            let id = try iv.string()
            guard ids.insert(id).inserted else { throw iv.fail("fund \(id) appears twice") }
            let fv = try x.required("futures")
            let f = try fv.string()
            guard futures.contains(where: { $0.root == f }) else { throw fv.fail("\(id): unknown futures root \(f) (futures.yaml)") }
            let dv = try x.required("design")
            let design: FundDefinition.Design
            switch try dv.string() {
            case "front": design = .front
            case "deferred": design = .deferred(try x.required("deferred_months").int(FundDefinition.Limits.months))
            case "ladder": design = .ladder(try x.required("ladder_months").int(FundDefinition.Limits.months))
            default: throw dv.fail("design must be front, deferred or ladder, not \(dv.describe)")
            }
            // §8.1: the design must hold listed contracts only (after the roll: M+2+k, or M+n+1 for a ladder).
            let listed = futures.first { $0.root == f }!.listedMonths
            if let problem = FundDefinition.listedProblem(design, listed: listed) {
                throw dv.fail("\(id): \(problem) (\(f), futures.yaml listed_months)")
            }
            typealias L = FundDefinition.Limits
            let incv = try x.required("inception")
            let inception = try incv.date()
            guard L.dates.contains(inception) else { throw incv.fail("\(id): inception must be from \(L.dates.lowerBound) to \(L.dates.upperBound), not \(inception)") }
            guard calendar.isBusinessDay(inception) else {
                throw incv.fail("\(id): inception \(inception) is not a business day (\(calendar.name)): a fund starts at a close")
            }
            var d = FundDefinition(id: id, name: try x.optional("name")?.string() ?? id, futures: f, design: design, inception: inception)
            if let rv = x.optional("roll_days") {
                let days = try rv.list().map { try $0.int(L.rollDay) }
                guard days.count == 2, days[0] <= days[1] else { throw rv.fail("roll_days: [first, last] business day of the month") }
                d.rollDays = days[0]...days[1]
            }
            if let v = x.optional("initial_nav") { d.initialNAV = try v.double(L.initialNAV) }
            if let v = x.optional("initial_shares") { d.initialShares = try v.double(L.initialShares) }
            if let v = x.optional("exposure") { d.exposure = try v.double(L.exposure) }
            if let v = x.optional("contracts") { d.contracts = try v.choice(FundDefinition.Contracts.self) }
            if let v = x.optional("expense_ratio") { d.expenseRatio = try v.double(L.expenseRatio) }
            if let v = x.optional("cost_per_contract") { d.costPerContract = try v.double(L.costPerContract) }
            if let v = x.optional("exposure_band") { d.exposureBand = try v.double(L.exposureBand) }
            if let v = x.optional("collateral") {
                switch v.scalarText {
                case "tbill": d.collateral = .tbill
                case "none": d.collateral = .none
                default:
                    guard let t = v.scalarText, Decimals.parse(t) != nil else {
                        throw v.fail("collateral must be tbill, none or a fixed annual rate such as 0.04, not \(v.describe)")
                    }
                    d.collateral = .fixed(try v.double(L.collateralRate))
                }
            }
            if let v = x.optional("flows") {
                let name = try v.string()
                d.flowsFile = name
                d.flows = try flows(source: source, name: name, fund: id, inception: d.inception, field: v, calendar: calendar)
            }
            try x.finish()
            return d
        }
        try m.finish(allowed: headerKeys)
        return funds
    }

    /// A flows file: `date,shares` (positive creates, negative redeems), dates on or after the inception.
    static func flows(source: DefinitionSource, name: String, fund: String, inception: CivilDate, field: YAMLValue,
                      calendar: BusinessCalendar) throws -> [CivilDate: Double] {
        guard !name.hasPrefix("/"), !name.split(separator: "/").contains("..") else {
            throw field.fail("\(fund): flows must be a path inside the definitions folder, not \(name)")
        }
        let file: (path: String, data: Data)
        do { file = try source.read(name) } catch { throw field.fail("\(fund): cannot read the flows file \(name)") }
        var text = String(decoding: file.data, as: UTF8.self)
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map {
            $0.hasSuffix("\r") ? String($0.dropLast()) : String($0)
        }
        guard lines.first?.lowercased().replacingOccurrences(of: " ", with: "") == "date,shares" else {
            throw DefinitionError(path: file.path, line: 1, field: nil, message: "expected the header date,shares")
        }
        var out: [CivilDate: Double] = [:]
        for (i, l) in lines.enumerated().dropFirst() where !l.trimmingCharacters(in: .whitespaces).isEmpty {
            let f = l.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard f.count == 2 else { throw DefinitionError(path: file.path, line: i + 1, field: "(record)", message: "expected date,shares") }
            guard let d = CivilDate(iso: f[0]) else {
                throw DefinitionError(path: file.path, line: i + 1, field: "date", message: "not a date that exists: \(f[0])")
            }
            guard calendar.isBusinessDay(d) else {
                throw DefinitionError(path: file.path, line: i + 1, field: "date", message: "\(d) is not a business day (\(calendar.name)): flows transact at a close")
            }
            guard d >= inception else {
                throw DefinitionError(path: file.path, line: i + 1, field: "date", message: "\(d) is before the fund's inception \(inception)")
            }
            let dates = FundDefinition.Limits.dates
            guard d <= dates.upperBound else {
                throw DefinitionError(path: file.path, line: i + 1, field: "date", message: "\(d) is after \(dates.upperBound)")
            }
            let range = FundDefinition.Limits.flowShares
            guard let s = Decimals.parse(f[1]), s.isFinite, range.contains(abs(s)) else {
                throw DefinitionError(path: file.path, line: i + 1, field: "shares",
                                      message: "not a number of shares from \(range.lowerBound) to \(range.upperBound) (negative redeems): \(f[1])")
            }
            guard out[d] == nil else { throw DefinitionError(path: file.path, line: i + 1, field: "date", message: "\(d) appears twice") }
            out[d] = s
        }
        return out
    }
}
