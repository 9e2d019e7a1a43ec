@testable import CixApp
import CixCore
import CixIO
import CixStore
import Foundation
import GRDB
import Testing

let referenceData: ReferenceData = try! DefinitionLoader.referenceData(repoRoot + "/Indices")

func quote(_ chip: String = "H100 SXM5 80GB", gpus: Int = 8, location: String = "us-east-1", source: String = "lambda",
           term: String = "on_demand", price: String = "2.99", currency: String = "USD", unit: String = "hour",
           basis: String = "gpu", at: String = "2025-06-03T12:00:00Z", interconnect: String = "") -> RawQuote {
    try! QuoteValidation.validate([at, source, "x", chip, String(gpus), location, term, price, currency, unit, basis, "", interconnect]).get()
}

func norm(_ q: RawQuote, fx: FXTable = FXTable([])) -> NormalizedQuote {
    Normalization.normalize(q, ref: referenceData, fx: fx)
}

@Suite struct NormalizationTests {
    /// AWS p5.48xlarge on-demand, $98.32 an instance-hour for 8 H100 (market-facts §1) = $12.29 per GPU-hour.
    @Test func perInstanceToPerGPU() throws {
        let n = norm(quote("NVIDIA H100", location: "us-east-1", source: "aws", price: "98.32", basis: "instance"))
        #expect(n.usdPerGPUHour! == 98.32 / 8)
        #expect(abs(n.usdPerGPUHour! - 12.29) < 1e-12)
        #expect(n.chip == "H100-SXM" && n.country == "US" && n.region == "NAM")
    }

    /// $0.05 a minute = $3.00 an hour; $2,190 a month = 2190 / 730 = $3.00 an hour; $72 a day = $3.00;
    /// $0.001 a second = $3.60.
    /// METHODOLOGY.md §3.4.
    @Test func timeUnits() {
        #expect(abs(norm(quote(price: "0.05", unit: "minute")).usdPerGPUHour! - 3.0) < 1e-12)
        #expect(abs(norm(quote(price: "2190", unit: "month")).usdPerGPUHour! - 3.0) < 1e-12)
        #expect(abs(norm(quote(price: "72", unit: "day")).usdPerGPUHour! - 3.0) < 1e-12)
        #expect(abs(norm(quote(price: "0.001", unit: "second")).usdPerGPUHour! - 3.6) < 1e-12)
        // Per instance and per month together: 8 GPUs at $17,520 a month = 17520 / 730 / 8 = $3.00.
        #expect(abs(norm(quote(price: "17520", unit: "month", basis: "instance")).usdPerGPUHour! - 3.0) < 1e-12)
    }

    /// Scaleway H100 PCIe at €2.52 with 1.095 USD/EUR (market-facts §5: shown as $2.76 on 2024-03-11)
    /// = 2.7594; a GBP price of £2.00 at 1.27 = 2.54.
    @Test func currenciesThroughFX() {
        let fx = FXTable([FXRate(currency: "EUR", date: CivilDate(iso: "2024-03-11")!, usdPerUnit: 1.095),
                          FXRate(currency: "GBP", date: CivilDate(iso: "2024-03-11")!, usdPerUnit: 1.27)])
        let eur = norm(quote("H100-1-80G", gpus: 1, location: "fr-par", source: "scaleway", price: "2.52", currency: "EUR",
                             basis: "instance", at: "2024-03-11T09:00:00Z"), fx: fx)
        #expect(abs(eur.usdPerGPUHour! - 2.7594) < 1e-12)
        #expect(eur.chip == "H100-PCIE" && eur.country == "FR" && eur.region == "EU" && eur.fxRate == 1.095)
        let gbp = norm(quote(location: "GB", source: "thames", price: "2.00", currency: "GBP", at: "2024-03-11T09:00:00Z"), fx: fx)
        #expect(abs(gbp.usdPerGPUHour! - 2.54) < 1e-12)
    }

