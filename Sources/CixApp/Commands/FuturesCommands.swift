import ArgumentParser
import CixCore
import CixIO
import CixStore
import Foundation

struct FuturesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "futures", abstract: "Compute futures: settlements, the model curve, rolling indices (METHODOLOGY.md §7).",
        subcommands: [FuturesIngest.self, FuturesCurve.self, FuturesIndexCommand.self])
}

func printInputResults(_ results: [InputFileResult]) {
    for r in results {
        for w in r.warnings { printErr("warning: \(w)") }
        print("\(r.path): read \(r.rowsRead), stored \(r.stored), unchanged \(r.unchanged), rejected \(r.rejected)")
        if let p = r.rejectsPath { print("  rejects: \(p)") }
    }
}

struct FuturesIngest: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest", abstract: "Store exchange settlements: date,contract,settle[,volume,open_interest] (§7.3).",
        discussion: "Exit 0: every row stored or already stored; 3: some rows rejected; 2: an unreadable file or bad usage.")
    @OptionGroup var store: StoreOptions
    @OptionGroup var indices: IndicesOptions
    @Flag(help: "Do not write <file>.rejects.csv files.") var noRejectFiles = false
    @Argument(help: "Settlement files.") var files: [String]

    func validate() throws { guard !files.isEmpty else { throw ValidationError("no files given") } }

    func run() throws {
        let defs = try indices.methodology()
        let results = try FuturesJob.ingestSettlements(store: try store.open(), defs: defs, paths: files, writeRejectFiles: !noRejectFiles)
        printInputResults(results)
        if results.contains(where: { $0.rejected > 0 }) { throw ExitCode(ExitStatus.rejects.rawValue) }
    }
}

struct FuturesCurve: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "curve", abstract: "Compute and publish the model forward curve of every futures on a grade (§7.4).")
    @OptionGroup var store: StoreOptions
    @OptionGroup var indices: IndicesOptions
    @OptionGroup var dates: DateRangeOptions

    func run() throws {
        let defs = try indices.methodology()
        let t0 = Date()
        let s = try FuturesJob.curves(store: try store.open(), defs: defs, from: dates.first, to: dates.last, arguments: dates.arguments)
        print(definitionsLine(defs))
        print(publishSummary("curves", dates, s, seconds: Date().timeIntervalSince(t0)))
        for w in s.warnings.prefix(20) { printErr("arbitrage warning: \(w)") }
        if s.warnings.count > 20 { printErr("… and \(s.warnings.count - 20) more arbitrage warnings (in the curves export)") }
    }
}

struct FuturesIndexCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "index", abstract: "Compute and publish every rolling futures index, excess and total return (§7.5–§7.7).")
    @OptionGroup var store: StoreOptions
    @OptionGroup var indices: IndicesOptions
    @OptionGroup var dates: DateRangeOptions

    func run() throws {
        let defs = try indices.methodology()
        let t0 = Date()
        let s = try FuturesJob.indices(store: try store.open(), defs: defs, from: dates.first, to: dates.last, arguments: dates.arguments)
        print(definitionsLine(defs))
        print(publishSummary("futures index days", dates, s, seconds: Date().timeIntervalSince(t0)))
    }
}

struct RatesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "rates", abstract: "Short-term rates.", subcommands: [RatesIngest.self])
}

struct RatesIngest: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest", abstract: "Store the 91-day T-bill rate in percent: date,rate or observation_date,DTB3 (§7.6).")
    @OptionGroup var store: StoreOptions
    @Flag(help: "Do not write <file>.rejects.csv files.") var noRejectFiles = false
    @Argument(help: "Rate files.") var files: [String]

    func validate() throws { guard !files.isEmpty else { throw ValidationError("no files given") } }

    func run() throws {
        let results = try FuturesJob.ingestRates(store: try store.open(), paths: files, writeRejectFiles: !noRejectFiles)
        printInputResults(results)
        if results.contains(where: { $0.rejected > 0 }) { throw ExitCode(ExitStatus.rejects.rawValue) }
    }
}
