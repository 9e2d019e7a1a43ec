import CixCore
import CixIO
import CixStore

/// Stored raw quotes read back: the store's blocks decoded by the ingest readers (§2.5).
public enum QuoteArchive {
    /// Every stored quote observed in [fromEpoch, toEpoch), in quote-id order.
    public static func forEach(_ s: StoreSession, fromEpoch: Int64 = .min, toEpoch: Int64 = .max, _ body: (StoredQuote) throws -> Void) throws {
        try s.forEachRawBlock(fromEpoch: fromEpoch, toEpoch: toEpoch) { block in
            try block.decode { q in
                if q.quote.observedEpoch >= fromEpoch && q.quote.observedEpoch < toEpoch { try body(q) }
            }
        }
    }

    /// Every stored quote of a store, in quote-id order.
    public static func all(_ store: Store) throws -> [StoredQuote] {
        try store.read { s in
            var out: [StoredQuote] = []
            try forEach(s) { out.append($0) }
            return out
        }
    }
}
