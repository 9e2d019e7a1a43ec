/// Normalization of one raw quote (METHODOLOGY.md §3): canonical chip, country and market region,
/// canonical term, USD per GPU-hour and USD per H100-equivalent hour, and grade membership.
public struct ReferenceData: Sendable {
    public let chips: ChipCatalogue
    public let locations: LocationCatalogue
    public let grades: GradeCatalogue
    /// The plausible USD per GPU-hour (§3.7).
    public let plausiblePrice: PlausibleRange
    /// SHA-256 (hex) of the definition files used, recorded with every result.
    public let hash: String

    public init(chips: ChipCatalogue, locations: LocationCatalogue, grades: GradeCatalogue,
                plausiblePrice: PlausibleRange = .usdPerGPUHour, hash: String) {
        self.chips = chips
        self.locations = locations
        self.grades = grades
        self.plausiblePrice = plausiblePrice
        self.hash = hash
    }
}

/// A closed range of plausible values (METHODOLOGY.md §3.7).
public struct PlausibleRange: Sendable, Hashable {
    public var min: Double
    public var max: Double
    public init(min: Double, max: Double) {
        self.min = min
        self.max = max
    }
    public func contains(_ v: Double) -> Bool { v.isFinite && v >= min && v <= max }

    /// Default plausible USD per GPU-hour: a tenth of a cent to a thousand dollars.
    public static let usdPerGPUHour = PlausibleRange(min: 0.001, max: 1000)
    /// Plausible FX rates, USD per unit of a currency.
    public static let usdPerUnit = PlausibleRange(min: 1e-6, max: 1e6)
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
            out.fxRate = r.rate
            out.fxDate = r.date
            if ref.plausiblePrice.contains(usd) {
                out.usdPerGPUHour = usd
                if let chip { out.usdPerH100Hour = usd / ref.chips.performanceFactor(chip) }
            } else {
                // §3.7: kept and reported, never fixed.
                out.unpricedReason = "implausible price: \(usd) USD per GPU-hour, outside \(ref.plausiblePrice.min) to \(ref.plausiblePrice.max)"
            }
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
