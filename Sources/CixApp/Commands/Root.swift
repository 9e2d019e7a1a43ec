import ArgumentParser
import CixCore
import CixIO
import CixStore
import Foundation

public struct Cix: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "cix",
        abstract: "Compute-capacity benchmark index engine: GPU rental quotes in; normalized prices, grade fixings and benchmark indices out.",
        version: "cix \(CixVersion.current)",
        subcommands: [IngestCommand.self, FXCommand.self, NormalizeCommand.self, GradesCommand.self, FixCommand.self, IndexCommand.self,
                      FuturesCommand.self, RatesCommand.self, ReferenceCommand.self, FundCommand.self, ExplainCommand.self, RunsCommand.self, ExportCommand.self, DemoCommand.self,
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

/// Runs `cix` with the given arguments and returns the exit code (used by `main` and by tests).
public enum CixMain {
    /// Runs a cix command in this process, errors propagating (tests).
    public static func runThrowing(_ arguments: [String]) throws {
        var command = try Cix.parseAsRoot(arguments)
        try command.run()
    }

    /// The message and exit status for an error a job or command threw (JobErrors.classify).
    static func classify(_ error: Error) -> (String, ExitStatus)? { JobErrors.classify(error) }

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
