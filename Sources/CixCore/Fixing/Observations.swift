/// From normalized quotes to a grade's observations, and from observations to offers
/// (METHODOLOGY.md §4.4 and §5.1).

/// One priced quote in a grade's window. Source and offer are carried as 64-bit keys (§5.1:
/// `ObservationKeys`) so a window of tens of thousands of quotes groups without string work.
public struct GradeObservation: Sendable, Hashable {
    public var quoteID: Int64
    public var source: UInt64
    /// Offer key, or nil for a quote that is its own offer.
    public var offer: UInt64?
    public var epoch: Int64
    /// Nanoseconds past `epoch`.
    public var nanos: Int32 = 0
    /// USD per GPU-hour divided by the chip's quality factor in the grade (§4.4).
    public var price: Double
    public var availableGPUs: Int?
    /// The quote's line in the inputs hash (§5.7), shared by every grade it is in; nil for observations
    /// made in memory (tests), which the hash then describes by their fields.
    public var auditLine: [UInt8]? = nil
    /// §5.1 (1.2): the upstream source key when a reseller lists this offer on its behalf (`sources.yaml`);
    /// such an observation enters the inputs hash but not the fixing.
    public var resoldFrom: UInt64? = nil
    /// §5.9: the input type and a transaction's volume in GPU-hours.
    public var inputType: InputType = .firm
    public var volume: Double? = nil

    public init(quoteID: Int64, sourceKey: UInt64, offerKey: UInt64?, epoch: Int64, price: Double, availableGPUs: Int?) {
        self.quoteID = quoteID
        source = sourceKey
        offer = offerKey
        self.epoch = epoch
        self.price = price
        self.availableGPUs = availableGPUs
    }

    /// An observation from texts: `offer` is the whole offer identity (for the store's quotes,
    /// `ObservationKeys.offer(offerID:location:)` builds it from offer id and location).
    public init(quoteID: Int64, source: String, offer: String?, epoch: Int64, price: Double, availableGPUs: Int?) {
        self.init(quoteID: quoteID, sourceKey: ObservationKeys.source(Array(source.utf8)),
                  offerKey: offer.map { ObservationKeys.text(Array($0.utf8)) },
                  epoch: epoch, price: price, availableGPUs: availableGPUs)
    }

    public static func key(_ s: String) -> UInt64 { ObservationKeys.text(Array(s.utf8)) }
}

/// The keys of §5.1: a contributor is a `source`; an offer is (source, offer_id, location).
public enum ObservationKeys {
    /// FNV-1a 64 of UTF-8 bytes.
    public static func text(_ bytes: some Sequence<UInt8>) -> UInt64 {
        var h = FNV1a64()
        for b in bytes { h.add(byte: b) }
        return h.value
    }

    /// The contributor key: FNV-1a 64 of the source id.
    public static func source(_ bytes: some Sequence<UInt8>) -> UInt64 { text(bytes) }

    /// The offer key: FNV-1a 64 of offer_id, the byte 0x1F, location (grouped within its source).
    public static func offer(offerID: some Sequence<UInt8>, location: some Sequence<UInt8>) -> UInt64 {
        var h = FNV1a64()
        for b in offerID { h.add(byte: b) }
        h.separator()
        for b in location { h.add(byte: b) }
        return h.value
    }

    /// The offer key of a quote without an offer_id: its listing (location, canonical chip, GPUs per
    /// instance), so a source repeating one listing cannot count it as several offers (§5.1).
    public static func anonymousOffer(location: some Sequence<UInt8>, chip: some Sequence<UInt8>, gpuCount: Int) -> UInt64 {
        var h = FNV1a64()
        h.add(byte: 0x7E)
        for b in location { h.add(byte: b) }
        h.separator()
        for b in chip { h.add(byte: b) }
        h.separator()
        h.add(Int64(gpuCount))
        return h.value
    }
}

/// A normalized quote as the store hands it to the fixing: numbers, and its texts as bytes valid for
/// the duration of one call.
public struct NormalizedQuoteView {
    public var quoteID: Int64
    public var epoch: Int64
    public var nanos: Int32
    public var usdPerGPUHour: Double
    public var availableGPUs: Int?
    public var gpuCount: Int
    public var source: UnsafeRawBufferPointer
    public var offerID: UnsafeRawBufferPointer?
    public var location: UnsafeRawBufferPointer
    /// Space-separated grade ids.
    public var grades: UnsafeRawBufferPointer
    /// Canonical chip id.
    public var chip: UnsafeRawBufferPointer
    /// §5.9: the input type and a transaction's volume in GPU-hours.
    public var inputType: InputType = .firm
    public var volume: Double? = nil

