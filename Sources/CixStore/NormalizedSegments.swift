import CixCore
import Foundation

/// The categorical part of a normalized quote: every field that many quotes share (METHODOLOGY.md §3,
/// "Stored form"). A segment stores each distinct profile once and a small index per quote.
public struct NormalizedProfile: Hashable, Sendable {
    public var source: String
    public var location: String
    public var chip: String?
    public var country: String?
    public var region: String?
    public var term: String
    public var gpuCount: Int
    public var interconnect: String
    /// Space-separated grade ids ("" when in none).
    public var grades: String
    public var unmatched: String?
    /// The chip's performance factor (§3.4): `usd_per_h100_hour = usd_per_gpu_hour ÷ factor`, nil when
    /// the chip is unknown.
    public var h100Factor: Double?

    public init(source: String, location: String, chip: String?, country: String?, region: String?, term: String,
                gpuCount: Int, interconnect: String, grades: String, unmatched: String?, h100Factor: Double?) {
        self.source = source
        self.location = location
        self.chip = chip
        self.country = country
        self.region = region
        self.term = term
        self.gpuCount = gpuCount
        self.interconnect = interconnect
        self.grades = grades
        self.unmatched = unmatched
        self.h100Factor = h100Factor
    }
}

/// One normalized quote as written: its profile (an index from `NormalizedBlockBuilder.profile`) and
/// its own values.
public struct NormalizedEntry: Sendable {
    public var quoteID: Int64
    public var epoch: Int64
    public var nanos: Int32
    public var profile: Int32
    public var offerID: String?
    public var availableGPUs: Int?
    /// nil when unpriced (then `unpricedReason` says why).
    public var usdPerGPUHour: Double?
    public var usdPerH100Hour: Double?
    public var unpricedReason: String?
    public var fxRate: Double?
    public var fxDate: String?
    /// The reference hash the row was written under (§3.6).
    public var referenceHash: String

    public init(quoteID: Int64, epoch: Int64, nanos: Int32, profile: Int32, offerID: String?, availableGPUs: Int?,
                usdPerGPUHour: Double?, usdPerH100Hour: Double?, unpricedReason: String?, fxRate: Double?, fxDate: String?,
                referenceHash: String) {
        self.quoteID = quoteID
        self.epoch = epoch
        self.nanos = nanos
        self.profile = profile
        self.offerID = offerID
        self.availableGPUs = availableGPUs
        self.usdPerGPUHour = usdPerGPUHour
        self.usdPerH100Hour = usdPerH100Hour
        self.unpricedReason = unpricedReason
        self.fxRate = fxRate
        self.fxDate = fxDate
        self.referenceHash = referenceHash
    }
}

/// One stored segment: the normalized quotes of one raw block observed on one UTC day, compressed.
public struct NormalizedSegment: Sendable, Equatable {
    public var day: Int64
    public var firstQuoteID: Int64
    public var count: Int
    public var minEpoch: Int64
    public var maxEpoch: Int64
    public var data: [UInt8]
}

/// Collects one raw block's normalized quotes, column by column, and encodes them as segments. Texts
/// (offer ids, unpriced reasons, reference hashes, FX dates) and FX entries are numbered once per block,
/// so adding a quote copies no string. Pure; any thread.
public struct NormalizedBlockBuilder: Sendable {
    public let firstQuoteID: Int64
    public private(set) var profiles: [NormalizedProfile] = []
    private var profileIndex: [NormalizedProfile: Int32] = [:]
    private(set) var texts: [String] = []
    private var textIndex: [String: Int32] = [:]
    private(set) var fxRates: [Double] = []
    private(set) var fxDates: [Int32] = []
    private var fxIndex: [FXKey: Int32] = [:]

