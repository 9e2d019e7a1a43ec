/// Rolling-futures fund designs (METHODOLOGY.md §8).
public struct FundDefinition: Sendable, Hashable {
    public enum Design: Sendable, Hashable {
        /// The front contract, rolled over `rollDays` (as the front rolling index).
        case front
        /// `k` months beyond the front.
        case deferred(Int)
        /// Equal quantities in the next `n` contracts beyond the current month, each rolled out as it
        /// reaches the month before its averaging month.
        case ladder(Int)
    }

    /// §8.1: the furthest contract a design holds, in months after the current one (after the roll:
    /// M+2 for the front, M+2+k deferred, M+n+1 for a ladder).
    public static func furthestMonth(_ d: Design) -> Int {
        switch d {
        case .front: 2
        case .deferred(let k): 2 + k
        case .ladder(let n): n + 1
        }
    }

    /// §8.1: why a design cannot be held on a root listing `listed` months (the current month and the
    /// next `listed − 1`), or nil when it can.
    public static func listedProblem(_ d: Design, listed: Int) -> String? {
        let far = furthestMonth(d)
        return far <= listed - 1 ? nil
            : "this design holds contracts up to \(far) months ahead, but the root lists \(listed) months (the current month and \(listed - 1) more)"
    }

    public enum Contracts: String, Sendable, Hashable, CaseIterable {
        case fractional, whole
    }

    public enum Collateral: Sendable, Hashable {
        /// The T-bill return of §7.6 on the prior day's net assets.
        case tbill
        case none
        /// A fixed annual rate, ACT/365.
        case fixed(Double)
    }

    /// §8.1: the ranges every fund parameter must lie in, wherever a fund is defined (`funds.yaml` and
    /// the what-if designer check the same ranges).
    public enum Limits {
        /// Inception (and flow dates): from 2000-01-01 to 2100-12-31, on a business day.
        public static let dates = CivilDate(iso: "2000-01-01")!...CivilDate(iso: "2100-12-31")!
        public static let months = 1...24
        public static let rollDay = 1...20
        public static let initialNAV = 0.01...1e6
        public static let initialShares = 1.0...1e12
        public static let exposure = 0.0...3
        public static let expenseRatio = 0.0...0.2
        /// USD per contract traded.
        public static let costPerContract = 0.0...1000
        public static let exposureBand = 0.0...1
        /// A fixed collateral rate, per year.
        public static let collateralRate = -0.1...0.5
        /// Shares in one creation or redemption (absolute value).
        public static let flowShares = 1e-3...1e12
    }

    public var id: String
    public var name: String
    public var futures: String
    public var design: Design
    public var rollDays: ClosedRange<Int> = 5...9
    public var inception: CivilDate
    public var initialNAV: Double
    public var initialShares: Double
    public var exposure: Double = 1
    public var contracts: Contracts = .fractional
    public var expenseRatio: Double = 0
    public var costPerContract: Double = 0
    public var collateral: Collateral = .tbill
    /// Whole-contract funds rebalance between rolls when |notional ÷ net assets − exposure| exceeds it.
    public var exposureBand: Double = 0.05
    /// Creations (+) and redemptions (−) of shares by date.
    public var flows: [CivilDate: Double] = [:]
    public var flowsFile: String?

    public init(id: String, name: String, futures: String, design: Design, inception: CivilDate, initialNAV: Double = 25,
                initialShares: Double = 200_000) {
        self.id = id
        self.name = name
        self.futures = futures
        self.design = design
        self.inception = inception
        self.initialNAV = initialNAV
        self.initialShares = initialShares
    }

    /// §8.1: the contract months held in month M before its roll and after it (as months after M), with
    /// equal quantities within each set.
    public func holdings(in m: ContractMonth) -> (before: [ContractMonth], after: [ContractMonth]) {
        switch design {
        case .front: return ([m.adding(months: 1)], [m.adding(months: 2)])
        case .deferred(let k): return ([m.adding(months: 1 + k)], [m.adding(months: 2 + k)])
        case .ladder(let n): return ((1...n).map { m.adding(months: $0) }, (2...(n + 1)).map { m.adding(months: $0) })
        }
    }

    /// Quantity proportions after `steps` of `R` roll steps in month M: contracts in both sets keep 1/n,
    /// the leaving ones (1 − steps/R)/n, the entering ones (steps/R)/n.
    public func proportions(in m: ContractMonth, steps: Int) -> [(ContractMonth, Double)] {
        let (b, a) = holdings(in: m)
        let n = Double(b.count)
        let s = Double(min(steps, rollDays.count)) / Double(rollDays.count)
        var out: [(ContractMonth, Double)] = []
        for c in b { out.append((c, a.contains(c) ? 1 / n : (1 - s) / n)) }
        for c in a where !b.contains(c) { out.append((c, s / n)) }
        return out.filter { $0.1 > 0 }
    }
}
