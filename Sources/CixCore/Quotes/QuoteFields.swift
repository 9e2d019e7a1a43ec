/// Canonical quote vocabulary (METHODOLOGY.md §2, "Quote format").

/// Contract term as the methodology knows it.
public enum Term: String, Sendable, CaseIterable, Codable, Hashable {
    case onDemand = "on_demand"
    case spot = "spot"
    case reserved1m = "reserved_1m"
    case reserved3m = "reserved_3m"
    case reserved6m = "reserved_6m"
    case reserved1y = "reserved_1y"
    case reserved3y = "reserved_3y"

    /// Accepted spellings, after lower-casing and folding `-`, ` ` and `.` to `_`.
    static let aliases: [String: Term] = {
        var m: [String: Term] = [:]
        for t in Term.allCases { m[t.rawValue] = t }
        for a in ["ondemand", "on_demand", "od", "payg", "pay_as_you_go", "demand", "on_demand_hourly"] { m[a] = .onDemand }
        for a in ["spot", "interruptible", "preemptible", "preemptable", "community_spot", "bid"] { m[a] = .spot }
        for a in ["1m", "1mo", "1_month", "1month", "reserved_1mo", "monthly_commit"] { m[a] = .reserved1m }
        for a in ["3m", "3mo", "3_month", "3_months", "3months", "reserved_3mo"] { m[a] = .reserved3m }
        for a in ["6m", "6mo", "6_month", "6_months", "6months", "reserved_6mo"] { m[a] = .reserved6m }
        for a in ["1y", "1yr", "1_yr", "1_year", "1year", "12m", "reserved_1yr", "reserved_1_year", "1_year_reserved", "cud_1y"] { m[a] = .reserved1y }
        for a in ["3y", "3yr", "3_yr", "3_year", "3_years", "3year", "36m", "reserved_3yr", "reserved_3_year", "3_year_reserved", "cud_3y"] { m[a] = .reserved3y }
        return m
    }()

    /// Parses a term written any accepted way (case-insensitive; `-`, space and `.` read as `_`).
    public init?(parsing text: some StringProtocol) {
        if let t = Term(rawValue: String(text)) { self = t; return }
        guard let t = Term.aliases[foldKey(text)] else { return nil }
        self = t
    }

    /// Tenor in months for reserved terms; 0 for on-demand and spot.
    public var tenorMonths: Int {
        switch self {
        case .onDemand, .spot: 0
        case .reserved1m: 1
        case .reserved3m: 3
        case .reserved6m: 6
        case .reserved1y: 12
        case .reserved3y: 36
        }
    }
}

/// Time unit a price is quoted per. A month is 730 hours (8,760 / 12).
public enum PriceUnit: String, Sendable, CaseIterable, Codable, Hashable {
    case second, minute, hour, day, month

    public static let hoursPerMonth = 730.0

    /// Multiply a price per unit by this to get a price per hour.
    public var perHourFactor: Double {
        switch self {
        case .second: 3600
        case .minute: 60
        case .hour: 1
        case .day: 1.0 / 24
        case .month: 1.0 / PriceUnit.hoursPerMonth
        }
    }

    static let aliases: [String: PriceUnit] = [
        "second": .second, "sec": .second, "s": .second, "seconds": .second, "per_second": .second,
        "minute": .minute, "min": .minute, "minutes": .minute, "per_minute": .minute,
        "hour": .hour, "hr": .hour, "h": .hour, "hours": .hour, "hourly": .hour, "per_hour": .hour,
        "day": .day, "d": .day, "days": .day, "daily": .day, "per_day": .day,
        "month": .month, "mo": .month, "months": .month, "monthly": .month, "per_month": .month,
    ]

    public init?(parsing text: some StringProtocol) {
        if let u = PriceUnit(rawValue: String(text)) { self = u; return }
        guard let u = PriceUnit.aliases[foldKey(text)] else { return nil }
        self = u
    }
}

