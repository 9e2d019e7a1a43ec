/// Reference data the normalization resolves against (METHODOLOGY.md §3). Immutable values, built
/// once from the definition files by a loader (CixIO) and injected into the pure functions.

public struct ChipSpec: Sendable, Hashable {
    public var id: String
    public var name: String
    public var vendor: String
    public var generation: String?
    public var formFactor: String?
    public var bf16TFLOPS: Double
    public var memoryGB: Double
    public var memoryBandwidthTBs: Double
    public var aliases: [String]
    public var specSource: String?

    public init(id: String, name: String, vendor: String, generation: String? = nil, formFactor: String? = nil,
                bf16TFLOPS: Double, memoryGB: Double, memoryBandwidthTBs: Double, aliases: [String], specSource: String? = nil) {
        self.id = id
        self.name = name
        self.vendor = vendor
        self.generation = generation
        self.formFactor = formFactor
        self.bf16TFLOPS = bf16TFLOPS
        self.memoryGB = memoryGB
        self.memoryBandwidthTBs = memoryBandwidthTBs
        self.aliases = aliases
        self.specSource = specSource
    }
}

/// What a performance-normalized price divides by (METHODOLOGY.md §3.4).
public enum PerformanceBasis: String, Sendable, Codable, Hashable, CaseIterable {
    /// Dense BF16 TFLOPS relative to the reference chip (default).
    case bf16
    /// Memory bandwidth relative to the reference chip (for memory-bound inference work).
    case bandwidth
}

public struct CatalogueError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ d: String) { description = d }
}

public struct ChipCatalogue: Sendable {
    public let chips: [ChipSpec]
    public let reference: ChipSpec
    private let byKey: [String: Int]
    private let byID: [String: Int]
    /// Aliases exactly as written (a fast path before key folding).
    private let byExact: [String: Int]

    /// Words dropped from chip text before matching: vendor names and memory-type filler.
    public static let fillerWords: Set<String> = [
        "nvidia", "amd", "tesla", "geforce", "instinct", "gpu", "hbm", "hbm2", "hbm2e", "hbm3", "hbm3e",
        "oam", "gddr6", "gddr6x", "gddr7",
    ]

    /// The matching key of a chip text: lower-cased, split on anything not a letter or digit, filler
    /// words dropped, parts joined (METHODOLOGY.md §3.1).
    public static func key(_ text: some StringProtocol) -> String {
        var parts: [String] = []
        var cur = ""
        for ch in text.lowercased() {
            if ch.isLetter || ch.isNumber {
                cur.append(ch)
            } else if !cur.isEmpty {
                parts.append(cur)
                cur = ""
            }
        }
        if !cur.isEmpty { parts.append(cur) }
        return parts.filter { !fillerWords.contains($0) }.joined()
    }

    public init(chips: [ChipSpec], referenceID: String) throws {
        self.chips = chips
        var byKey: [String: Int] = [:]
        var byID: [String: Int] = [:]
        var byExact: [String: Int] = [:]
        for (i, c) in chips.enumerated() {
            for alias in [c.id, c.name] + c.aliases { byExact[alias] = i }
            if byID[c.id] != nil { throw CatalogueError("chips: id \(c.id) appears twice") }
            byID[c.id] = i
            guard c.bf16TFLOPS > 0, c.memoryBandwidthTBs > 0 else { throw CatalogueError("chips: \(c.id) needs positive bf16_tflops and memory_bandwidth_tbs") }
            for alias in [c.id, c.name] + c.aliases {
                let k = ChipCatalogue.key(alias)
                guard !k.isEmpty else { continue }
                if let other = byKey[k], other != i {
                    throw CatalogueError("chips: alias \"\(alias)\" (key \(k)) names both \(chips[other].id) and \(c.id)")
                }
                byKey[k] = i
            }
        }
        guard let r = byID[referenceID] else { throw CatalogueError("chips: reference_chip \(referenceID) is not in the catalogue") }
        reference = chips[r]
        self.byKey = byKey
        self.byID = byID
        self.byExact = byExact
    }

    public func resolve(_ text: String) -> ChipSpec? {
        if let i = byExact[text] { return chips[i] }
        return byKey[ChipCatalogue.key(text)].map { chips[$0] }
    }

    public func chip(id: String) -> ChipSpec? { byID[id].map { chips[$0] } }

    /// How many reference-chip hours one hour of `chip` is worth.
    public func performanceFactor(_ chip: ChipSpec, basis: PerformanceBasis = .bf16) -> Double {
        switch basis {
        case .bf16: chip.bf16TFLOPS / reference.bf16TFLOPS
        case .bandwidth: chip.memoryBandwidthTBs / reference.memoryBandwidthTBs
        }
    }
}

public struct ResolvedLocation: Sendable, Hashable {
    public var country: String
    public var region: String
}

public struct LocationCatalogue: Sendable {
    /// Market region code → name.
    public let regions: [String: String]
    /// ISO country → market region code.
    public let countries: [String: String]
    /// Public cloud region code (lower-case) → country.
    public let regionCodes: [String: String]
    /// Source (lower-case) → its own codes (lower-case) → country.
    public let providers: [String: [String: String]]

