import ArgumentParser
import CixStore
import Foundation

struct UpgradeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "upgrade",
        abstract: "Bring an existing store's schema up to date in place (the migrations a newer cix brings).",
        discussion: """
        Every writing command does this too; read-only commands (export, explain, verify, serve) refuse an \
        older store until it is upgraded. Migration v11 compresses the raw blocks and turns the normalized \
        quotes into compressed segments with the same values; the space it frees is reused by later writes, \
        or given back to the file system with --vacuum (which needs free disk space about the size of the store).
        """)
    @OptionGroup var store: StoreOptions
    @Flag(help: "Afterwards, rebuild the file without its free pages.") var vacuum = false

    func run() throws {
        let t0 = Date()
        // Only a cix store is upgraded: an empty file or another program's database is refused, not made one.
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: store.path, isDirectory: &isDir), !isDir.boolValue {
            let applied: [String]?
            do { applied = try Store.appliedMigrations(path: store.path, busyTimeoutSeconds: store.wait) } catch {
                throw CixError("cannot open store \(store.path): it is not a SQLite database, or cannot be read (\(StoreErrors.describe(error)))")
            }
            guard let applied, applied.first == Store.migrator.migrations.first else {
                throw CixError("\(store.path) is not a cix store (no cix schema in it): nothing upgraded")
            }
        }
        let s = try store.openExisting()
        if s.migrated.isEmpty {
            print("\(s.path): schema already current")
        } else {
            print(String(format: "\(s.path): applied \(s.migrated.joined(separator: ", ")) in %.1f s", Date().timeIntervalSince(t0)))
        }
        if vacuum {
            let t1 = Date()
            do {
                try s.checkpoint()
                let before = fileSize(s.path)
                try s.vacuum()
                // VACUUM writes the new file through the WAL: the file shrinks at the checkpoint.
                try s.checkpoint()
                print(String(format: "vacuumed in %.1f s: %.1f MB → %.1f MB", Date().timeIntervalSince(t1), Double(before) / 1e6,
                             Double(fileSize(s.path)) / 1e6))
            } catch {
                throw CixError("\(s.path): \(s.migrated.isEmpty ? "" : "upgraded, but ")not vacuumed: another process has the store open (\(StoreErrors.describe(error))); run cix upgrade --vacuum again when it is done")
            }
        }
    }

    private func fileSize(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path)[.size]) as? Int) ?? 0
    }
}
