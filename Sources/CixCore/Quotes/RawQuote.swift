/// A validated quote exactly as a provider wrote it (METHODOLOGY.md §2).
///
/// Text fields keep the provider's spelling; `price` keeps its decimal text so the store of record
/// holds what was received. Parsed values (`observedEpoch`, `term`, `priceValue`, …) come with it so
/// later stages never parse twice.
public struct RawQuote: Sendable, Hashable {
    public var observedAt: String
    /// Seconds since 1970-01-01T00:00:00Z (the fraction truncated).
    public var observedEpoch: Int64
    /// Nanoseconds past `observedEpoch` (0 when the time has no fraction).
    public var observedNanos: Int32 = 0
    public var source: String
    public var offerID: String?
    public var chip: String
    public var gpuCount: Int
    public var location: String
    public var termText: String
    public var term: Term
    public var price: String
    public var priceValue: Double
    public var currency: String
    public var priceUnit: PriceUnit
    public var priceBasis: PriceBasis
    public var availableGPUs: Int?
    public var interconnect: String?
    /// The declared input type (§2.1, §5.9); nil when the row has none: the quote is then firm.
    public private(set) var declaredInputType: InputType?
    /// The traded volume in GPU-hours as written (transactions only), and its value.
    public private(set) var volume: String?
    public private(set) var volumeValue: Double?
    /// De-duplication identity, computed once when the quote is made (see `computeIdentity`).
    public private(set) var identity: Int64 = 0

    public init(observedAt: String, observedEpoch: Int64, source: String, offerID: String?, chip: String,
                gpuCount: Int, location: String, termText: String, term: Term, price: String, priceValue: Double,
                currency: String, priceUnit: PriceUnit, priceBasis: PriceBasis, availableGPUs: Int?, interconnect: String?) {
        self.observedAt = observedAt
        self.observedEpoch = observedEpoch
        self.source = source
        self.offerID = offerID
        self.chip = chip
        self.gpuCount = gpuCount
        self.location = location
        self.termText = termText
        self.term = term
        self.price = price
        self.priceValue = priceValue
        self.currency = currency
        self.priceUnit = priceUnit
        self.priceBasis = priceBasis
        self.availableGPUs = availableGPUs
        self.interconnect = interconnect
        identity = computeIdentity()
    }

    /// §5.9: the input type, firm when the row declares none.
    public var inputType: InputType { declaredInputType ?? .firm }

    /// Sets the input hierarchy fields (§2.1) and recomputes the identity.
    public mutating func setInput(type: InputType?, volume text: String?, value: Double?) {
        declaredInputType = type
        volume = text
        volumeValue = value
        identity = computeIdentity()
    }

    /// Whether the quote has the two input hierarchy fields' values to store (else 13 fields suffice).
    public var hasInputFields: Bool { declaredInputType != nil || volume != nil }

    /// The observation instant at full precision.
    public var observedInstant: Instant { Instant(seconds: observedEpoch, nanos: observedNanos) }

    /// Identity used for de-duplication (METHODOLOGY.md §2.3): with an offer id, the tuple
    /// (source, offer_id, observed instant, canonical term, location); without one, the whole content.
    ///
    /// Encoded as a non-negative Int64: the observation week (weeks since Monday 2000-01-03, 12 bits,
    /// clamped to 0…4095, i.e. until 2078) above the top 51 bits of a 64-bit FNV-1a hash of the tuple.
    /// Two quotes with the same identity share an instant, hence a week; the week prefix keeps one
    /// day's keys together in the store's identity B-tree, so a daily ingest touches a small part of it
    /// (uniform keys made every daily file rewrite the whole tree). Odds of a false match: about
    /// n²/2⁵² for n quotes in one week: 3·10⁻⁵ at 350,000 a week, 0.6% at 5,000,000 in one week.
    public func computeIdentity() -> Int64 {
        let week = min(max(floorDiv(observedEpoch - 946_857_600, 604_800), 0), 4095)
        return Int64(bitPattern: (UInt64(week) << 51) | (identityHash() >> 13))
    }

    /// A transaction or indicative quote (§2.3, 1.3) adds its type to the tuple, and, without an offer id,
    /// its volume (with one, the volume is like the price: a re-report of the same trade is a duplicate);
    /// a firm quote, declared or not, keeps the identity it always had.
    func identityHash() -> UInt64 {
        var h = FNV1a64()
        h.add(source); h.separator()
        if inputType != .firm {
            h.add("i"); h.add(inputType.rawValue); h.separator()
            if offerID?.isEmpty ?? true, let v = volumeValue { h.add(v.bitPattern); h.separator() }
        }
        if let offerID, !offerID.isEmpty {
            h.add("o"); h.add(offerID); h.separator()
            h.add(observedEpoch); h.add(term.rawValue); h.separator()
            h.add(location)
        } else {
            h.add("c"); h.add(observedEpoch); h.add(chip); h.separator()
            h.add(Int64(gpuCount)); h.add(location); h.separator()
            h.add(term.rawValue); h.separator(); h.add(priceValue.bitPattern)
            h.add(currency); h.separator(); h.add(priceUnit.rawValue); h.add(priceBasis.rawValue); h.separator()
            h.add(Int64(availableGPUs ?? -1)); h.add(interconnect ?? ""); h.separator()
        }
        return h.value
    }

    /// The fields as canonical CSV/JSON text values, in `QuoteColumn` order: the 13 base fields, and the
    /// input hierarchy's two when the quote has them (§2.5: a stored record keeps the form it needs).
    public var fieldTexts: [String] {
        var f = [observedAt, source, offerID ?? "", chip, String(gpuCount), location, termText, price, currency,
                 priceUnit.rawValue, priceBasis.rawValue, availableGPUs.map(String.init) ?? "", interconnect ?? ""]
        if hasInputFields { f += [declaredInputType?.rawValue ?? "", volume ?? ""] }
        return f
    }

}

/// 64-bit FNV-1a: a fast, stable, non-cryptographic hash (stable across runs and platforms, unlike `Hasher`).
public struct FNV1a64: Sendable {
    public private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325
    public init() {}
    @inline(__always) public mutating func add(byte: UInt8) {
        value = (value ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
    }
    public mutating func add(_ s: String) {
        var s = s
        s.withUTF8 { for b in $0 { add(byte: b) } }
    }
    public mutating func add(_ v: Int64) { add(UInt64(bitPattern: v)) }
    public mutating func add(_ v: UInt64) {
        var x = v
        for _ in 0..<8 { add(byte: UInt8(truncatingIfNeeded: x)); x >>= 8 }
    }
    public mutating func separator() { add(byte: 0x1F) }
}
