import CixApp
import CixCore
import CixIO
@testable import CixStore
import Foundation
import GRDB
import CixTestSupport
import Testing

/// The compact store (issue 13): compressed raw blocks, normalized segments, the block scanner, the
/// v11 migration and resumable normalization (METHODOLOGY.md §2.5, §3.6, §3.8).
@Suite struct CompactStoreTests {
    /// Migration v11 on a store written by cix 0.4.0: every export that reads normalized or raw quotes is
    /// byte-identical to what 0.4.0 exported from it (golden hashes, Fixtures/store-v10/README.md).
    @Test func oldStoreUpgradesInPlaceAndExportsIdentically() throws {
        let dir = try tempDir()
        let db = dir + "/cix.sqlite"
        let (st, _, err) = try runProcess("/bin/sh", ["-c", "gzip -dc '\(fixture("store-v10/cix.sqlite.gz"))' > '\(db)'"])
        #expect(st == 0, "\(err)")
        // A read-only command refuses the old schema and says how to upgrade.
        let (ro, _, roErr) = try runProcess(builtCix, ["export", "quotes", "--db", db])
        #expect(ro != 0 && roErr.contains("cix upgrade"), "\(roErr)")
        let (up, upOut, upErr) = try runProcess(builtCix, ["upgrade", "--db", db])
        #expect(up == 0 && upOut.contains("v11-compact-blocks"), "\(upOut) \(upErr)")
        let exports: [(String, [String])] = [
            ("quotes.csv", ["export", "quotes"]), ("quotes.jsonl", ["export", "quotes", "--format", "json"]),
            ("fixings.csv", ["export", "fixings"]),
            ("unmatched-2026-06-29.txt", ["grades", "unmatched", "--date", "2026-06-29"]),
            ("unmatched-2026-06-27.txt", ["grades", "unmatched", "--date", "2026-06-27", "--top", "3"]),
        ]
        let golden = try String(contentsOfFile: fixture("store-v10/exports.sha256"), encoding: .utf8)
        var want: [String: String] = [:]
        for line in golden.split(separator: "\n") {
            let parts = line.split(separator: " ", omittingEmptySubsequences: true)
            want[String(parts[1])] = String(parts[0])
        }
        for (name, args) in exports {
            let (rc, out, e) = try runProcess(builtCix, args + ["--db", db])
            #expect(rc == 0, "\(name): \(e)")
            // Methodology 1.2 added three fixing columns (§5.8), empty for values published before it.
            // Methodology 1.3 added four (§5.9), and two quote columns at the end: firm, no volume, for these.
            let compared = name.hasPrefix("fixings") ? withoutPanelColumns(out) : withoutInputColumns(out)
            #expect(FixingAudit.sha256(compared) == want[name], "\(name) differs from what cix 0.4.0 exported")
        }
        #expect(try String(contentsOfFile: fixture("store-v10/unmatched-2026-06-29.txt"), encoding: .utf8)
            == runProcess(builtCix, ["grades", "unmatched", "--date", "2026-06-29", "--db", db]).1)
        // The old table is gone, raw blocks are compressed, and a second upgrade has nothing to do.
        let s = try Store(path: db)
        try s.dbQueue.read { db in
            #expect(try !db.tableExists("normalized_quotes"))
            for data in try Data.fetchAll(db, sql: "SELECT CAST(data AS BLOB) FROM raw_blocks") {
                #expect([UInt8](data.prefix(4)) == [0x28, 0xB5, 0x2F, 0xFD])
            }
        }
        #expect(try runProcess(builtCix, ["upgrade", "--db", db]).1.contains("already current"))
        // Re-normalization after the upgrade does what 0.4.0 did on the old store (renormalized.sha256),
        // under the reference definitions of then: locations.yaml and grades.yaml of methodology 1.1
        // (North America was NA; Fixtures/store-v10/reference-1.1), the other files unchanged since.
        let then = try editedIndices("store-v10-reference") { files in
            for f in ["locations.yaml", "grades.yaml"] { files[f] = try? String(contentsOfFile: fixture("store-v10/reference-1.1/" + f), encoding: .utf8) }
        }
        #expect(try runProcess(builtCix, ["normalize", "--db", db, "--indices", then]).0 == 0)
        #expect(try runProcess(builtCix, ["fx", "ingest", "--db", db, "--indices", then, fixture("store-v10/fx-chf.csv")]).0 == 0)
        let renormalized = try String(contentsOfFile: fixture("store-v10/renormalized.sha256"), encoding: .utf8).prefix(64)
        #expect(FixingAudit.sha256(withoutInputColumns(try runProcess(builtCix, ["export", "quotes", "--db", db]).1)) == renormalized)
    }

    /// §3.6: a normalization killed (SIGKILL, in a child process) after a commit and run again leaves the
    /// same segments, block states and exports as one run through; so does a second kill.
    @Test func killedNormalizationResumesToTheSameStore() throws {
        let dir = try tempDir()
        var c = DemoConfig()
        c.days = 8
        c.quotesPerDay = 2500
        c.end = CivilDate(iso: "2025-03-20")!
        c.out = dir
        let m = try DemoJob.generate(c)
        let base = dir + "/base.sqlite"
        let files = m.files.map { dir + "/" + $0 }
        #expect(try [0, 3].contains(runProcess(builtCix, ["ingest", "--db", base, "--no-normalize", "--no-reject-files"] + files).0),
                "exit 3: the demo's planted bad rows")
        #expect(try runProcess(builtCix, ["fx", "ingest", "--db", base, "--no-normalize", dir + "/" + m.fxFile]).0 == 0)
        func copy(_ name: String) throws -> String {
            let p = dir + "/" + name
            try FileManager.default.copyItem(atPath: base, toPath: p)
            return p
        }
        func contents(_ db: String) throws -> [String] {
            let s = try Store(path: db)
            var rows = try s.dbQueue.read { db in
                try Row.fetchAll(db, sql: """
                    SELECT day, first_quote_id, count, min_epoch, max_epoch, hex(data) FROM normalized_segments ORDER BY day, first_quote_id
                    """).map { "\($0)" }
                    + (try Row.fetchAll(db, sql: "SELECT first_quote_id, reference_hash, fx_hash FROM normalized_blocks ORDER BY 1").map { "\($0)" })
            }
            rows.append(try runProcess(builtCix, ["export", "quotes", "--db", db]).1)
            return rows
        }
        let clean = try copy("clean.sqlite")
        #expect(try runProcess(builtCix, ["normalize", "--db", clean]).0 == 0)
        let reference = try contents(clean)
        #expect(reference.count > 10)
        let blocks = try Store(path: clean).dbQueue.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM normalized_blocks") } ?? 0
        #expect(blocks >= 8, "one block per day file at least")
        for kills in [[1], [2, 3]] {
            let db = try copy("killed\(kills.count).sqlite")
            for k in kills {
                let (rc, _, _) = try runProcess(builtCix, ["normalize", "--db", db, "--batch-quotes", "1"],
                                                environment: ProcessInfo.processInfo.environment.merging(["CIX_TEST_SIGKILL_AFTER_COMMITS": "\(k)"]) { $1 })
                #expect(rc == SIGKILL, "killed by the signal, not finished")
                let done = try Store(path: db).dbQueue.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM normalized_blocks") } ?? 0
                #expect(done > 0 && done < blocks, "the kill came between the first and the last commit (\(done) of \(blocks))")
            }
            #expect(try runProcess(builtCix, ["normalize", "--db", db]).0 == 0)
            #expect(try contents(db) == reference, "store after \(kills.count) kill(s) and a resumption")
        }
    }

    /// The block scanner gives exactly what the general decoder gives, on demo blocks and on blocks with
    /// every form it leaves to the decoder (quoted fields, spaces, CRLF, a BOM, fractions, offsets).
    @Test func scannerMatchesTheDecoder() throws {
        let dir = try tempDir()
        let (s, _) = try smallDemoStore(dir, days: 3, quotesPerDay: 1500)
        var blocks: [RawBlock] = []
        try s.read { try $0.forEachRawBlock { blocks.append($0) } }
        var lines = ["7,2026-06-29T10:00:00.250Z,lambda,x-frac,H100 SXM5 80GB,8,us-east-1,on_demand,2.99,USD,hour,gpu,64,infiniband",
                     "8,2026-06-29T10:00:01+02:00,lambda,,H100 SXM5 80GB,8.0,us-east-1,on_demand,23.5,usd,hour,instance,,",
                     "9,2026-06-29T10:00:02Z, lambda ,\"x,quoted\",\"H100 \"\"SXM\"\"\",8,\"Paris, FR, EU\",1y,1e3,EUR,month,gpu, 7 ,roce",
                     "10,2026-06-29T10:00:02Z,lambda,x-space , H100 SXM5 80GB,8,us-east-1,on_demand, 2.99,USD,hour,gpu,64,",
                     "11,2026-06-29T10:00:03Z,lambda,x-1,H100 SXM5 80GB,8,us-east-1,on_demand,2.5,CHF,hour,gpu,3,",
                     "12,2026-06-29T10:00:04Z,lambda,x-1,H100 SXM5 80GB,8,us-east-1,on_demand,2.5,CHF,hour,gpu,3.0,"]
        blocks.append(RawBlock(batchID: 1, firstQuoteID: 100, count: lines.count, data: Array((lines.joined(separator: "\n") + "\n").utf8)))
        lines[0] = "\u{FEFF}" + lines[0]
        blocks.append(RawBlock(batchID: 1, firstQuoteID: 200, count: lines.count, data: Array((lines.joined(separator: "\r\n") + "\r\n").utf8)))
        blocks.append(RawBlock(batchID: 1, firstQuoteID: 300, count: 2, data: Array((lines[4] + "\n\n" + lines[5]).utf8)))
        var general = 0
        func check(_ b: RawBlock, _ cache: ScanCache) throws {
            var want: [StoredQuote] = []
            try b.decode { want.append($0) }
            let got = try b.scan(cache: cache)
            if got.generalDecoder { general += 1 }
            #expect(got.quotes.count == want.count)
            for (g, w) in zip(got.quotes, want) {
                let t = cache.templates[Int(g.slot)]
                let q = w.quote
                let offer: String? = g.offer < 0 ? nil : got.offers[Int(g.offer)]
                #expect(g.id == w.id && g.epoch == q.observedEpoch && g.nanos == q.observedNanos, "quote \(w.id)")
                #expect(offer == q.offerID && g.availableGPUs == q.availableGPUs, "quote \(w.id)")
                #expect(g.price.bitPattern == q.priceValue.bitPattern, "quote \(w.id)")
                #expect(t.source == q.source && t.chip == q.chip && t.gpuCount == q.gpuCount && t.location == q.location,
                        "descriptive fields of quote \(w.id)")
                #expect(t.term == q.term && t.currency == q.currency && t.priceUnit == q.priceUnit, "descriptive fields of quote \(w.id)")
                #expect(t.priceBasis == q.priceBasis && t.interconnect == q.interconnect, "descriptive fields of quote \(w.id)")
            }
        }
        // One cache across blocks (as a normalization worker keeps it), and each block with a new one.
        let shared = ScanCache()
        for b in blocks + blocks {
            for cache in [shared, ScanCache()] { try check(b, cache) }
        }
        // A cache that read a block through the general decoder first (its templates are numbered apart
        // from the scanner's combinations).
        let afterGeneral = ScanCache()
        try check(blocks[blocks.count - 2], afterGeneral)
        for b in blocks { try check(b, afterGeneral) }
        general -= 3
        #expect(general == 8, "the BOM/CRLF block and the blank-line block take the general decoder (twice, with two caches each)")
        // A record that no longer validates is reported as the decoder reports it.
        let bad = RawBlock(batchID: 1, firstQuoteID: 400, count: 1, data: Array((lines[4].replacingOccurrences(of: ",2.5,", with: ",-2.5,") + "\n").utf8))
        let cache = ScanCache()
        #expect(throws: StoreCorruption.self) { _ = try bad.scan(cache: cache) }
        #expect(cache.templates.isEmpty, "a text is kept only once its record validated")
        // With a cache that has validated records (new texts are then checked one field at a time): a
        // record with an invalid descriptive field is still refused, and nothing of it is kept.
        let kept = shared.templates.count
        for badField in [",8,us-east-1,": ",0,us-east-1,", ",on_demand,": ",weekly,", ",CHF,": ",XYZ,", ",hour,": ",fortnight,"] {
            let text = lines[4].replacingOccurrences(of: badField.key, with: badField.value)
            #expect(text != lines[4])
            let b = RawBlock(batchID: 1, firstQuoteID: 500, count: 1, data: Array((text + "\n").utf8))
            #expect(throws: StoreCorruption.self, "\(badField.value)") { _ = try b.scan(cache: shared) }
        }
        #expect(shared.templates.count == kept)
    }

    /// Segments give back every value to the bit: texts, missing values, fractions of a second, FX,
    /// unpriced reasons, per-row reference hashes, and USD per H100-hour that is not price ÷ factor.
    @Test func segmentsRoundTrip() throws {
        var b = NormalizedBlockBuilder(firstQuoteID: 1000)
        let p0 = b.profile(NormalizedProfile(source: "vast", location: "Norway, NO, EU", chip: "H100-SXM", country: "NO", region: "EU",
                                             term: "on_demand", gpuCount: 8, interconnect: "infiniband", grades: "A B", unmatched: nil, h100Factor: 1))
        let p1 = b.profile(NormalizedProfile(source: "é源", location: "x", chip: nil, country: nil, region: nil, term: "spot", gpuCount: 1,
                                             interconnect: "none", grades: "", unmatched: "unknown chip", h100Factor: nil))
        let p2 = b.profile(NormalizedProfile(source: "b", location: "y", chip: "B200", country: "US", region: "NA", term: "reserved_1y",
                                             gpuCount: 8, interconnect: "other", grades: "", unmatched: "no grade for this chip/region/term",
                                             h100Factor: 2250.0 / 989))
        let day = Int64(20_000) * 86_400
        let entries = [
            NormalizedEntry(quoteID: 1003, epoch: day + 5, nanos: 250_000_000, profile: p0, offerID: "a", availableGPUs: 0, usdPerGPUHour: 2.99,
                            usdPerH100Hour: 2.99, unpricedReason: nil, fxRate: 1, fxDate: "2024-10-04", referenceHash: "r1"),
            NormalizedEntry(quoteID: 1001, epoch: day + 5, nanos: 0, profile: p1, offerID: nil, availableGPUs: nil, usdPerGPUHour: nil,
                            usdPerH100Hour: nil, unpricedReason: "no CHF rate on 2024-10-04 or the 7 days before", fxRate: nil, fxDate: nil,
                            referenceHash: "r2"),
            NormalizedEntry(quoteID: 1002, epoch: day + 86_399, nanos: 999_999_999, profile: p2, offerID: "x,\"y\"", availableGPUs: 10_000_000,
                            usdPerGPUHour: 5.3, usdPerH100Hour: 5.3 * 989 / 2250, unpricedReason: nil, fxRate: 1.0823, fxDate: "2024-10-03",
                            referenceHash: "r1"),
            NormalizedEntry(quoteID: 1000, epoch: day + 86_400, nanos: 0, profile: p0, offerID: "a", availableGPUs: 3, usdPerGPUHour: 1e-3,
                            usdPerH100Hour: nil, unpricedReason: nil, fxRate: 1, fxDate: "2024-10-05", referenceHash: "r1"),
        ]
        for e in entries { b.add(e) }
        let segs = b.segments()
        #expect(segs.map(\.day) == [20_000, 20_001])
        #expect(segs.map(\.count) == [3, 1])
        var got: [Int64: (DecodedSegment, Int)] = [:]
        for s in segs {
            let d = try DecodedSegment(data: s.data, firstQuoteID: s.firstQuoteID)
            #expect(d.quoteIDs == d.quoteIDs.indices.map { d.quoteIDs[$0] })
            for r in 0..<d.count { got[d.quoteIDs[r]] = (d, r) }
        }
        #expect(try DecodedSegment(data: segs[0].data, firstQuoteID: 1000).quoteIDs == [1001, 1003, 1002], "by second, then quote id")
        for e in entries {
            let (d, r) = got[e.quoteID]!
            let p = b.profiles[Int(e.profile)]
            let dp = d.profiles[Int(d.profile[r])]
            #expect(d.epochs[r] == e.epoch && d.nanos[r] == e.nanos)
            #expect(d.string(d.offer[r]) == e.offerID && (d.available[r] < 0 ? nil : d.available[r]) == e.availableGPUs)
            #expect((d.usd[r].isNaN ? nil : d.usd[r])?.bitPattern == e.usdPerGPUHour?.bitPattern)
            #expect(d.h100[r]?.bitPattern == e.usdPerH100Hour?.bitPattern)
            #expect(d.string(d.unpriced[r]) == e.unpricedReason && d.string(d.reference[r]) == e.referenceHash)
            #expect((d.fx[r] < 0 ? nil : d.fxRates[Int(d.fx[r])]) == e.fxRate)
            #expect((d.fx[r] < 0 ? nil : d.string(d.fxDates[Int(d.fx[r])])) == e.fxDate)
            #expect(d.string(dp.source) == p.source && d.string(dp.location) == p.location && d.string(dp.chip) == p.chip
                    && d.string(dp.country) == p.country && d.string(dp.region) == p.region && d.string(dp.term) == p.term
                    && dp.gpuCount == p.gpuCount && d.string(dp.interconnect) == p.interconnect && d.string(dp.grades) == p.grades
                    && d.string(dp.unmatched) == p.unmatched && dp.h100Factor == p.h100Factor)
        }
        // Damage is StoreCorruption, never a crash.
        var broken = segs[0].data
        broken[broken.count / 2] ^= 0xFF
        #expect(throws: StoreCorruption.self) { _ = try DecodedSegment(data: broken, firstQuoteID: 1000) }
        #expect(throws: StoreCorruption.self) { _ = try DecodedSegment(data: Array(segs[0].data.prefix(9)), firstQuoteID: 1000) }
    }

    /// Normalized quotes changed behind the store's back are found, never read as they are: a segment
    /// moved to another block or day, or duplicated, is refused with the command that rebuilds; a missing
    /// one makes the block normalized again; `--rebuild` restores them; a quarantined block leaves no
    /// normalized quotes behind (§2.5, §3.8).
    @Test func damagedNormalizedQuotesAreFoundAndRebuilt() throws {
        let dir = try tempDir()
        let (s, _) = try smallDemoStore(dir, days: 3, quotesPerDay: 1200)
        let ref = try DefinitionLoader.referenceData(repoRoot + "/Indices")
        let clean = try normalizedRows(s).map { "\($0)" }
        let keys = try s.dbQueue.read { try Row.fetchAll($0, sql: "SELECT day, first_quote_id FROM normalized_segments ORDER BY day") }
        #expect(keys.count >= 3)
        let d0: Int64 = keys[0][0]
        let (d2, b2): (Int64, Int64) = (keys[2][0], keys[2][1])
        func damage(_ sql: String) throws { try s.dbQueue.write { try $0.execute(sql: sql) } }
        // Another block's segment under this key: refused, by every reader.
        try damage("UPDATE normalized_segments SET data = (SELECT data FROM normalized_segments WHERE day = \(d0)) WHERE day = \(d2)")
        #expect {
            _ = try normalizedRows(s)
        } throws: { ($0 as? StoreCorruption)?.description.contains("cix normalize --rebuild") == true }
        let rebuilt = try NormalizeJob.run(store: s, ref: ref, now: "t", rebuild: true)
        #expect(rebuilt.examined > 0 && rebuilt.written > 0)
        #expect(try normalizedRows(s).map { "\($0)" } == clean, "rebuilt from the raw quotes")
        // A segment duplicated under another day: refused.
        try damage("INSERT INTO normalized_segments SELECT \(d0), first_quote_id, count, min_epoch, max_epoch, data FROM normalized_segments WHERE day = \(d2)")
        #expect(throws: StoreCorruption.self) { _ = try normalizedRows(s) }
        #expect(try s.read { try $0.incompletelyNormalizedBlocks() } == [b2])
        _ = try NormalizeJob.run(store: s, ref: ref, now: "t")
        #expect(try normalizedRows(s).map { "\($0)" } == clean, "the block whose segments did not add up was normalized again")
        // A segment deleted: the block is normalized again by the next run, and `cix fix` refuses until then.
        try damage("DELETE FROM normalized_segments WHERE day = \(d2)")
        #expect(throws: StaleInputs.self) { _ = try FixingJob.run(store: s, defs: try DefinitionLoader.methodology(repoRoot + "/Indices"), from: CivilDate(dayNumber: d2), to: CivilDate(dayNumber: d2)) }
        _ = try NormalizeJob.run(store: s, ref: ref, now: "t")
        #expect(try normalizedRows(s).map { "\($0)" } == clean)
        // A raw block that no longer reads back is quarantined with its normalized quotes removed.
        try damage("DROP TRIGGER raw_blocks_no_update")
        try damage("UPDATE raw_blocks SET data = substr(data, 1, 40) WHERE first_quote_id = \(b2)")
        _ = try NormalizeJob.run(store: s, ref: ref, now: "t", rebuild: true)
        #expect(try s.read { try $0.quarantinedBlocks() }[b2] != nil)
        #expect(try s.dbQueue.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM normalized_segments WHERE first_quote_id = \(b2)") } == 0)
        #expect(try normalizedRows(s).allSatisfy { $0.quoteID < b2 })
    }

    /// `cix upgrade` upgrades cix stores only, and two at once on one store both succeed.
    @Test func upgradeRefusesOtherFilesAndToleratesARace() throws {
        let dir = try tempDir()
        _ = FileManager.default.createFile(atPath: dir + "/empty.sqlite", contents: Data())
        let other = try DatabaseQueue(path: dir + "/other.sqlite")
        try other.write { try $0.execute(sql: "CREATE TABLE foo (x)") }
        for f in ["empty.sqlite", "other.sqlite"] {
            let (rc, _, err) = try runProcess(builtCix, ["upgrade", "--db", dir + "/" + f])
            #expect(rc == 2 && err.contains("is not a cix store"), "\(f): \(err)")
        }
        #expect(try other.read { try $0.tableExists("raw_blocks") } == false, "nothing added to another program's database")
        let db = dir + "/old.sqlite"
        #expect(try runProcess("/bin/sh", ["-c", "gzip -dc '\(fixture("store-v10/cix.sqlite.gz"))' > '\(db)'"]).0 == 0)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: builtCix)
        p.arguments = ["upgrade", "--db", db]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        let (rc, _, err) = try runProcess(builtCix, ["upgrade", "--db", db])
        p.waitUntilExit()
        #expect(rc == 0 && p.terminationStatus == 0, "\(err)")
        #expect(try runProcess(builtCix, ["export", "quotes", "--db", db]).0 == 0)
    }

    /// The audit lines' byte formatter writes exactly `Timestamp.format` (§5.7's text).
    @Test func timestampBytesAreTheFormattedText() {
        var rng = TestRNG()
        var cases: [Instant] = [Instant(seconds: 0, nanos: 0), Instant(seconds: -1, nanos: 5), Instant(seconds: 253_402_300_799, nanos: 999_999_999),
                                Instant(seconds: 253_402_300_800, nanos: 1), Instant(seconds: -62_167_219_201, nanos: 0)]
        for _ in 0..<2000 {
            cases.append(Instant(seconds: Int64.random(in: -70_000_000_000...300_000_000_000, using: &rng),
                                 nanos: Bool.random(using: &rng) ? 0 : Int32.random(in: 1...999_999_999, using: &rng)))
        }
        for t in cases {
            var b: [UInt8] = []
            Timestamp.append(t, to: &b)
            #expect(String(decoding: b, as: UTF8.self) == Timestamp.format(t), "\(t)")
        }
    }

    /// Raw blocks are stored compressed and read back to exactly the bytes received; a damaged one is
    /// quarantined by the normalization, as an unreadable uncompressed one is (§2.5).
    @Test func rawBlocksCompressAndDamageIsQuarantined() throws {
        let dir = try tempDir()
        let (s, _) = try smallDemoStore(dir, days: 2, quotesPerDay: 1200)
        // A small file: its block is the input lines as received, each after its line number.
        let lines = ["observed_at,source,offer_id,chip,gpu_count,location,term,price,currency,price_unit,price_basis,available_gpus,interconnect",
                     "2026-06-29T10:00:00.250Z,lambda,a,H100 SXM5 80GB,8,us-east-1,on_demand,2.990,USD,hour,gpu,64,infiniband",
                     "2026-06-29T10:00:01Z,lambda,,H100 SXM5 80GB,8,\"Paris, FR, EU\",on_demand,23.5,USD,hour,instance,,"]
        let small = try Store(path: dir + "/small.sqlite")
        try lines.joined(separator: "\n").write(toFile: dir + "/small.csv", atomically: true, encoding: .utf8)
        var o = IngestOptions()
        o.writeRejectFiles = false
        _ = try IngestJob.run(store: small, paths: [dir + "/small.csv"], options: o)
        let block = try small.read { try $0.rawBlock(firstQuoteID: 1) }
        #expect(block?.data == Array("2,\(lines[1])\n3,\(lines[2])\n".utf8))
        let head = try small.dbQueue.read { try Data.fetchOne($0, sql: "SELECT CAST(data AS BLOB) FROM raw_blocks") }!
        #expect([UInt8](head.prefix(4)) == [0x28, 0xB5, 0x2F, 0xFD], "stored as a Zstandard frame")
        var stored: [UInt8] = []
        try s.read { try $0.forEachRawBlock { stored += $0.data } }
        #expect(stored.count > 100_000)
        let sizes = try s.dbQueue.read { try Row.fetchOne($0, sql: "SELECT SUM(length(data)), SUM(count) FROM raw_blocks") }!
        let bytes: Int = sizes[0], quotes: Int = sizes[1]
        #expect(bytes * 3 < stored.count, "compressed to under a third: \(bytes) of \(stored.count) bytes")
        #expect(quotes > 0)
        // Damage one block behind the store's back, then add a quote so a new normalization runs.
        try s.dbQueue.write { db in
            try db.execute(sql: "DROP TRIGGER raw_blocks_no_update")
            try db.execute(sql: "UPDATE raw_blocks SET data = substr(data, 1, 40) WHERE first_quote_id = 1")
            try db.execute(sql: "DELETE FROM normalized_blocks WHERE first_quote_id = 1")
        }
        let st = try NormalizeJob.run(store: s, ref: try DefinitionLoader.referenceData(repoRoot + "/Indices"), now: "t")
        #expect(st.newlyQuarantined.count == 1, "\(st.newlyQuarantined)")
        #expect(st.newlyQuarantined.first?.contains("raw block at quote 1") == true)
        #expect(try s.read { try $0.quarantinedBlocks() }[1] != nil)
    }
}

