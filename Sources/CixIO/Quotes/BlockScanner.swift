import CixCore

/// One stored quote as the block scanner reads it for normalization: its own values, and the slot of
/// its descriptive fields (source, chip, GPUs, location, term, currency, price unit and basis,
/// interconnect), which many quotes share.
public struct ScannedQuote: Sendable {
    public var id: Int64
    public var epoch: Int64
    public var nanos: Int32
    /// The descriptive fields: an entry of the `ScanCache`.
    public var slot: Int32
    /// The offer id: an index into `ScannedBlock.offers`, -1 for none.
    public var offer: Int32
    public var availableGPUs: Int?
    public var price: Double
    /// §5.9: the input type and a transaction's volume in GPU-hours (NaN: none).
    public var inputType: InputType = .firm
    public var volume: Double = .nan
}

/// A raw block read for normalization (METHODOLOGY.md §3.8): per quote its own values; the block's
/// distinct offer ids; the descriptive fields in the `ScanCache` it was read with.
public struct ScannedBlock: Sendable {
    public var quotes: [ScannedQuote] = []
    public var offers: [String] = []
    /// The block took the general decoder (`RawBlock.decode`) because a record had a form the scanner
    /// leaves to it (a byte-order mark, a blank line, a CR, a quote inside a field, a record that is not
    /// a line number and 13 fields, or 15 with an input type or volume).
    public var generalDecoder = false
}

/// Byte strings → dense numbers, by FNV-1a with the bytes kept to compare (a hash collision cannot
/// merge two keys); open addressing, no `Hasher` (the scanner's per-quote lookups).
struct ByteInterner {
    private var table = [Int32](repeating: -1, count: 1024)
    private var hashes: [UInt64] = []
    private(set) var keys: [[UInt8]] = []

    var count: Int { keys.count }

    static func hash(_ b: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h = FNV1a64()
        for x in b { h.add(byte: x) }
        return h.value
    }

    /// The number of `key` (hash `h`), if known.
    func find(_ key: UnsafeBufferPointer<UInt8>, hash h: UInt64) -> Int32? {
        let mask = table.count - 1
        var i = Int(truncatingIfNeeded: h) & mask
        while true {
            let e = table[i]
            if e < 0 { return nil }
            if hashes[Int(e)] == h, keys[Int(e)].elementsEqual(key) { return e }
            i = (i + 1) & mask
        }
    }

    /// Adds a key not known yet; its number is the count before.
    mutating func insert(_ key: UnsafeBufferPointer<UInt8>, hash h: UInt64) -> Int32 {
        let n = Int32(keys.count)
        keys.append(Array(key))
        hashes.append(h)
        if keys.count * 2 > table.count {
            table = [Int32](repeating: -1, count: table.count * 2)
            for k in 0..<keys.count { place(Int32(k)) }
        } else {
            place(n)
        }
        return n
    }

    private mutating func place(_ k: Int32) {
        let mask = table.count - 1
        var j = Int(truncatingIfNeeded: hashes[Int(k)]) & mask
        while table[j] >= 0 { j = (j + 1) & mask }
        table[j] = k
    }

    /// The number of `key`, added when new, and whether it was.
    mutating func intern(_ key: UnsafeBufferPointer<UInt8>, hash h: UInt64) -> (Int32, Bool) {
        if let e = find(key, hash: h) { return (e, false) }
        return (insert(key, hash: h), true)
    }
}

/// What the scanner has validated, kept from block to block: each descriptive field's distinct texts
/// (validated once each), each distinct combination of them (a slot) with a validated quote carrying
/// it (`templates`). Results never depend on what a cache already holds. One scan at a time per cache.
public final class ScanCache: @unchecked Sendable {
    public private(set) var templates: [RawQuote] = []
    /// Per descriptive field (`F.descriptive` order): its texts as bytes → number → a validated quote
    /// with that text in that field.
    fileprivate var fields = [ByteInterner](repeating: ByteInterner(), count: 9)
    fileprivate var fieldQuotes = [[RawQuote]](repeating: [], count: 9)
    /// Combinations of field numbers → their number → the slot (the template's index: the general
    /// decoder adds templates too, so the two numberings differ).
    fileprivate var combos = ByteInterner()
    private var comboSlot: [Int32] = []
    /// A record that validated whole: other records' new field texts are validated in it, one at a time.
    fileprivate var base: [String]?
    fileprivate var general: [GeneralKey: Int32] = [:]

