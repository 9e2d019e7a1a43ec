import CixCore
import Foundation

/// A seeded generator for randomized tests: the seed is printed, and `CIX_TEST_SEED=N` replays a run
/// (kill timings, random tables, random instants).
public struct TestRNG: RandomNumberGenerator {
    var core: SplitMixCore
    public let seed: UInt64
    public init(_ name: String = #function) {
        seed = ProcessInfo.processInfo.environment["CIX_TEST_SEED"].flatMap { UInt64($0) } ?? UInt64.random(in: 1...UInt64(UInt32.max))
        core = SplitMixCore(seed: seed)
        print("\(name): seed \(seed) (replay with CIX_TEST_SEED=\(seed))")
    }
    public mutating func next() -> UInt64 { core.next() }
}
