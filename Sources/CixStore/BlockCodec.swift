import CZstd
import Foundation

/// Zstandard compression of the store's blocks (raw quotes as received, normalized segments). A
/// compressed block is one Zstandard frame; its first four bytes are the frame magic 28 B5 2F FD, which
/// no uncompressed raw block can start with (a raw block starts with a line number's digit), so blocks
/// written before compression still read back.
///
/// Level 1: measured on 3.6 MB of demo quotes (one 32,768-quote raw block), Zstandard level 1 gave
/// 743 kB at about 250 MB/s; level 3 754 kB, level 6 665 kB at a quarter of the speed; zlib level 1
/// 919 kB at half the speed.
public enum BlockCodec {
    public static let level: Int32 = 1

    /// Whether `bytes` start with the Zstandard frame magic.
    public static func isCompressed(_ bytes: UnsafeRawBufferPointer) -> Bool {
        bytes.count >= 4 && bytes[0] == 0x28 && bytes[1] == 0xB5 && bytes[2] == 0x2F && bytes[3] == 0xFD
    }

    /// One frame with its content size and a checksum of the content (so damage is found on reading,
    /// not decoded into other bytes).
    public static func compress(_ src: UnsafeRawBufferPointer) -> [UInt8] {
        let bound = ZSTD_compressBound(src.count)
        let cctx = ZSTD_createCCtx()
        defer { ZSTD_freeCCtx(cctx) }
        ZSTD_CCtx_setParameter(cctx, ZSTD_c_compressionLevel, level)
        ZSTD_CCtx_setParameter(cctx, ZSTD_c_checksumFlag, 1)
        return [UInt8](unsafeUninitializedCapacity: bound) { buf, n in
            let r = ZSTD_compress2(cctx, buf.baseAddress, bound, src.baseAddress, src.count)
            // Compressing into a buffer of ZSTD_compressBound bytes cannot fail.
            precondition(ZSTD_isError(r) == 0, "zstd: \(String(cString: ZSTD_getErrorName(r)))")
            n = r
        }
    }

    public static func compress(_ src: [UInt8]) -> [UInt8] {
        src.withUnsafeBytes { compress($0) }
    }

    public struct Damaged: Error, CustomStringConvertible {
        public var description: String
    }

    /// The bytes of one frame; a frame that does not decode, or whose size is not stated or implausible
    /// (over 1 GiB), is `Damaged`.
    public static func decompress(_ src: UnsafeRawBufferPointer) throws -> [UInt8] {
        let size = ZSTD_getFrameContentSize(src.baseAddress, src.count)
        guard size != ZSTD_CONTENTSIZE_ERROR, size != ZSTD_CONTENTSIZE_UNKNOWN, size <= 1 << 30 else {
            throw Damaged(description: "not a complete Zstandard frame")
        }
        var failure: String?
        let out = [UInt8](unsafeUninitializedCapacity: Int(size)) { buf, n in
            let r = ZSTD_decompress(buf.baseAddress, Int(size), src.baseAddress, src.count)
            if ZSTD_isError(r) != 0 {
                failure = String(cString: ZSTD_getErrorName(r))
                n = 0
            } else {
                n = r
            }
        }
        if let failure { throw Damaged(description: "Zstandard: \(failure)") }
        guard out.count == Int(size) else { throw Damaged(description: "Zstandard frame decodes to \(out.count) bytes, not the \(size) it states") }
        return out
    }

    /// Raw block bytes as received: decompressed when compressed, else as stored (blocks written before
    /// compression).
    public static func plain(_ stored: [UInt8]) throws -> [UInt8] {
        try stored.withUnsafeBytes { isCompressed($0) ? try decompress($0) : stored }
    }
}
