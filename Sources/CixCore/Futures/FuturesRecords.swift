/// A published curve point (METHODOLOGY.md §7.4).
public struct CurveRecord: SeriesRecord {
    public var root: String
    public var date: String
    public var contract: String
    public var version: Int = 0
    public var monthsAhead: Int
    public var price: Double?
    public var published: String?
    public var warnings: String
    /// §7.4: the delivery month lies beyond the reserved strip (its price is the curve's extension);
    /// nil for points published before 0.6.
    public var beyondStrip: Bool?
    public var inputsHash: String
    public var definitionHash: String

    public init(root: String, date: String, contract: String, monthsAhead: Int, price: Double?, published: String?, warnings: String,
                beyondStrip: Bool? = nil, inputsHash: String, definitionHash: String) {
        self.beyondStrip = beyondStrip
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

    public init() {
        self.init(root: "", date: "", contract: "", monthsAhead: 0, price: nil, published: nil, warnings: "", inputsHash: "", definitionHash: "")
    }

    public static let schema = SeriesSchema<CurveRecord>(table: "curves", keys: [
        SeriesField("root", \.root), SeriesField("date", \.date), SeriesField("contract", \.contract),
    ], values: [
        SeriesField("months_ahead", \.monthsAhead), SeriesField("price", \.price), SeriesField("published", \.published, number: true),
        SeriesField("warnings", \.warnings), SeriesField("beyond_strip", \.beyondStrip, introduced: true),
        SeriesField("inputs_hash", \.inputsHash), SeriesField("definition_hash", \.definitionHash),
    ], mainValue: "price")
}

/// A published rolling futures index day (§7.5–§7.7).
public struct FuturesIndexRecord: SeriesRecord {
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

    public init() {
        self.init(index: "", date: "", status: "", er: 0, tr: 0, cdr: 0, tbr: 0, tbillRate: nil, holdings: "", settlementSource: "",
                  rollYield: nil, erPublished: nil, trPublished: nil, inputsHash: "", definitionHash: "")
    }

    public static let schema = SeriesSchema<FuturesIndexRecord>(table: "futures_index_levels", keys: [
        SeriesField("index_id", export: "index", \.index), SeriesField("date", \.date),
    ], values: [
        SeriesField("status", \.status), SeriesField("er", \.er), SeriesField("tr", \.tr), SeriesField("cdr", \.cdr), SeriesField("tbr", \.tbr),
        SeriesField("tbill_rate", \.tbillRate), SeriesField("holdings", \.holdings), SeriesField("settlement_source", \.settlementSource),
        SeriesField("roll_yield", \.rollYield), SeriesField("er_published", \.erPublished, number: true),
        SeriesField("tr_published", \.trPublished, number: true), SeriesField("inputs_hash", \.inputsHash),
        SeriesField("definition_hash", \.definitionHash),
    ], mainValue: "er")
}
