/// A published fund NAV day (METHODOLOGY.md §8.3).
public struct FundNAVRecord: SeriesRecord {
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
    /// §8.3 audit: the SHA-256 of the day's inputs text (`FuturesAudit.navText`); nil for days published before 0.6.
    public var inputsHash: String?
    public var definitionHash: String

    public init(fund: String, date: String, status: String, navPerShare: Double, navPublished: String?, sharesOutstanding: Double,
                netAssets: Double, cash: Double, futuresGain: Double, interest: Double, feeAccrued: Double, feePaid: Double,
                transactionCosts: Double, contractsTraded: Double, positions: String, trackingDifference: Double?, inputsHash: String? = nil,
                definitionHash: String) {
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
        self.inputsHash = inputsHash
        self.definitionHash = definitionHash
    }

    public init() {
        self.init(fund: "", date: "", status: "", navPerShare: 0, navPublished: nil, sharesOutstanding: 0, netAssets: 0, cash: 0,
                  futuresGain: 0, interest: 0, feeAccrued: 0, feePaid: 0, transactionCosts: 0, contractsTraded: 0, positions: "",
                  trackingDifference: nil, definitionHash: "")
    }

    public static let schema = SeriesSchema<FundNAVRecord>(table: "fund_nav", keys: [
        SeriesField("fund_id", export: "fund", \.fund), SeriesField("date", \.date),
    ], values: [
        SeriesField("status", \.status), SeriesField("nav_per_share", \.navPerShare), SeriesField("nav_published", \.navPublished, number: true),
        SeriesField("shares_outstanding", \.sharesOutstanding), SeriesField("net_assets", \.netAssets), SeriesField("cash", \.cash),
        SeriesField("futures_gain", \.futuresGain), SeriesField("interest", \.interest), SeriesField("fee_accrued", \.feeAccrued),
        SeriesField("fee_paid", \.feePaid), SeriesField("transaction_costs", \.transactionCosts),
        SeriesField("contracts_traded", \.contractsTraded), SeriesField("positions", \.positions),
        SeriesField("tracking_difference", \.trackingDifference), SeriesField("inputs_hash", \.inputsHash, introduced: true),
        SeriesField("definition_hash", \.definitionHash),
    ], mainValue: "nav_per_share")
}
