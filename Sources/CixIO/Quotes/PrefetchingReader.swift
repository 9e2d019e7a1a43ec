import CixCore
import Foundation

/// Readers whose last row's raw record is already a canonical CSV record (canonical header order).
public protocol RawRecordSource: AnyObject {
    /// Calls `body` with the raw bytes of the record last returned, when they are canonical.
    func withCanonicalRawRecord(_ body: (UnsafeBufferPointer<UInt8>) -> Void) -> Bool
}

/// Runs a row reader on a background thread and hands its rows over as encoded `QuoteChunk`s, so
/// parsing, validation and encoding use the second core while the caller writes to SQLite. At most
/// `depth` chunks are in flight: memory stays flat whatever the file size.
public final class ChunkPrefetcher: @unchecked Sendable {
    private let inner: QuoteRowReader
    private let condition = NSCondition()
    private var queue: [Result<QuoteChunk, Error>] = []
    private var finished = false
    private var cancelled = false
    private var started = false
    private let chunkSize: Int
    private let depth: Int

    public init(_ inner: QuoteRowReader, chunkSize: Int = 4096, depth: Int = 8) {
        self.inner = inner
        self.chunkSize = chunkSize
        self.depth = depth
    }

    public var warnings: [String] { inner.warnings }

    private func produce() {
        let raw = inner as? RawRecordSource
        var chunk = QuoteChunk()
        while true {
            let next: QuoteRow?
            do { next = try inner.next() } catch {
                push(.failure(error), last: true)
                return
            }
            switch next {
            case .quote(let q, let line):
                var done = false
                if let raw {
                    done = raw.withCanonicalRawRecord { chunk.append(q, line: line, rawRecord: $0) }
                }
                if !done { chunk.append(q, line: line) }
            case .reject(let r, let line, let original):
                chunk.rowsRead += 1
                chunk.rejects.append(RejectedRow(line: line, reject: r, original: original))
            case .skipped:
                chunk.rowsRead += 1
                chunk.skipped += 1
            case nil:
                break
            }
            if chunk.rowsRead >= chunkSize || next == nil {
                if !push(.success(chunk), last: next == nil) { return }
                chunk = QuoteChunk()
            }
            if next == nil { return }
        }
    }

    @discardableResult
    private func push(_ item: Result<QuoteChunk, Error>, last: Bool) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while queue.count >= depth && !cancelled { condition.wait() }
        if cancelled { return false }
        queue.append(item)
        if last { finished = true }
        condition.broadcast()
        return true
    }

    /// The next chunk, or nil at the end of the file.
    public func next() throws -> QuoteChunk? {
        if !started {
            started = true
            let t = Thread { [self] in produce() }
            t.stackSize = 1 << 22
            t.start()
        }
        condition.lock()
        while queue.isEmpty && !finished { condition.wait() }
        if queue.isEmpty {
            condition.unlock()
            return nil
        }
        let item = queue.removeFirst()
        if queue.isEmpty && finished { finished = true }
        condition.broadcast()
        condition.unlock()
        let chunk = try item.get()
        return chunk.rowsRead == 0 && queue.isEmpty && finished ? nil : chunk
    }

    /// Stops the producer (e.g. after a store error) so its thread ends.
    public func cancel() {
        condition.lock()
        cancelled = true
        condition.broadcast()
        condition.unlock()
    }

    deinit { cancel() }
}
