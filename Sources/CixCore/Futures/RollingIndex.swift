/// Rolling futures indices, excess and total return (METHODOLOGY.md §7.5–§7.7).

/// A rolling index definition (futures.yaml `rolling_indices:`).
public struct RollingIndexDefinition: Sendable, Hashable {
    public enum Schedule: Sendable, Hashable {
        /// In calendar month M: the M+1 contract until the roll, M+2 after it.
        case front
        /// k months further out than `front`.
        case deferred(Int)
        /// Explicit: `months[M − 1]` is how many months after M the contract held after M's roll is.
        case table([Int])
    }

    public var id: String
    public var name: String
    public var futures: String
    public var schedule: Schedule
    /// Business days of the month on which the roll happens, first and last (default 5 and 9).
    public var rollDays: ClosedRange<Int>
    public var baseDate: CivilDate
    public var baseValue: Double
    public var publishedDecimals: Int

    public init(id: String, name: String, futures: String, schedule: Schedule = .front, rollDays: ClosedRange<Int> = 5...9,
                baseDate: CivilDate, baseValue: Double = 100, publishedDecimals: Int = 4) {
        self.id = id
        self.name = name
        self.futures = futures
        self.schedule = schedule
        self.rollDays = rollDays
        self.baseDate = baseDate
        self.baseValue = baseValue
        self.publishedDecimals = publishedDecimals
    }

    public var rounding: Rounding { Rounding(decimals: publishedDecimals) }

    /// Months after month M of the contract held after M's roll.
    public func offsetAfterRoll(month: Int) -> Int {
        switch schedule {
        case .front: return 2
        case .deferred(let k): return 2 + k
        case .table(let t): return t[month - 1]
        }
    }

    /// The contract held in month M before its roll (the one held after the previous month's roll) and
    /// after it.
    public func contracts(in m: ContractMonth) -> (before: ContractMonth, after: ContractMonth) {
        let prev = m.adding(months: -1)
        return (prev.adding(months: offsetAfterRoll(month: prev.month)), m.adding(months: offsetAfterRoll(month: m.month)))
    }
}

/// §7.5: the n-th business day of a month (1-based), and where a date falls in the roll.
public enum RollCalendar {
    /// The roll steps due by the close of `d`: 0 before the first roll day of its month, j after the
    /// j-th, all of them (`rollDays.count`) after the last. Shared by the rolling indices and the funds.
    public static func stepsDue(_ d: CivilDate, rollDays: ClosedRange<Int>, calendar: BusinessCalendar) -> Int {
        guard let n = businessDayOfMonth(d, calendar: calendar) else { return 0 }
        return max(0, min(rollDays.count, n - rollDays.lowerBound + 1))
    }

    public static func businessDayOfMonth(_ d: CivilDate, calendar: BusinessCalendar) -> Int? {
        guard calendar.isBusinessDay(d) else { return nil }
        var n = 0
        var x = ContractMonth(d).firstDay
        while x <= d {
            if calendar.isBusinessDay(x) { n += 1 }
            x = x.adding(days: 1)
        }
        return n
    }
}

/// One index day (§7.5–§7.7).
public struct RollingIndexValue: Sendable, Hashable {
    public enum Status: String, Sendable, Hashable {
        case ok
        /// A held contract had no price: its last price was used and the roll share moved on (§7.7).
        case disrupted
    }

    public var date: CivilDate
    public var status: Status
    public var er: Double
    public var tr: Double
    public var cdr: Double
    public var tbr: Double
    /// The T-bill rate used (TBAR of the previous index day), percent.
    public var tbillRate: Double?
    /// Quantity weights after the close, by contract.
    public var holdings: [(contract: Contract, weight: Double)]
    /// "exchange", "model" or "mixed": where today's prices came from.
    public var settlementSource: String
    /// CDR minus the underlying's spot return (§7.6).
    public var rollYield: Double?
    public var prices: [String: Double]

    public static func == (a: RollingIndexValue, b: RollingIndexValue) -> Bool {
        a.date == b.date && a.er == b.er && a.tr == b.tr && a.status == b.status
    }
    public func hash(into h: inout Hasher) { h.combine(date); h.combine(er) }

    public var holdingsText: String {
        holdings.map { "\($0.contract.ticker):\($0.weight)" }.joined(separator: " ")
    }
}

/// A price of a contract on a day, and where it came from.
public struct ContractPrice: Sendable, Hashable {
    public var value: Double
    /// True for an exchange settlement, false for the model curve.
    public var exchange: Bool
    public init(value: Double, exchange: Bool) {
        self.value = value
        self.exchange = exchange
    }
}

