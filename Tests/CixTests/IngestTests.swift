@testable import CixApp
import CixCore
import CixIO
import CixStore
import Foundation
import GRDB
import Testing

@Suite struct IngestTests {
    func options() -> IngestOptions {
        var o = IngestOptions()
        o.writeRejectFiles = true
        return o
    }

    /// METHODOLOGY.md §2.3, §2.5.
    @Test func aDemoDayIngestsExactlyWhatWasPlantedAndAgainAddsNothing() throws {
        let dir = try tempDir()
        let market = DemoMarket(seed: 9, quotesPerDay: 3000)
        let file = dir + "/day.csv"
        let f = try AtomicTextFile(path: file)
        let planted = market.writeDay(CivilDate(iso: "2025-07-01")!) { f.write($0) }
        try f.commit()
        #expect(planted.rejected > 0 && planted.duplicates > 0 && planted.unknownChip > 0)
        let store = try Store(path: dir + "/s.sqlite")
        let r = try IngestJob.run(store: store, paths: [file], options: options())[0].counts
        #expect(r.rowsRead == planted.rows)
        #expect(r.accepted == planted.valid)
        #expect(r.rejected == planted.rejected)
        #expect(r.duplicates == planted.duplicates)
        let byField = try store.dbQueue.read { db in
            try Row.fetchAll(db, sql: "SELECT field, COUNT(*) FROM rejects GROUP BY field").reduce(into: [String: Int]()) { $0[$1[0]] = $1[1] }
        }
        #expect(byField == planted.rejectsByField)
        let again = try IngestJob.run(store: store, paths: [file], options: options())[0].counts
        #expect(again.accepted == 0)
        #expect(again.duplicates == planted.valid + planted.duplicates)
        #expect(try storedQuotes(store).count == planted.valid)
    }

    /// METHODOLOGY.md §2.2.
    @Test func oneRejectPerBadRowWithLineAndField() throws {
        let dir = try tempDir()
        let input = dir + "/errors.csv"
        try FileManager.default.copyItem(atPath: fixture("quotes-one-of-each-error.csv"), toPath: input)
        let store = try Store(path: dir + "/s.sqlite")
        let result = try IngestJob.run(store: store, paths: [input], options: options())[0]
        #expect(result.counts.accepted == 2)
        #expect(result.counts.rejected == 18)
        // The rejects file beside the input has the same rows, with the original text.
        let text = try String(contentsOfFile: input + ".rejects.csv", encoding: .utf8)
        let recs = try readAll(MemoryByteSource(text))
        #expect(recs.count == 19)
        #expect(recs[0].fields == ["line", "field", "reason", "original"])
        #expect(recs[1].fields[0] == "3" && recs[1].fields[1] == "observed_at")
        #expect(recs[1].fields[3].hasPrefix("2026/11/24T15:00:00Z,lambda,e-ts"))
        let stored = try storedQuotes(store)
        #expect(stored.map(\.line) == [2, 21])
        #expect(stored[1].quote.term == .reserved1y && stored[1].quote.currency == "USD" && stored[1].quote.priceUnit == .month)
    }

