/// A published index level (METHODOLOGY.md §6), with its constituents (§6.4), stored with each version.
public struct IndexLevelRecord: SeriesRecord {
    public var index: String
    public var date: String
    public var version: Int = 0
    public var status: String
    public var level: Double?
    public var published: String?
    public var linkDate: String?
    public var inputsHash: String
    public var definitionHash: String
    /// The constituents of this level (not compared: they follow from the fixings the inputs hash covers).
    public var constituents: [IndexWeightRecord] = []

    public init(index: String, date: String, status: String, level: Double?, published: String?, linkDate: String?,
                inputsHash: String, definitionHash: String, constituents: [IndexWeightRecord] = []) {
        self.index = index
        self.date = date
        self.status = status
        self.level = level
        self.published = published
        self.linkDate = linkDate
        self.inputsHash = inputsHash
        self.definitionHash = definitionHash
        self.constituents = constituents
    }

    public init() { self.init(index: "", date: "", status: "", level: nil, published: nil, linkDate: nil, inputsHash: "", definitionHash: "") }

    public static let schema = SeriesSchema<IndexLevelRecord>(table: "index_levels", keys: [
        SeriesField("index_id", export: "index", \.index), SeriesField("date", \.date),
    ], values: [
        SeriesField("status", \.status), SeriesField("level", \.level), SeriesField("published", \.published, number: true),
        SeriesField("link_date", \.linkDate), SeriesField("inputs_hash", \.inputsHash), SeriesField("definition_hash", \.definitionHash),
    ], mainValue: "level", detail: SeriesDetail(table: "index_weights", columns: ["grade_id", "weight", "link_price", "price", "held"]) { l in
        l.constituents.map { [.text($0.grade), .double($0.weight), .double($0.linkPrice), .double($0.price), .bool($0.held)] }
    })
}

/// A constituent of an index level (§6.4), stored with the level's version.
public struct IndexWeightRecord: Sendable, Hashable {
    public var index: String
    public var date: String
    public var version: Int
    public var grade: String
    public var weight: Double
    public var linkPrice: Double
    public var price: Double
    public var held: Bool

    public init(index: String, date: String, version: Int = 0, grade: String, weight: Double, linkPrice: Double, price: Double, held: Bool) {
        self.index = index
        self.date = date
        self.version = version
        self.grade = grade
        self.weight = weight
        self.linkPrice = linkPrice
        self.price = price
        self.held = held
    }
}
