import CixApp
import CixCore
import CixIO
import Foundation
import Testing

/// A publisher edits Indices/; a broken edit must stop with an error naming the file and what is wrong.
@Suite struct DefinitionTests {
    func indicesCopy(_ name: String = #function, edit: (inout [String: String]) -> Void) throws -> String {
        let dir = try tempDir(name)
        try FileManager.default.createDirectory(atPath: dir + "/flows", withIntermediateDirectories: true)
        for f in try FileManager.default.contentsOfDirectory(atPath: repoRoot + "/Indices/flows") {
            try FileManager.default.copyItem(atPath: repoRoot + "/Indices/flows/" + f, toPath: dir + "/flows/" + f)
        }
        var files: [String: String] = [:]
        for f in DefinitionLoader.fileNames {
            files[f] = try String(contentsOfFile: repoRoot + "/Indices/" + f, encoding: .utf8)
        }
        edit(&files)
        for (f, text) in files { try text.write(toFile: dir + "/" + f, atomically: true, encoding: .utf8) }
        return dir
    }

    func failure(_ dir: String) -> String {
        do {
            _ = try DefinitionLoader.methodology(dir)
            return "loaded"
        } catch {
            return "\(error)"
        }
    }

    /// METHODOLOGY.md §1.1.
    @Test func theShippedDefinitionsLoadAndHashStably() throws {
        let a = try DefinitionLoader.methodology(repoRoot + "/Indices")
        let b = try DefinitionLoader.methodology(repoRoot + "/Indices")
        #expect(a.fixingHash == b.fixingHash && a.indexHash == b.indexHash && a.fixingHash.count == 64)
        #expect(a.indices.count == 9 && a.reference.grades.grades.count == 132, "126 + the H100 SXM 1, 3 and 6-month strips of NA and GLOBAL (§7.4)")
    }

    /// An index may measure H100-equivalence by memory bandwidth: B200 ≈ 8 / 3.35 = 2.388 H100s by
    /// bandwidth, 2250 / 989 = 2.275 by BF16.
    /// METHODOLOGY.md §3.4, §6.4.
    @Test func performanceBasisIsAChoiceOfTheIndexFile() throws {
        let dir = try indicesCopy { $0["indices.yaml"]! = $0["indices.yaml"]!.replacingOccurrences(of: "performance_basis: bf16", with: "performance_basis: bandwidth") }
        let defs = try DefinitionLoader.methodology(dir)
        let ccc = defs.indices.first { $0.id == "CIX-CCC" }!
        #expect(ccc.performanceBasis == .bandwidth)
        let shipped = try DefinitionLoader.methodology(repoRoot + "/Indices").indices.first { $0.id == "CIX-CCC" }!
        #expect(shipped.performanceBasis == .bf16)
        let bw = IndexEngine.parPerformanceFactor(defs.reference, grade: "B200.GLOBAL.OD", basis: .bandwidth)
        let bf = IndexEngine.parPerformanceFactor(defs.reference, grade: "B200.GLOBAL.OD", basis: .bf16)
        #expect(abs(bw - 8.0 / 3.35) < 1e-12)
        #expect(abs(bf - 2250.0 / 989) < 1e-12)
    }

    /// METHODOLOGY.md §1.1.
    @Test func brokenEditsAreNamed() throws {
        let unknownChip = try indicesCopy { $0["grades.yaml"]! = $0["grades.yaml"]!.replacingOccurrences(of: "chips: {L40S: 1.0}", with: "chips: {L40X: 1.0}") }
        #expect(failure(unknownChip).contains("grades: L40S.NA.OD accepts unknown chip L40X"))
        let sharedAlias = try indicesCopy { $0["chips.yaml"]! = $0["chips.yaml"]!.replacingOccurrences(of: "aliases: [L4, L4 24GB", with: "aliases: [L40S, L4 24GB") }
        #expect(failure(sharedAlias).contains("names both"))
        let missingSpec = try indicesCopy { $0["chips.yaml"]! = $0["chips.yaml"]!.replacingOccurrences(of: "    bf16_tflops: 121\n", with: "") }
        let m = failure(missingSpec)
        #expect(m.contains("chips.yaml") && m.contains("bf16_tflops"), "\(m)")
        let badIndex = try indicesCopy { $0["indices.yaml"]! = $0["indices.yaml"]!.replacingOccurrences(of: "grade: H100-SXM.EU.OD", with: "grade: H100-SXM.MARS.OD") }
        #expect(failure(badIndex).contains("indices.yaml: index CIX-H100-EU names unknown grade H100-SXM.MARS.OD"))
        let edited = try indicesCopy { $0["fixing.yaml"]! = $0["fixing.yaml"]!.replacingOccurrences(of: "source_cap: 0.30", with: "source_cap: 0.25") }
        #expect(try DefinitionLoader.methodology(edited).fixingHash != DefinitionLoader.methodology(repoRoot + "/Indices").fixingHash,
                "every fixing records which parameters it used")
    }
}
