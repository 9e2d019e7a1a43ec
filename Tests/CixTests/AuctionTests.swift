@testable import CixApp
import CixCore
import CixIO
import CixStore
import Foundation
import Testing

/// Issue 23 #1 (METHODOLOGY.md §2.4, §5.9): auction results in, transactions that decide a fixing out.
@Suite struct AuctionTests {
    /// Five firm offers at 2.00 in H100-SXM.NA.OD on 2026-11-24.
    static let firm = quotesCSV(["a", "b", "c", "d", "e"].enumerated().map { i, s in
        "2026-11-24T0\(i):00:00Z,\(s),o\(i),H100 SXM,8,us-east-1,on_demand,2.00,USD,hour,gpu,8,"
    })

    static let header = "auction_id,cleared_at,chip,gpu_count,location,term,delivery_start,delivery_end,clearing_price,currency,price_unit,price_basis,volume_gpu_hours,venue"

    /// Three venues clearing H100 SXM at 2.50 for a week (on-demand by the window) with `volume` each,
    /// and one month-long lot (reserved_1m).
    static func auctions(volume: Int) -> String {
        ([header] + (1...3).map { v in
            "A\(v),2026-11-24T10:00:00Z,H100 SXM,8,us-east-1,,2026-11-30,2026-12-07,2.50,USD,hour,gpu,\(volume),venue\(v)"
        } + ["A1,2026-11-24T10:00:00Z,H100 SXM,8,us-west-2,,2026-11-30,2026-12-30,2.20,USD,hour,gpu,5760,venue1"]).joined(separator: "\n") + "\n"
    }

    func store(_ dir: String, volume: Int) throws -> String {
        let db = dir + "/s.sqlite"
        let indices = repoRoot + "/Indices"
        try write(Self.firm, to: dir + "/firm.csv")
        try write(Self.auctions(volume: volume), to: dir + "/auction.csv")
        #expect(try runProcess(builtCix, ["ingest", "--db", db, "--indices", indices, dir + "/firm.csv"]).0 == 0)
        let (code, out, err) = try runProcess(builtCix, ["ingest", "--db", db, "--indices", indices, "--format", "auction", dir + "/auction.csv"])
        #expect(code == 0, "\(out)\(err)")
        #expect(out.contains("auction.csv: 4 records: accepted 4"), "\(out)")
        #expect(try runProcess(builtCix, ["fix", "--db", db, "--indices", indices, "--date", "2026-11-24"]).0 == 0)
        return db
    }

    static func fixing(_ db: String, _ grade: String) throws -> [String: String] {
        let csv = try runProcess(builtCix, ["export", "fixings", "--db", db]).1
        let lines = csv.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let row = lines.first { $0.first == grade } ?? []
        return Dictionary(uniqueKeysWithValues: zip(lines[0], row))
    }

