/// Decimal text to `Double`, and the one rounding rule used at publication.

public enum Decimals {
    /// Parses `[+-]digits[.digits][e±digits]`. Exact for up to 15 significant digits (the Clinger
    /// fast path: an integer mantissa below 2^53 scaled by an exact power of ten); otherwise falls
    /// back to the standard library's correctly rounded parser. Rejects NaN, infinities and hex.
    public static func parse(_ text: some StringProtocol) -> Double? {
        parse(utf8: text.utf8) { Double(String(text)) }
    }

    /// The same from UTF-8 bytes (the stored-block decoder parses without making strings).
    public static func parse(utf8 bytes: UnsafeBufferPointer<UInt8>) -> Double? {
        parse(utf8: bytes) { Double(String(decoding: bytes, as: UTF8.self)) }
    }

    @inline(__always) static func parse<S: Sequence<UInt8>>(utf8 u: S, fallback: () -> Double?) -> Double? {
        var mantissa: UInt64 = 0
        var digitsSeen = 0
        var significant = 0
        var fracDigits = 0
        var negative = false
        var sawDot = false
        var fast = true
        var i = 0
        var it = u.makeIterator()
        var c = it.next()
        if c == 43 || c == 45 { negative = c == 45; c = it.next(); i += 1 }
        while let ch = c {
            if ch &- 48 < 10 {
                digitsSeen += 1
                if mantissa == 0 && ch == 48 {
                    if sawDot { fracDigits += 1 }
                } else {
                    significant += 1
                    if significant <= 15 {
                        mantissa = mantissa * 10 + UInt64(ch - 48)
                        if sawDot { fracDigits += 1 }
                    } else {
                        fast = false
                    }
                }
            } else if ch == 46 && !sawDot {
                sawDot = true
            } else if ch == 101 || ch == 69 {
                fast = false
                break
            } else {
                return nil
            }
            c = it.next()
        }
        guard digitsSeen > 0 else { return nil }
        if fast && fracDigits <= 22 {
            let v = Double(mantissa) / pow10[fracDigits]
            return negative ? -v : v
        }
        guard let v = fallback(), v.isFinite else { return nil }
        return v
    }

    static let pow10: [Double] = (0...22).map { p in
        var v = 1.0
        for _ in 0..<p { v *= 10 }
        return v
    }

    /// Round half away from zero to `places` decimals: the publication rounding of METHODOLOGY.md §1.4
    /// (see `Rounding`). Non-finite values are returned unchanged.
    public static func roundPublished(_ value: Double, places: Int) -> Double {
        Rounding(decimals: places).round(value) ?? value
    }

    /// Fixed-point text with exactly `places` decimals (`Rounding`, half away from zero); empty for
    /// NaN and infinities.
    public static func format(_ value: Double, places: Int) -> String {
        Rounding(decimals: places).format(value) ?? ""
    }
}
