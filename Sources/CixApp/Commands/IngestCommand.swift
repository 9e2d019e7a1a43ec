import ArgumentParser
import CixCore
import CixIO
import Foundation

struct IngestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Validate and store quote files (canonical CSV, JSON Lines, or a SkyPilot catalog).",
        discussion: """
        Each file is one transaction. Bad rows go to the rejects table and to <file>.rejects.csv.
        Exit 0: every row accepted (or already stored); 3: some rows rejected; 2: unreadable file or bad usage.
        """)

    @OptionGroup var store: StoreOptions

    @Option(help: "Input format: auto (by extension: .jsonl/.ndjson, else csv), csv, jsonl, skypilot.")
    var format: String = "auto"

    @Option(help: "Provider id for formats that carry none (skypilot).")
    var source: String?

    @Option(name: .customLong("observed-at"), help: "Observation time for formats that carry none (skypilot), ISO-8601 with zone.")
    var observedAt: String?

    @Flag(help: "Do not write <file>.rejects.csv files.")
    var noRejectFiles = false

    @Argument(help: "Files to ingest; - reads standard input.")
    var files: [String]

    func run() throws {
        guard !files.isEmpty else { throw CixError("ingest: no files given") }
        guard let f = QuoteFormat(rawValue: format) else {
            throw CixError("ingest: unknown --format \(format) (auto, csv, jsonl, skypilot)")
        }
        var options = IngestOptions()
        options.format = f
        options.sourceName = source
        options.observedAt = observedAt
        options.writeRejectFiles = !noRejectFiles
        let s = try store.open()
        let results: [FileIngestResult]
        do {
            results = try IngestJob.run(store: s, paths: files, options: options)
        } catch let e as IngestFailure {
            throw CixError(e.description)
        }
        var anyRejected = false
        for r in results {
            for w in r.warnings { printErr("warning: \(w)") }
            let c = r.counts
            var line = "\(r.path): read \(c.rowsRead), accepted \(c.accepted), duplicates \(c.duplicates), rejected \(c.rejected)"
            if c.skipped > 0 { line += ", skipped \(c.skipped)" }
            print(line)
            for d in r.details { print("  " + d) }
            if let p = r.rejectsPath { print("  rejects: \(p)") }
            if c.rejected > 0 { anyRejected = true }
        }
        if anyRejected { throw ExitCode(ExitCodes.rejects) }
    }
}