    public init(quoteID: Int64, epoch: Int64, nanos: Int32, usdPerGPUHour: Double, availableGPUs: Int?, gpuCount: Int,
                source: UnsafeRawBufferPointer, offerID: UnsafeRawBufferPointer?, location: UnsafeRawBufferPointer,
                grades: UnsafeRawBufferPointer, chip: UnsafeRawBufferPointer) {
        self.quoteID = quoteID
        self.epoch = epoch
        self.nanos = nanos
        self.usdPerGPUHour = usdPerGPUHour
        self.availableGPUs = availableGPUs
        self.gpuCount = gpuCount
        self.source = source
        self.offerID = offerID
        self.location = location
        self.grades = grades
        self.chip = chip
    }
}

/// §4.4: in a grade, a quote counts at its USD per GPU-hour divided by its chip's quality factor.
public enum QualityFactor {
    @inline(__always) public static func gradePrice(usdPerGPUHour: Double, factor: Double) -> Double { usdPerGPUHour / factor }
}

/// Sorts one window's normalized quotes into each grade's observations (§4.2 membership as the
/// normalization recorded it, §4.4 quality factor, §5.1 keys). The grade list and quality factors of
/// each distinct (grades, chip) text pair are resolved once.
public struct GradeWindowBuilder {
    public let grades: [GradeDefinition]
    private var gradeIndex: [String: Int] = [:]
    private var membership: [UInt64: [(grade: Int, factor: Double)]] = [:]
    /// Observations per grade, in the order of `grades`.
    public private(set) var observations: [[GradeObservation]]
    /// Key → text for sources and offers, when asked for (explanations).
    public private(set) var names: [UInt64: String]?
    /// Key → text of every source seen (always kept: imputed sources are published by name).
    public private(set) var sourceNames: [UInt64: String] = [:]
    /// §5.1 (1.2): reseller key → (offer id prefix, upstream key).
    private var resales: [UInt64: [(prefix: [UInt8], upstream: UInt64)]] = [:]

    public init(grades: [GradeDefinition], recordNames: Bool = false, resales: [Resale] = []) {
        self.grades = grades
        for (i, g) in grades.enumerated() { gradeIndex[g.id] = i }
        observations = [[GradeObservation]](repeating: [], count: grades.count)
        names = recordNames ? [:] : nil
        for r in resales {
            resales_append(ObservationKeys.source(Array(r.reseller.utf8)), Array(r.offerIDPrefix.utf8), ObservationKeys.source(Array(r.upstream.utf8)))
        }
    }

    private mutating func resales_append(_ reseller: UInt64, _ prefix: [UInt8], _ upstream: UInt64) {
        resales[reseller, default: []].append((prefix, upstream))
    }

    /// §5.1 (1.2): the upstream of an offer a reseller lists on another source's behalf.
    func upstream(source: UInt64, offerID: UnsafeRawBufferPointer?) -> UInt64? {
        guard let rules = resales[source], let id = offerID else { return nil }
        for r in rules where id.count >= r.prefix.count {
            var match = true
            for (i, b) in r.prefix.enumerated() where id[i] != b { match = false; break }
            if match { return r.upstream }
        }
        return nil
    }

    public mutating func add(_ q: NormalizedQuoteView) {
        var mh = FNV1a64()
        for b in q.grades { mh.add(byte: b) }
        mh.separator()
        for b in q.chip { mh.add(byte: b) }
        let members: [(grade: Int, factor: Double)]
        if let m = membership[mh.value] {
            members = m
        } else {
            let chip = String(decoding: q.chip, as: UTF8.self)
            var m: [(grade: Int, factor: Double)] = []
            for gid in String(decoding: q.grades, as: UTF8.self).split(separator: " ") {
                if let gi = gradeIndex[String(gid)], let qf = grades[gi].chips[chip] { m.append((gi, qf)) }
            }
            membership[mh.value] = m
            members = m
        }
        if members.isEmpty { return }
        let source = ObservationKeys.source(q.source)
        if sourceNames[source] == nil { sourceNames[source] = String(decoding: q.source, as: UTF8.self) }
        let resold = upstream(source: source, offerID: q.offerID)
        let offer = q.offerID.map { ObservationKeys.offer(offerID: $0, location: q.location) }
            ?? ObservationKeys.anonymousOffer(location: q.location, chip: q.chip, gpuCount: q.gpuCount)
        if names != nil {
            names![source] = String(decoding: q.source, as: UTF8.self)
            if let id = q.offerID {
                names![offer] = String(decoding: id, as: UTF8.self) + " @ " + String(decoding: q.location, as: UTF8.self)
            } else {
                names![offer] = "(no offer_id) \(String(decoding: q.location, as: UTF8.self)) / \(String(decoding: q.chip, as: UTF8.self)) / \(q.gpuCount) GPUs"
            }
        }
        let line = FixingAudit.line(instant: Instant(seconds: q.epoch, nanos: q.nanos), source: q.source, offerID: q.offerID,
                                    location: q.location, chip: q.chip, usdPerGPUHour: q.usdPerGPUHour, availableGPUs: q.availableGPUs,
                                    inputType: q.inputType, volume: q.volume)
        for (gi, qf) in members {
            var o = GradeObservation(quoteID: q.quoteID, sourceKey: source, offerKey: offer, epoch: q.epoch,
                                     price: QualityFactor.gradePrice(usdPerGPUHour: q.usdPerGPUHour, factor: qf), availableGPUs: q.availableGPUs)
            o.nanos = q.nanos
            o.auditLine = line
            o.resoldFrom = resold
            o.inputType = q.inputType
            o.volume = q.volume
            observations[gi].append(o)
        }
    }
}