    private(set) var quoteIDs: [Int64] = []
    private(set) var epochs: [Int64] = []
    private(set) var nanos: [Int32] = []
    private(set) var profile: [Int32] = []
    private(set) var offer: [Int32] = []
    private(set) var available: [Int] = []
    /// NaN: none.
    private(set) var usd: [Double] = []
    private(set) var h100: [Double] = []
    private(set) var unpriced: [Int32] = []
    private(set) var reference: [Int32] = []
    private(set) var fx: [Int32] = []
    /// §5.9: input type codes (`InputType.code`) and volumes (NaN: none).
    private(set) var input: [UInt8] = []
    private(set) var volume: [Double] = []

    struct FXKey: Hashable {
        var rate: UInt64
        var date: Int32
    }

    public init(firstQuoteID: Int64, capacity: Int = 0) {
        self.firstQuoteID = firstQuoteID
        quoteIDs.reserveCapacity(capacity); epochs.reserveCapacity(capacity); nanos.reserveCapacity(capacity)
        profile.reserveCapacity(capacity); offer.reserveCapacity(capacity); available.reserveCapacity(capacity)
        usd.reserveCapacity(capacity); h100.reserveCapacity(capacity); unpriced.reserveCapacity(capacity)
        reference.reserveCapacity(capacity); fx.reserveCapacity(capacity)
    }

    public var count: Int { quoteIDs.count }

    /// The number of `p` among this block's profiles (added when new).
    public mutating func profile(_ p: NormalizedProfile) -> Int32 {
        if let i = profileIndex[p] { return i }
        let i = Int32(profiles.count)
        profiles.append(p)
        profileIndex[p] = i
        return i
    }

    /// Adds a profile without looking it up (the caller numbers its profiles itself); two equal profiles
    /// then appear twice in a segment's table, which changes no value read back.
    public mutating func appendProfile(_ p: NormalizedProfile) -> Int32 {
        profiles.append(p)
        return Int32(profiles.count - 1)
    }

    /// The number of a text (added when new).
    public mutating func text(_ s: String) -> Int32 {
        if let i = textIndex[s] { return i }
        let i = Int32(texts.count)
        texts.append(s)
        textIndex[s] = i
        return i
    }

    /// Adds texts known to be distinct (a block's offer ids) without looking them up; they are numbered
    /// from the returned number on.
    public mutating func appendTexts(_ ss: [String]) -> Int32 {
        let base = Int32(texts.count)
        texts += ss
        return base
    }

    /// The number of an FX entry: a rate and the date it is for.
    public mutating func fx(rate: Double, date: String) -> Int32 {
        let k = FXKey(rate: rate.bitPattern, date: text(date))
        if let i = fxIndex[k] { return i }
        let i = Int32(fxRates.count)
        fxRates.append(rate)
        fxDates.append(k.date)
        fxIndex[k] = i
        return i
    }

    /// Adds a quote. `offer`, `unpriced`, `reference` are text numbers and `fx` an FX number, -1 for none
    /// (`reference` is never none); `usdPerGPUHour` nil means unpriced.
    public mutating func add(quoteID: Int64, epoch: Int64, nanos n: Int32, profile p: Int32, offer o: Int32, availableGPUs: Int?,
                             usdPerGPUHour: Double?, usdPerH100Hour: Double?, unpriced u: Int32, reference r: Int32, fx f: Int32,
                             inputType: InputType = .firm, volume v: Double = .nan) {
        input.append(inputType.code)
        volume.append(v)
        quoteIDs.append(quoteID)
        epochs.append(epoch)
        nanos.append(n)
        profile.append(p)
        offer.append(o)
        available.append(availableGPUs ?? -1)
        usd.append(usdPerGPUHour ?? .nan)
        h100.append(usdPerH100Hour ?? .nan)
        unpriced.append(u)
        reference.append(r)
        fx.append(f)
    }

