/// Normalization of one raw quote (METHODOLOGY.md §3): canonical chip, country and market region,
/// canonical term, USD per GPU-hour and USD per H100-equivalent hour, and grade membership.
public struct ReferenceData: Sendable {
    public let chips: ChipCatalogue
    public let locations: LocationCatalogue
    public let grades: GradeCatalogue
    /// SHA-256 (hex) of the definition files used, recorded with every result.
    public let hash: String

    public init(chips: ChipCatalogue, locations: LocationCatalogue, grades: GradeCatalogue, hash: String) {
        self.chips = chips
        self.locations = locations
        self.grades = grades
        self.hash = hash
    }
}

public struct NormalizedQuote: Sendable, Hashable {
    public var chip: String?
    public var country: String?
    public var region: String?
    public var term: Term
    public var gpuCount: Int
    public var availableGPUs: Int?
    public var interconnect: InterconnectClass
    /// nil when unpriced.
    public var usdPerGPUHour: Double?
    public var usdPerH100Hour: Double?
    /// USD per unit of the quote's currency, and the date of that rate.
    public var fxRate: Double?
    public var fxDate: CivilDate?
    public var unpricedReason: String?
    public var grades: [String]
    public var unmatched: UnmatchedReason?

    public var isPriced: Bool { usdPerGPUHour != nil }
}

public enum Normalization {
    /// Pure: the same quote, reference data and FX table always give the same result.
    public static func normalize(_ q: RawQuote, ref: ReferenceData, fx: FXTable) -> NormalizedQuote {
        let chip = ref.chips.resolve(q.chip)
        let loc = ref.locations.resolve(source: q.source, location: q.location)
        let inter = InterconnectClass(text: q.interconnect)
        var out = NormalizedQuote(chip: chip?.id, country: loc?.country, region: loc?.region, term: q.term,
                                  gpuCount: q.gpuCount, availableGPUs: q.availableGPUs, interconnect: inter,
                                  usdPerGPUHour: nil, usdPerH100Hour: nil, fxRate: nil, fxDate: nil,
                                  unpricedReason: nil, grades: [], unmatched: nil)
        // Price: per unit → per hour; per instance → per GPU; currency → USD.
        var perGPUHour = q.priceValue * q.priceUnit.perHourFactor
        if q.priceBasis == .instance { perGPUHour /= Double(q.gpuCount) }
        let day = Timestamp.utcDate(q.observedEpoch)
        if let r = fx.rate(q.currency, on: day) {
            let usd = perGPUHour * r.rate
            out.usdPerGPUHour = usd
            out.fxRate = r.rate
            out.fxDate = r.date
            if let chip { out.usdPerH100Hour = usd / ref.chips.performanceFactor(chip) }
        } else {
            out.unpricedReason = "no \(q.currency) rate on \(day) or the \(FXTable.maxStalenessDays) days before"
        }
        guard let chip else {
            out.unmatched = .unknownChip
            return out
        }
        guard let loc else {
            out.unmatched = .unknownLocation
            return out
        }
        switch ref.grades.match(chip: chip.id, region: loc.region, term: q.term, gpuCount: q.gpuCount, interconnect: inter) {
        case .success(let g): out.grades = g
        case .failure(let r): out.unmatched = r
        }
        return out
    }
}