    /// The acceptance case through the command line: clearings at 2.50 from three venues with 3 × 4,000
    /// GPU-hours decide against firm offers at 2.00; the quotes export shows them as transactions with
    /// their volume and the term of their delivery window; the explanation says why; a rebuilt
    /// normalization keeps them transactions (§3.8's inputs section), so nothing is restated.
    @Test func auctionClearingsBecomeTransactionsThatDecide() throws {
        let dir = try tempDir()
        let db = try store(dir, volume: 4000)
        let f = try Self.fixing(db, "H100-SXM.NA.OD")
        #expect(f["published"] == "2.5000" && f["input_level"] == "transaction", "\(f)")
        #expect(f["transaction_share"] == "1.0" && f["firm_share"] == "0.0" && f["indicative_share"] == "0.0", "\(f)")
        let quotes = try runProcess(builtCix, ["export", "quotes", "--db", db, "--format", "json"]).1
        let rows = quotes.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        let auction = rows.filter { ($0["source"] as? String)?.hasPrefix("venue") == true }
        #expect(auction.count == 4)
        for r in auction {
            #expect(r["input_type"] as? String == "transaction")
            #expect(r["observed_at"] as? String == "2026-11-24T10:00:00Z")
        }
        let month = auction.first { r in r["location"] as? String == "us-west-2" }
        #expect(month?["canonical_term"] as? String == "reserved_1m" && month?["volume_gpu_hours"] as? Double == 5760)
        #expect(month?["offer_id"] as? String == "A1/H100 SXM/8")
        let week = auction.first { r in r["source"] as? String == "venue2" }
        #expect(week?["canonical_term"] as? String == "on_demand" && week?["volume_gpu_hours"] as? Double == 4000)
        #expect(rows.filter { $0["input_type"] as? String == "firm" }.count == 5)
        let explain = try runProcess(builtCix, ["explain", "fixing", "--db", db, "--indices", repoRoot + "/Indices", "--grade", "H100-SXM.NA.OD",
                                                "--date", "2026-11-24"]).1
        #expect(explain.contains("§5.9 input level: transaction: transactions govern: 3 sources and 12000 GPU-hours"), "\(explain)")
        // §5.7 (1.3): the inputs hash covers the transactions, and the reference script (written from the
        // document) recomputes it from the quotes export.
        try write(try runProcess(builtCix, ["export", "quotes", "--db", db]).1, to: dir + "/q.csv")
        let input = try JSONSerialization.data(withJSONObject: ["export": dir + "/q.csv", "grade": "H100-SXM.NA.OD",
                                                                "start": "2026-11-23T16:00:00Z", "end": "2026-11-24T16:00:00Z"])
        try input.write(to: URL(fileURLWithPath: dir + "/in.json"))
        let (rc, hashOut, hashErr) = try runProcess("/bin/sh", ["-c", "python3 \(repoRoot)/Tests/CixTests/Reference/methodology_reference.py inputs-hash < \(dir)/in.json"])
        #expect(rc == 0 && hashOut.trimmingCharacters(in: .whitespacesAndNewlines) == "\"\(f["inputs_hash"] ?? "")\"", "\(hashOut)\(hashErr)")
        #expect(try runProcess(builtCix, ["normalize", "--db", db, "--indices", repoRoot + "/Indices", "--rebuild"]).0 == 0)
        let again = try runProcess(builtCix, ["fix", "--db", db, "--indices", repoRoot + "/Indices", "--date", "2026-11-24"]).1
        #expect(again.contains("0 new versions"), "\(again)")
    }