    /// The rate of the quote's UTC date, else the latest earlier one within 7 days; else unpriced.
    /// METHODOLOGY.md §3.5.
    @Test func fxStaleness() {
        let fx = FXTable([FXRate(currency: "EUR", date: CivilDate(iso: "2025-01-03")!, usdPerUnit: 1.03)])
        let monday = norm(quote(price: "1", currency: "EUR", at: "2025-01-06T10:00:00Z"), fx: fx)
        #expect(monday.fxRate == 1.03 && monday.fxDate == CivilDate(iso: "2025-01-03"))
        let seventh = norm(quote(price: "1", currency: "EUR", at: "2025-01-10T23:59:59Z"), fx: fx)
        #expect(seventh.isPriced)
        let eighth = norm(quote(price: "1", currency: "EUR", at: "2025-01-11T00:00:00Z"), fx: fx)
        #expect(!eighth.isPriced && eighth.unpricedReason!.contains("no EUR rate on 2025-01-11"))
        let before = norm(quote(price: "1", currency: "EUR", at: "2025-01-02T10:00:00Z"), fx: fx)
        #expect(!before.isPriced)
        // Unpriced quotes still get their chip, region and grades.
        #expect(eighth.chip == "H100-SXM" && !eighth.grades.isEmpty)
    }

    /// Both FX file formats, hand-computed: ECB rows give USD per EUR directly and USD per GBP as USD / GBP.
    /// METHODOLOGY.md §3.5.
    @Test func fxFileFormats() throws {
        let simple = try FXReader.read(MemoryByteSource("date,currency,usd_per_unit\n2025-01-03,EUR,1.0321\n2025-01-03,GBP,1.2420\n2025-01-03,XXX,1\nbad,EUR,1\n"), path: "r.csv")
        #expect(simple.format == "rates" && simple.rates.count == 2 && simple.rejects.count == 2)
        let ecb = try FXReader.read(MemoryByteSource("Date,USD,JPY,GBP,\n2025-01-03,1.0321,162.10,0.82935,\n2025-01-02,1.0350,N/A,0.83000,\n"), path: "eurofxref-hist.csv")
        #expect(ecb.format == "ecb")
        let t = FXTable(ecb.rates)
        #expect(t.rate("EUR", on: CivilDate(iso: "2025-01-03")!)!.rate == 1.0321)
        #expect(abs(t.rate("GBP", on: CivilDate(iso: "2025-01-03")!)!.rate - 1.0321 / 0.82935) < 1e-15)
        #expect(abs(t.rate("JPY", on: CivilDate(iso: "2025-01-03")!)!.rate - 1.0321 / 162.10) < 1e-15)
        // N/A on 2025-01-02: JPY falls back to no rate (nothing earlier), GBP has its own.
        #expect(t.rate("JPY", on: CivilDate(iso: "2025-01-02")!) == nil)
        #expect(abs(t.rate("GBP", on: CivilDate(iso: "2025-01-02")!)!.rate - 1.0350 / 0.83) < 1e-15)
        #expect(throws: QuoteFileError.self) { try FXReader.read(MemoryByteSource("a,b\n1,2\n"), path: "x.csv") }
    }

    /// One alias as each of AWS, GCP, Azure, Lambda, RunPod and Vast.ai writes it.
    @Test(arguments: [
        ("NVIDIA H100", "H100-SXM"), ("NVIDIA A10G", "A10"), ("NVIDIA A100 80GB", "A100-SXM-80GB"),       // AWS
        ("nvidia-h100-80gb", "H100-SXM"), ("nvidia-tesla-a100", "A100-SXM-40GB"), ("nvidia-l4", "L4"),   // GCP
        ("ND H100 v5", "H100-SXM"), ("NC A100 v4", "A100-PCIE-80GB"), ("ND MI300X v5", "MI300X"),        // Azure
        ("H100 (80 GB SXM5)", "H100-SXM"), ("A100 (40 GB SXM4)", "A100-SXM-40GB"), ("GH200 (96 GB)", "GH200"), // Lambda
        ("NVIDIA H100 80GB HBM3", "H100-SXM"), ("NVIDIA A100-SXM4-80GB", "A100-SXM-80GB"),                // RunPod
        ("NVIDIA GeForce RTX 4090", "RTX4090"), ("AMD Instinct MI300X OAM", "MI300X"), ("NVIDIA H100 NVL", "H100-NVL"),
        ("H100_SXM", "H100-SXM"), ("H100 PCIE", "H100-PCIE"), ("RTX 5090", "RTX5090"), ("A100_SXM4", "A100-SXM-40GB"), // Vast.ai
    ])
    func providerAliases(_ text: String, _ id: String) {
        #expect(referenceData.chips.resolve(text)?.id == id, "\(text)")
    }

