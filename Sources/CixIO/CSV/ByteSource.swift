import Crypto
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Something that fills a buffer with the next bytes of a stream.
public protocol ByteSource {
    /// Reads up to `count` bytes into `buffer`; returns 0 at end of stream.
    mutating func read(into buffer: UnsafeMutablePointer<UInt8>, count: Int) throws -> Int
}

public struct IOFailure: Error, CustomStringConvertible, Sendable {
    public var path: String
    public var message: String
    public var description: String { "\(path): \(message)" }
    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }
}

/// The SHA-256 of the bytes a source has handed out so far: a file is known by the hash of the very
/// bytes ingested, read once (a file replaced while it is read is hashed as read, never as it was).
public final class ReadDigest: @unchecked Sendable {
    private let lock = NSLock()
    private var hasher = SHA256()
    private var count: Int64 = 0

    public init() {}

    func update(_ p: UnsafeRawBufferPointer) {
        lock.withLock {
            hasher.update(bufferPointer: p)
            count += Int64(p.count)
        }
    }

    /// Hex SHA-256 of the bytes read so far.
    public var hex: String { lock.withLock { hasher.finalize().map { String(format: "%02x", $0) }.joined() } }
    /// Bytes read so far.
    public var bytes: Int64 { lock.withLock { count } }
}

/// A file (or standard input, path `-`) read with POSIX `read(2)` in caller-sized chunks; the bytes
/// read are hashed as they pass (`digest`).
public final class FileByteSource: ByteSource {
    public let path: String
    public let digest = ReadDigest()
    private var fd: Int32
    private let owns: Bool

    public init(path: String) throws {
        self.path = path
        if path == "-" {
            fd = 0
            owns = false
            return
        }
        fd = open(path, O_RDONLY)
        owns = true
        guard fd >= 0 else { throw IOFailure(path: path, message: String(cString: strerror(errno))) }
        var st = stat()
        if fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR {
            close(fd)
            fd = -1
            throw IOFailure(path: path, message: "is a directory")
        }
    }

    deinit { if owns && fd >= 0 { close(fd) } }

    public func read(into buffer: UnsafeMutablePointer<UInt8>, count: Int) throws -> Int {
        while true {
            #if canImport(Glibc)
            let n = Glibc.read(fd, buffer, count)
            #else
            let n = Darwin.read(fd, buffer, count)
            #endif
            if n > 0 { digest.update(UnsafeRawBufferPointer(start: buffer, count: n)) }
            if n >= 0 { return n }
            if errno == EINTR { continue }
            throw IOFailure(path: path, message: String(cString: strerror(errno)))
        }
    }
}

/// Bytes already in memory (tests, generated data).
public struct MemoryByteSource: ByteSource {
    private let bytes: [UInt8]
    private var offset = 0
    /// Largest read handed out at once; small values exercise chunk boundaries in tests.
    public var maxRead: Int

    public init(_ bytes: [UInt8], maxRead: Int = .max) {
        self.bytes = bytes
        self.maxRead = maxRead
    }

    public init(_ text: String, maxRead: Int = .max) { self.init(Array(text.utf8), maxRead: maxRead) }

    public mutating func read(into buffer: UnsafeMutablePointer<UInt8>, count: Int) throws -> Int {
        let n = min(count, maxRead, bytes.count - offset)
        if n <= 0 { return 0 }
        bytes.withUnsafeBufferPointer { src in
            buffer.update(from: src.baseAddress! + offset, count: n)
        }
        offset += n
        return n
    }
}