    /// Adds a quote given with its texts.
    public mutating func add(_ e: NormalizedEntry) {
        let o = e.offerID.map { text($0) } ?? -1
        let u = e.usdPerGPUHour == nil ? text(e.unpricedReason ?? "") : -1
        let r = text(e.referenceHash)
        let f = e.fxRate.map { fx(rate: $0, date: e.fxDate ?? "") } ?? -1
        add(quoteID: e.quoteID, epoch: e.epoch, nanos: e.nanos, profile: e.profile, offer: o, availableGPUs: e.availableGPUs,
            usdPerGPUHour: e.usdPerGPUHour, usdPerH100Hour: e.usdPerH100Hour, unpriced: u, reference: r, fx: f)
    }

    /// The segments, by day; in each, quotes in (observation second, quote id) order.
    public func segments() -> [NormalizedSegment] {
        guard let minEpoch = epochs.min() else { return [] }
        // One sort of packed keys: seconds since the block's first observation, then the quote's place.
        // (Quote ids in a block are below first + 2³², and a block's span under 136 years.)
        var keys = [UInt64](repeating: 0, count: count)
        var rowOf = [Int](repeating: -1, count: Int((quoteIDs.max() ?? firstQuoteID) - firstQuoteID) + 1)
        for i in 0..<count {
            let q = Int(quoteIDs[i] - firstQuoteID)
            keys[i] = UInt64(epochs[i] - minEpoch) << 32 | UInt64(q)
            rowOf[q] = i
        }
        keys.sort()
        let ordered = keys.map { rowOf[Int($0 & 0xFFFF_FFFF)] }
        var out: [NormalizedSegment] = []
        var start = 0
        while start < ordered.count {
            let day = floorDiv(epochs[ordered[start]], 86_400)
            var end = start + 1
            while end < ordered.count, floorDiv(epochs[ordered[end]], 86_400) == day { end += 1 }
            out.append(SegmentEncoding.encode(self, rows: ordered[start..<end], day: day))
            start = end
        }
        return out
    }
}

/// The segment byte format (before compression), all integers LEB128 varints, doubles 8 bytes
/// little-endian:
///
///     "CXN1" block's first quote id, day, n, firstEpoch
///     strings:  count, then (length, UTF-8 bytes) each
///     profiles: count, then source location chip+1 country+1 region+1 term gpuCount interconnect grades
///               unmatched+1 (string indices, 0 = none) and the performance factor (NaN = none)
///     fx:       count, then (rate, date string) each
///     columns of n: quote id − block's first id; seconds since the previous row (the first: 0);
///               nanos; profile; offer id+1; available GPUs+1; unpriced reason+1 (0 = priced); reference
///               hash; fx+1; then the USD per GPU-hour of the priced rows
///     exceptions: count, then (row, flag, [value]): rows whose USD per H100-hour is not
///               USD per GPU-hour ÷ the profile's factor (flag 0: none, 1: the value follows)
///     inputs (1.3, only when a row is not firm): count, then (row, input type code, volume or NaN)
///               for each row that is not firm (§5.9); a segment without it holds firm quotes only,
///               so the segments of firm quotes are the bytes they always were
enum SegmentEncoding {
    static let magic: [UInt8] = Array("CXN1".utf8)

