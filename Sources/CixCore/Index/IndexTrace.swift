/// How an index level came about (METHODOLOGY.md §6.2–§6.4): the link it chains from and each
/// constituent's weight, link price, price, whether held, and contribution. `cix explain index`.
public struct IndexTrace: Sendable, Codable, Hashable {
    public struct Constituent: Sendable, Codable, Hashable {
        public var grade: String
        public var weight: Double
        public var linkPrice: Double
        public var price: Double
        public var held: Bool
        /// price ÷ link price.
        public var relative: Double
        /// weight × price ÷ link price: its part of the chain link's relative.
        public var contribution: Double
    }

    public var index: String
    public var date: String
    public var status: String
    public var linkDate: String?
    public var linkLevel: Double?
    /// Σ weight × price ÷ link price (§6.2).
    public var relative: Double
    /// link level × relative (§6.3), full precision; nil when suspended.
    public var level: Double?
    public var published: String?
    public var constituents: [Constituent]

    public init(definition d: IndexDefinition, value v: IndexValue) {
        index = d.id
        date = v.date.description
        status = v.status.rawValue
        linkDate = v.linkDate?.description
        linkLevel = v.linkLevel
        constituents = v.constituents.map {
            Constituent(grade: $0.grade, weight: $0.weight, linkPrice: $0.linkPrice, price: $0.price, held: $0.held,
                        relative: $0.price / $0.linkPrice, contribution: $0.weight * $0.price / $0.linkPrice)
        }
        relative = constituents.reduce(0) { $0 + $1.contribution }
        level = v.level
        published = v.published(d.rounding)
    }
}
