import ArgumentParser
import CixCore
import CixIO
import CixStore
import Foundation
import GRDB

/// Where the methodology definitions are read from.
struct IndicesOptions: ParsableArguments {
    @Option(help: "Folder of definition files (default: $CIX_INDICES, else ./Indices, else the checkout's Indices/).")
    var indices: String?

    func load() throws -> ReferenceData {
        do { return try DefinitionLoader.referenceData(try DefinitionLoader.locate(indices)) } catch let e as DefinitionLoader.Failure {
            throw CixError(e.description)
        }
    }
}

struct NormalizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "normalize",
        abstract: "Normalize stored quotes (chip, region, term, USD per GPU-hour, grades).",
        discussion: "New quotes are normalized; if the definitions in Indices/ or the FX rates changed since the last run, every quote is re-normalized and only changed results are rewritten.")
    @OptionGroup var store: StoreOptions
    @OptionGroup var indices: IndicesOptions

    func run() throws {
        let ref = try indices.load()
        let s = try store.open()
        let stats = try NormalizeJob.run(store: s, ref: ref)
        print(stats.summary + "; rows written \(stats.written)")
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
        var anyRejected = false
        var parsed: [(String, FXReader.Result)] = []
        for f in files {
            do { parsed.append((f, try FXReader.read(try FileByteSource(path: f), path: f))) } catch let e as IOFailure {
                throw CixError("\(e)")
            } catch let e as QuoteFileError { throw CixError("\(e)") }
        }
        let now = Timestamp.format(Int64(Date().timeIntervalSince1970))
        for (f, r) in parsed {
            let n = try s.dbQueue.write { db in try FXStore.insert(db, rates: r.rates, sourcePath: f, at: now) }
            let currencies = Set(r.rates.map(\.currency)).sorted()
            print("\(f): \(r.format) format, \(n) rates for \(currencies.joined(separator: " ")), rejected \(r.rejects.count)")
            for rej in r.rejects.prefix(20) { printErr("  line \(rej.line): \(rej.reason)") }
            if !r.rejects.isEmpty { anyRejected = true }
        }
        if !noNormalize {
            print(try NormalizeJob.run(store: s, ref: try indices.load()).summary)
        }
        if anyRejected { throw ExitCode(ExitCodes.rejects) }
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
    @Option(help: "UTC date, YYYY-MM-DD.") var date: String
    @Option(help: "Rows of detail per reason.") var top: Int = 10

    func run() throws {
        guard let d = CivilDate(iso: date) else { throw CixError("--date must be YYYY-MM-DD: \(date)") }
        let s = try store.open()
        try s.dbQueue.read { db in
            let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM normalized_quotes WHERE observed_epoch >= ? AND observed_epoch < ?",
                                         arguments: [d.startEpoch, d.startEpoch + 86_400]) ?? 0
            let byReason = try Row.fetchAll(db, sql: """
                SELECT unmatched_reason, COUNT(*) FROM normalized_quotes
                WHERE observed_epoch >= ? AND observed_epoch < ? AND unmatched_reason IS NOT NULL
                GROUP BY unmatched_reason ORDER BY COUNT(*) DESC, unmatched_reason
                """, arguments: [d.startEpoch, d.startEpoch + 86_400])
            let n = byReason.reduce(0) { $0 + ($1[1] as Int) }
            print("\(d): \(total) normalized quotes, \(n) in no grade")
            for r in byReason {
                let reason: String = r[0]
                print("  \(reason): \(r[1] as Int)")
                // What was not matched: the chip or location text for unknowns, else chip/region/term.
                let detailSQL: String
                switch reason {
                case UnmatchedReason.unknownChip.rawValue, UnmatchedReason.unknownLocation.rawValue:
                    detailSQL = "" // raw text lives in the raw blocks; summarized below
                default:
                    detailSQL = """
                    SELECT COALESCE(chip,'?') || ' / ' || COALESCE(region,'?') || ' / ' || term || ' / ' || gpu_count || ' GPUs / ' || interconnect, COUNT(*)
                    FROM normalized_quotes WHERE observed_epoch >= ? AND observed_epoch < ? AND unmatched_reason = ?
                    GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT \(top)
                    """
                }
                if !detailSQL.isEmpty {
                    for row in try Row.fetchAll(db, sql: detailSQL, arguments: [d.startEpoch, d.startEpoch + 86_400, reason]) {
                        print("    \(row[0] as String): \(row[1] as Int)")
                    }
                }
            }
            // Unknown chip and location texts, from the raw quotes.
            var chipTexts: [String: Int] = [:]
            var locTexts: [String: Int] = [:]
            var unknown: [Int64: String] = [:]
            for r in try Row.fetchAll(db, sql: """
                SELECT quote_id, unmatched_reason FROM normalized_quotes WHERE observed_epoch >= ? AND observed_epoch < ?
                AND unmatched_reason IN (?, ?)
                """, arguments: [d.startEpoch, d.startEpoch + 86_400, UnmatchedReason.unknownChip.rawValue, UnmatchedReason.unknownLocation.rawValue]) {
                unknown[r[0]] = r[1]
            }
            if !unknown.isEmpty {
                try StoredQuotes.forEach(db, fromEpoch: d.startEpoch, toEpoch: d.startEpoch + 86_400) { sq in
                    guard let reason = unknown[sq.id] else { return }
                    if reason == UnmatchedReason.unknownChip.rawValue {
                        chipTexts["\(sq.quote.source): \(sq.quote.chip)", default: 0] += 1
                    } else {
                        locTexts["\(sq.quote.source): \(sq.quote.location)", default: 0] += 1
                    }
                }
                print("  unknown chip or location texts (source: text):")
                for (k, v) in chipTexts.sorted(by: { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }).prefix(top) {
                    print("    chip \(k): \(v)")
                }
                for (k, v) in locTexts.sorted(by: { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }).prefix(top) {
                    print("    location \(k): \(v)")
                }
            }
        }
    }
}