    static func encode(_ b: NormalizedBlockBuilder, rows: ArraySlice<Int>, day: Int64) -> NormalizedSegment {
        // Block numbers → segment numbers, in order of first use.
        var localText = [Int32](repeating: -1, count: b.texts.count)
        var strings: [Int32] = []
        func intern(_ t: Int32) -> Int {
            if localText[Int(t)] < 0 {
                localText[Int(t)] = Int32(strings.count)
                strings.append(t)
            }
            return Int(localText[Int(t)])
        }
        var extra: [String] = []
        var extraIndex: [String: Int] = [:]
        // Profile texts are not block texts: numbered after them.
        func internProfileText(_ s: String) -> Int {
            if let i = extraIndex[s] { return i }
            extra.append(s)
            extraIndex[s] = extra.count - 1
            return extra.count - 1
        }
        var localProfile = [Int32](repeating: -1, count: b.profiles.count)
        var usedProfiles: [Int32] = []
        var localFX = [Int32](repeating: -1, count: b.fxRates.count)
        var usedFX: [Int32] = []
        let n = rows.count
        var cols = [[UInt8]](repeating: [], count: 9)
        for c in 0..<9 { cols[c].reserveCapacity(n * 2) }
        var prices: [UInt8] = []
        prices.reserveCapacity(n * 8)
        var exceptions: [UInt8] = []
        var exceptionCount = 0
        var prevEpoch = b.epochs[rows.first!]
        for (r, i) in rows.enumerated() {
            let gp = b.profile[i]
            if localProfile[Int(gp)] < 0 {
                localProfile[Int(gp)] = Int32(usedProfiles.count)
                usedProfiles.append(gp)
            }
            Varint.put(UInt64(b.quoteIDs[i] - b.firstQuoteID), &cols[0])
            Varint.put(UInt64(b.epochs[i] - prevEpoch), &cols[1])
            prevEpoch = b.epochs[i]
            Varint.put(UInt64(b.nanos[i]), &cols[2])
            Varint.put(UInt64(localProfile[Int(gp)]), &cols[3])
            Varint.put(b.offer[i] < 0 ? 0 : UInt64(intern(b.offer[i]) + 1), &cols[4])
            Varint.put(UInt64(b.available[i] + 1), &cols[5])
            let priced = !b.usd[i].isNaN
            Varint.put(priced ? 0 : UInt64(intern(b.unpriced[i]) + 1), &cols[6])
            Varint.put(UInt64(intern(b.reference[i])), &cols[7])
            let f = b.fx[i]
            if f >= 0 {
                if localFX[Int(f)] < 0 {
                    localFX[Int(f)] = Int32(usedFX.count)
                    usedFX.append(f)
                }
                Varint.put(UInt64(localFX[Int(f)] + 1), &cols[8])
            } else {
                Varint.put(0, &cols[8])
            }
            if priced { putDouble(b.usd[i], &prices) }
            let derived: Double = priced ? (b.profiles[Int(gp)].h100Factor.map { b.usd[i] / $0 } ?? .nan) : .nan
            if derived.bitPattern != b.h100[i].bitPattern && !(derived.isNaN && b.h100[i].isNaN) {
                exceptionCount += 1
                Varint.put(UInt64(r), &exceptions)
                if b.h100[i].isNaN {
                    exceptions.append(0)
                } else {
                    exceptions.append(1)
                    putDouble(b.h100[i], &exceptions)
                }
            }
        }
        // Profiles and FX dates use segment strings too: number them before the table is written.
        var profileBytes: [UInt8] = []
        Varint.put(UInt64(usedProfiles.count), &profileBytes)
        var profileRefs: [[Int]] = []
        for gi in usedProfiles {
            let p = b.profiles[Int(gi)]
            profileRefs.append([internProfileText(p.source), internProfileText(p.location), p.chip.map { internProfileText($0) } ?? -1,
                                p.country.map { internProfileText($0) } ?? -1, p.region.map { internProfileText($0) } ?? -1,
                                internProfileText(p.term), internProfileText(p.interconnect), internProfileText(p.grades),
                                p.unmatched.map { internProfileText($0) } ?? -1])
        }
        var fxDateRefs: [Int] = []
        for f in usedFX { fxDateRefs.append(intern(b.fxDates[Int(f)])) }
        let base = strings.count
        for (k, gi) in usedProfiles.enumerated() {
            let p = b.profiles[Int(gi)]
            let refs = profileRefs[k]
            func req(_ v: Int) -> UInt64 { UInt64(base + v) }
            func opt(_ v: Int) -> UInt64 { v < 0 ? 0 : UInt64(base + v + 1) }
            for v in [req(refs[0]), req(refs[1]), opt(refs[2]), opt(refs[3]), opt(refs[4]), req(refs[5]), UInt64(p.gpuCount),
                      req(refs[6]), req(refs[7]), opt(refs[8])] {
                Varint.put(v, &profileBytes)
            }
            putDouble(p.h100Factor ?? .nan, &profileBytes)
        }
        var fxBytes: [UInt8] = []
        Varint.put(UInt64(usedFX.count), &fxBytes)
        for (k, f) in usedFX.enumerated() {
            putDouble(b.fxRates[Int(f)], &fxBytes)
            Varint.put(UInt64(fxDateRefs[k]), &fxBytes)
        }
        var out = magic
        out.reserveCapacity(n * 16 + 1024)
        Varint.put(UInt64(b.firstQuoteID), &out)
        Varint.put(zigzag(day), &out)
        Varint.put(UInt64(n), &out)
        Varint.put(zigzag(b.epochs[rows.first!]), &out)
        Varint.put(UInt64(strings.count + extra.count), &out)
        for t in strings {
            let u = b.texts[Int(t)].utf8
            Varint.put(UInt64(u.count), &out)
            out.append(contentsOf: u)
        }
        for s in extra {
            Varint.put(UInt64(s.utf8.count), &out)
            out.append(contentsOf: s.utf8)
        }
        out += profileBytes
        out += fxBytes
        for c in cols { out += c }
        out += prices
        Varint.put(UInt64(exceptionCount), &out)
        out += exceptions
        let typed = rows.enumerated().filter { b.input[$0.element] != 0 }
        if !typed.isEmpty {
            Varint.put(UInt64(typed.count), &out)
            for (r, i) in typed {
                Varint.put(UInt64(r), &out)
                out.append(b.input[i])
                putDouble(b.volume[i], &out)
            }
        }
        return NormalizedSegment(day: day, firstQuoteID: b.firstQuoteID, count: n, minEpoch: b.epochs[rows.first!],
                                 maxEpoch: b.epochs[rows.last!], data: BlockCodec.compress(out))
    }

