import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A buffered text file writer that becomes visible only on `commit()` (write to a temporary name,
/// then rename), so an interrupted run never leaves a half-written output behind.
///
/// A symlink is written through to its target; anything at the path that is not a regular file (a
/// folder, a device such as /dev/null, a pipe) is refused rather than replaced. The temporary file is
/// `.NAME.cix-tmp-PID` beside the target; temporaries left by a killed run (their process gone) are
/// removed when the next one starts.
public final class AtomicTextFile {
    public let path: String
    private let tmpPath: String
    private var handle: UnsafeMutablePointer<FILE>?

    /// The final target of `path` (through symlinks; the path itself when nothing is there).
    static func resolve(_ path: String) -> String {
        var p = path
        for _ in 0..<40 {
            var st = stat()
            guard lstat(p, &st) == 0, (st.st_mode & S_IFMT) == S_IFLNK else { return p }
            var buf = [CChar](repeating: 0, count: 4096)
            let n = readlink(p, &buf, buf.count - 1)
            guard n > 0 else { return p }
            let target = String(decoding: buf[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            // A relative target is relative to the link's folder ("" for a link in the current folder).
            let dir = (p as NSString).deletingLastPathComponent
            p = target.hasPrefix("/") || dir.isEmpty ? target : dir + "/" + target
        }
        return p
    }

    /// `followSymlink: false` (files the job names itself, such as `FILE.rejects.csv`): a symbolic link
    /// already at the path is refused, never written through (issue 21 #10).
    public init(path requested: String, followSymlink: Bool = true) throws {
        if !followSymlink {
            var st = stat()
            if lstat(requested, &st) == 0, (st.st_mode & S_IFMT) == S_IFLNK {
                throw IOFailure(path: requested, message: "a symbolic link is there: refusing to write through it (remove it)")
            }
        }
        let path = AtomicTextFile.resolve(requested)
        self.path = path
        var st = stat()
        if stat(path, &st) == 0, (st.st_mode & S_IFMT) != S_IFREG {
            throw IOFailure(path: requested, message: "not a regular file: refusing to replace it (give a file path)")
        }
        let dir = (path as NSString).deletingLastPathComponent
        let name = (path as NSString).lastPathComponent
        let prefix = "." + name + ".cix-tmp-"
        AtomicTextFile.removeStale(dir: dir.isEmpty ? "." : dir, prefix: prefix)
        tmpPath = (dir.isEmpty ? "" : dir + "/") + prefix + "\(getpid())"
        guard let h = fopen(tmpPath, "w") else {
            throw IOFailure(path: path, message: "cannot write: " + String(cString: strerror(errno)))
        }
        handle = h
        setvbuf(h, nil, _IOFBF, 1 << 16)
    }

    /// Removes temporaries whose process no longer runs.
    static func removeStale(dir: String, prefix: String) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: dir) else { return }
        for n in names where n.hasPrefix(prefix) {
            guard let pid = Int32(n.dropFirst(prefix.count)), pid != getpid() else { continue }
            if kill(pid, 0) != 0 && errno == ESRCH { unlink(dir + "/" + n) }
        }
    }

    public func write(_ s: String) {
        var s = s
        s.withUTF8 { p in _ = fwrite(p.baseAddress, 1, p.count, handle) }
    }

    public func commit() throws {
        guard let h = handle else { return }
        handle = nil
        let failed = fflush(h) != 0 || ferror(h) != 0
        fclose(h)
        if failed || rename(tmpPath, path) != 0 {
            unlink(tmpPath)
            throw IOFailure(path: path, message: "cannot write: " + String(cString: strerror(errno)))
        }
    }

    public func discard() {
        if let h = handle {
            fclose(h)
            handle = nil
            unlink(tmpPath)
        }
    }

    deinit { discard() }
}

/// Standard output or a file (atomically), buffered, for exports.
public final class TextSink {
    private let file: AtomicTextFile?
    private var buffer: [UInt8] = []
    /// Kept in memory (`bytes`) instead of standard output.
    private let inMemory: Bool

    public init(path: String?) throws {
        file = try path.flatMap { $0 == "-" ? nil : try AtomicTextFile(path: $0) }
        inMemory = false
        buffer.reserveCapacity(1 << 16)
    }

    /// A sink that keeps what is written (the web app's responses).
    public init() {
        file = nil
        inMemory = true
    }

    /// What an in-memory sink holds.
    public var bytes: [UInt8] { buffer }

    public func write(_ s: String) {
        if let file { file.write(s); return }
        buffer.append(contentsOf: s.utf8)
        if !inMemory, buffer.count >= 1 << 16 { flush() }
    }

    private var failed: Int32 = 0

    private func flush() {
        if failed == 0, !writeStdout(buffer) { failed = errno }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Commits the file, or flushes standard output; throws when any write failed (a full disk, a
    /// closed pipe), so an export never reports success for output that was lost.
    public func close() throws {
        if let file { try file.commit(); return }
        if inMemory { return }
        flush()
        if failed != 0 { throw IOFailure(path: "standard output", message: "cannot write: " + String(cString: strerror(failed))) }
    }
}

/// Writes all bytes to file descriptor 1; false when a write failed (errno tells why).
@discardableResult
public func writeStdout(_ bytes: [UInt8]) -> Bool { writeAll(fd: 1, bytes) }

/// Writes all bytes to a file descriptor (retrying after EINTR); false when a write failed (errno tells
/// why). Never traps, unlike FileHandle.write.
@discardableResult
public func writeAll(fd: Int32, _ bytes: [UInt8]) -> Bool {
    bytes.withUnsafeBufferPointer { p in
        var off = 0
        while off < p.count {
            let n = write(fd, p.baseAddress! + off, p.count - off)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return false }
            off += n
        }
        return true
    }
}

/// The `FILE.rejects.csv` format of every input reader (README "Commands"): one row per rejected line.
public enum RejectsCSV {
    public static let header = "line,field,reason,original\n"

    public static func row(line: Int, field: String, reason: String, original: String) -> String {
        "\(line),\(csvField(field)),\(csvField(reason)),\(csvField(original))\n"
    }
}