    /// METHODOLOGY.md §2.2.
    @Test func everyRejectLineAndField() throws {
        let dir = try tempDir()
        let store = try Store(path: dir + "/s.sqlite")
        var o = options()
        o.writeRejectFiles = false
        _ = try IngestJob.run(store: store, paths: [fixture("quotes-one-of-each-error.csv")], options: o)
        let rejects = try store.dbQueue.read { db in
            try Row.fetchAll(db, sql: "SELECT line, field FROM rejects ORDER BY line").map { "\($0[0] as Int):\($0[1] as String)" }
        }
        #expect(rejects == ["3:observed_at", "4:observed_at", "5:observed_at", "6:source", "7:chip", "8:gpu_count", "9:gpu_count",
                            "10:location", "11:term", "12:price", "13:price", "14:price", "15:currency", "16:price_unit",
                            "17:price_basis", "18:available_gpus", "19:(record)", "20:(record)"])
    }

    /// METHODOLOGY.md §2.1.
    @Test func reorderedColumnsBOMCRLFAndExtraColumns() throws {
        let dir = try tempDir()
        let store = try Store(path: dir + "/s.sqlite")
        var o = options()
        o.writeRejectFiles = false
        let r = try IngestJob.run(store: store, paths: [fixture("quotes-reordered-bom-crlf.csv")], options: o)[0]
        #expect(r.counts.accepted == 2 && r.counts.rejected == 0)
        #expect(r.warnings.count == 1 && r.warnings[0].contains("vendor_note"))
        let q = try storedQuotes(store)
        #expect(q[0].quote.term == .spot && q[0].quote.location == "Texas, US, NA" && q[0].quote.observedEpoch == 1_795_525_200)
        #expect(q[1].quote.chip == "H100 \"SXM\"" && q[1].line == 4)
    }

    /// METHODOLOGY.md §2.1.
    @Test func jsonLines() throws {
        let dir = try tempDir()
        let store = try Store(path: dir + "/s.sqlite")
        var o = options()
        o.writeRejectFiles = false
        let r = try IngestJob.run(store: store, paths: [fixture("quotes-valid.jsonl")], options: o)[0]
        #expect(r.counts.accepted == 2 && r.counts.rejected == 2)
        let q = try storedQuotes(store)
        #expect(q[0].quote.priceValue == 2.69 && q[0].quote.gpuCount == 1)
        #expect(q[1].quote.currency == "EUR" && q[1].line == 3)
    }

    @Test func unreadableOrHeaderlessFilesStopTheRunAndChangeNothing() throws {
        let dir = try tempDir()
        let store = try Store(path: dir + "/s.sqlite")
        let good = fixture("quotes-one-of-each-error.csv")
        for bad in [dir + "/missing.csv", dir, fixture("quotes-missing-column.csv")] {
            #expect(throws: IngestFailure.self) {
                try IngestJob.run(store: store, paths: [good, bad], options: options())
            }
        }
        let n = try store.dbQueue.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM ingest_batches") }
        #expect(n == 0)
        // The same through the command line: exit code 2.
        #expect(CixMain.run(["ingest", "--db", dir + "/s.sqlite", dir + "/missing.csv"]) == 2)
        #expect(CixMain.run(["ingest", "--db", dir + "/s.sqlite", "--format", "xml", good]) == 2)
        #expect(CixMain.run(["ingest", "--db", dir + "/s.sqlite", "--no-such-flag"]) == 2)
    }

    @Test func exitCodes() throws {
        let dir = try tempDir()
        let db = dir + "/s.sqlite"
        let clean = dir + "/clean.csv"
        try (QuoteColumn.header + "\n2026-11-24T15:00:00Z,lambda,x,H100 SXM5 80GB,8,us-east-1,on_demand,2.99,USD,hour,gpu,,\n")
            .write(toFile: clean, atomically: true, encoding: .utf8)
        #expect(CixMain.run(["ingest", "--db", db, clean]) == 0)
        #expect(CixMain.run(["ingest", "--db", db, clean]) == 0, "duplicates are not rejects")
        let errors = dir + "/errors.csv"
        try FileManager.default.copyItem(atPath: fixture("quotes-one-of-each-error.csv"), toPath: errors)
        #expect(CixMain.run(["ingest", "--db", db, errors]) == 3)
    }

    /// A source that fails after some bytes, like a disk error or a killed reader mid-file.
    struct FailingSource: ByteSource {
        var inner: MemoryByteSource
        var remaining: Int
        mutating func read(into buffer: UnsafeMutablePointer<UInt8>, count: Int) throws -> Int {
            if remaining <= 0 { throw IOFailure(path: "failing.csv", message: "input/output error") }
            let n = try inner.read(into: buffer, count: min(count, remaining, 4096))
            remaining -= n
            return n
        }
    }

    /// METHODOLOGY.md §2.5.
    @Test func aFailedIngestRollsBackCompletely() throws {
        let dir = try tempDir()
        let store = try Store(path: dir + "/s.sqlite")
        var text = ""
        _ = DemoMarket(seed: 3, quotesPerDay: 40_000).writeDay(CivilDate(iso: "2025-01-10")!) { text += $0 }
        let bytes = Array(text.utf8)
        let reader = try CanonicalCSVReader(source: FailingSource(inner: MemoryByteSource(bytes), remaining: bytes.count * 3 / 4),
                                            path: "failing.csv")
        #expect(throws: IngestFailure.self) {
            try IngestJob.ingestOne(store: store, path: "failing.csv", reader: reader, formatName: "csv", digest: ReadDigest(),
                                    options: options(), now: { "t" })
        }
        for table in ["ingest_batches", "raw_blocks", "quote_identities", "rejects"] {
            let n = try store.dbQueue.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table)") }
            #expect(n == 0, "\(table)")
        }
        #expect(!FileManager.default.fileExists(atPath: "failing.csv.rejects.csv"))
    }

    /// METHODOLOGY.md §2.5.
    @Test func rawQuotesAreImmutable() throws {
        let dir = try tempDir()
        let store = try Store(path: dir + "/s.sqlite")
        var o = options()
        o.writeRejectFiles = false
        _ = try IngestJob.run(store: store, paths: [fixture("quotes-valid.jsonl")], options: o)
        #expect(throws: DatabaseError.self) { try store.dbQueue.write { try $0.execute(sql: "UPDATE raw_blocks SET data = 'x'") } }
        #expect(throws: DatabaseError.self) { try store.dbQueue.write { try $0.execute(sql: "DELETE FROM raw_blocks") } }
    }

    /// METHODOLOGY.md §2.2.
    @Test func everyCanonicalFileInSharedDataIngests() throws {
        let dir = try tempDir()
        let store = try Store(path: dir + "/s.sqlite")
        var o = options()
        o.writeRejectFiles = false
        let canonical = sharedData + "/canonical"
        let files = try FileManager.default.contentsOfDirectory(atPath: canonical).filter { $0.hasSuffix(".csv") }.sorted()
        #expect(!files.isEmpty)
        for f in files {
            let r = try IngestJob.run(store: store, paths: [canonical + "/" + f], options: o)[0]
            #expect(r.counts.rejected == 0, "\(f): \(r.counts)")
            #expect(r.counts.accepted > 0)
        }
    }
}
