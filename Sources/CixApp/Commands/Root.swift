import ArgumentParser
import CixCore
import CixIO
import CixStore
import Foundation

/// Exit statuses (README "Exit codes").
public enum ExitStatus: Int32, Sendable {
    /// Success (for ingest: every row accepted or already stored).
    case success = 0
    /// An unexpected internal error (a bug: please report it).
    case internalError = 1
    /// Bad usage, bad definitions, an unreadable or unusable input file, or a store that cannot be used;
    /// nothing of the failing step was stored.
    case usage = 2
    /// Finished, but some input rows were rejected (they are in the rejects table and files).
    case rejects = 3
    /// A job's own check failed (e.g. `cix demo`: the ingest differs from what was planted).
    case checkFailed = 4
    /// Finished, but a stored block could not be read back: it was quarantined and left out (the rest
    /// of the store was processed).
    case quarantined = 5
    /// `cix run`: published, with warnings (rejected rows, stale or suspended grades, curve arbitrage
    /// flags, changes held outside the restatement window, inbox files of unknown kind).
    case warnings = 6
}

public struct Cix: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "cix",
        abstract: "Compute-capacity benchmark index engine: GPU rental quotes in; normalized prices, grade fixings and benchmark indices out.",
        version: "cix \(CixVersion.current)",
        subcommands: [IngestCommand.self, FXCommand.self, NormalizeCommand.self, GradesCommand.self, FixCommand.self, IndexCommand.self,
                      FuturesCommand.self, RatesCommand.self, FundCommand.self, ExplainCommand.self, RunsCommand.self, ExportCommand.self, DemoCommand.self,
                      BenchCommand.self, RunCommand.self, VerifyCommand.self, ReportCommand.self, ServeCommand.self, UpgradeCommand.self])
    public init() {}
}

/// Options every command that touches the store takes.
public struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: "SQLite store of record (default: $CIX_DB, else ./cix.sqlite).")
    public var db: String?

    @Option(name: .long, help: "Seconds to wait for another cix that is writing to the store (default 5).")
    public var wait: Double = 5

    public init() {}

    public mutating func validate() throws {
        guard wait >= 0, wait <= 86_400 else { throw ValidationError("--wait must be 0 to 86400 seconds") }
        if let db, db.trimmingCharacters(in: .whitespaces).isEmpty { throw ValidationError("--db must name a file") }
    }

    public var path: String { db ?? ProcessInfo.processInfo.environment["CIX_DB"] ?? "cix.sqlite" }

    /// Opens (creating if needed) the store for writing.
    public func open() throws -> Store {
        do { return try Store(path: path, busyTimeoutSeconds: wait) } catch {
            throw CixError("cannot open store \(path): \(StoreErrors.describe(error))")
        }
    }

    /// Opens an existing store for writing (the computing commands: a mistyped path creates nothing).
    public func openExisting() throws -> Store {
        guard FileManager.default.fileExists(atPath: path) else {
            throw CixError("cannot open store \(path): no store at \(path) (check --db or $CIX_DB; cix ingest creates one)")
        }
        return try open()
    }

    /// Opens an existing store read-only: a mistyped path creates nothing and fails.
    public func openReadOnly() throws -> Store {
        do { return try Store(path: path, readOnly: true, busyTimeoutSeconds: wait) } catch {
            throw CixError("cannot open store \(path): \(StoreErrors.describe(error))")
        }
    }
}

/// An error already worded for the user, with its exit status.
public struct CixError: Error, CustomStringConvertible {
    public var description: String
    public var status: ExitStatus
    public init(_ description: String, status: ExitStatus = .usage) {
        self.description = description
        self.status = status
    }
    public var code: Int32 { status.rawValue }
}

/// Runs `cix` with the given arguments and returns the exit code (used by `main` and by tests).
public enum CixMain {
    /// Runs a cix command in this process, errors propagating (tests).
    public static func runThrowing(_ arguments: [String]) throws {
        var command = try Cix.parseAsRoot(arguments)
        try command.run()
    }

    /// The message and exit status for an error a job or command threw.
    static func classify(_ error: Error) -> (String, ExitStatus)? {
        switch error {
        case let e as CixError: return (e.description, e.status)
        case let e as CocoaError: return ("file error: " + (e.userInfo[NSFilePathErrorKey].map { "\($0): " } ?? "") + e.localizedDescription, .usage)
        case let e as DefinitionError: return (e.description, .usage)
        case let e as IngestFailure: return (e.description, .usage)
        case let e as IOFailure: return (e.description, .usage)
        case let e as QuoteFileError: return (e.description, .usage)
        case let e as StoreCorruption: return (e.description, .usage)
        case let e as ExplainJob.NotFound: return (e.description, .usage)
        case let e as StaleInputs: return (e.description, .usage)
        case let e as FundError: return (e.description, .usage)
        case let e as DemoJob.CheckFailure: return ("demo: " + e.description, .checkFailed)
        case let e as Store.OpenError: return (e.description, .usage)
        default:
            if StoreErrors.isBusy(error) || "\(type(of: error))" == "DatabaseError" { return ("store: " + StoreErrors.describe(error), .usage) }
            return nil
        }
    }

    public static func run(_ arguments: [String]) -> Int32 {
        do {
            var command = try Cix.parseAsRoot(arguments)
            try command.run()
            return ExitStatus.success.rawValue
        } catch let e as ExitCode {
            return e.rawValue
        } catch {
            if let (message, status) = classify(error) {
                printErr("cix: \(message)")
                return status.rawValue
            }
            let code = Cix.exitCode(for: error)
            let message = Cix.fullMessage(for: error)
            if code == .success {
                print(message)
                return 0
            }
            if code.rawValue == 64 || code == .validationFailure {
                // ArgumentParser's usage errors are EX_USAGE (64); cix documents 2 for bad usage.
                printErr(message)
                return ExitStatus.usage.rawValue
            }
            printErr("cix: internal error: \(message)")
            return ExitStatus.internalError.rawValue
        }
    }
}

/// Writes a line to standard error. Never traps (FileHandle.write does on a full disk or a closed
/// descriptor); a failed write is remembered, and `CixMain.finish` turns it into exit status 2.
public func printErr(_ s: String) {
    writeErr(s + "\n")
}

/// Writes text to standard error without a newline (progress lines); never traps.
public func writeErr(_ s: String) {
    if !writeAll(fd: 2, Array(s.utf8)) { OutputStatus.shared.failed() }
}

/// Whether writing to standard output or standard error failed during this process.
final class OutputStatus: @unchecked Sendable {
    static let shared = OutputStatus()
    private let lock = NSLock()
    private var didFail = false
    func failed() { lock.lock(); didFail = true; lock.unlock() }
    var hasFailed: Bool { lock.lock(); defer { lock.unlock() }; return didFail }
}

extension CixMain {
    /// The exit status after a command returned `code`: its output is flushed, and a failed write of
    /// output (a full disk, a closed descriptor) makes a successful command exit 2 (README "Exit codes").
    public static func finish(_ code: Int32) -> Int32 {
        // print() writes through the C stdout buffer: flushing every stream reports its failures.
        let outFailed = fflush(nil) != 0
        if outFailed || OutputStatus.shared.hasFailed {
            // Say so where it can still be read; nothing else can be done if stderr itself is gone.
            writeAll(fd: 2, Array("cix: cannot write the output: \(String(cString: strerror(errno)))\n".utf8))
            return code == ExitStatus.success.rawValue ? ExitStatus.usage.rawValue : code
        }
        return code
    }
}
