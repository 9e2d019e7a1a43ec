/// SplitMix64: small, fast, and identical on every platform, so a seed always gives the same market.
public struct SplitMix64: Sendable {
    public var state: UInt64
    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    public mutating func unit() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    public mutating func int(_ n: Int) -> Int { Int(next() % UInt64(n)) }

    /// Standard normal (Box–Muller; libm `log`/`cos` are correctly rounded enough to be stable here).
    public mutating func normal() -> Double {
        let u1 = max(unit(), 1e-300)
        let u2 = unit()
        return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }

    /// A generator derived from a tuple of keys (stateless lookups: same keys, same stream).
    public static func keyed(_ keys: UInt64...) -> SplitMix64 {
        var h: UInt64 = 0x243F_6A88_85A3_08D3
        for k in keys {
            var m = SplitMix64(seed: h ^ k)
            h = m.next()
        }
        return SplitMix64(seed: h)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
