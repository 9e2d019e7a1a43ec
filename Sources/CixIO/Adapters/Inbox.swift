import CixCore
import Crypto
import Foundation

/// What a file in the daily job's inbox holds, told by its header (METHODOLOGY.md §9.4).
public enum InboxKind: String, Sendable, CaseIterable {
    case quotes, fx, settlements, rates
}

/// A file found in the inbox: its path, the SHA-256 of its bytes and its kind (nil: not recognised).
public struct InboxFile: Sendable {
    public var path: String
    public var hash: String
    public var size: Int64 = 0
    public var mtime: Double = 0
    /// Taken before with the same size and modification time: not read, not hashed.
    public var unchanged = false
    public var kind: InboxKind?
    /// Why the kind is unknown.
    public var problem: String?
}

/// Lists an inbox folder for `cix run`.
public enum Inbox {
    /// Every regular file under `dir` (recursively, sorted by path; hidden files and the job's own
    /// `*.rejects.csv` left out), hashed and classified by header.
    public static func scan(_ dir: String, known: (String, Int64, Double) -> Bool = { _, _, _ in false }) throws -> [InboxFile] {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dir, isDirectory: &isDir), isDir.boolValue else {
            throw IOFailure(path: dir, message: "the inbox is not a folder")
        }
        guard let walker = FileManager.default.enumerator(atPath: dir) else { throw IOFailure(path: dir, message: "cannot list the inbox") }
        var paths: [String] = []
        while let rel = walker.nextObject() as? String {
            let name = (rel as NSString).lastPathComponent
            if name.hasPrefix(".") || name.hasSuffix(".rejects.csv") || name == "manifest.json" { continue }
            let full = dir + "/" + rel
            var d: ObjCBool = false
            guard FileManager.default.fileExists(atPath: full, isDirectory: &d), !d.boolValue else { continue }
            paths.append(full)
        }
        return try paths.sorted().map { p in
            let attrs = try? FileManager.default.attributesOfItem(atPath: p)
            let size = (attrs?[.size] as? NSNumber)?.int64Value ?? -1
            let mtime = (attrs?[.modificationDate] as? Date)?.timeIntervalSince1970 ?? -1
            if size >= 0, mtime >= 0, known(p, size, mtime) {
                return InboxFile(path: p, hash: "", size: size, mtime: mtime, unchanged: true, kind: nil, problem: nil)
            }
            guard let data = FileManager.default.contents(atPath: p) else { throw IOFailure(path: p, message: "cannot read the file") }
            let hash = SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
            let (kind, problem) = classify(data.prefix(8192))
            return InboxFile(path: p, hash: hash, size: size, mtime: mtime, kind: kind, problem: problem)
        }
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
        if fields.contains("contract") && fields.contains("settle") { return (.settlements, nil) }
        if fields.starts(with: ["date", "rate"]) || fields.starts(with: ["observation_date", "dtb3"]) || fields.starts(with: ["date", "dtb3"]) {
            return (.rates, nil)
        }
        if fields.starts(with: ["date", "currency", "usd_per_unit"]) || (fields.first == "date" && fields.contains("usd")) { return (.fx, nil) }
        // Control characters are shown escaped: a NUL or an escape sequence never reaches the terminal raw.
        let shown = String(String.UnicodeScalarView(line.prefix(80).unicodeScalars.flatMap { u -> [Unicode.Scalar] in
            u.properties.generalCategory == .control || u.properties.generalCategory == .format
                ? Array(String(format: "\\x%02X", u.value & 0xFFFF).unicodeScalars) : [u]
        }))
        return (nil, "header \(shown) is not that of quotes, FX, settlements or rates")
    }
}