    public init() {}

    fileprivate func add(_ q: RawQuote) -> Int32 {
        templates.append(q)
        return Int32(templates.count - 1)
    }

    /// The descriptive fields of a validated quote (the general decoder's key).
    fileprivate struct GeneralKey: Hashable {
        var source, chip, location, term, currency, unit, basis: String
        var gpuCount: Int
        var interconnect: String?
        init(_ q: RawQuote) {
            source = q.source; chip = q.chip; location = q.location; term = q.termText; currency = q.currency
            unit = q.priceUnit.rawValue; basis = q.priceBasis.rawValue; gpuCount = q.gpuCount; interconnect = q.interconnect
        }
    }

    /// The slot of a combination of field numbers, made when new from the fields' validated values
    /// (the time, price and availability of a template do not matter: only its descriptive fields are read).
    private var comboKey = [UInt8](repeating: 0, count: 36)

    fileprivate func slot(_ ids: [Int32]) -> Int32 {
        for (k, id) in ids.enumerated() {
            for j in 0..<4 { comboKey[k * 4 + j] = UInt8(truncatingIfNeeded: id >> (8 * Int32(j))) }
        }
        let key = comboKey
        return key.withUnsafeBufferPointer { kb in
            let h = ByteInterner.hash(kb)
            if let e = combos.find(kb, hash: h) { return comboSlot[Int(e)] }
            // Each field's value from the quote it was validated in (read in place, not copied whole).
            func q(_ k: Int) -> Int { Int(ids[k]) }
            let t = RawQuote(observedAt: "", observedEpoch: 0, source: fieldQuotes[0][q(0)].source, offerID: nil, chip: fieldQuotes[1][q(1)].chip,
                             gpuCount: fieldQuotes[2][q(2)].gpuCount, location: fieldQuotes[3][q(3)].location,
                             termText: fieldQuotes[4][q(4)].termText, term: fieldQuotes[4][q(4)].term, price: "", priceValue: 1,
                             currency: fieldQuotes[5][q(5)].currency, priceUnit: fieldQuotes[6][q(6)].priceUnit,
                             priceBasis: fieldQuotes[7][q(7)].priceBasis, availableGPUs: nil, interconnect: fieldQuotes[8][q(8)].interconnect)
            _ = combos.insert(kb, hash: h)
            let slot = add(t)
            comboSlot.append(slot)
            return slot
        }
    }
}

extension RawBlock {
    /// Reads the block as `decode` does, with the same results, without a string per field: a record is
    /// cut into fields in place; its descriptive fields are validated once per distinct byte content (the
    /// first record with it goes through `QuoteValidation.validate`, whole; `cache` keeps them for the
    /// next blocks); the time, price, availability and offer id of the others are parsed from their bytes
    /// with the functions `validate` uses. A field with spaces at its ends, quotes or control bytes sends
    /// its record through `validate`; a record in a form the scanner does not take (see
    /// `ScannedBlock.generalDecoder`) sends the whole block through `decode`. A record that does not
    /// validate is `StoreCorruption`, as in `decode`.
    ///
    /// Written by hand because it is the normalization's inner loop: `decode` makes 14 strings a quote.
    public func scan(cache: ScanCache) throws -> ScannedBlock {
        if let unreadable { throw StoreCorruption("raw block at quote \(firstQuoteID): \(unreadable)") }
        if let out = try data.withUnsafeBufferPointer({ try scanFast($0, cache: cache) }) { return out }
        var out = ScannedBlock(generalDecoder: true)
        var offers = ByteInterner()
        try decode { sq in
            let q = sq.quote
            let k = ScanCache.GeneralKey(q)
            let slot: Int32
            if let s = cache.general[k] { slot = s } else {
                slot = cache.add(q)
                cache.general[k] = slot
            }
            var offer: Int32 = -1
            if var o = q.offerID {
                let (n, new) = o.withUTF8 { offers.intern($0, hash: ByteInterner.hash($0)) }
                if new { out.offers.append(o) }
                offer = n
            }
            out.quotes.append(ScannedQuote(id: sq.id, epoch: q.observedEpoch, nanos: q.observedNanos, slot: slot, offer: offer,
                                           availableGPUs: q.availableGPUs, price: q.priceValue, inputType: q.inputType,
                                           volume: q.volumeValue ?? .nan))
        }
        return out
    }

