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

/// How an error a job threw reaches the user: its message and exit status, by its type.
public enum JobErrors {
    /// The message and exit status for an error a job or command threw.
    public static func classify(_ error: Error) -> (String, ExitStatus)? {
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
            // A store error is known by its type (SQLite's DatabaseError), never by its name.
            if StoreErrors.isStoreError(error) { return ("store: " + StoreErrors.describe(error), .usage) }
            return nil
        }
    }

}
