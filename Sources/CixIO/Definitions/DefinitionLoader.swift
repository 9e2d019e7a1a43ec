import CixCore
import Crypto
import Foundation
import Yams

/// Loads the methodology-as-data files in `Indices/` into immutable reference data, with the SHA-256
/// of the exact bytes used (recorded with every result computed from them).
public enum DefinitionLoader {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// Where the definitions are: `--indices`, else `$CIX_INDICES`, else `./Indices`, else an
    /// `Indices/` beside or above the executable (a checkout's `.build/release/cix`).
    public static func locate(_ explicit: String?) throws -> String {
        if let e = explicit { return e }
        if let env = ProcessInfo.processInfo.environment["CIX_INDICES"] { return env }
        let fm = FileManager.default
        if fm.fileExists(atPath: "Indices/chips.yaml") { return "Indices" }
        var url = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<5 {
            let candidate = url.appendingPathComponent("Indices")
            if fm.fileExists(atPath: candidate.appendingPathComponent("chips.yaml").path) { return candidate.path }
            url.deleteLastPathComponent()
        }
        throw Failure(description: "cannot find the Indices/ folder (use --indices DIR or CIX_INDICES)")
    }

    public static func sha256Hex(_ data: Data) -> String {
        SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }

    static func read(_ dir: String, _ name: String) throws -> (String, Data) {
        let path = dir + "/" + name
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Failure(description: "\(path): cannot read")
        }
        return (path, data)
    }

    struct ChipsFile: Decodable {
        var reference_chip: String
        var chips: [ChipSpec]
    }

    struct LocationsFile: Decodable {
        var regions: [String: String]
        var countries: [String: String]
        var region_codes: [String: String]
        var providers: [String: [String: String]]?
    }

    struct GradesFile: Decodable {
        var grades: [GradeDefinition]
    }

    static func decode<T: Decodable>(_ type: T.Type, _ path: String, _ data: Data) throws -> T {
        do {
            return try YAMLDecoder().decode(T.self, from: String(decoding: data, as: UTF8.self))
        } catch let e as DecodingError {
            throw Failure(description: "\(path): \(describe(e))")
        } catch {
            throw Failure(description: "\(path): \(error)")
        }
    }

    static func describe(_ e: DecodingError) -> String {
        func path(_ c: [CodingKey]) -> String { c.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".") }
        switch e {
        case .keyNotFound(let k, let c): return "missing field \(path(c.codingPath + [k]))"
        case .typeMismatch(_, let c): return "wrong type at \(path(c.codingPath)): \(c.debugDescription)"
        case .valueNotFound(_, let c): return "missing value at \(path(c.codingPath))"
        case .dataCorrupted(let c): return "invalid value at \(path(c.codingPath)): \(c.debugDescription)"
        @unknown default: return "\(e)"
        }
    }

    /// Loads chips.yaml, locations.yaml and grades.yaml from `dir`.
    public static func referenceData(_ dir: String) throws -> ReferenceData {
        let (cp, cd) = try read(dir, "chips.yaml")
        let (lp, ld) = try read(dir, "locations.yaml")
        let (gp, gd) = try read(dir, "grades.yaml")
        let cf = try decode(ChipsFile.self, cp, cd)
        let lf = try decode(LocationsFile.self, lp, ld)
        let gf = try decode(GradesFile.self, gp, gd)
        do {
            let chips = try ChipCatalogue(chips: cf.chips, referenceID: cf.reference_chip)
            let locations = try LocationCatalogue(regions: lf.regions, countries: lf.countries, regionCodes: lf.region_codes,
                                                  providers: lf.providers ?? [:])
            let grades = try GradeCatalogue(gf.grades, chips: chips, regions: Set(lf.regions.keys))
            let hash = sha256Hex(Data((sha256Hex(cd) + sha256Hex(ld) + sha256Hex(gd)).utf8))
            return ReferenceData(chips: chips, locations: locations, grades: grades, hash: hash)
        } catch let e as CatalogueError {
            throw Failure(description: "\(dir): \(e.description)")
        }
    }
}
