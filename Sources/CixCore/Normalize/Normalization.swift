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

    /// A quote's profile and price put together (§3).
    public init(profile p: NormalizationProfile, price: NormalizedPrice, availableGPUs: Int?) {
        self.init(chip: p.chip?.id, country: p.location?.country, region: p.location?.region, term: p.term, gpuCount: p.gpuCount,
                  availableGPUs: availableGPUs, interconnect: p.interconnect, usdPerGPUHour: price.usdPerGPUHour,
                  usdPerH100Hour: price.usdPerH100Hour, fxRate: price.fxRate, fxDate: price.fxDate, unpricedReason: price.unpricedReason,
                  grades: p.grades, unmatched: p.unmatched)
    }

    public init(chip: String?, country: String?, region: String?, term: Term, gpuCount: Int, availableGPUs: Int?,
                interconnect: InterconnectClass, usdPerGPUHour: Double?, usdPerH100Hour: Double?, fxRate: Double?, fxDate: CivilDate?,
                unpricedReason: String?, grades: [String], unmatched: UnmatchedReason?) {
        self.chip = chip
        self.country = country
        self.region = region
        self.term = term
        self.gpuCount = gpuCount
        self.availableGPUs = availableGPUs
        self.interconnect = interconnect
        self.usdPerGPUHour = usdPerGPUHour
        self.usdPerH100Hour = usdPerH100Hour
        self.fxRate = fxRate
        self.fxDate = fxDate
        self.unpricedReason = unpricedReason
        self.grades = grades
        self.unmatched = unmatched
    }
}

/// What normalization makes of a quote's descriptive fields (source, chip, GPUs, location, term,
/// currency, price unit and basis, interconnect): everything but the price, the time and the
/// availability. Many quotes share it, so it can be worked out once for all of them (§3).
public struct NormalizationProfile: Sendable {
    public var chip: ChipSpec?
    public var location: ResolvedLocation?
    public var interconnect: InterconnectClass
    public var term: Term
    public var gpuCount: Int
    public var currency: String
    /// price × this = price per GPU-hour in the quote's currency (§3.4).
    public var priceUnit: PriceUnit
    public var priceBasis: PriceBasis
    /// The chip's performance factor (§3.4), nil when the chip is unknown.
    public var h100Factor: Double?
    public var grades: [String]
    public var unmatched: UnmatchedReason?
}

/// The priced part of a normalized quote (§3.4, §3.5, §3.7).
public struct NormalizedPrice: Sendable, Hashable {
    public var usdPerGPUHour: Double?
    public var usdPerH100Hour: Double?
    public var fxRate: Double?
    public var fxDate: CivilDate?
    public var unpricedReason: String?
}

public enum Normalization {
    /// Pure: the same quote, reference data and FX table always give the same result.
    public static func normalize(_ q: RawQuote, ref: ReferenceData, fx: FXTable) -> NormalizedQuote {
        let p = profile(q, ref: ref)
        return NormalizedQuote(profile: p, price: price(q.priceValue, day: Timestamp.utcDate(q.observedEpoch), profile: p, ref: ref, fx: fx),
                               availableGPUs: q.availableGPUs)
    }

    /// §3.1–§3.3 and §4.2: chip, location, interconnect class and grade membership of a quote.
    public static func profile(_ q: RawQuote, ref: ReferenceData) -> NormalizationProfile {
        profile(q, chip: ref.chips.resolve(q.chip), location: ref.locations.resolve(source: q.source, location: q.location), ref: ref)
    }

    /// The same, with the chip (§3.1) and location (§3.2) of `q` already resolved.
    public static func profile(_ q: RawQuote, chip: ChipSpec?, location loc: ResolvedLocation?, ref: ReferenceData) -> NormalizationProfile {
        let inter = InterconnectClass(text: q.interconnect)
        var p = NormalizationProfile(chip: chip, location: loc, interconnect: inter, term: q.term, gpuCount: q.gpuCount,
                                     currency: q.currency, priceUnit: q.priceUnit, priceBasis: q.priceBasis,
                                     h100Factor: chip.map { ref.chips.performanceFactor($0) }, grades: [], unmatched: nil)
        guard let chip else {
            p.unmatched = .unknownChip
            return p
        }
        guard let loc else {
            p.unmatched = .unknownLocation
            return p
        }
        switch ref.grades.match(chip: chip.id, region: loc.region, term: q.term, gpuCount: q.gpuCount, interconnect: inter) {
        case .success(let g): p.grades = g
        case .failure(let r): p.unmatched = r
        }
        return p
    }

    /// §3.4, §3.5, §3.7: a price observed on `day` in USD per GPU-hour and per H100-hour, or why it is unpriced.
    public static func price(_ value: Double, day: CivilDate, profile p: NormalizationProfile, ref: ReferenceData, fx: FXTable) -> NormalizedPrice {
        price(value, day: day, profile: p, ref: ref, rate: fx.rate(p.currency, on: day))
    }

    /// The same with the FX rate already looked up (`fx.rate(profile.currency, on: day)`).
    public static func price(_ value: Double, day: CivilDate, profile p: NormalizationProfile, ref: ReferenceData, rate: AppliedRate?) -> NormalizedPrice {
        var out = NormalizedPrice()
        // Price: per unit → per hour; per instance → per GPU; currency → USD.
        var perGPUHour = value * p.priceUnit.perHourFactor
        if p.priceBasis == .instance { perGPUHour /= Double(p.gpuCount) }
        if let r = rate {
            let usd = perGPUHour * r.rate
            out.fxRate = r.rate
            out.fxDate = r.date
            if ref.plausiblePrice.contains(usd) {
                out.usdPerGPUHour = usd
                if let f = p.h100Factor { out.usdPerH100Hour = usd / f }
            } else {
                // §3.7: kept and reported, never fixed.
                out.unpricedReason = "implausible price: \(usd) USD per GPU-hour, outside \(ref.plausiblePrice.min) to \(ref.plausiblePrice.max)"
            }
        } else {
            out.unpricedReason = "no \(p.currency) rate on \(day) or the \(FXTable.maxStalenessDays) days before"
        }
        return out
    }
}
