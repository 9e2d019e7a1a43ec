/// Row validation rules for canonical quotes (METHODOLOGY.md §2.2). Pure: text in, quote or reason out.

/// Why a row was rejected: the field (or `(record)`) and a reason a person can act on.
public struct QuoteReject: Error, Sendable, Hashable {
    public var field: String
    public var reason: String
    public init(field: String, reason: String) {
        self.field = field
        self.reason = reason
    }
}

/// The plausible observation times at ingest (METHODOLOGY.md §2.2): from 2000-01-01 to one day after
/// the ingest's own clock. Applied when quotes arrive, never when stored quotes are read back.
public struct ObservationLimits: Sendable, Hashable {
    public var earliest: Int64
    public var latest: Int64

    /// 2000-01-01T00:00:00Z.
    public static let earliestEpoch: Int64 = 946_684_800
    /// How far ahead of the ingest clock an observation may be (clock skew, time zones).
    public static let aheadSeconds: Int64 = 86_400

    public init(now: Int64) {
        earliest = ObservationLimits.earliestEpoch
        latest = now + ObservationLimits.aheadSeconds
    }
}

public enum QuoteValidation {
    /// Upper bound on GPUs in one instance or listing; anything larger is a typo.
    public static let maxGPUCount = 100_000

    /// The first control character (U+0000–U+001F except tab, and U+007F) in a field, if any: such a
    /// byte is never part of a provider's text, and a NUL would truncate the stored record.
    @inline(__always) public static func controlCharacter(_ s: String) -> UInt8? {
        for b in s.utf8 where (b < 0x20 && b != 9) || b == 0x7F { return b }
        return nil
    }

    /// Upper bound on one transaction's volume: a million GPUs for a year.
    public static let maxVolumeGPUHours = 8.76e9

    /// Validates one row's field values, given in `QuoteColumn` order (absent optional columns as "";
    /// 13 values stand for a row without the input hierarchy columns). `limits` bounds the observation
    /// time (ingest only).
    public static func validate(_ g: [String], limits: ObservationLimits? = nil) -> Result<RawQuote, QuoteReject> {
        precondition(g.count >= QuoteColumn.baseCount && g.count <= QuoteColumn.allCases.count)
        let f = g.count == QuoteColumn.allCases.count ? g : g + Array(repeating: "", count: QuoteColumn.allCases.count - g.count)
        func reject(_ c: QuoteColumn, _ reason: String) -> Result<RawQuote, QuoteReject> {
            .failure(QuoteReject(field: c.name, reason: reason))
        }
        for c in QuoteColumn.allCases {
            if let b = controlCharacter(f[c.rawValue]) { return reject(c, controlCharacterReason(b)) }
        }
        for c in QuoteColumn.allCases where c.isRequired && isBlank(f[c.rawValue]) {
            return reject(c, "required field is empty")
        }
        let observedAt = trim(f[QuoteColumn.observedAt.rawValue])
        let epoch: Int64
        var nanos: Int32 = 0
        switch instant(observedAt, malformed: "not an ISO-8601 timestamp") {
        case .success(let t):
            epoch = t.seconds
            nanos = t.nanos
        case .failure(let why): return reject(.observedAt, why.reason)
        }
        if let limits {
            if epoch < limits.earliest { return reject(.observedAt, "observation before 2000-01-01: \(observedAt)") }
            if epoch > limits.latest { return reject(.observedAt, "observation more than a day in the future: \(observedAt)") }
        }
        let gpuText = trim(f[QuoteColumn.gpuCount.rawValue])
        guard let gpuCount = parseCount(gpuText) else {
            return reject(.gpuCount, "not a whole number of GPUs: \(gpuText)")
        }
        guard gpuCount >= 1, gpuCount <= maxGPUCount else {
            return reject(.gpuCount, "GPU count must be 1 to \(maxGPUCount): \(gpuText)")
        }
        let termText = trim(f[QuoteColumn.term.rawValue])
        guard let term = Term(parsing: termText) else {
            return reject(.term, "unknown term: \(termText)")
        }
        let priceText = trim(f[QuoteColumn.price.rawValue])
        guard let price = Decimals.parse(priceText), price.isFinite else {
            return reject(.price, "not a decimal number: \(priceText)")
        }
        guard price > 0 else {
            return reject(.price, price == 0 ? "price is zero" : "price is negative: \(priceText)")
        }
        let currencyText = trim(f[QuoteColumn.currency.rawValue])
        let currency = currencyText.utf8.allSatisfy({ $0 >= 65 && $0 <= 90 }) ? currencyText : currencyText.uppercased()
        guard Currencies.iso4217.contains(currency) else {
            return reject(.currency, "not an ISO 4217 currency code: \(currencyText)")
        }
        let unitText = trim(f[QuoteColumn.priceUnit.rawValue])
        guard let unit = PriceUnit(parsing: unitText) else {
            return reject(.priceUnit, "unknown price unit (second, minute, hour, day, month): \(unitText)")
        }
        let basisText = trim(f[QuoteColumn.priceBasis.rawValue])
        guard let basis = PriceBasis(parsing: basisText) else {
            return reject(.priceBasis, "unknown price basis (gpu, instance): \(basisText)")
        }
        var available: Int? = nil
        let availText = trim(f[QuoteColumn.availableGPUs.rawValue])
        if !availText.isEmpty {
            guard let a = parseCount(availText), a >= 0, a <= 10_000_000 else {
                return reject(.availableGPUs, "not a non-negative whole number: \(availText)")
            }
            available = a
        }
        let offer = trim(f[QuoteColumn.offerID.rawValue])
        let inter = trim(f[QuoteColumn.interconnect.rawValue])
        var quote = RawQuote(
            observedAt: observedAt, observedEpoch: epoch,
            source: trim(f[QuoteColumn.source.rawValue]),
            offerID: offer.isEmpty ? nil : offer,
            chip: trim(f[QuoteColumn.chip.rawValue]),
            gpuCount: gpuCount,
            location: trim(f[QuoteColumn.location.rawValue]),
            termText: termText, term: term,
            price: priceText, priceValue: price,
            currency: currency, priceUnit: unit, priceBasis: basis,
            availableGPUs: available,
            interconnect: inter.isEmpty ? nil : inter)
        quote.observedNanos = nanos
        // §2.2, §5.9 (1.3): the input type, and the volume a transaction must carry.
        let typeText = trim(f[QuoteColumn.inputType.rawValue])
        let volumeText = trim(f[QuoteColumn.volumeGPUHours.rawValue])
        if !typeText.isEmpty || !volumeText.isEmpty {
            var type: InputType? = nil
            if !typeText.isEmpty {
                guard let t = InputType(parsing: typeText) else {
                    return reject(.inputType, "unknown input type (transaction, firm, indicative): \(typeText)")
                }
                type = t
            }
            var volume: Double? = nil
            if !volumeText.isEmpty {
                guard let v = Decimals.parse(volumeText), v.isFinite else {
                    return reject(.volumeGPUHours, "not a decimal number: \(volumeText)")
                }
                guard v > 0, v <= maxVolumeGPUHours else {
                    return reject(.volumeGPUHours, "volume must be above 0 and at most 8.76e9 GPU-hours: \(volumeText)")
                }
                volume = v
            }
            if (type ?? .firm) == .transaction {
                if volume == nil { return reject(.volumeGPUHours, "a transaction needs its volume in GPU-hours") }
            } else if volume != nil {
                return reject(.volumeGPUHours, "only a transaction carries a volume (this quote is \((type ?? .firm).rawValue); an offer's size goes in available_gpus)")
            }
            quote.setInput(type: type, volume: volume == nil ? nil : volumeText, value: volume)
        }
        return .success(quote)
    }