    /// Field positions in a stored record: the line number, then the 13 canonical columns.
    private enum F {
        static let line = 0, observedAt = 1, source = 2, offerID = 3, chip = 4, gpuCount = 5, location = 6, term = 7, price = 8,
                   currency = 9, unit = 10, basis = 11, available = 12, interconnect = 13
        static let count = 14
        static let descriptive = [source, chip, gpuCount, location, term, currency, unit, basis, interconnect]
    }

    /// nil when a record needs the general decoder.
    private func scanFast(_ u: UnsafeBufferPointer<UInt8>, cache: ScanCache) throws -> ScannedBlock? {
        var out = ScannedBlock()
        out.quotes.reserveCapacity(count)
        // Room for the two input hierarchy fields, taken here only when empty.
        var starts = [Int](repeating: 0, count: F.count + 2)
        var ends = [Int](repeating: 0, count: F.count + 2)
        var quoted = [Bool](repeating: false, count: F.count + 2)
        var offers = ByteInterner()
        var ids = [Int32](repeating: -1, count: 9)
        var hashes = [UInt64](repeating: 0, count: 9)
        let n = u.count
        var p = 0
        var i: Int64 = 0
        while p < n {
            // Cut one record.
            var f = 0
            while true {
                guard f < F.count + 2 else { return nil }
                starts[f] = p
                if p < n, u[p] == 34 {
                    quoted[f] = true
                    p += 1
                    while true {
                        guard p < n else { return nil }
                        if u[p] == 34 {
                            if p + 1 < n, u[p + 1] == 34 { p += 2; continue }
                            p += 1
                            break
                        }
                        p += 1
                    }
                    ends[f] = p
                    guard p == n || u[p] == 44 || u[p] == 10 else { return nil }
                } else {
                    quoted[f] = false
                    while p < n, u[p] != 44, u[p] != 10 {
                        if u[p] == 34 || u[p] == 13 { return nil }
                        p += 1
                    }
                    ends[f] = p
                }
                f += 1
                if p < n, u[p] == 44 { p += 1; continue }
                break
            }
            // At LF or the end: a record ends.
            if p < n { p += 1 }
            // Anything but line + 13 fields, or a line number that is not digits (a blank line, a short
            // record): the general decoder skips it or names the fault.
            // A record with an input type or volume (§5.9) takes the general decoder too.
            guard f >= F.count, ends[F.line] > starts[F.line], !quoted[F.line],
                  (starts[F.line]..<ends[F.line]).allSatisfy({ u[$0] &- 48 < 10 }) else { return nil }
            for k in F.count..<f where ends[k] > starts[k] { return nil }
            let id = firstQuoteID + i
            defer { i += 1 }
            func field(_ k: Int) -> UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(rebasing: u[starts[k]..<ends[k]]) }
            // A field's text as the CSV reader gives it (quotes removed, doubled quotes halved).
            func text(_ k: Int) -> String {
                guard quoted[k] else { return String(decoding: field(k), as: UTF8.self) }
                var b: [UInt8] = []
                var j = starts[k] + 1
                while j < ends[k] - 1 {
                    b.append(u[j])
                    j += u[j] == 34 ? 2 : 1
                }
                return String(decoding: b, as: UTF8.self)
            }
            // The descriptive fields: each text's number, when seen before.
            var unknown = false
            for (k, c) in F.descriptive.enumerated() {
                let fb = field(c)
                hashes[k] = ByteInterner.hash(fb)
                if let e = cache.fields[k].find(fb, hash: hashes[k]) { ids[k] = e } else { ids[k] = -1; unknown = true }
            }
            // A text not seen before is validated in a record that validated whole (`base`), alone: the
            // rules of §2.2 are per field, so it is valid here exactly when it is valid there.
            if unknown, let base = cache.base {
                for (k, c) in F.descriptive.enumerated() where ids[k] < 0 {
                    var texts = base
                    texts[c - 1] = text(c)
                    guard case .success(let q) = QuoteValidation.validate(texts) else { break }
                    ids[k] = cache.fields[k].insert(field(c), hash: hashes[k])
                    cache.fieldQuotes[k].append(q)
                }
                unknown = ids.contains(-1)
            }
            let known: Int32? = unknown ? nil : cache.slot(ids)
            // The record's own fields, when clean: unquoted, no spaces or tabs at the ends, no control bytes.
            func clean(_ k: Int) -> Bool {
                if quoted[k] { return false }
                let s = starts[k], e = ends[k]
                if e > s, u[s] == 32 || u[s] == 9 || u[e - 1] == 32 || u[e - 1] == 9 { return false }
                for j in s..<e where u[j] < 0x20 || u[j] == 0x7F { return false }
                return true
            }
            if let known, clean(F.observedAt), clean(F.price), clean(F.available), clean(F.offerID),
               case .success(let t) = Timestamp.parseInstant(utf8: field(F.observedAt)),
               let price = Decimals.parse(utf8: field(F.price)), price.isFinite, price > 0 {
                var available: Int? = nil
                let a = field(F.available)
                var ok = true
                if !a.isEmpty {
                    if a.count <= 9, a.allSatisfy({ $0 &- 48 < 10 }) {
                        // Digits only: the value Int(text) gives, within the limit below.
                        available = a.reduce(0) { $0 * 10 + Int($1 - 48) }
                        ok = available! <= 10_000_000
                    } else if let v = QuoteValidation.parseCount(String(decoding: a, as: UTF8.self)), v >= 0, v <= 10_000_000 {
                        available = v
                    } else {
                        ok = false
                    }
                }
                if ok {
                    var offer: Int32 = -1
                    let o = field(F.offerID)
                    if !o.isEmpty {
                        let (k, new) = offers.intern(o, hash: ByteInterner.hash(o))
                        if new { out.offers.append(String(decoding: o, as: UTF8.self)) }
                        offer = k
                    }
                    out.quotes.append(ScannedQuote(id: id, epoch: t.seconds, nanos: t.nanos, slot: known, offer: offer,
                                                   availableGPUs: available, price: price))
                    continue
                }
            }
            // The general path for this record: its fields as text, validated whole.
            let texts = (1..<f).map { text($0) }
            guard case .success(let q) = QuoteValidation.validate(texts) else {
                throw StoreCorruption("raw block at quote \(firstQuoteID): record \(i) no longer validates")
            }
            if cache.base == nil { cache.base = texts }
            // Its descriptive texts not seen before are kept, now that the record validated.
            for (k, c) in F.descriptive.enumerated() where ids[k] < 0 {
                let fb = field(c)
                if let e = cache.fields[k].find(fb, hash: hashes[k]) { ids[k] = e; continue }
                ids[k] = cache.fields[k].insert(fb, hash: hashes[k])
                cache.fieldQuotes[k].append(q)
            }
            let slot = known ?? cache.slot(ids)
            var offer: Int32 = -1
            if var text = q.offerID {
                let (k, new) = text.withUTF8 { offers.intern($0, hash: ByteInterner.hash($0)) }
                if new { out.offers.append(text) }
                offer = k
            }
            out.quotes.append(ScannedQuote(id: id, epoch: q.observedEpoch, nanos: q.observedNanos, slot: slot, offer: offer,
                                           availableGPUs: q.availableGPUs, price: q.priceValue))
        }
        guard Int(i) == count else { throw StoreCorruption("raw block at quote \(firstQuoteID): \(i) records, expected \(count)") }
        return out
    }
}
