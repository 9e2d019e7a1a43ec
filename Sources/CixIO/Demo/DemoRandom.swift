import CixCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The demo market draws from the core's SplitMix64 (identical on every platform, so a seed always
/// gives the same market); these are the demo's conveniences on top of it.
public typealias SplitMix64 = SplitMixCore

extension SplitMixCore {
    /// Uniform in [0, 1).
    public mutating func unit() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    public mutating func int(_ n: Int) -> Int { Int(next() % UInt64(n)) }

    /// Standard normal (Box–Muller).
    public mutating func normal() -> Double {
        let u1 = max(unit(), 1e-300)
        let u2 = unit()
        return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }

    /// A generator derived from a tuple of keys (stateless lookups: same keys, same stream).
    public static func keyed(_ keys: UInt64...) -> SplitMixCore {
        var h: UInt64 = 0x243F_6A88_85A3_08D3
        for k in keys {
            var m = SplitMixCore(seed: h ^ k)
            h = m.next()
        }
        return SplitMixCore(seed: h)
    }
}
