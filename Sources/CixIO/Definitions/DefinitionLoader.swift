import CixCore
import Crypto
import Foundation

/// Where the methodology definitions come from: a folder (`--indices DIR` or `$CIX_INDICES`), or the
/// copy of the shipped `Indices/` built into the binary (`BuiltinDefinitions`), so an installed `cix`
/// works from any folder.
public enum DefinitionSource: Sendable, Hashable, CustomStringConvertible {
    case folder(String)
    case builtIn

    /// `--indices`, else `$CIX_INDICES`, else the built-in definitions.
    public static func locate(_ explicit: String?, environment: [String: String] = ProcessInfo.processInfo.environment) -> DefinitionSource {
        if let e = explicit, !e.isEmpty { return .folder(e) }
        if let env = environment["CIX_INDICES"], !env.isEmpty { return .folder(env) }
        return .builtIn
    }

    public var description: String {
        switch self {
        case .folder(let p): return p
        case .builtIn: return "built-in"
        }
    }

    /// The file's display path and bytes.
    func read(_ name: String) throws -> (path: String, data: Data) {
        switch self {
        case .folder(let dir):
            let path = dir + "/" + name
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: dir, isDirectory: &isDir), isDir.boolValue else {
                throw DefinitionError(path: dir, message: "no such definitions folder")
            }
            guard let data = FileManager.default.contents(atPath: path) else { throw DefinitionError(path: path, message: "cannot read") }
            return (path, data)
        case .builtIn:
            guard let text = BuiltinDefinitions.files[name] else { throw DefinitionError(path: "built-in/" + name, message: "not built in") }
            return ("built-in/" + name, Data(text.utf8))
        }
    }

    /// A file that may be absent (nil then): an older definitions folder without it still loads.
    func readOptional(_ name: String) throws -> (path: String, data: Data)? {
        switch self {
        case .folder(let dir):
            guard FileManager.default.fileExists(atPath: dir + "/" + name) else { return nil }
            return try read(name)
        case .builtIn:
            return BuiltinDefinitions.files[name] == nil ? nil : try read(name)
        }
    }

    /// The names of the flows files (`flows/*.csv`), for the definitions cache key.
    func flowFiles() -> [String] {
        switch self {
        case .folder(let dir):
            return ((try? FileManager.default.contentsOfDirectory(atPath: dir + "/flows")) ?? []).filter { $0.hasSuffix(".csv") }
                .sorted().map { "flows/" + $0 }
        case .builtIn:
            return BuiltinDefinitions.files.keys.filter { $0.hasPrefix("flows/") }.sorted()
        }
    }
}

/// Loads the methodology-as-data files into immutable reference data, validated on load (types,
/// ranges, relations, unknown keys), with the SHA-256 of the exact bytes used (recorded with every
/// result computed from them).
public enum DefinitionLoader {
    /// The files the loader reads, in the order they are hashed.
    public static let fileNames = ["chips.yaml", "locations.yaml", "grades.yaml", "normalization.yaml", "fixing.yaml", "sources.yaml", "indices.yaml",
                                   "calendar.yaml", "futures.yaml", "funds.yaml", "publication.yaml"]

    /// Top-level keys every definitions file may carry.
    static let headerKeys = ["methodology_version", "sections"]

    public static func sha256Hex(_ data: Data) -> String {
        SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }

    public static func referenceData(_ dir: String) throws -> ReferenceData { try referenceData(.folder(dir)) }
    public static func methodology(_ dir: String) throws -> MethodologyDefinitions { try methodology(.folder(dir)) }

    /// Loads chips.yaml, locations.yaml and grades.yaml.
    public static func referenceData(_ source: DefinitionSource) throws -> ReferenceData {
        let (cp, cd) = try source.read("chips.yaml")
        let (lp, ld) = try source.read("locations.yaml")
        let (gp, gd) = try source.read("grades.yaml")
        let (np, nd) = try source.read("normalization.yaml")
        let plausible = try normalization(try YAMLValue.parse(nd, path: np))
        let chipsFile = try chips(try YAMLValue.parse(cd, path: cp))
        let locFile = try locations(try YAMLValue.parse(ld, path: lp))
        let gradeList = try grades(try YAMLValue.parse(gd, path: gp))
        do {
            let chips = try ChipCatalogue(chips: chipsFile.chips, referenceID: chipsFile.reference)
            let locations = try LocationCatalogue(regions: locFile.regions, countries: locFile.countries, regionCodes: locFile.regionCodes,
                                                  providers: locFile.providers)
            let grades = try GradeCatalogue(gradeList, chips: chips, regions: Set(locFile.regions.keys))
            let hash = sha256Hex(Data((sha256Hex(cd) + sha256Hex(ld) + sha256Hex(gd) + sha256Hex(nd)).utf8))
            return ReferenceData(chips: chips, locations: locations, grades: grades, plausiblePrice: plausible, hash: hash)
        } catch let e as CatalogueError {
            throw DefinitionError(path: source.description, message: e.description)
        }
    }

