import CixCore
import Crypto
import Foundation

/// What a file in the daily job's inbox holds, told by its header (METHODOLOGY.md §9.4).
public enum InboxKind: String, Sendable, CaseIterable {
    case quotes, fx, settlements, rates, reference
    /// Auction results (§5.9): quotes read with the auction adapter.
    case auctions
}

/// A file found in the inbox: its path, status and kind (nil: not recognised).
public struct InboxFile: Sendable {
    public var path: String
    /// Empty: the ingest hashes the bytes it reads (kept for callers that hash a file themselves).
    public var hash: String
    public var size: Int64 = 0
    public var mtime: Double = 0
    /// Status-change time and inode: `touch -r` and `cp -p` can restore a modification time, never these.
    public var ctime: Double = 0
    public var inode: Int64 = 0
    /// Taken before with the same size, times and inode: not read, not hashed.
    public var unchanged = false
    public var kind: InboxKind?
    /// Why the kind is unknown.
    public var problem: String?
}

/// Lists an inbox folder for `cix run`.
public enum Inbox {
    /// How much of a file tells its kind (§9.4): the header is in the first 8 KiB.
    static let headBytes = 8192

    /// Every file under `dir` (recursively, sorted by path; hidden files and the job's own
    /// `*.rejects.csv` left out), classified by its first 8 KiB, unless it is unchanged since it was
    /// taken (same size, modification and status-change times, inode). Nothing is hashed here: the
    /// ingest hashes the bytes it reads. Never followed or read: a symbolic link out of the inbox, a FIFO, device or socket
    /// (reported with a reason); a file of unknown kind is read no further than its head.
    /// `ignored` gets each file left out by name, with why (hidden, the job's rejects file, a manifest).
    public static func scan(_ dir: String, known: (String, InboxStat) -> Bool = { _, _ in false },
                            ignored: (String, String) -> Void = { _, _ in }) throws -> [InboxFile] {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dir, isDirectory: &isDir), isDir.boolValue else {
            throw IOFailure(path: dir, message: "the inbox is not a folder")
        }
        guard let walker = FileManager.default.enumerator(atPath: dir) else { throw IOFailure(path: dir, message: "cannot list the inbox") }
        let root = realPath(dir) ?? dir
        var paths: [String] = []
        while let rel = walker.nextObject() as? String {
            let name = (rel as NSString).lastPathComponent
            let full = dir + "/" + rel
            if name.hasPrefix(".") {
                // A hidden folder is not walked (editors' and version control's files).
                var st = stat()
                if lstat(full, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR { walker.skipDescendants() }
                ignored(full, "hidden")
                continue
            }
            if name.hasSuffix(".rejects.csv") { ignored(full, "rejects"); continue }
            if name == "manifest.json" { ignored(full, "manifest"); continue }
            var st = stat()
            guard lstat(full, &st) == 0, (st.st_mode & S_IFMT) != S_IFDIR else { continue }
            paths.append(full)
        }
        return try paths.sorted().map { p in
            var st = stat()
            guard lstat(p, &st) == 0 else { return InboxFile(path: p, hash: "", problem: "cannot read the file's status") }
            if (st.st_mode & S_IFMT) == S_IFLNK {
                guard let target = realPath(p), target.hasPrefix(root + "/") else {
                    return InboxFile(path: p, hash: "", problem: "a symbolic link out of the inbox: not followed")
                }
                guard stat(target, &st) == 0 else { return InboxFile(path: p, hash: "", problem: "a broken symbolic link") }
            }
            guard (st.st_mode & S_IFMT) == S_IFREG else {
                return InboxFile(path: p, hash: "", problem: "not a regular file (a FIFO, device or socket): left unread")
            }
            let size = Int64(st.st_size)
            let mtime = Double(st.st_mtim.tv_sec) + Double(st.st_mtim.tv_nsec) / 1e9
            let ctime = Double(st.st_ctim.tv_sec) + Double(st.st_ctim.tv_nsec) / 1e9
            let inode = Int64(bitPattern: UInt64(st.st_ino))
            if known(p, InboxStat(size: size, mtime: mtime, ctime: ctime, inode: inode)) {
                return InboxFile(path: p, hash: "", size: size, mtime: mtime, ctime: ctime, inode: inode, unchanged: true, kind: nil, problem: nil)
            }
            guard let h = FileHandle(forReadingAtPath: p) else { throw IOFailure(path: p, message: "cannot read the file") }
            defer { try? h.close() }
            let head = (try? h.read(upToCount: headBytes)) ?? Data()
            let (kind, problem) = classify(head)
            return InboxFile(path: p, hash: "", size: size, mtime: mtime, ctime: ctime, inode: inode, kind: kind, problem: problem)
        }
    }

    static func realPath(_ p: String) -> String? {
        guard let r = realpath(p, nil) else { return nil }
        defer { free(r) }
        return String(cString: r)
    }

    /// §9.4: the kind of a file from its first line.
    public static func classify(_ head: Data) -> (InboxKind?, String?) {
        var bytes = [UInt8](head)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        guard let firstNonSpace = bytes.first(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D }) else {
            return (nil, "empty file")
        }
        if firstNonSpace == UInt8(ascii: "{") { return (.quotes, nil) }
        let end = bytes.firstIndex(where: { $0 == 0x0A || $0 == 0x0D }) ?? bytes.count
        let line = String(decoding: bytes[..<end], as: UTF8.self)
        let fields = line.split(separator: ",", omittingEmptySubsequences: false).map {
            $0.trimmingCharacters(in: CharacterSet(charactersIn: " \t\"")).lowercased()
        }
        if fields.contains("observed_at") && fields.contains("price") { return (.quotes, nil) }
        if fields.contains("auction_id") && fields.contains("clearing_price") { return (.auctions, nil) }
        if fields.contains("contract") && fields.contains("settle") { return (.settlements, nil) }
        if fields.contains("benchmark") && fields.contains("value") && fields.contains("date") { return (.reference, nil) }
        if RatesReader.layouts.contains(where: { fields.starts(with: $0.header) }) { return (.rates, nil) }
        if fields.starts(with: ["date", "currency", "usd_per_unit"]) || (fields.first == "date" && fields.contains("usd")) { return (.fx, nil) }
        // Control characters are shown escaped: a NUL or an escape sequence never reaches the terminal raw.
        let shown = String(String.UnicodeScalarView(line.prefix(80).unicodeScalars.flatMap { u -> [Unicode.Scalar] in
            u.properties.generalCategory == .control || u.properties.generalCategory == .format
                ? Array(String(format: "\\x%02X", u.value & 0xFFFF).unicodeScalars) : [u]
        }))
        return (nil, "header \(shown) is not that of quotes, auction results, FX, settlements, rates or reference prints")
    }
}
