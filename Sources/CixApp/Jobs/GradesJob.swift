import CixCore
import CixIO
import CixStore

/// Quotes of a day that fit no grade (§4.3), by reason and by what was not matched.
public struct UnmatchedReport: Sendable {
    public struct Reason: Sendable {
        public var reason: String
        public var count: Int
        /// chip / region / term / GPUs / interconnect, most frequent first (not for unknown chips and locations).
        public var detail: [TextCount]
    }
    public var date: CivilDate
    public var normalized: Int
    public var reasons: [Reason]
    /// "source: text" of unknown chips and of unknown locations, most frequent first.
    public var unknownChips: [TextCount]
    public var unknownLocations: [TextCount]
    /// Raw blocks that could not be read back (their texts are not counted).
    public var warnings: [String] = []
}

public enum GradesJob {
    public static func unmatched(store: Store, date d: CivilDate, top: Int) throws -> UnmatchedReport {
        let lo = d.startEpoch, hi = d.startEpoch + 86_400
        return try store.read { s in
            var reasons: [UnmatchedReport.Reason] = []
            for r in try s.unmatchedByReason(fromEpoch: lo, toEpoch: hi) {
                let raw = [UnmatchedReason.unknownChip.rawValue, UnmatchedReason.unknownLocation.rawValue].contains(r.text)
                reasons.append(.init(reason: r.text, count: r.count,
                                     detail: raw ? [] : try s.unmatchedDetail(fromEpoch: lo, toEpoch: hi, reason: r.text, limit: top)))
            }
            var chips: [String: Int] = [:]
            var locations: [String: Int] = [:]
            let unknown = try s.unmatchedQuotes(fromEpoch: lo, toEpoch: hi,
                                                reasons: [UnmatchedReason.unknownChip.rawValue, UnmatchedReason.unknownLocation.rawValue])
            var warnings: [String] = []
            if !unknown.isEmpty {
                try QuoteArchive.forEach(s, fromEpoch: lo, toEpoch: hi, unreadable: { first, e in
                    warnings.append("raw block at quote \(first) left out of the unknown texts: \(e.description)")
                }) { sq in
                    guard let reason = unknown[sq.id] else { return }
                    if reason == UnmatchedReason.unknownChip.rawValue {
                        chips["\(sq.quote.source): \(sq.quote.chip)", default: 0] += 1
                    } else {
                        locations["\(sq.quote.source): \(sq.quote.location)", default: 0] += 1
                    }
                }
            }
            func ranked(_ m: [String: Int]) -> [TextCount] {
                m.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(top).map { TextCount(text: $0.key, count: $0.value) }
            }
            return UnmatchedReport(date: d, normalized: try s.normalizedCount(fromEpoch: lo, toEpoch: hi), reasons: reasons,
                                   unknownChips: ranked(chips), unknownLocations: ranked(locations), warnings: warnings)
        }
    }
}