/// A fixings CSV export without the columns methodology 1.2 added (`live_sources`, `imputed_sources`,
/// `panel_changes`), for comparing with exports made before them (no field of these exports is quoted).
func withoutPanelColumns(_ csv: String) -> String {
    let lines = csv.split(separator: "\n", omittingEmptySubsequences: false)
    guard let header = lines.first?.split(separator: ",", omittingEmptySubsequences: false) else { return csv }
    let drop = Set(header.indices.filter {
        ["live_sources", "imputed_sources", "panel_changes", "input_level", "transaction_share", "firm_share", "indicative_share"].contains(String(header[$0]))
    })
    guard !drop.isEmpty else { return csv }
    return lines.map { line in
        line.isEmpty ? "" : line.split(separator: ",", omittingEmptySubsequences: false).enumerated()
            .filter { !drop.contains($0.offset) }.map(\.element).joined(separator: ",")
    }.joined(separator: "\n")
}

/// A quote export without the two columns methodology 1.3 added at the end (§5.9), for quotes that are
/// all firm without a volume: what cix 0.4 exported.
func withoutInputColumns(_ text: String) -> String {
    text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
        var l = String(line)
        for suffix in [",input_type,volume_gpu_hours", ",firm,", ",\"input_type\":\"firm\",\"volume_gpu_hours\":null}"] where l.hasSuffix(suffix) {
            l = String(l.dropLast(suffix.count)) + (suffix.hasSuffix("}") ? "}" : "")
        }
        return l
    }.joined(separator: "\n")
}