/// Whether a price is for one GPU or for the whole instance of `gpu_count` GPUs.
public enum PriceBasis: String, Sendable, CaseIterable, Codable, Hashable {
    case gpu, instance

    public init?(parsing text: some StringProtocol) {
        if let b = PriceBasis(rawValue: String(text)) { self = b; return }
        switch foldKey(text) {
        case "gpu", "per_gpu", "gpu_hour": self = .gpu
        case "instance", "per_instance", "node", "vm", "server": self = .instance
        default: return nil
        }
    }
}

/// What kind of price a quote is (METHODOLOGY.md §2.1, §5.9): the input hierarchy of IOSCO Principle 8.
public enum InputType: String, Sendable, CaseIterable, Codable, Hashable {
    /// An executed rental or an auction clearing, with its volume in GPU-hours.
    case transaction
    /// An offer one can take now: a marketplace listing, a public on-demand list price. A quote without
    /// `input_type` is firm.
    case firm
    /// A quote on request or a broker's indication.
    case indicative

    /// The one-byte code a normalized segment stores (§3.8): firm 0, transaction 1, indicative 2.
    public var code: UInt8 {
        switch self {
        case .firm: 0
        case .transaction: 1
        case .indicative: 2
        }
    }

    public init?(code: UInt8) {
        switch code {
        case 0: self = .firm
        case 1: self = .transaction
        case 2: self = .indicative
        default: return nil
        }
    }

    /// Accepted spellings (case-insensitive; `-`, space and `.` read as `_`).
    public init?(parsing text: some StringProtocol) {
        switch foldKey(text) {
        case "transaction", "trade", "executed", "execution", "clearing", "auction_clearing": self = .transaction
        case "firm", "offer", "listing", "list_price": self = .firm
        case "indicative", "indication", "quote_on_request", "rfq", "broker": self = .indicative
        default: return nil
        }
    }
}

/// The canonical column names, in canonical order: the 13 base columns, then the two optional input
/// hierarchy columns (§2.1, new in methodology 1.3).
public enum QuoteColumn: Int, Sendable, CaseIterable {
    case observedAt, source, offerID, chip, gpuCount, location, term, price, currency, priceUnit, priceBasis, availableGPUs, interconnect
    case inputType, volumeGPUHours

    /// The 13 columns every quote file had before the input hierarchy; a stored record has these, or
    /// all 15 when the quote declares an input type or a volume.
    public static let baseCount = 13

    public var name: String {
        switch self {
        case .observedAt: "observed_at"
        case .source: "source"
        case .offerID: "offer_id"
        case .chip: "chip"
        case .gpuCount: "gpu_count"
        case .location: "location"
        case .term: "term"
        case .price: "price"
        case .currency: "currency"
        case .priceUnit: "price_unit"
        case .priceBasis: "price_basis"
        case .availableGPUs: "available_gpus"
        case .interconnect: "interconnect"
        case .inputType: "input_type"
        case .volumeGPUHours: "volume_gpu_hours"
        }
    }

    public var isRequired: Bool {
        switch self {
        case .offerID, .availableGPUs, .interconnect, .inputType, .volumeGPUHours: false
        default: true
        }
    }

    /// The canonical header of the 13 base columns (a file may add `input_type,volume_gpu_hours`).
    public static let header: String = allCases.prefix(baseCount).map(\.name).joined(separator: ",")
    /// The canonical header with the input hierarchy columns.
    public static let fullHeader: String = allCases.map(\.name).joined(separator: ",")

    public init?(name: String) {
        guard let c = QuoteColumn.allCases.first(where: { $0.name == name }) else { return nil }
        self = c
    }
}

/// Lower-cases and reads `-`, space and `.` as `_`: the folding used for enumerated vocabulary.
public func foldKey(_ text: some StringProtocol) -> String {
    var key = ""
    key.reserveCapacity(text.utf8.count)
    for ch in text.lowercased() {
        if ch == "-" || ch == " " || ch == "." { key.append("_") } else { key.append(ch) }
    }
    return key
}