    // MARK: normalization.yaml (§3.7)

    static func normalization(_ root: YAMLValue) throws -> PlausibleRange {
        let m = try root.map()
        let p = try m.required("plausible_usd_per_gpu_hour")
        let r = try p.map()
        let lo = try r.required("min").double(0...1e9, openLower: true)
        let hi = try r.required("max").double(0...1e9, openLower: true)
        try r.finish()
        guard lo < hi else { throw p.fail("min \(lo) must be below max \(hi)") }
        try m.finish(allowed: headerKeys)
        return PlausibleRange(min: lo, max: hi)
    }

    // MARK: chips.yaml (§3.1)

    struct ChipsFile {
        var reference: String
        var chips: [ChipSpec]
    }

    static func chips(_ root: YAMLValue) throws -> ChipsFile {
        let m = try root.map()
        let reference = try m.required("reference_chip").string()
        let chips = try m.required("chips").list().map { v -> ChipSpec in
            let c = try v.map()
            let spec = ChipSpec(
                id: try c.required("id").string(), name: try c.required("name").string(), vendor: try c.required("vendor").string(),
                generation: try c.optional("generation")?.string(), formFactor: try c.optional("form_factor")?.string(),
                bf16TFLOPS: try c.required("bf16_tflops").double(0...1e7, openLower: true),
                memoryGB: try c.required("memory_gb").double(0...1e6, openLower: true),
                memoryBandwidthTBs: try c.required("memory_bandwidth_tbs").double(0...1e4, openLower: true),
                aliases: try c.optional("aliases")?.stringList() ?? [], specSource: try c.optional("spec_source")?.string())
            try c.finish()
            return spec
        }
        try m.finish(allowed: headerKeys)
        return ChipsFile(reference: reference, chips: chips)
    }

    // MARK: locations.yaml (§3.2)

    struct LocationsFile {
        var regions: [String: String] = [:]
        var countries: [String: String] = [:]
        var regionCodes: [String: String] = [:]
        var providers: [String: [String: String]] = [:]
    }

    static func textMap(_ v: YAMLValue) throws -> [String: String] {
        var out: [String: String] = [:]
        for e in try v.map().all() { out[e.key] = try e.value.string() }
        return out
    }

    static func locations(_ root: YAMLValue) throws -> LocationsFile {
        let m = try root.map()
        var f = LocationsFile()
        f.regions = try textMap(try m.required("regions"))
        f.countries = try textMap(try m.required("countries"))
        f.regionCodes = try textMap(try m.required("region_codes"))
        if let p = m.optional("providers") {
            for e in try p.map().all() { f.providers[e.key] = try textMap(e.value) }
        }
        try m.finish(allowed: headerKeys)
        return f
    }

    // MARK: grades.yaml (§4.1)

    static func grades(_ root: YAMLValue) throws -> [GradeDefinition] {
        let m = try root.map()
        let list = try m.required("grades").list().map { v -> GradeDefinition in
            let g = try v.map()
            let id = try g.required("id").string()
            var chips: [String: Double] = [:]
            for e in try g.required("chips").map().all() { chips[e.key] = try e.value.double(0...100, openLower: true) }
            let termValue = try g.required("term")
            guard let term = Term(parsing: try termValue.string()) else { throw termValue.fail("unknown term \(termValue.describe)") }
            let d = GradeDefinition(
                id: id, description: try g.optional("description")?.string() ?? id, chips: chips,
                regions: try g.required("regions").stringList(), term: term,
                minGPUs: try g.optional("min_gpus")?.int(1...100_000) ?? 1,
                interconnects: try g.optional("interconnects")?.list().map { try $0.choice(InterconnectClass.self) } ?? [])
            try g.finish()
            return d
        }
        try m.finish(allowed: headerKeys)
        return list
    }
}