/// One offer's time-weighted price in a window (§5.1).
public struct OfferPrice: Sendable, Hashable {
    public var source: UInt64
    /// The offer key; for a quote without an offer id, nil (the quote is its own offer).
    public var offer: UInt64?
    /// The offer's first quote id (names an offer without an offer id).
    public var firstQuoteID: Int64
    public var observations: Int
    /// Seconds from the first observation to the window end (the time weights' total).
    public var heldSeconds: Double
    public var price: Double
    /// Time-weighted available GPUs, nil when no observation reports it.
    public var available: Double?
}

/// The result of §5.1's time weighting for one offer.
public struct TimeWeightedPrice: Sendable, Hashable {
    public var price: Double
    public var available: Double?
    /// Seconds from the first observation to the window end (the weights' total).
    public var heldSeconds: Double
}

public enum OfferPricing {
    /// §5.1: each observation holds from its time to the next one (the last to the window end); the
    /// first starts the clock. When all observations are at the window end: the plain mean.
    public static func timeWeighted(_ obs: [GradeObservation], windowEnd: Int64) -> TimeWeightedPrice {
        // Observations at one instant are ordered by price, then available GPUs (absent first): the result
        // never depends on the order of ingestion (§1.2); only identical observations keep arrival order.
        let s = obs.sorted { ($0.epoch, $0.nanos, $0.price, $0.availableGPUs ?? -1, $0.quoteID) < ($1.epoch, $1.nanos, $1.price, $1.availableGPUs ?? -1, $1.quoteID) }
        func seconds(from o: GradeObservation, to t: Int64, _ nanos: Int32) -> Double {
            max(Double(t - o.epoch) + Double(nanos - o.nanos) / 1e9, 0)
        }
        if s.count == 1 {
            return TimeWeightedPrice(price: s[0].price, available: s[0].availableGPUs.map(Double.init),
                                     heldSeconds: seconds(from: s[0], to: windowEnd, 0))
        }
        var total = 0.0
        var weighted = 0.0
        var avail = 0.0
        var availSpan = 0.0
        for (i, o) in s.enumerated() {
            let span = i + 1 < s.count ? seconds(from: o, to: s[i + 1].epoch, s[i + 1].nanos) : seconds(from: o, to: windowEnd, 0)
            total += span
            weighted += o.price * span
            if let a = o.availableGPUs { avail += Double(a) * span; availSpan += span }
        }
        let price = total > 0 ? weighted / total : s.map(\.price).reduce(0, +) / Double(s.count)
        let available: Double? = availSpan > 0 ? avail / availSpan : s.last!.availableGPUs.map(Double.init)
        return TimeWeightedPrice(price: price, available: available, heldSeconds: total)
    }

    struct OfferKey: Hashable, Comparable {
        var source: UInt64
        var offer: UInt64
        /// For quotes without an offer id: the quote id (each is its own offer); else −1.
        var quote: Int64
        static func < (a: OfferKey, b: OfferKey) -> Bool { (a.source, a.offer, a.quote) < (b.source, b.offer, b.quote) }
    }

    /// §5.1: one offer counts once, at its time-weighted price; offers in (source, offer, quote) key order.
    public static func offers(_ observations: [GradeObservation], windowEnd: Int64) -> [OfferPrice] {
        var byOffer: [OfferKey: [GradeObservation]] = [:]
        byOffer.reserveCapacity(observations.count)
        for o in observations {
            let key = OfferKey(source: o.source, offer: o.offer ?? 0, quote: o.offer == nil ? o.quoteID : -1)
            byOffer[key, default: []].append(o)
        }
        var offers: [OfferPrice] = []
        offers.reserveCapacity(byOffer.count)
        for key in byOffer.keys.sorted() {
            let obs = byOffer[key]!
            let tw = timeWeighted(obs, windowEnd: windowEnd)
            offers.append(OfferPrice(source: key.source, offer: obs[0].offer, firstQuoteID: obs.map(\.quoteID).min()!,
                                     observations: obs.count, heldSeconds: tw.heldSeconds, price: tw.price, available: tw.available))
        }
        return offers
    }
}
