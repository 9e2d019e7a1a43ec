import Foundation
import GRDB

/// Store errors worded for people: what happened and what to do, never raw SQL.
public enum StoreErrors {
    /// True when the error is SQLite's "busy/locked": another process holds the write lock.
    public static func isBusy(_ error: Error) -> Bool {
        guard let e = error as? DatabaseError else { return false }
        return e.resultCode == .SQLITE_BUSY || e.resultCode == .SQLITE_LOCKED
    }

    /// True for an error of the store's SQLite layer (any result code).
    public static func isStoreError(_ error: Error) -> Bool { error is DatabaseError }

    public static func describe(_ error: Error) -> String {
        if let e = error as? Store.OpenError { return e.description }
        guard let e = error as? DatabaseError else { return "\(error)" }
        switch e.resultCode {
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            return "the store is busy: another cix is writing to it (wait for it to finish, or give --wait SECONDS to wait for it)"
        case .SQLITE_FULL:
            return "the disk is full (nothing of this run was kept)"
        case .SQLITE_READONLY:
            return "the store is read-only here (check the file's permissions)"
        case .SQLITE_CORRUPT, .SQLITE_NOTADB:
            return "the file is not a readable cix store (\(e.message ?? "corrupt"))"
        case .SQLITE_CANTOPEN:
            return "cannot open the store file (check the path and its folder's permissions)"
        case .SQLITE_IOERR:
            return "an I/O error while writing the store (\(e.message ?? "I/O error"))"
        case .SQLITE_CONSTRAINT:
            return "the store refused a change: \(e.message ?? "constraint failed")"
        default:
            return e.message ?? "\(e.resultCode)"
        }
    }
}
