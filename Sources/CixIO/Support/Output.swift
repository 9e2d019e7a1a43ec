import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A buffered text file writer that becomes visible only on `commit()` (write to a temporary name,
/// then rename), so an interrupted run never leaves a half-written output behind.
public final class AtomicTextFile {
    public let path: String
    private let tmpPath: String
    private var handle: UnsafeMutablePointer<FILE>?

    public init(path: String) throws {
        self.path = path
        tmpPath = path + ".tmp-\(getpid())"
        guard let h = fopen(tmpPath, "w") else {
            throw IOFailure(path: path, message: "cannot write: " + String(cString: strerror(errno)))
        }
        handle = h
        setvbuf(h, nil, _IOFBF, 1 << 16)
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

    public init(path: String?) throws {
        file = try path.flatMap { $0 == "-" ? nil : try AtomicTextFile(path: $0) }
        buffer.reserveCapacity(1 << 16)
    }

    public func write(_ s: String) {
        if let file { file.write(s); return }
        buffer.append(contentsOf: s.utf8)
        if buffer.count >= 1 << 16 { flush() }
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
        flush()
        if failed != 0 { throw IOFailure(path: "standard output", message: "cannot write: " + String(cString: strerror(failed))) }
    }
}

/// Writes all bytes to file descriptor 1; false when a write failed (errno tells why).
@discardableResult
public func writeStdout(_ bytes: [UInt8]) -> Bool {
    bytes.withUnsafeBufferPointer { p in
        var off = 0
        while off < p.count {
            let n = write(1, p.baseAddress! + off, p.count - off)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return false }
            off += n
        }
        return true
    }
}
