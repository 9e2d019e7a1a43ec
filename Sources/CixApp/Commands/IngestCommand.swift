import ArgumentParser
import CixCore
import CixIO
import Foundation

struct IngestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Validate and store quote files (canonical CSV, JSON Lines, a SkyPilot catalog, or auction results).",
        discussion: """
        Each file is one transaction. Bad rows go to the rejects table and to <file>.rejects.csv.
        Exit 0: every row accepted (or already stored); 3: some rows rejected; 2: unreadable file or bad usage.
        """)

    @OptionGroup var store: StoreOptions
    @OptionGroup var indices: IndicesOptions

    @Flag(help: "Do not normalize the new quotes afterwards (cix normalize does it later).")
    var noNormalize = false

    @Option(help: "Input format: auto (by extension: .jsonl/.ndjson, else csv), csv, jsonl, skypilot, auction (clearings become transactions, METHODOLOGY.md §5.9).")
    var format: QuoteFormat = .auto

    @Option(help: "Provider id for formats that carry none (skypilot; auction results without a venue column).")
    var source: String?

    @Option(name: .customLong("observed-at"), help: "Observation time for formats that carry none (skypilot), ISO-8601 with zone.")
    var observedAt: String?

    @Flag(help: "Do not write <file>.rejects.csv files.")
    var noRejectFiles = false

    @Option(name: .customLong("rejects-dir"), help: "Write <file>.rejects.csv files into this folder (default: beside each input).")
    var rejectsDir: String?

    @Flag(help: "Validate only: report counts and rejects, store nothing (duplicates counted within each file).")
    var check = false

    @Flag(help: "Print elapsed time, rows per second and peak memory (VmHWM) to standard error.")
    var stats = false

    @Argument(help: "Files to ingest; - reads standard input.")
    var files: [String]

    func validate() throws {
        guard !files.isEmpty else { throw ValidationError("no files given") }
        if let d = rejectsDir {
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: d, isDirectory: &isDir), isDir.boolValue else {
                throw ValidationError("--rejects-dir \(d) is not a folder")
            }
        }
        if format == .skypilot {
            guard source?.isEmpty == false else { throw ValidationError("--format skypilot needs --source NAME") }
            guard let at = observedAt else { throw ValidationError("--format skypilot needs --observed-at TIME (the catalogs carry no date)") }
            guard case .success = Timestamp.parse(at) else { throw ValidationError("--observed-at: not an ISO-8601 timestamp with zone: \(at)") }
        }
    }

    func run() throws {
        var options = IngestOptions()
        options.format = format
        options.sourceName = source
        options.observedAt = observedAt
        options.writeRejectFiles = !noRejectFiles
        options.checkOnly = check
        options.rejectsDir = rejectsDir
        let started = Date()
        // Definitions first: a missing or broken Indices/ stops the run before anything is stored.
        let ref = (noNormalize || check) ? nil : try indices.load()
        let s = try store.open()
        var anyRejected = false
        let inputs = try IngestJob.open(paths: files, options: options)
        let outcome = try IngestJob.ingestAndNormalize(store: s, inputs: inputs, options: options, ref: ref, onFile: { r in
            for w in r.warnings { printErr("warning: \(w)") }
            let c = r.counts
            // The counts add up: records = accepted + duplicates + rejected + skipped.
            var line = "\(r.path): \(c.rowsRead) records: accepted \(c.accepted), duplicates \(c.duplicates), rejected \(c.rejected)"
            if c.skipped > 0 { line += ", skipped \(c.skipped)" }
            print(line)
            for d in r.details { print("  " + d) }
            if let p = r.rejectsPath { print("  rejects: \(p)") }
            if c.rejected > 0 { anyRejected = true }
        }, progress: ProgressLine("normalizing").update)
        let results = outcome.results
        var quarantined = false
        if let ref, let ns = outcome.normalize {
            print(definitionsLine(ref, indices.source))
            print(ns.summary)
            for q in ns.newlyQuarantined { printErr("warning: quarantined: \(q)") }
            quarantined = !ns.newlyQuarantined.isEmpty
        }
        if let failure = outcome.failure { throw failure }
        if stats {
            let secs = Date().timeIntervalSince(started)
            let rows = results.reduce(0) { $0 + $1.counts.rowsRead }
            printErr(String(format: "stats: %d rows in %.2f s = %.0f rows/s; peak memory %.0f MB",
                            rows, secs, Double(rows) / secs, Double(peakMemoryKB()) / 1024))
        }
        if quarantined { throw ExitCode(ExitStatus.quarantined.rawValue) }
        if anyRejected { throw ExitCode(ExitStatus.rejects.rawValue) }
    }
}

/// Peak resident memory of this process (VmHWM from /proc/self/status), in KiB; 0 where unknown.
func peakMemoryKB() -> Int {
    guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
    for line in text.split(separator: "\n") where line.hasPrefix("VmHWM:") {
        return Int(line.split(separator: " ").dropFirst().first ?? "0") ?? 0
    }
    return 0
}

/// `--format` values (the job's enum, parsed here: jobs never import ArgumentParser).
extension QuoteFormat: ExpressibleByArgument {}
