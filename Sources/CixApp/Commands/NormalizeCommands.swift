import ArgumentParser
import CixCore
import CixIO
import CixStore
import Foundation

struct NormalizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "normalize",
        abstract: "Normalize stored quotes (chip, region, term, USD per GPU-hour, grades).",
        discussion: "New quotes are normalized; if the definitions in Indices/ or the FX rates changed since the last run, every quote is re-normalized and only changed results are rewritten.")
    @OptionGroup var store: StoreOptions
    @OptionGroup var indices: IndicesOptions
    @Option(help: ArgumentHelp("Quotes per transaction (whole blocks; default 1,000,000).", visibility: .hidden))
    var batchQuotes: Int = NormalizeJob.batchQuotes
    @Flag(help: "Normalize every stored quote again and rewrite the stored results (after damage to the normalized quotes).")
    var rebuild = false

    func validate() throws {
        guard batchQuotes >= 1 else { throw ValidationError("--batch-quotes must be at least 1") }
    }

    func run() throws {
        let ref = try indices.load()
        // Crash tests: CIX_TEST_SIGKILL_AFTER_COMMITS=k kills this process right after its k-th commit.
        let killAfter = ProcessInfo.processInfo.environment["CIX_TEST_SIGKILL_AFTER_COMMITS"].flatMap { Int($0) }
        let stats = try NormalizeJob.run(store: try store.open(), ref: ref, batchQuotes: batchQuotes, rebuild: rebuild,
                                         progress: ProgressLine("normalizing").update,
                                         afterCommit: { n in if n == killAfter { kill(getpid(), SIGKILL) } })
        print(definitionsLine(ref, indices.source))
        print(stats.summary + "; rows written \(stats.written)")
        for q in stats.newlyQuarantined { printErr("warning: quarantined: \(q)") }
        if !stats.newlyQuarantined.isEmpty { throw ExitCode(ExitStatus.quarantined.rawValue) }
    }
}

struct FXCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fx", abstract: "FX rates.", subcommands: [FXIngest.self])
}

struct FXIngest: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Store FX rates from `date,currency,usd_per_unit` CSV or the ECB euro reference rates CSV, then price held quotes.")
    @OptionGroup var store: StoreOptions
    @OptionGroup var indices: IndicesOptions
    @Flag(help: "Do not normalize afterwards.") var noNormalize = false
    @Argument(help: "Rate files.") var files: [String]

    func run() throws {
        let s = try store.open()
        let ref = noNormalize ? nil : try indices.load()
        let results = try FXJob.ingest(store: s, paths: files)
        for r in results {
            print("\(r.path): \(r.format) format, \(r.stored) rates for \(r.currencies.joined(separator: " ")), rejected \(r.rejects.count)")
            for rej in r.rejects.prefix(20) { printErr("  line \(rej.line): \(rej.reason)") }
        }
        if let ref {
            print(definitionsLine(ref, indices.source))
            print(try NormalizeJob.run(store: s, ref: ref).summary)
        }
        if results.contains(where: { !$0.rejects.isEmpty }) { throw ExitCode(ExitStatus.rejects.rawValue) }
    }
}

struct GradesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "grades", abstract: "Contract grades.", subcommands: [GradesList.self, GradesUnmatched.self])
}

struct GradesList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List the grades defined in Indices/grades.yaml.")
    @OptionGroup var indices: IndicesOptions
    func run() throws {
        let ref = try indices.load()
        print("id,term,regions,min_gpus,interconnects,chips,description")
        for g in ref.grades.grades {
            let chips = g.chips.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            print([g.id, g.term.rawValue, g.regions.joined(separator: " "), String(g.minGPUs),
                   g.interconnects.map(\.rawValue).joined(separator: " "), chips, g.description].map(csvField).joined(separator: ","))
        }
    }
}

struct GradesUnmatched: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unmatched",
        abstract: "Quotes observed on a UTC date that fit no grade, counted by reason and by what was not matched.")
    @OptionGroup var store: StoreOptions
    @Option(help: "UTC date, YYYY-MM-DD.", transform: parseDateOption) var date: CivilDate
    @Option(help: "Rows of detail per reason.") var top: Int = 10

    func validate() throws {
        guard top >= 0 && top <= 10_000 else { throw ValidationError("--top must be 0 to 10000") }
    }

    func run() throws {
        let r = try GradesJob.unmatched(store: try store.openReadOnly(), date: date, top: top)
        print("\(r.date): \(r.normalized) normalized quotes, \(r.reasons.reduce(0) { $0 + $1.count }) in no grade")
        for reason in r.reasons {
            print("  \(reason.reason): \(reason.count)")
            for d in reason.detail { print("    \(d.text): \(d.count)") }
        }
        if !r.unknownChips.isEmpty || !r.unknownLocations.isEmpty {
            print("  unknown chip or location texts (source: text):")
            for c in r.unknownChips { print("    chip \(c.text): \(c.count)") }
            for l in r.unknownLocations { print("    location \(l.text): \(l.count)") }
        }
        for w in r.warnings { printErr("warning: \(w)") }
        if !r.warnings.isEmpty { throw ExitCode(ExitStatus.quarantined.rawValue) }
    }
}