    static func zigzag(_ v: Int64) -> UInt64 { UInt64(bitPattern: (v << 1) ^ (v >> 63)) }
    static func unzigzag(_ u: UInt64) -> Int64 { Int64(bitPattern: u >> 1) ^ -Int64(bitPattern: u & 1) }

    static func putDouble(_ d: Double, _ out: inout [UInt8]) {
        var b = d.bitPattern
        for _ in 0..<8 {
            out.append(UInt8(truncatingIfNeeded: b))
            b >>= 8
        }
    }
}

enum Varint {
    @inline(__always) static func put(_ v: UInt64, _ out: inout [UInt8]) {
        var v = v
        while v >= 0x80 {
            out.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        out.append(UInt8(v))
    }
}

/// A decoded segment: columns of its quotes, and the texts they index.
public struct DecodedSegment: Sendable {
    public struct Profile: Sendable {
        public var source: Int32, location: Int32, chip: Int32, country: Int32, region: Int32, term: Int32
        public var gpuCount: Int
        public var interconnect: Int32, grades: Int32, unmatched: Int32
        public var h100Factor: Double?
    }

    public var count = 0
    /// All strings, back to back; `ranges[i]` is string i. Optional references use -1 for none.
    public var bytes: [UInt8] = []
    public var ranges: [Range<Int>] = []
    public var profiles: [Profile] = []
    public var fxRates: [Double] = []
    public var fxDates: [Int32] = []

    public var quoteIDs: [Int64] = []
    public var epochs: [Int64] = []
    public var nanos: [Int32] = []
    public var profile: [Int32] = []
    public var offer: [Int32] = []
    public var available: [Int] = []
    public var unpriced: [Int32] = []
    public var reference: [Int32] = []
    public var fx: [Int32] = []
    /// NaN when unpriced.
    public var usd: [Double] = []
    public var h100: [Double?] = []
    /// §5.9: row → (input type, volume) of the rows that are not firm.
    public var inputs: [Int: (type: InputType, volume: Double?)] = [:]

    /// A row's input type and volume (firm, none, unless the segment says otherwise).
    public func input(_ r: Int) -> (type: InputType, volume: Double?) { inputs[r] ?? (.firm, nil) }

