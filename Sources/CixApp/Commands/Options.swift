import ArgumentParser
import CixCore
import CixIO
import Foundation

extension TableFormat: ExpressibleByArgument {}

/// Parses a date option, saying why a date is refused (`2026-02-30` does not exist).
func parseDateOption(_ s: String) throws -> CivilDate {
    if let d = CivilDate(iso: s) { return d }
    let parts = s.split(separator: "-")
    if parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2, parts.allSatisfy({ $0.allSatisfy(\.isNumber) }) {
        throw ValidationError("\(s) is not a date that exists")
    }
    throw ValidationError("\(s) is not a date (YYYY-MM-DD)")
}

/// Where the methodology definitions are read from: --indices, $CIX_INDICES, else built in.
struct IndicesOptions: ParsableArguments {
    @Option(help: "Folder of definition files (default: $CIX_INDICES, else the definitions built into cix).")
    var indices: String?

    var source: DefinitionSource { DefinitionSource.locate(indices) }

    func load() throws -> ReferenceData { try DefinitionLoader.methodology(source).reference }
    func methodology() throws -> MethodologyDefinitions { try DefinitionLoader.methodology(source) }
}

/// Which definitions a result used, as every computing command prints it.
func definitionsLine(_ d: MethodologyDefinitions) -> String {
    "definitions: \(d.source) (reference \(d.reference.hash.prefix(12)), fixing \(d.fixingHash.prefix(12)), index \(d.indexHash.prefix(12)))"
}

func definitionsLine(_ r: ReferenceData, _ source: DefinitionSource) -> String {
    "definitions: \(source) (reference \(r.hash.prefix(12)))"
}

/// --date D, or --from D1 --to D2.
struct DateRangeOptions: ParsableArguments {
    @Option(help: "One date (YYYY-MM-DD).", transform: parseDateOption) var date: CivilDate?
    @Option(help: "First date of a range.", transform: parseDateOption) var from: CivilDate?
    @Option(help: "Last date of a range.", transform: parseDateOption) var to: CivilDate?

    mutating func validate() throws {
        if date != nil {
            guard from == nil, to == nil else { throw ValidationError("give --date or --from/--to, not both") }
            return
        }
        guard let from, let to else { throw ValidationError("give --date D or --from D1 --to D2") }
        guard from <= to else { throw ValidationError("--from \(from) is after --to \(to)") }
    }

    var first: CivilDate { date ?? from! }
    var last: CivilDate { date ?? to! }
    var arguments: String { date.map { "--date \($0)" } ?? "--from \(from!) --to \(to!)" }
}

/// Progress of a long job on standard error: at most one line every 5 seconds, none for short runs.
final class ProgressLine: @unchecked Sendable {
    let what: String
    let started = Date()
    var last = Date()
    init(_ what: String) { self.what = what }

    func update(_ done: Int, _ total: Int) {
        let now = Date()
        guard now.timeIntervalSince(last) >= 5, total > 0 else { return }
        last = now
        let secs = now.timeIntervalSince(started)
        let rate = Double(done) / max(secs, 1e-9)
        let eta = rate > 0 ? Double(total - done) / rate : 0
        printErr(String(format: "%@: %d of %d quotes (%.0f%%), %.0f/s, about %.0f s left", what, done, total,
                        100 * Double(done) / Double(total), rate, eta))
    }
}
