/// Publication rounding (METHODOLOGY.md §1.4): a number of decimals and a mode, applied digit by digit
/// to the value's shortest round-trip decimal form, so what is rounded is the number a person reads
/// (2.675 publishes as 2.68, although its binary value is 2.67499999…) and never a binary artefact
/// (2.000049999 stays below the half and publishes as 2.0000).
public struct Rounding: Sendable, Hashable, Codable {
    public enum Mode: String, Sendable, Hashable, Codable {
        /// Halves go away from zero: 2.675 → 2.68, −2.675 → −2.68 (the default).
        case halfAwayFromZero = "half_away_from_zero"
        /// Halves go to the even digit: 2.665 → 2.66, 2.675 → 2.68.
        case halfEven = "half_even"
    }

    public var decimals: Int
    public var mode: Mode

    /// Decimals from 0 to `maxDecimals`.
    public static let maxDecimals = 12

    public init(decimals: Int, mode: Mode = .halfAwayFromZero) {
        precondition(decimals >= 0 && decimals <= Rounding.maxDecimals, "Rounding: decimals must be 0...\(Rounding.maxDecimals)")
        self.decimals = decimals
        self.mode = mode
    }

    /// The decimal digits of a finite value's shortest round-trip form: digits d₁d₂… and the position of
    /// the decimal point (value = 0.d₁d₂… × 10^point).
    static func decimalDigits(_ magnitude: Double) -> (digits: [UInt8], point: Int) {
        // Swift prints the shortest representation that reads back as the same Double
        // ("2.675", "1e-05", "1.8e+15", "5e-324").
        let text = Array("\(magnitude)".utf8)
        var digits: [UInt8] = []
        var point = 0
        var seenDot = false
        var exponent = 0
        var i = 0
        while i < text.count {
            let c = text[i]
            if c == UInt8(ascii: ".") {
                seenDot = true
            } else if c == UInt8(ascii: "e") || c == UInt8(ascii: "E") {
                exponent = Int(String(decoding: text[(i + 1)...], as: UTF8.self)) ?? 0
                break
            } else {
                digits.append(c &- 48)
                if !seenDot { point += 1 }
            }
            i += 1
        }
        // Strip leading zeros (0.00123 → digits 123, point −2).
        var lead = 0
        while lead < digits.count - 1 && digits[lead] == 0 { lead += 1; point -= 1 }
        digits.removeFirst(lead)
        return (digits, point + exponent)
    }

    /// Fixed-point text with exactly `decimals` decimals; nil for NaN and infinities. Total over every
    /// finite Double (1e308 gives its 309 integer digits).
    public func format(_ value: Double) -> String? {
        guard value.isFinite else { return nil }
        if value == 0 { return decimals > 0 ? "0." + String(repeating: "0", count: decimals) : "0" }
        let (d, point) = Rounding.decimalDigits(value.magnitude)
        // Kept digits: those before position point + decimals (in the 0.d₁d₂… frame).
        let keep = point + decimals
        var kept: [UInt8]
        var roundUp = false
        if keep < 0 {
            kept = []
        } else {
            kept = keep <= d.count ? Array(d[0..<keep]) : d + [UInt8](repeating: 0, count: keep - d.count)
            if keep < d.count {
                let first = d[keep]
                let restNonZero = d[(keep + 1)...].contains { $0 != 0 }
                switch mode {
                case .halfAwayFromZero:
                    roundUp = first >= 5
                case .halfEven:
                    let lastKept = kept.last ?? 0
                    roundUp = first > 5 || (first == 5 && (restNonZero || lastKept % 2 == 1))
                }
            }
        }
        if roundUp {
            var i = kept.count - 1
            while i >= 0 {
                if kept[i] == 9 { kept[i] = 0; i -= 1 } else { kept[i] += 1; break }
            }
            if i < 0 { kept.insert(1, at: 0) }
        }
        // kept now holds the integer of value × 10^decimals (possibly empty = 0).
        while kept.count < decimals + 1 { kept.insert(0, at: 0) }
        let intDigits = kept[0..<(kept.count - decimals)]
        let fracDigits = kept[(kept.count - decimals)...]
        var out = ""
        out.reserveCapacity(kept.count + 2)
        let isZero = !kept.contains { $0 != 0 }
        if value < 0 && !isZero { out.append("-") }
        var skipping = true
        for (n, x) in intDigits.enumerated() {
            if skipping && x == 0 && n < intDigits.count - 1 { continue }
            skipping = false
            out.unicodeScalars.append(Unicode.Scalar(x + 48))
        }
        if decimals > 0 {
            out.append(".")
            for x in fracDigits { out.unicodeScalars.append(Unicode.Scalar(x + 48)) }
        }
        return out
    }

    /// The rounded value as a Double (the Double nearest to the published text); nil if not finite.
    public func round(_ value: Double) -> Double? { format(value).flatMap { Double($0) } }
}