    /// A timestamp with a zone at full precision, or the reason it is not one (§2.2); `malformed` words
    /// the case of text that is no timestamp at all.
    public static func instant(_ text: String, malformed: String) -> Result<Instant, QuoteReject> {
        func fail(_ why: String) -> Result<Instant, QuoteReject> { .failure(QuoteReject(field: "", reason: "\(why): \(text)")) }
        switch Timestamp.parseInstant(text) {
        case .success(let t): return .success(t)
        case .failure(.missingZone): return fail("timestamp has no zone (use Z or ±HH:MM)")
        case .failure(.outOfRange): return fail("timestamp out of range")
        case .failure(.malformed): return fail(malformed)
        }
    }

    /// The reject reason for a control character (§2.2).
    public static func controlCharacterReason(_ b: UInt8) -> String {
        let hex = Array("0123456789ABCDEF")
        return "control character U+00\(hex[Int(b >> 4)])\(hex[Int(b & 15)]) in the field"
    }

    /// A whole number, also written with a zero fraction (`8.0`, as some catalogs do).
    public static func parseCount(_ s: String) -> Int? {
        if let v = Int(s) { return v }
        guard let d = Decimals.parse(s), d.rounded() == d, d.magnitude < 1e15 else { return nil }
        return Int(d)
    }

    @inline(__always) static func isBlank(_ s: String) -> Bool {
        s.utf8.allSatisfy { $0 == 32 || $0 == 9 }
    }

    /// Trims spaces and tabs (not other Unicode white space: provider text is kept as written).
    @inline(__always) public static func trim(_ s: String) -> String {
        let u = s.utf8
        guard let first = u.first, let last = u.last else { return s }
        if first != 32 && first != 9 && last != 32 && last != 9 { return s }
        var a = u.startIndex
        var b = u.endIndex
        while a < b, u[a] == 32 || u[a] == 9 { a = u.index(after: a) }
        while b > a, u[u.index(before: b)] == 32 || u[u.index(before: b)] == 9 { b = u.index(before: b) }
        return String(s[a..<b])
    }
}

public enum Currencies {
    /// Active ISO 4217 alphabetic codes (2025 list, funds and precious metals excluded).
    public static let iso4217: Set<String> = Set("""
    AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP BYN BZD CAD CDF \
    CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD \
    HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD \
    MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN \
    PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY \
    TTD TWD TZS UAH UGX USD UYU UZS VES VND VUV WST XAF XCD XCG XOF XPF YER ZAR ZMW ZWG
    """.split(separator: " ").map(String.init))
}
