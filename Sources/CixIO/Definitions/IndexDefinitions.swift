import CixCore
import Foundation
import Yams

/// Fixing parameters and index definitions, with the hash of the files they came from.
public struct MethodologyDefinitions: Sendable {
    public var reference: ReferenceData
    public var fixing: FixingParameters
    public var indices: [IndexDefinition]
    /// Hash of grades + catalogues + fixing.yaml: what every fixing records.
    public var fixingHash: String
    /// Hash of the above + indices.yaml: what every index value records.
    public var indexHash: String
}

extension DefinitionLoader {
    struct IndicesFile: Decodable { var indices: [IndexDefinition] }

    public static func methodology(_ dir: String) throws -> MethodologyDefinitions {
        let ref = try referenceData(dir)
        let (fp, fd) = try read(dir, "fixing.yaml")
        let (ip, id) = try read(dir, "indices.yaml")
        let fixing = try decode(FixingParameters.self, fp, fd)
        let indices = try decode(IndicesFile.self, ip, id).indices
        var seen = Set<String>()
        for i in indices {
            guard seen.insert(i.id).inserted else { throw Failure(description: "\(ip): index \(i.id) appears twice") }
            for g in i.grades where ref.grades.grade(id: g) == nil {
                throw Failure(description: "\(ip): index \(i.id) names unknown grade \(g)")
            }
            if i.weighting == .fixed, i.weights == nil { throw Failure(description: "\(ip): index \(i.id) has fixed weighting but no weights") }
        }
        guard fixing.minSources >= 1, fixing.minOffers >= 1, fixing.sourceCap > 0, fixing.sourceCap <= 1 else {
            throw Failure(description: "\(fp): min_sources and min_offers must be at least 1, source_cap in (0, 1]")
        }
        let fh = sha256Hex(Data((ref.hash + sha256Hex(fd)).utf8))
        let ih = sha256Hex(Data((fh + sha256Hex(id)).utf8))
        return MethodologyDefinitions(reference: ref, fixing: fixing, indices: indices, fixingHash: fh, indexHash: ih)
    }
}