    /// Too little volume (3 × 3,000 = 9,000 < 10,000 GPU-hours): the firm offers decide, and the
    /// explanation names the shortfall.
    @Test func tooLittleVolumeLeavesTheFirmOffersDeciding() throws {
        let dir = try tempDir()
        let db = try store(dir, volume: 3000)
        let f = try Self.fixing(db, "H100-SXM.NA.OD")
        #expect(f["published"] == "2.0000" && f["input_level"] == "firm" && f["firm_share"] == "1.0", "\(f)")
        let explain = try runProcess(builtCix, ["explain", "fixing", "--db", db, "--indices", repoRoot + "/Indices", "--grade", "H100-SXM.NA.OD",
                                                "--date", "2026-11-24"]).1
        #expect(explain.contains("firm offers govern (transactions below the thresholds: 3 sources and 9000 GPU-hours of transactions kept; need 3 sources and 10000 GPU-hours)"),
                "\(explain)")
    }

    /// Bad auction rows are rejected with line, field and reason; the good ones are stored.
    @Test func badAuctionRowsAreNamed() throws {
        let dir = try tempDir()
        let db = dir + "/s.sqlite"
        let file = dir + "/auction.csv"
        try write("""
            \(Self.header)
            A1,2026-11-24T10:00:00Z,H100 SXM,8,us-east-1,,2026-11-30,2026-12-07,2.50,USD,hour,gpu,4000,ve
            A2,2026-11-24T10:00:00Z,H100 SXM,8,us-east-1,,2026-11-30,2026-12-07,2.50,USD,hour,gpu,,ve
            A3,2026-11-24T10:00:00Z,H100 SXM,8,us-east-1,,2026-12-07,2026-11-30,2.50,USD,hour,gpu,4000,ve
            A4,2026-11-24T10:00:00Z,H100 SXM,8,us-east-1,,2026-11-30,2026-11-30,2.50,USD,hour,gpu,4000,ve
            A5,2026-11-24T10:00:00Z,H100 SXM,8,us-east-1,,2026-11-31,2026-12-07,2.50,USD,hour,gpu,4000,ve
            ,2026-11-24T10:00:00Z,H100 SXM,8,us-east-1,,2026-11-30,2026-12-07,2.50,USD,hour,gpu,4000,ve
            A7,2026-11-24 10:00,H100 SXM,8,us-east-1,,2026-11-30,2026-12-07,2.50,USD,hour,gpu,4000,ve
            A8,2026-11-24T10:00:00Z,H100 SXM,8,us-east-1,,2026-11-30,2026-12-07,-2.50,USD,hour,gpu,4000,ve
            A9,2026-11-24T10:00:00Z,H100 SXM,8,us-east-1,,2026-11-30,2026-12-07,2.50,USD,hour,gpu,-1,ve
            A10,2026-11-24T10:00:00Z,H100 SXM,8,us-east-1,,2026-11-30,2026-12-07,2.50,USD,hour,gpu,4000,

            """, to: file)
        let (code, out, err) = try runProcess(builtCix, ["ingest", "--db", db, "--no-normalize", "--format", "auction", file])
        #expect(code == 3, "\(out)\(err)")
        #expect(out.contains("auction.csv: 10 records: accepted 1, duplicates 0, rejected 9"), "\(out)")
        let rejects = try String(contentsOfFile: file + ".rejects.csv", encoding: .utf8)
        for (line, field, reason) in [
            (3, "volume_gpu_hours", "a transaction needs its volume in GPU-hours"),
            (4, "delivery_end", "delivery_end 2026-11-30 is before delivery_start 2026-12-07"),
            (5, "delivery_end", "delivery window is empty"),
            (6, "delivery_start", "not a date that exists: 2026-11-31"),
            (7, "auction_id", "required field is empty"),
            (8, "cleared_at", "timestamp has no zone"),
            (9, "clearing_price", "price is negative"),
            (10, "volume_gpu_hours", "volume must be above 0"),
            (11, "venue", "required field is empty (or give --source NAME)"),
        ] {
            #expect(rejects.contains("\(line),\(field),") && rejects.contains(reason), "line \(line) \(field) \(reason): \(rejects)")
        }
        // A file naming no venue, without --source, is refused whole; with it, it is read.
        try write(Self.header.replacingOccurrences(of: ",venue", with: "") + "\nA1,2026-11-24T10:00:00Z,H100 SXM,8,us-east-1,,2026-11-30,2026-12-07,2.50,USD,hour,gpu,4000\n",
                  to: dir + "/novenue.csv")
        let (c2, _, e2) = try runProcess(builtCix, ["ingest", "--db", db, "--no-normalize", "--format", "auction", dir + "/novenue.csv"])
        #expect(c2 == 2 && e2.contains("auction results name no venue: add a venue column (cix ingest --format auction also takes --source NAME)"), "\(e2)")
        let (c3, o3, _) = try runProcess(builtCix, ["ingest", "--db", db, "--no-normalize", "--format", "auction", "--source", "ce", dir + "/novenue.csv"])
        #expect(c3 == 0 && o3.contains("accepted 1"), "\(o3)")
        // A header without the auction columns names them.
        try write("auction_id,cleared_at,price\nA1,2026-11-24T10:00:00Z,2.5\n", to: dir + "/bad.csv")
        let (c4, _, e4) = try runProcess(builtCix, ["ingest", "--db", db, "--no-normalize", "--format", "auction", "--source", "ce", dir + "/bad.csv"])
        #expect(c4 == 2 && e4.contains("not an auction results file: missing column(s) chip, gpu_count"), "\(e4)")
        #expect(Inbox.classify(Data((Self.header + "\n").utf8)).0 == .auctions)
        // The canonical formats carry the two fields too: a JSON Lines transaction, and one without volume.
        try write("""
            {"observed_at":"2026-11-24T10:00:00Z","source":"x","chip":"H100 SXM","gpu_count":8,"location":"us-east-1","term":"on_demand","price":2.5,"currency":"USD","price_unit":"hour","price_basis":"gpu","input_type":"transaction","volume_gpu_hours":730}
            {"observed_at":"2026-11-24T10:00:00Z","source":"x","chip":"H100 SXM","gpu_count":8,"location":"us-east-1","term":"on_demand","price":2.6,"currency":"USD","price_unit":"hour","price_basis":"gpu","input_type":"transaction"}

            """, to: dir + "/q.jsonl")
        let (c5, o5, _) = try runProcess(builtCix, ["ingest", "--db", db, "--no-normalize", dir + "/q.jsonl"])
        #expect(c5 == 3 && o5.contains("accepted 1, duplicates 0, rejected 1"), "\(o5)")
    }

    /// Found by the bad-input sweep: a short or long row is a `(record)` reject (a short one used to
    /// crash, a long one to shift its fields); a control character names its own column; delivery
    /// bounds compare at full precision and must be plausible; a given term must fit the window; the
    /// offer id reads back one way; a re-reported lot with a corrected volume is a duplicate.
    @Test func sweepFindings() throws {
        let dir = try tempDir()
        let db = dir + "/s.sqlite"
        let file = dir + "/auction.csv"
        let ok = "2026-11-24T10:00:00Z,H100 SXM,8,us-east-1,,2026-11-30,2026-12-07,2.50,USD,hour,gpu,4000,ve"
        try write("""
            \(Self.header)
            A1,\(ok)
            A2,2026-11-24T10:00:00Z,H100 SXM,8,us-east-1,,2026-11-30,2026-12-07,2.50,USD,hour,gpu,4000
            A3,2026-11-24T10:00:00Z,H100 SXM,8,us-east-1,,2026-11-30,2026-12-07,2.50,USD,hour,gpu,4,000,ve
            A4,2026-11-24T10:00:00Z,H100\u{01}SXM,8,us-east-1,,2026-11-30,2026-12-07,2.50,USD,hour,gpu,4000,ve
            A5,2026-11-24T10:00:00Z,H100 SXM,8,us-east-1,,2026-11-30T12:00:00.5Z,2026-11-30T12:00:00.6Z,2.50,USD,hour,gpu,4000,ve
            A6,2026-11-24T10:00:00Z,H100 SXM,8,us-east-1,,2026-11-30T12:00:00.9Z,2026-11-30T12:00:00.1Z,2.50,USD,hour,gpu,4000,ve
            A7,2026-11-24T10:00:00Z,H100 SXM,8,us-east-1,,1970-01-01,2026-12-07,2.50,USD,hour,gpu,4000,ve
            A8,2026-11-24T10:00:00Z,H100 SXM,8,us-east-1,reserved_1y,2026-11-30T00:00:00Z,2026-11-30T01:00:00Z,2.50,USD,hour,gpu,4000,ve
            A9,2026-11-24T10:00:00Z,H100 SXM,8,us-east-1,,2026-02-30,2026-12-07,2.50,USD,hour,gpu,4000,ve
            A10,2026-11-24T10:00:00Z,H100 SXM,8,us-east-1,,2026-11-30T00:00:00,2026-12-07,2.50,USD,hour,gpu,4000,ve
            x/A,2026-11-24T10:00:00Z,B,8.0,us-east-1,,2026-11-30,2026-12-07,2.50,USD,hour,gpu,4000,ve
            x,2026-11-24T10:00:00Z,A/B,8,us-east-1,,2026-11-30,2026-12-07,2.50,USD,hour,gpu,4000,ve
            A1,\(ok.replacingOccurrences(of: ",4000,", with: ",3500,"))

            """, to: file)
        let (code, out, err) = try runProcess(builtCix, ["ingest", "--db", db, "--no-normalize", "--format", "auction", file])
        #expect(code == 3, "\(out)\(err)")
        #expect(out.contains("auction.csv: 13 records: accepted 4, duplicates 1, rejected 8"), "\(out)")
        let rejects = try String(contentsOfFile: file + ".rejects.csv", encoding: .utf8)
        for (line, field, reason) in [
            (3, "(record)", "expected 14 fields, found 13"), (4, "(record)", "expected 14 fields, found 15"),
            (5, "chip", "control character U+0001 in the field"),
            (7, "delivery_end", "delivery_end 2026-11-30T12:00:00.1Z is before delivery_start 2026-11-30T12:00:00.9Z"),
            (8, "delivery_start", "outside the plausible delivery dates 2000-01-01 to 2100-12-31"),
            (9, "term", "reserved_1y does not fit the delivery window"), (10, "delivery_start", "not a date that exists: 2026-02-30"),
            (11, "delivery_start", "timestamp has no zone"),
        ] {
            #expect(rejects.contains("\(line),\(field),") && rejects.contains(reason), "line \(line) \(field) \(reason): \(rejects)")
        }
        #expect(!rejects.contains("\n6,"), "0.1 s is a window: \(rejects)")
        let quotes = try runProcess(builtCix, ["export", "quotes", "--db", db]).1
        #expect(quotes.contains(",x%2FA/B/8,") && quotes.contains(",x/A%2FB/8,"), "\(quotes)")
        // The same lot again with another volume: the first report stands (§2.3).
        #expect(quotes.contains(",transaction,4000.0") && !quotes.contains(",3500.0"), "\(quotes)")
        // A canonical file saying `firm` is the same quote as one saying nothing.
        let row = "2026-11-24T10:00:00Z,a,o1,H100 SXM,8,us-east-1,on_demand,2.00,USD,hour,gpu,8,"
        try write(quotesCSV([row]), to: dir + "/a.csv")
        try write(QuoteColumn.fullHeader + "\n" + row + ",firm,\n", to: dir + "/b.csv")
        #expect(try runProcess(builtCix, ["ingest", "--db", db, "--no-normalize", dir + "/a.csv"]).1.contains("accepted 1"))
        let (_, again, _) = try runProcess(builtCix, ["ingest", "--db", db, "--no-normalize", dir + "/b.csv"])
        #expect(again.contains("accepted 0, duplicates 1"), "\(again)")
        // An auction file read as canonical quotes says which format it is.
        let (c2, _, e2) = try runProcess(builtCix, ["ingest", "--db", db, "--no-normalize", file])
        #expect(c2 == 2 && e2.contains("this is an auction results file: use --format auction"), "\(e2)")
        // JSON Lines field names are case-insensitive, like a CSV header; a field given twice is rejected.
        try write("""
            {"Observed_At":"2026-11-24T11:00:00Z","source":"x","chip":"H100 SXM","gpu_count":8,"location":"us-east-1","term":"on_demand","price":2.5,"currency":"USD","price_unit":"hour","price_basis":"gpu","Input_Type":"transaction","volume_gpu_hours":730}
            {"observed_at":"2026-11-24T11:00:00Z","source":"x","chip":"H100 SXM","gpu_count":8,"location":"us-east-1","term":"on_demand","price":2.5,"Price":2.6,"currency":"USD","price_unit":"hour","price_basis":"gpu"}

            """, to: dir + "/q.jsonl")
        let (c3, o3, _) = try runProcess(builtCix, ["ingest", "--db", db, "--no-normalize", dir + "/q.jsonl"])
        #expect(c3 == 3 && o3.contains("accepted 1, duplicates 0, rejected 1"), "\(o3)")
        #expect(try String(contentsOfFile: dir + "/q.jsonl.rejects.csv", encoding: .utf8).contains("2,price,given twice (Price and price)"))
        #expect(try runProcess(builtCix, ["export", "quotes", "--db", db]).1.contains(",x,,H100 SXM,8,us-east-1,on_demand,2.5,"))
    }

    /// The demo's delivery windows map to terms (§2.4): under half a month on-demand, else the nearest
    /// reserved tenor on a log scale.
    @Test func deliveryWindowTerms() {
        let day: Int64 = 86_400
        for (days, term) in [(1, Term.onDemand), (7, .onDemand), (15, .onDemand), (16, .reserved1m), (30, .reserved1m), (52, .reserved1m),
                             (53, .reserved3m), (91, .reserved3m), (130, .reserved6m), (182, .reserved6m), (365, .reserved1y), (1096, .reserved3y)] {
            #expect(AuctionReader<MemoryByteSource>.term(deliverySeconds: Int64(days) * day) == term, "\(days) days")
        }
    }
}
