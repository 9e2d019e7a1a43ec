import Crypto

/// The audit hashes of a fixing (METHODOLOGY.md §5.7).
public enum FixingAudit {
    /// One observation's line in the inputs hash, from the columns of `cix export quotes`:
    ///
    ///     observed_utc|source|offer_id|location|canonical_chip|usd_per_gpu_hour|available_gpus\n
    ///
    /// and, for a quote that is not firm (1.3, §5.9), `…|available_gpus|input_type|volume_gpu_hours\n`.
    ///
    /// observed_utc as `YYYY-MM-DDTHH:MM:SS[.fffffffff]Z`; offer_id and available_gpus empty when
    /// absent; usd_per_gpu_hour in its shortest round-trip decimal form (as exported, Python's repr).
    public static func line(instant: Instant, source: UnsafeRawBufferPointer, offerID: UnsafeRawBufferPointer?,
                            location: UnsafeRawBufferPointer, chip: UnsafeRawBufferPointer, usdPerGPUHour: Double,
                            availableGPUs: Int?, inputType: InputType = .firm, volume: Double? = nil) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(128)
        Timestamp.append(instant, to: &out)
        out.append(124)
        out.append(contentsOf: source)
        out.append(124)
        if let offerID { out.append(contentsOf: offerID) }
        out.append(124)
        out.append(contentsOf: location)
        out.append(124)
        out.append(contentsOf: chip)
        out.append(124)
        out.append(contentsOf: "\(usdPerGPUHour)".utf8)
        out.append(124)
        if let a = availableGPUs { out.append(contentsOf: String(a).utf8) }
        // 1.3 (§5.9): a transaction or indicative quote adds its type and volume; a firm one's line is as before.
        if inputType != .firm {
            out.append(124)
            out.append(contentsOf: inputType.rawValue.utf8)
            out.append(124)
            if let volume { out.append(contentsOf: "\(volume)".utf8) }
        }
        out.append(10)
        return out
    }

    /// §5.7: SHA-256 (lower-case hex) of the lines of the window's observations of the grade (every
    /// priced quote of the grade observed in the window, before offers are formed and outliers dropped),
    /// sorted bytewise and concatenated. It depends on no store-internal id: anyone can recompute it
    /// from an export of the window's quotes.
    public static func inputsHash(_ observations: [GradeObservation]) -> String {
        var lines = observations.map { o in
            o.auditLine ?? Array("memory|\(o.quoteID)|\(o.source)|\(o.offer.map { String($0) } ?? "")|\(o.epoch).\(o.nanos)|\(o.price)|\(o.availableGPUs.map(String.init) ?? "")\n".utf8)
        }
        lines.sort { $0.lexicographicallyPrecedes($1) }
        var h = SHA256()
        for l in lines { l.withUnsafeBytes { h.update(bufferPointer: $0) } }
        return hex(h.finalize())
    }

    /// SHA-256 (lower-case hex) of text.
    public static func sha256(_ text: String) -> String {
        hex(SHA256.hash(data: Array(text.utf8)))
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
