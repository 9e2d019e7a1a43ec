/// Standard contract grades (METHODOLOGY.md §4).
/// The YAML keys and defaults are read by CixIO/Definitions; the initializer's defaults are the only ones.
public struct GradeDefinition: Sendable, Hashable {
    public var id: String
    public var description: String
    /// Accepted chips and their quality factor (1.0 for the par chip). A quote's price counts in the
    /// grade as price / factor: a chip worth 0.9 of par at 1.80 counts as 2.00.
    public var chips: [String: Double]
    /// Market region codes, or ["GLOBAL"] for every region.
    public var regions: [String]
    public var term: Term
    public var minGPUs: Int
    /// Interconnect classes accepted; empty = any.
    public var interconnects: [InterconnectClass]

    public init(id: String, description: String, chips: [String: Double], regions: [String], term: Term,
                minGPUs: Int = 1, interconnects: [InterconnectClass] = []) {
        self.id = id
        self.description = description
        self.chips = chips
        self.regions = regions
        self.term = term
        self.minGPUs = minGPUs
        self.interconnects = interconnects
    }

    public var isGlobal: Bool { regions.contains("GLOBAL") }
}

public struct GradeCatalogue: Sendable {
    public let grades: [GradeDefinition]
    private let byID: [String: Int]

    /// Compact matching index: (chip, term) → the grades that accept that chip for that term.
    struct Candidate: Sendable {
        var id: String
        var regions: Set<String>
        var global: Bool
        var minGPUs: Int
        var interconnects: Set<InterconnectClass>
    }
    private let index: [IndexKey: [Candidate]]

    struct IndexKey: Hashable, Sendable {
        var chip: String
        var term: Term
    }

    public init(_ grades: [GradeDefinition], chips: ChipCatalogue, regions: Set<String>) throws {
        var byID: [String: Int] = [:]
        for (i, g) in grades.enumerated() {
            if byID[g.id] != nil { throw CatalogueError("grades: id \(g.id) appears twice") }
            byID[g.id] = i
            for (chip, f) in g.chips {
                guard chips.chip(id: chip) != nil else { throw CatalogueError("grades: \(g.id) accepts unknown chip \(chip)") }
                guard f > 0 else { throw CatalogueError("grades: \(g.id) quality factor for \(chip) must be positive") }
            }
            for r in g.regions where r != "GLOBAL" && !regions.contains(r) {
                throw CatalogueError("grades: \(g.id) names unknown region \(r)")
            }
            guard g.minGPUs >= 1 else { throw CatalogueError("grades: \(g.id) min_gpus must be at least 1") }
        }
        self.grades = grades
        self.byID = byID
        var index: [IndexKey: [Candidate]] = [:]
        for g in grades {
            for chip in g.chips.keys {
                index[IndexKey(chip: chip, term: g.term), default: []].append(
                    Candidate(id: g.id, regions: Set(g.regions), global: g.isGlobal, minGPUs: g.minGPUs, interconnects: Set(g.interconnects)))
            }
        }
        self.index = index
    }

    public func grade(id: String) -> GradeDefinition? { byID[id].map { grades[$0] } }

    /// Grades a quote belongs to, or why it belongs to none.
    public func match(chip: String, region: String, term: Term, gpuCount: Int, interconnect: InterconnectClass) -> Result<[String], UnmatchedReason> {
        var candidates = 0
        var out: [String] = []
        var failedGPUs = false
        for g in index[IndexKey(chip: chip, term: term)] ?? [] where g.global || g.regions.contains(region) {
            candidates += 1
            if gpuCount < g.minGPUs { failedGPUs = true; continue }
            if !g.interconnects.isEmpty && !g.interconnects.contains(interconnect) { continue }
            out.append(g.id)
        }
        if !out.isEmpty { return .success(out) }
        if candidates == 0 { return .failure(.noGrade) }
        return .failure(failedGPUs ? .belowMinimumGPUs : .interconnectNotAccepted)
    }
}

/// Why a quote is in no grade (METHODOLOGY.md §4.3); reported by `cix grades unmatched`.
public enum UnmatchedReason: String, Sendable, Codable, CaseIterable, Error {
    case unknownChip = "unknown chip"
    case unknownLocation = "unknown location"
    case noGrade = "no grade for this chip/region/term"
    case belowMinimumGPUs = "below minimum GPUs"
    case interconnectNotAccepted = "interconnect not accepted"
}