    public func string(_ i: Int32) -> String? {
        i < 0 ? nil : String(decoding: bytes[ranges[Int(i)]], as: UTF8.self)
    }

    /// Row `r` as the normalized quote it stores.
    public func quote(_ r: Int) -> NormalizedQuote {
        let p = profiles[Int(profile[r])]
        let f = fx[r]
        return NormalizedQuote(chip: string(p.chip), country: string(p.country), region: string(p.region),
                               term: Term(rawValue: string(p.term)!) ?? .onDemand, gpuCount: p.gpuCount,
                               availableGPUs: available[r] < 0 ? nil : available[r],
                               interconnect: InterconnectClass(rawValue: string(p.interconnect)!) ?? .other,
                               usdPerGPUHour: usd[r].isNaN ? nil : usd[r], usdPerH100Hour: h100[r],
                               fxRate: f < 0 ? nil : fxRates[Int(f)], fxDate: f < 0 ? nil : string(fxDates[Int(f)]).flatMap { CivilDate(iso: $0) },
                               unpricedReason: string(unpriced[r]),
                               grades: string(p.grades)!.split(separator: " ").map(String.init), unmatched: string(p.unmatched).flatMap { UnmatchedReason(rawValue: $0) })
    }

    struct Malformed: Error {}

    /// Decodes a stored segment and checks it against where it is stored: its block, its day, its count
    /// and time range. A segment that does not decode or does not match is `StoreCorruption`, with the
    /// command that rebuilds the normalized quotes.
    public init(_ seg: NormalizedSegment) throws {
        try self.init(data: seg.data, firstQuoteID: seg.firstQuoteID, day: seg.day, count: seg.count, minEpoch: seg.minEpoch,
                      maxEpoch: seg.maxEpoch)
    }

    public init(data: [UInt8], firstQuoteID: Int64, day: Int64? = nil, count expected: Int? = nil, minEpoch: Int64? = nil,
                maxEpoch: Int64? = nil) throws {
        let at = "the normalized quotes of the block at quote \(firstQuoteID)" + (day.map { " observed on \(CivilDate(dayNumber: $0))" } ?? "")
        let fix = ": the stored normalized quotes are damaged (cix normalize --rebuild makes them again from the raw quotes)"
        let plain: [UInt8]
        do { plain = try data.withUnsafeBytes { try BlockCodec.decompress($0) } } catch {
            throw StoreCorruption("\(at) do not decompress (\(error))\(fix)")
        }
        do { try decode(plain, firstQuoteID: firstQuoteID, day: day) } catch {
            throw StoreCorruption("\(at) do not decode\(fix)")
        }
        if let expected, expected != count { throw StoreCorruption("\(at) hold \(count) quotes, not the \(expected) stored beside them\(fix)") }
        if let minEpoch, let first = epochs.first, first != minEpoch { throw StoreCorruption("\(at) do not start at their stored time\(fix)") }
        if let maxEpoch, let last = epochs.last, last != maxEpoch { throw StoreCorruption("\(at) do not end at their stored time\(fix)") }
    }

