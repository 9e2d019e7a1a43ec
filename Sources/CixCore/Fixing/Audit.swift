import Crypto

/// The audit hashes of a fixing (METHODOLOGY.md §5.7).
public enum FixingAudit {
    /// §5.7: SHA-256 over the window's observations sorted by quote id, each as its quote id and its
    /// grade price, 8 little-endian bytes each; lower-case hex.
    public static func inputsHash(_ observations: [GradeObservation]) -> String {
        var h = SHA256()
        for o in observations.sorted(by: { $0.quoteID < $1.quoteID }) {
            var id = o.quoteID.littleEndian
            var bits = o.price.bitPattern.littleEndian
            withUnsafeBytes(of: &id) { h.update(bufferPointer: $0) }
            withUnsafeBytes(of: &bits) { h.update(bufferPointer: $0) }
        }
        return hex(h.finalize())
    }

    static func hex(_ digest: some Sequence<UInt8>) -> String {
        let d = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for b in digest {
            out.append(d[Int(b >> 4)])
            out.append(d[Int(b & 15)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
