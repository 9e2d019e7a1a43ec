import ArgumentParser
import CixCore
import CixStore
import Foundation

/// Exit codes (README "Exit codes"): 0 success, 2 unreadable input or bad usage, 3 some rows rejected,
/// 4 a data-sufficiency or verification failure reported by a job.
public enum ExitCodes {
    public static let ok: Int32 = 0
    public static let usage: Int32 = 2
    public static let rejects: Int32 = 3
}

public struct Cix: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "cix",
        abstract: "Compute-capacity benchmark index engine: GPU rental quotes in; normalized prices, grade fixings and benchmark indices out.",
        subcommands: [IngestCommand.self, FXCommand.self, NormalizeCommand.self, GradesCommand.self, FixCommand.self, IndexCommand.self,
                      ExportCommand.self,
                      DemoCommand.self, BenchCommand.self])
    public init() {}
}

/// Options every command that touches the store takes.
public struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: "SQLite store of record (default: $CIX_DB, else ./cix.sqlite).")
    public var db: String?

    public init() {}

    public var path: String { db ?? ProcessInfo.processInfo.environment["CIX_DB"] ?? "cix.sqlite" }

    public func open() throws -> Store {
        do { return try Store(path: path) } catch {
            throw CixError("cannot open store \(path): \(error)")
        }
    }
}

/// An error already worded for the user, with its exit code.
public struct CixError: Error, CustomStringConvertible {
    public var description: String
    public var code: Int32
    public init(_ description: String, code: Int32 = ExitCodes.usage) {
        self.description = description
        self.code = code
    }
}

/// Runs `cix` with the given arguments and returns the exit code (used by `main` and by tests).
public enum CixMain {
    /// Runs a cix command in this process, errors propagating (for jobs that chain commands).
    public static func runThrowing(_ arguments: [String]) throws {
        var command = try Cix.parseAsRoot(arguments)
        try command.run()
    }

    public static func run(_ arguments: [String]) -> Int32 {
        do {
            var command = try Cix.parseAsRoot(arguments)
            try command.run()
            return ExitCodes.ok
        } catch let e as CixError {
            printErr("cix: \(e.description)")
            return e.code
        } catch let e as ExitCode {
            return e.rawValue
        } catch {
            let code = Cix.exitCode(for: error)
            let message = Cix.fullMessage(for: error)
            if code == .success {
                print(message)
                return 0
            }
            printErr(message)
            // ArgumentParser's usage errors are EX_USAGE (64); cix documents 2 for bad usage.
            return code == .validationFailure ? ExitCodes.usage : (code.rawValue == 64 ? ExitCodes.usage : code.rawValue)
        }
    }
}

public func printErr(_ s: String) {
    FileHandle.standardError.write((s + "\n").data(using: .utf8)!)
}