    private mutating func decode(_ b: [UInt8], firstQuoteID: Int64, day: Int64?) throws {
        var p = 0
        func varint() throws -> UInt64 {
            var v: UInt64 = 0
            var shift: UInt64 = 0
            while true {
                guard p < b.count, shift < 64 else { throw Malformed() }
                let x = b[p]
                p += 1
                v |= UInt64(x & 0x7F) << shift
                if x < 0x80 { return v }
                shift += 7
            }
        }
        func int() throws -> Int {
            let v = try varint()
            guard v <= UInt64(Int32.max) else { throw Malformed() }
            return Int(v)
        }
        func double() throws -> Double {
            guard p + 8 <= b.count else { throw Malformed() }
            var v: UInt64 = 0
            for i in 0..<8 { v |= UInt64(b[p + i]) << (8 * UInt64(i)) }
            p += 8
            return Double(bitPattern: v)
        }
        guard b.count >= 4, Array(b[0..<4]) == SegmentEncoding.magic else { throw Malformed() }
        p = 4
        // The block and day it was written for: a segment moved under another key is refused.
        guard Int64(try varint()) == firstQuoteID else { throw Malformed() }
        let ownDay = SegmentEncoding.unzigzag(try varint())
        if let day, day != ownDay { throw Malformed() }
        let n = try int()
        count = n
        var epoch = SegmentEncoding.unzigzag(try varint())
        let ns = try int()
        bytes.reserveCapacity(b.count)
        for _ in 0..<ns {
            let len = try int()
            guard p + len <= b.count else { throw Malformed() }
            ranges.append(bytes.count..<(bytes.count + len))
            bytes.append(contentsOf: b[p..<(p + len)])
            p += len
        }
        func str(_ v: Int, optional: Bool) throws -> Int32 {
            let i = optional ? v - 1 : v
            guard i < ns, optional || i >= 0 else { throw Malformed() }
            return Int32(i)
        }
        let np = try int()
        for _ in 0..<np {
            let source = try str(try int(), optional: false), location = try str(try int(), optional: false)
            let chip = try str(try int(), optional: true), country = try str(try int(), optional: true)
            let region = try str(try int(), optional: true), term = try str(try int(), optional: false)
            let gpus = try int()
            let inter = try str(try int(), optional: false), grades = try str(try int(), optional: false)
            let unmatched = try str(try int(), optional: true)
            let factor = try double()
            profiles.append(Profile(source: source, location: location, chip: chip, country: country, region: region, term: term,
                                    gpuCount: gpus, interconnect: inter, grades: grades, unmatched: unmatched,
                                    h100Factor: factor.isNaN ? nil : factor))
        }
        let nf = try int()
        for _ in 0..<nf {
            fxRates.append(try double())
            fxDates.append(try str(try int(), optional: false))
        }
        quoteIDs.reserveCapacity(n)
        for _ in 0..<n {
            let q = try varint()
            guard q < 1 << 32 else { throw Malformed() }
            quoteIDs.append(firstQuoteID + Int64(q))
        }
        epochs.reserveCapacity(n)
        for _ in 0..<n {
            epoch += Int64(try varint())
            guard floorDiv(epoch, 86_400) == ownDay else { throw Malformed() }
            epochs.append(epoch)
        }
        for _ in 0..<n { nanos.append(Int32(try int())) }
        for _ in 0..<n {
            let v = try int()
            guard v < np else { throw Malformed() }
            profile.append(Int32(v))
        }
        for _ in 0..<n { offer.append(try str(try int(), optional: true)) }
        for _ in 0..<n { available.append(try int() - 1) }
        for _ in 0..<n { unpriced.append(try str(try int(), optional: true)) }
        for _ in 0..<n { reference.append(try str(try int(), optional: false)) }
        for _ in 0..<n {
            let v = try int()
            guard v <= nf else { throw Malformed() }
            fx.append(Int32(v - 1))
        }
        usd.reserveCapacity(n)
        h100.reserveCapacity(n)
        for r in 0..<n {
            if unpriced[r] < 0 {
                let u = try double()
                usd.append(u)
                h100.append(profiles[Int(profile[r])].h100Factor.map { u / $0 })
            } else {
                usd.append(.nan)
                h100.append(nil)
            }
        }
        let ne = try int()
        for _ in 0..<ne {
            let r = try int()
            guard r < n, p < b.count else { throw Malformed() }
            let flag = b[p]
            p += 1
            h100[r] = flag == 1 ? try double() : nil
        }
        if p < b.count {
            let ni = try int()
            guard ni <= n else { throw Malformed() }
            for _ in 0..<ni {
                let r = try int()
                guard r < n, p < b.count, let t = InputType(code: b[p]), t != .firm else { throw Malformed() }
                p += 1
                let v = try double()
                inputs[r] = (t, v.isNaN ? nil : v)
            }
        }
        guard p == b.count else { throw Malformed() }
    }
}