    /// METHODOLOGY.md §3.2.
    @Test func locations() {
        let l = referenceData.locations
        func cc(_ src: String, _ loc: String) -> String? { l.resolve(source: src, location: loc)?.country }
        #expect(cc("aws", "eu-west-2") == "GB" && cc("gcp", "europe-west4") == "NL" && cc("azure", "japaneast") == "JP")
        #expect(cc("oracle", "us-ashburn-1") == "US" && cc("gcp", "us-central1-b") == "US" && cc("aws", "us-east-1a") == "US")
        #expect(cc("nebius", "eu-north1") == "FI" && cc("lambda", "europe-central-1") == "DE" && cc("scaleway", "fr-par-2") == "FR")
        #expect(cc("vast", "Texas, US, NA") == "US" && cc("vast", ", US, NA") == "US" && cc("primeintellect", "DE - FRA") == "DE")
        #expect(cc("genesis", "NO") == "NO" && cc("x", "fi") == "FI" && cc("hyperbolic", "default") == nil)
        #expect(l.resolve(source: "gcp", location: "southamerica-east1")?.region == "LATAM")
        #expect(l.resolve(source: "azure", location: "uaenorth")?.region == "MEA")
    }

    /// 8 × H100 SXM on InfiniBand in North America, on-demand: the regional and global grades and both
    /// cluster grades. One GPU, or no InfiniBand/RoCE: no cluster grade.
    /// METHODOLOGY.md §4.1, §4.2, §4.4.
    @Test func gradeMembershipAndClusterGrades() {
        let ib = norm(quote(gpus: 8, interconnect: "infiniband"))
        #expect(Set(ib.grades) == ["H100-SXM.NA.OD", "H100-SXM.GLOBAL.OD", "H100-SXM-CLUSTER.NA.OD", "H100-SXM-CLUSTER.GLOBAL.OD"])
        let one = norm(quote(gpus: 1, interconnect: "infiniband"))
        #expect(Set(one.grades) == ["H100-SXM.NA.OD", "H100-SXM.GLOBAL.OD"])
        let eth = norm(quote(gpus: 8, interconnect: "efa"))
        #expect(Set(eth.grades) == ["H100-SXM.NA.OD", "H100-SXM.GLOBAL.OD"])
        let roce = norm(quote(gpus: 8, location: "eu-frankfurt-1", source: "oracle", term: "1y", interconnect: "RoCE v2"))
        #expect(Set(roce.grades) == ["H100-SXM.EU.1Y", "H100-SXM.GLOBAL.1Y", "H100-SXM-CLUSTER.EU.1Y", "H100-SXM-CLUSTER.GLOBAL.1Y"])
        #expect(norm(quote(term: "reserved_3y")).unmatched == .noGrade, "no 3-year grade (6-month H100 SXM grades exist since §7.4)")
        #expect(Set(norm(quote(term: "reserved_6m")).grades) == ["H100-SXM.NA.6M", "H100-SXM.GLOBAL.6M"])
        #expect(norm(quote("RTX 4090", gpus: 1)).unmatched == .noGrade)
        #expect(norm(quote("H1OO SXM")).unmatched == .unknownChip)
        #expect(norm(quote(location: "Atlantis")).unmatched == .unknownLocation)
        // Cluster-only grades in a catalogue of their own: 4 GPUs is below the minimum.
        let only = try! GradeCatalogue([GradeDefinition(id: "C", description: "c", chips: ["H100-SXM": 1], regions: ["GLOBAL"], term: .onDemand,
                                                        minGPUs: 8, interconnects: [.infiniband])],
                                       chips: referenceData.chips, regions: ["NAM"])
        #expect(only.match(chip: "H100-SXM", region: "NAM", term: .onDemand, gpuCount: 4, interconnect: .infiniband) == .failure(.belowMinimumGPUs))
        #expect(only.match(chip: "H100-SXM", region: "NAM", term: .onDemand, gpuCount: 8, interconnect: .ethernet) == .failure(.interconnectNotAccepted))
        #expect(referenceData.grades.grade(id: "A100-80GB.NA.OD")!.chips["A100-PCIE-80GB"] == 0.92)
    }