public enum RollingIndexEngine {
    /// Computes the index on the business days from its start through `end` (§7.5–§7.7):
    /// CDR_t = Σ w_{t−1} P_t ÷ Σ w_{t−1} P_{t−1} − 1, ER_t = ER_{t−1} (1 + CDR_t),
    /// TR_t = TR_{t−1} (1 + CDR_t + TBR_t), TBR_t = [1 ÷ (1 − 91/360 × TBAR_{t−1})]^(Δt/91) − 1.
    /// On roll day j of R (business days `rollDays` of the month), after the close the new contract
    /// weighs j ÷ R and the old one 1 − j ÷ R; a disrupted day's share moves to the next undisrupted day.
    public static func compute(_ def: RollingIndexDefinition, root: String, calendar: BusinessCalendar, through end: CivilDate,
                               price: (Contract, CivilDate) -> ContractPrice?, rate: (CivilDate) -> Double?,
                               spot: (CivilDate) -> Double?) -> [RollingIndexValue] {
        let rollCount = def.rollDays.count
        func target(_ d: CivilDate) -> (old: Contract, new: Contract) {
            let c = def.contracts(in: ContractMonth(d))
            return (Contract(root: root, month: c.before), Contract(root: root, month: c.after))
        }
        /// The holdings after the close of `d` given the roll steps done in its month.
        func holdings(_ d: CivilDate, steps: Int) -> [(Contract, Double)] {
            let t = target(d)
            let newShare = Double(steps) / Double(rollCount)
            if t.old == t.new || steps >= rollCount { return [(t.new, 1)] }
            if steps == 0 { return [(t.old, 1)] }
            return [(t.old, 1 - newShare), (t.new, newShare)]
        }
        // Start: the base date or the first business day after it on which every contract held has a price.
        var start = calendar.onOrAfter(def.baseDate)
        func stepsPlanned(_ d: CivilDate) -> Int { RollCalendar.stepsDue(d, rollDays: def.rollDays, calendar: calendar) }
        while start <= end, !holdings(start, steps: stepsPlanned(start)).allSatisfy({ price($0.0, start) != nil }) {
            start = calendar.onOrAfter(start.adding(days: 1))
        }
        guard start <= end else { return [] }
        var out: [RollingIndexValue] = []
        var steps = stepsPlanned(start)
        var held = holdings(start, steps: steps)
        var last: [Contract: Double] = [:]
        var prevSource = "exchange"
        for (c, _) in held { let p = price(c, start)!; last[c] = p.value; if !p.exchange { prevSource = "model" } }
        var er = def.baseValue, tr = def.baseValue
        var prevDate = start
        let rate0 = rate(start)
        out.append(RollingIndexValue(date: start, status: .ok, er: er, tr: tr, cdr: 0, tbr: 0, tbillRate: rate0,
                                     holdings: held.map { ($0.0, $0.1) }, settlementSource: prevSource, rollYield: nil,
                                     prices: Dictionary(uniqueKeysWithValues: held.map { ($0.0.ticker, last[$0.0]!) })))
        var month = ContractMonth(start)
        var d = calendar.onOrAfter(start.adding(days: 1))
        while d <= end {
            defer { prevDate = d; d = calendar.onOrAfter(d.adding(days: 1)) }
            if ContractMonth(d) != month {
                month = ContractMonth(d)
                steps = 0
            }
            // Today's prices of what was held at the last close, and of what the close may move into.
            let t = target(d)
            var todays: [Contract: ContractPrice] = [:]
            var disrupted = false
            for c in Set(held.map(\.0) + [t.old, t.new]) {
                if let p = price(c, d) { todays[c] = p } else if held.contains(where: { $0.0 == c }) || c == t.new { disrupted = true }
            }
            var num = 0.0, den = 0.0
            for (c, w) in held {
                let p = todays[c]?.value ?? last[c]!
                num += w * p
                den += w * last[c]!
            }
            let cdr = num / den - 1
            let tbar = rate(prevDate)
            let days = Int(d.dayNumber - prevDate.dayNumber)
            let tbr = tbar.map { TBill.returnOver(days: days, discountRate: $0 / 100) } ?? 0
            er *= 1 + cdr
            tr *= 1 + cdr + tbr
            for (c, p) in todays { last[c] = p.value }
            // The roll: after the close, as many steps as the schedule has reached, one at a time on
            // undisrupted days (a disrupted day's share waits for the next).
            let planned = stepsPlanned(d)
            if !disrupted && steps < planned { steps = planned }
            let next = holdings(d, steps: steps)
            if next.allSatisfy({ last[$0.0] != nil }) { held = next }
            let used = held.compactMap { todays[$0.0] }
            let source = used.allSatisfy(\.exchange) ? "exchange" : (used.allSatisfy { !$0.exchange } ? "model" : "mixed")
            var rollYield: Double?
            if let s1 = spot(d), let s0 = spot(prevDate), s0 > 0 { rollYield = cdr - (s1 / s0 - 1) }
            out.append(RollingIndexValue(date: d, status: disrupted ? .disrupted : .ok, er: er, tr: tr, cdr: cdr, tbr: tbr,
                                         tbillRate: tbar, holdings: held.map { ($0.0, $0.1) }, settlementSource: source,
                                         rollYield: rollYield,
                                         prices: Dictionary(uniqueKeysWithValues: held.compactMap { h in last[h.0].map { (h.0.ticker, $0) } })))
        }
        return out
    }
}
