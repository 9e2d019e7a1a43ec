import CixCore
import CixIO
import CixStore

/// Stored raw quotes read back: the store's blocks decoded by the ingest readers (§2.5).
public enum QuoteArchive {
    /// Every stored quote observed in [fromEpoch, toEpoch), in quote-id order.
    /// With `unreadable`, a block that does not read back (§2.5) is reported to it and skipped; without,
    /// it stops the reading (`StoreCorruption`).
    public static func forEach(_ s: StoreSession, fromEpoch: Int64 = .min, toEpoch: Int64 = .max,
                               unreadable: ((Int64, StoreCorruption) -> Void)? = nil, _ body: (StoredQuote) throws -> Void) throws {
        let quarantined = unreadable == nil ? [:] : try s.quarantinedBlocks()
        try s.forEachRawBlock(fromEpoch: fromEpoch, toEpoch: toEpoch) { block in
            if let unreadable, let why = quarantined[block.firstQuoteID] {
                unreadable(block.firstQuoteID, StoreCorruption(why))
                return
            }
            // Decoded whole before any quote is passed on, so a block that fails half-way gives nothing.
            var quotes: [StoredQuote] = []
            do {
                try block.decode { q in
                    if q.quote.observedEpoch >= fromEpoch && q.quote.observedEpoch < toEpoch { quotes.append(q) }
                }
            } catch let e as StoreCorruption {
                guard let unreadable else { throw e }
                unreadable(block.firstQuoteID, e)
                return
            }
            for q in quotes { try body(q) }
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