    public init(regions: [String: String], countries: [String: String], regionCodes: [String: String],
                providers: [String: [String: String]]) throws {
        self.regions = regions
        var c: [String: String] = [:]
        for (k, v) in countries {
            guard regions[v] != nil else { throw CatalogueError("locations: country \(k) is in unknown region \(v)") }
            c[k.uppercased()] = v
        }
        self.countries = c
        func lower(_ m: [String: String], _ what: String) throws -> [String: String] {
            var out: [String: String] = [:]
            for (k, v) in m {
                guard c[v.uppercased()] != nil else { throw CatalogueError("locations: \(what) \(k) maps to unknown country \(v)") }
                out[k.lowercased()] = v.uppercased()
            }
            return out
        }
        self.regionCodes = try lower(regionCodes, "region code")
        var p: [String: [String: String]] = [:]
        for (src, m) in providers { p[src.lowercased()] = try lower(m, "\(src) code") }
        self.providers = p
    }

    /// Resolves a location as METHODOLOGY.md §3.2 orders the rules; nil when nothing matches.
    public func resolve(source: String, location: String) -> ResolvedLocation? {
        guard let cc = country(source: source, location: location), let r = countries[cc] else { return nil }
        return ResolvedLocation(country: cc, region: r)
    }

    func country(source: String, location raw: String) -> String? {
        let own = providers[source] ?? providers[source.lowercased()]
        // Fast paths: codes as catalogued (lower case), an upper-case country code.
        if let cc = own?[raw] ?? regionCodes[raw] { return cc }
        if raw.utf8.count == 2, countries[raw] != nil { return raw }
        // Text with commas is never a code: only the `Place, CC, Continent` rule can apply.
        if raw.utf8.contains(44) {
            if let cc = LocationCatalogue.placeCountry(raw), countries[cc] != nil { return cc }
            return nil
        }
        let loc = raw.trimmingSpaces().lowercased()
        if let cc = own?[loc] ?? regionCodes[loc] { return cc }
        // Zone suffixes: us-central1-b, fr-par-2, us-east-1a.
        for stripped in LocationCatalogue.zoneStripped(loc) {
            if let cc = own?[stripped] ?? regionCodes[stripped] { return cc }
        }
        let upper = loc.uppercased()
        if upper.utf8.count == 2, countries[upper] != nil { return upper }
        // "CC - site" (PrimeIntellect).
        if let dash = raw.range(of: " - ") {
            let cc = raw[..<dash.lowerBound].trimmingSpaces().uppercased()
            if cc.utf8.count == 2, countries[cc] != nil { return cc }
        }
        return nil
    }

    /// The CC of `Place, CC, Continent`: exactly two commas, two letters between them.
    static func placeCountry(_ text: String) -> String? {
        var raw = text
        return raw.withUTF8 { u -> String? in
            var first = -1
            var second = -1
            for i in 0..<u.count where u[i] == 44 {
                if first < 0 { first = i } else if second < 0 { second = i } else { return nil }
            }
            guard first >= 0, second > first else { return nil }
            var a = first + 1
            var b = second
            while a < b, u[a] == 32 { a += 1 }
            while b > a, u[b - 1] == 32 { b -= 1 }
            guard b - a == 2 else { return nil }
            let c0 = u[a] | 0x20
            let c1 = u[a + 1] | 0x20
            guard c0 >= 97, c0 <= 122, c1 >= 97, c1 <= 122 else { return nil }
            return String(decoding: [c0 & ~0x20, c1 & ~0x20], as: UTF8.self)
        }
    }

    static func zoneStripped(_ loc: String) -> [String] {
        var out: [String] = []
        if let dash = loc.lastIndex(of: "-") {
            let tail = loc[loc.index(after: dash)...]
            if tail.count <= 2 { out.append(String(loc[..<dash])) }
        }
        if let last = loc.last, last.isLetter, loc.dropLast().last?.isNumber == true { out.append(String(loc.dropLast())) }
        return out
    }
}

extension StringProtocol {
    func trimmingSpaces() -> String {
        var s = Substring(self)
        while s.first == " " || s.first == "\t" { s = s.dropFirst() }
        while s.last == " " || s.last == "\t" { s = s.dropLast() }
        return String(s)
    }

    func range(of needle: String) -> Range<Index>? {
        guard !needle.isEmpty else { return nil }
        var i = startIndex
        while i < endIndex {
            if self[i...].starts(with: needle) { return i..<index(i, offsetBy: needle.count) }
            i = index(after: i)
        }
        return nil
    }
}

/// Interconnect classes (METHODOLOGY.md §3.3); provider text maps to one of these.
public enum InterconnectClass: String, Sendable, Codable, CaseIterable {
    case infiniband, roce, efa, tcpx, ethernet, none, other

    public init(text: String?) {
        guard let t = text, !t.isEmpty else { self = .none; return }
        if let exact = InterconnectClass(rawValue: t) { self = exact; return }
        let k = ChipCatalogue.key(t)
        if k.contains("infiniband") || k == "ib" || k.hasPrefix("ndr") || k.hasPrefix("hdr") || k.hasSuffix("ib") { self = .infiniband }
        else if k.contains("roce") { self = .roce }
        else if k.contains("efa") { self = .efa }
        else if k.contains("tcpx") || k.contains("tcpxo") || k.contains("gpudirect") { self = .tcpx }
        else if k.contains("ethernet") || k == "eth" { self = .ethernet }
        else if k == "none" || k == "no" { self = .none }
        else { self = .other }
    }
}