    /// USD per H100-equivalent hour = USD per GPU-hour / (chip BF16 / 989): a B200 at $5.30 is
    /// 5.30 × 989 / 2250 = 5241.7 / 2250 = $2.32964; an A100 at $1.50 is 1.50 × 989 / 312 = $4.75481; an H100 is itself.
    /// METHODOLOGY.md §3.4.
    @Test func h100Equivalent() {
        let b = norm(quote("B200", price: "5.30"))
        #expect(abs(b.usdPerH100Hour! - 2.329_644_444_444_444) < 1e-12)
        let a = norm(quote("A100 80GB", price: "1.50"))
        #expect(abs(a.usdPerH100Hour! - 4.754_807_692_307_692) < 1e-12)
        #expect(norm(quote(price: "2.99")).usdPerH100Hour == 2.99)
        let bw = referenceData.chips.performanceFactor(referenceData.chips.chip(id: "H200")!, basis: .bandwidth)
        #expect(abs(bw - 4.8 / 3.35) < 1e-15)
    }
}

@Suite struct NormalizeJobTests {
    func store(_ name: String = #function) throws -> Store { try Store(path: try tempDir(name) + "/s.sqlite") }

    func ingest(_ s: Store, _ text: String) throws {
        let dir = try tempDir("in")
        let f = dir + "/q.csv"
        try text.write(toFile: f, atomically: true, encoding: .utf8)
        var o = IngestOptions()
        o.writeRejectFiles = false
        _ = try IngestJob.run(store: s, paths: [f], options: o)
    }

    /// METHODOLOGY.md §3.5, §3.6.
    @Test func unpricedUntilTheRateArrivesThenPriced() throws {
        let s = try store()
        try ingest(s, QuoteColumn.header + "\n2024-11-15T12:00:00Z,seeweb,h100,NVIDIA H100,1,IT,on_demand,2.10,EUR,hour,gpu,,\n")
        let first = try NormalizeJob.run(store: s, ref: referenceData)
        #expect(first.examined == 1 && first.unpriced == 1)
        let held = try normalizedRows(s)
        #expect(held.count == 1 && held[0].usdPerGPUHour == nil && held[0].unpricedReason?.contains("no EUR rate") == true)
        // Seeweb's €2.10 shown as $2.22 on 2024-11-15 (market-facts §5): about 1.057 USD/EUR.
        _ = try s.write { try $0.insertFXRates([FXRate(currency: "EUR", date: CivilDate(iso: "2024-11-15")!, usdPerUnit: 1.057)], sourcePath: "t", at: "t") }
        let second = try NormalizeJob.run(store: s, ref: referenceData)
        #expect(second.fullRerun && second.changed == 1 && second.priced == 1)
        let priced = try #require(try normalizedRows(s).first?.usdPerGPUHour)
        #expect(abs(priced - 2.2197) < 1e-12)
        // Nothing changed: a third run examines nothing.
        #expect(try NormalizeJob.run(store: s, ref: referenceData).examined == 0)
    }

    /// METHODOLOGY.md §3.6.
    @Test func editingACatalogueRenormalizesOnlyWhatChanged() throws {
        let s = try store()
        try ingest(s, QuoteColumn.header + """

            2025-06-03T12:00:00Z,vast,a,H100 SXM,1,"Texas, US, NA",on_demand,1.80,USD,hour,gpu,4,
            2025-06-03T12:00:00Z,vast,b,Gaudi 3,1,"Texas, US, NA",on_demand,1.10,USD,hour,gpu,4,
            2025-06-03T12:00:00Z,vast,c,L40S,1,"Texas, US, NA",on_demand,0.80,USD,hour,gpu,4,

            """)
        _ = try NormalizeJob.run(store: s, ref: referenceData)
        // A publisher adds Gaudi 3 to the chip catalogue.
        let dir = try tempDir("indices")
        for f in ["locations.yaml", "grades.yaml", "normalization.yaml"] { try FileManager.default.copyItem(atPath: repoRoot + "/Indices/" + f, toPath: dir + "/" + f) }
        var chips = try String(contentsOfFile: repoRoot + "/Indices/chips.yaml", encoding: .utf8)
        chips += """
          - id: GAUDI3
            name: Intel Gaudi 3
            vendor: Intel
            bf16_tflops: 1835
            memory_gb: 128
            memory_bandwidth_tbs: 3.7
            aliases: [Gaudi 3]

        """
        try chips.write(toFile: dir + "/chips.yaml", atomically: true, encoding: .utf8)
        let edited = try DefinitionLoader.referenceData(dir)
        #expect(edited.hash != referenceData.hash)
        let run = try NormalizeJob.run(store: s, ref: edited)
        #expect(run.fullRerun && run.examined == 3 && run.changed == 1 && run.written == 1)
        // Offers a, b, c: one instant, so in quote id (file) order.
        let rows = try normalizedRows(s)
        #expect(rows[1].chip == "GAUDI3" && rows[1].unmatchedReason == "no grade for this chip/region/term")
        #expect(rows[1].referenceHash == edited.hash)
        #expect(rows[0].referenceHash == referenceData.hash, "an unchanged result keeps the run that wrote it")
        #expect(rows[2].referenceHash == referenceData.hash)
    }

    /// METHODOLOGY.md §1.2.
    @Test func exportQuotesIsStableCSVAndJSON() throws {
        let dir = try tempDir()
        let db = dir + "/s.sqlite"
        let s = try Store(path: db)
        try ingest(s, QuoteColumn.header + """

            2025-06-03T12:00:00Z,vast,a,H100 SXM,1,"Texas, US, NA",on_demand,1.80,USD,hour,gpu,4,
            2025-06-02T12:00:00Z,lambda,"b,1",H100 SXM5 80GB,8,us-east-1,on_demand,2.99,USD,hour,gpu,,infiniband

            """)
        _ = try NormalizeJob.run(store: s, ref: referenceData)
        #expect(CixMain.run(["export", "quotes", "--db", db, "--out", dir + "/q.csv"]) == 0)
        let recs = try readAll(MemoryByteSource(try String(contentsOfFile: dir + "/q.csv", encoding: .utf8)))
        #expect(recs[0].fields == ExportJob.quoteColumns)
        #expect(recs.count == 3)
        #expect(recs[1].fields[QuoteColumn.offerID.rawValue + 3] == "b,1", "ordered by observation time")
        let col = { (name: String) in ExportJob.quoteColumns.firstIndex(of: name)! }
        #expect(recs[1].fields[col("usd_per_gpu_hour")] == "2.99")
        #expect(recs[1].fields[col("grades")] == "H100-SXM.NA.OD H100-SXM.GLOBAL.OD H100-SXM-CLUSTER.NA.OD H100-SXM-CLUSTER.GLOBAL.OD")
        #expect(CixMain.run(["export", "quotes", "--db", db, "--format", "json", "--from", "2025-06-03", "--out", dir + "/q.jsonl"]) == 0)
        let lines = try String(contentsOfFile: dir + "/q.jsonl", encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 1)
        let obj = try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as! [String: Any]
        #expect(obj["canonical_chip"] as? String == "H100-SXM" && obj["usd_per_gpu_hour"] as? Double == 1.8)
        // Same store, same bytes.
        #expect(CixMain.run(["export", "quotes", "--db", db, "--out", dir + "/q2.csv"]) == 0)
        #expect(FileManager.default.contents(atPath: dir + "/q.csv") == FileManager.default.contents(atPath: dir + "/q2.csv"))
    }
}
