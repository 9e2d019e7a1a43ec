import CixCore
import Foundation

/// A seeded synthetic GPU rental market shaped by the dated facts in shared/data/market-facts.md.
/// Levels, steps and spreads follow those facts; everything else is noise from the seed.
public struct DemoMarket: Sendable {
    public var seed: UInt64
    public var quotesPerDay: Int
    /// Share of rows planted as bad (rejects), and of rows with an unknown chip (kept, unmatched).
    public var badRowRate = 0.002
    public var unknownChipRate = 0.001
    /// The probability that a list-price provider publishes nothing on a day (a source outage, §5.8).
    public var outageRate = 0.05
    /// Share of rows sent twice (exact duplicates, which ingest must not store twice).
    public var duplicateRate = 0.001

    public init(seed: UInt64, quotesPerDay: Int) {
        self.seed = seed
        self.quotesPerDay = quotesPerDay
    }

    // MARK: Chips

    /// Demo chips: canonical id, how a marketplace writes it, entry date, price ratio to H100 SXM.
    public struct Chip: Sendable {
        public var id: String
        public var marketName: String
        public var entry: CivilDate
        public var ratio: Double
        public var weight: Double
    }

    public static let chips: [Chip] = {
        func d(_ s: String) -> CivilDate { CivilDate(iso: s)! }
        return [
            Chip(id: "H100-SXM", marketName: "H100 SXM", entry: d("2023-03-01"), ratio: 1.0, weight: 30),
            Chip(id: "H100-PCIE", marketName: "H100 PCIe", entry: d("2023-03-01"), ratio: 0.80, weight: 8),
            Chip(id: "H100-NVL", marketName: "H100 NVL", entry: d("2024-03-01"), ratio: 0.86, weight: 4),
            Chip(id: "H200", marketName: "H200", entry: d("2024-06-01"), ratio: 1.28, weight: 10),
            Chip(id: "B200", marketName: "B200", entry: d("2025-03-01"), ratio: 1.95, weight: 8),
            Chip(id: "GB200", marketName: "GB200", entry: d("2025-09-01"), ratio: 2.45, weight: 2),
            Chip(id: "A100-SXM-40GB", marketName: "A100 SXM4 40GB", entry: d("2020-06-01"), ratio: 0.45, weight: 4),
            Chip(id: "A100-SXM-80GB", marketName: "A100 SXM4 80GB", entry: d("2020-11-01"), ratio: 0.58, weight: 10),
            Chip(id: "A100-PCIE-80GB", marketName: "A100 PCIe 80GB", entry: d("2021-06-01"), ratio: 0.52, weight: 4),
            Chip(id: "L40S", marketName: "L40S", entry: d("2023-08-01"), ratio: 0.42, weight: 6),
            Chip(id: "L4", marketName: "L4", entry: d("2023-03-01"), ratio: 0.22, weight: 3),
            Chip(id: "A10", marketName: "A10", entry: d("2021-04-01"), ratio: 0.27, weight: 2),
            Chip(id: "MI300X", marketName: "MI300X", entry: d("2024-01-01"), ratio: 0.78, weight: 4),
            Chip(id: "MI325X", marketName: "MI325X", entry: d("2025-06-01"), ratio: 0.95, weight: 1),
            Chip(id: "RTX4090", marketName: "RTX 4090", entry: d("2022-10-01"), ratio: 0.16, weight: 8),
            Chip(id: "RTX5090", marketName: "RTX 5090", entry: d("2025-04-01"), ratio: 0.30, weight: 5),
            Chip(id: "V100", marketName: "V100", entry: d("2018-01-01"), ratio: 0.14, weight: 2),
        ]
    }()

    static func chip(_ id: String) -> Chip { chips.first { $0.id == id }! }

    // MARK: Price paths

    /// H100 SXM neocloud on-demand level, USD per GPU-hour: log-linear between dated anchors.
    /// Anchors: ~$4.7–5 in 2023, under $3 by late 2024, March-2025 step down, a trough near $1.85
    /// in Oct 2025, +10% into Jan 2026, a peak in May 2026 and a shock (−27% in a week) in late June 2026.
    static let h100Anchors: [(CivilDate, Double)] = [
        ("2023-01-01", 4.50), ("2023-09-01", 5.00), ("2024-03-01", 3.60), ("2024-10-01", 2.70),
        ("2025-03-01", 2.55), ("2025-03-15", 2.20), ("2025-06-15", 2.10), ("2025-10-15", 1.85),
        ("2025-12-15", 1.90), ("2026-01-15", 2.09), ("2026-03-15", 2.40), ("2026-05-15", 2.85),
        ("2026-06-22", 2.80), ("2026-06-29", 2.05), ("2026-09-01", 2.20), ("2027-12-31", 2.30),
    ].map { (CivilDate(iso: $0.0)!, $0.1) }

    /// GCP a3-highgpu-8g spot in us-central1, USD per 8-GPU hour (Cyclenerd history, market-facts §3).
    static let gcpSpotAnchors: [(CivilDate, Double)] = [
        ("2023-01-01", 62.41), ("2024-05-15", 62.41), ("2024-07-15", 48.77), ("2024-10-15", 35.59),
        ("2025-02-15", 35.40), ("2025-03-15", 20.42), ("2025-12-15", 20.40), ("2026-01-15", 23.45),
        ("2026-03-15", 29.71), ("2026-05-15", 37.92), ("2026-07-15", 50.61), ("2027-12-31", 50.61),
    ].map { (CivilDate(iso: $0.0)!, $0.1) }

    static func interpolate(_ anchors: [(CivilDate, Double)], _ d: CivilDate, logScale: Bool = true) -> Double {
        if d <= anchors[0].0 { return anchors[0].1 }
        for i in 1..<anchors.count where d <= anchors[i].0 {
            let (d0, v0) = anchors[i - 1]
            let (d1, v1) = anchors[i]
            let t = Double(d.dayNumber - d0.dayNumber) / Double(d1.dayNumber - d0.dayNumber)
            return logScale ? exp(log(v0) + t * (log(v1) - log(v0))) : v0 + t * (v1 - v0)
        }
        return anchors.last!.1
    }

    /// A chip's market level on a day: the H100 path times the chip's ratio; B200 launches rich and
    /// falls to its ~$2.80 floor by Sep 2025 (FT), then firms (+24% in Mar 2026).
    public static func level(chip: Chip, on d: CivilDate) -> Double {
        var r = chip.ratio
        if chip.id == "B200" {
            r = interpolate([(CivilDate(iso: "2025-03-01")!, 2.3), (CivilDate(iso: "2025-09-15")!, 1.5),
                             (CivilDate(iso: "2026-02-15")!, 1.6), (CivilDate(iso: "2026-04-01")!, 2.0),
                             (CivilDate(iso: "2027-12-31")!, 1.9)], d)
        }
        return interpolate(h100Anchors, d) * r
    }

    // MARK: Regions and locations

    public enum Region: String, Sendable, CaseIterable { case na = "NA", eu = "EU", ap = "APAC", latam = "LATAM", mea = "MEA" }

    static func premium(_ r: Region) -> Double {
        switch r {
        case .na: 1.0
        case .eu: 1.08
        case .ap: 1.15
        case .latam: 1.35
        case .mea: 1.25
        }
    }

    /// Marketplace location texts (`Place, CC, Continent`), with the region they are in.
    static let marketLocations: [(String, Region, Double)] = [
        ("Texas, US, NA", .na, 10), ("California, US, NA", .na, 8), ("Virginia, US, NA", .na, 6), ("Quebec, CA, NA", .na, 3),
        (", US, NA", .na, 2), ("Czechia, CZ, EU", .eu, 3), ("Germany, DE, EU", .eu, 4), ("Norway, NO, EU", .eu, 2),
        ("Sweden, SE, EU", .eu, 2), ("France, FR, EU", .eu, 2), ("Netherlands, NL, EU", .eu, 2), ("Japan, JP, AS", .ap, 3),
        ("Singapore, SG, AS", .ap, 2), ("Thailand, TH, AS", .ap, 1), ("Australia, AU, OC", .ap, 1), ("Korea, KR, AS", .ap, 1),
        ("Brazil, BR, SA", .latam, 1.5), ("Chile, CL, SA", .latam, 0.5), ("Mexico, MX, NA", .latam, 0.5),
        ("United Arab Emirates, AE, AS", .mea, 1), ("South Africa, ZA, AF", .mea, 0.7), ("Israel, IL, AS", .mea, 0.5),
    ]

    // MARK: List-price offers (hyperscalers and neoclouds)

    public struct ListOffer: Sendable {
        var source: String
        var offerID: String
        var chipText: String
        var chip: String
        var gpus: Int
        var basis: PriceBasis
        var unit: PriceUnit
        var location: String
        var region: Region
        var currency: String
        var interconnect: String
        var terms: [Term]
        /// Per GPU-hour in USD before region premium and term factor; nil = chip not offered that day.
        var kind: Kind
        var available: Int?
    }

    enum Kind: Sendable {
        /// Hyperscaler list price per GPU-hour, with dated steps.
        case list([(CivilDate, Double)], reserved1y: Double, reserved3y: Double)
        /// Neocloud: market level × markup, repriced weekly.
        case neocloud(markup: Double)
    }

    static func steps(_ s: [(String, Double)]) -> [(CivilDate, Double)] { s.map { (CivilDate(iso: $0.0)!, $0.1) } }

    public static let listOffers: [ListOffer] = {
        var o: [ListOffer] = []
        // Hyperscalers: 8-GPU instances priced per instance-hour (AWS cut p5 and p4 in June 2025).
        let awsRegions: [(String, Region)] = [("us-east-1", .na), ("us-west-2", .na), ("eu-west-1", .eu), ("ap-northeast-1", .ap), ("sa-east-1", .latam)]
        let aws: [(String, String, String, [(String, Double)])] = [
            ("p5.48xlarge", "NVIDIA H100", "H100-SXM", [("2023-07-01", 12.29), ("2025-06-05", 6.88)]),
            ("p5en.48xlarge", "NVIDIA H200", "H200", [("2024-09-01", 10.60), ("2025-06-05", 7.91)]),
            ("p6-b200.48xlarge", "NVIDIA B200", "B200", [("2025-05-15", 14.24)]),
            ("p4d.24xlarge", "NVIDIA A100", "A100-SXM-40GB", [("2020-11-01", 4.10), ("2025-06-05", 2.74)]),
            ("p4de.24xlarge", "NVIDIA A100 80GB", "A100-SXM-80GB", [("2022-01-01", 5.12), ("2025-06-05", 3.43)]),
            ("g6e.48xlarge", "NVIDIA L40S", "L40S", [("2024-08-01", 3.77)]),
            ("g6.48xlarge", "NVIDIA L4", "L4", [("2024-04-01", 1.67)]),
            ("g5.48xlarge", "NVIDIA A10G", "A10", [("2021-11-01", 2.04)]),
        ]
        for (inst, text, chip, st) in aws {
            for (code, region) in awsRegions {
                o.append(ListOffer(source: "aws", offerID: inst, chipText: text, chip: chip, gpus: 8, basis: .instance, unit: .hour,
                                   location: code, region: region, currency: "USD", interconnect: chip.hasPrefix("H") || chip.hasPrefix("B") || chip.hasPrefix("A100") ? "efa" : "",
                                   terms: [.onDemand, .spot, .reserved1y, .reserved3y], kind: .list(steps(st), reserved1y: 0.586, reserved3y: 0.439), available: nil))
            }
        }
        let gcpRegions: [(String, Region)] = [("us-central1", .na), ("us-east4", .na), ("europe-west4", .eu), ("europe-west1", .eu), ("asia-northeast1", .ap), ("southamerica-east1", .latam), ("me-west1", .mea)]
        let gcp: [(String, String, String, [(String, Double)])] = [
            ("a3-highgpu-8g", "nvidia-h100-80gb", "H100-SXM", [("2023-09-01", 11.06)]),
            ("a3-ultragpu-8g", "nvidia-h200-141gb", "H200", [("2025-01-15", 10.85)]),
            ("a4-highgpu-8g", "nvidia-b200", "B200", [("2025-06-01", 13.90)]),
            ("a2-highgpu-8g", "nvidia-tesla-a100", "A100-SXM-40GB", [("2021-03-01", 3.67)]),
            ("a2-ultragpu-8g", "nvidia-a100-80gb", "A100-SXM-80GB", [("2022-01-01", 5.07)]),
            ("g2-standard-96", "nvidia-l4", "L4", [("2023-03-01", 1.00)]),
        ]
        for (inst, text, chip, st) in gcp {
            for (code, region) in gcpRegions {
                o.append(ListOffer(source: "gcp", offerID: inst, chipText: text, chip: chip, gpus: 8, basis: .instance, unit: .hour,
                                   location: code, region: region, currency: "USD", interconnect: chip == "L4" ? "" : "tcpx",
                                   terms: [.onDemand, .spot, .reserved1y, .reserved3y], kind: .list(steps(st), reserved1y: 0.694, reserved3y: 0.439), available: nil))
            }
        }
        let azureRegions: [(String, Region)] = [("eastus", .na), ("southcentralus", .na), ("westeurope", .eu), ("swedencentral", .eu), ("japaneast", .ap), ("uaenorth", .mea)]
        let azure: [(String, String, String, [(String, Double)])] = [
            ("Standard_ND96isr_H100_v5", "NVIDIA H100 80GB HBM3", "H100-SXM", [("2023-08-01", 12.29)]),
            ("Standard_ND96isr_H200_v5", "NVIDIA H200", "H200", [("2024-10-01", 13.80)]),
            ("Standard_ND96isr_MI300X_v5", "AMD MI300X", "MI300X", [("2024-06-01", 6.00)]),
            ("Standard_ND96amsr_A100_v4", "NVIDIA A100 80GB", "A100-SXM-80GB", [("2022-01-01", 4.10)]),
        ]
        for (inst, text, chip, st) in azure {
            for (code, region) in azureRegions {
                o.append(ListOffer(source: "azure", offerID: inst, chipText: text, chip: chip, gpus: 8, basis: .instance, unit: .hour,
                                   location: code, region: region, currency: "USD", interconnect: "infiniband",
                                   terms: [.onDemand, .spot, .reserved1y, .reserved3y], kind: .list(steps(st), reserved1y: 0.62, reserved3y: 0.42), available: nil))
            }
        }
        // Oracle: per GPU, one global price (market-facts §1).
        let oracle: [(String, String, String, [(String, Double)])] = [
            ("BM.GPU.H100.8", "H100", "H100-SXM", [("2023-09-01", 10.00)]),
            ("BM.GPU.H200.8", "H200", "H200", [("2024-09-01", 10.00)]),
            ("BM.GPU.B200.8", "B200", "B200", [("2025-04-01", 14.00)]),
            ("BM.GPU.MI300X.8", "MI300X", "MI300X", [("2024-09-01", 6.00)]),
            ("BM.GPU.A100-v2.8", "A100 80GB", "A100-SXM-80GB", [("2022-01-01", 4.00)]),
            ("BM.GPU.L40S.4", "L40S", "L40S", [("2024-06-01", 3.50)]),
        ]
        for (inst, text, chip, st) in oracle {
            for (code, region) in [("us-ashburn-1", Region.na), ("eu-frankfurt-1", .eu), ("ap-tokyo-1", .ap), ("sa-saopaulo-1", .latam), ("me-dubai-1", .mea)] {
                o.append(ListOffer(source: "oracle", offerID: inst, chipText: text, chip: chip, gpus: inst.hasSuffix(".4") ? 4 : 8, basis: .gpu, unit: .hour,
                                   location: code, region: region, currency: "USD", interconnect: "roce",
                                   terms: [.onDemand, .reserved1y], kind: .list(steps(st), reserved1y: 0.75, reserved3y: 0.6), available: nil))
            }
        }
        // Neoclouds: per GPU, repriced weekly around the market level.
        struct N { var source: String; var markup: Double; var currency: String; var unit: PriceUnit; var locations: [(String, Region)]; var chips: [(String, String, Int, String)]; var capacity: Int? }
        let neo: [N] = [
            N(source: "lambda", markup: 1.18, currency: "USD", unit: .hour, locations: [("us-east-1", .na), ("us-west-1", .na), ("europe-central-1", .eu), ("asia-northeast-1", .ap)],
              chips: [("H100 SXM5 80GB", "H100-SXM", 8, "infiniband"), ("H100 PCIe", "H100-PCIE", 1, ""), ("B200 SXM6 180GB", "B200", 8, "infiniband"), ("A100 SXM4 80GB", "A100-SXM-80GB", 8, "infiniband"), ("A10", "A10", 1, ""), ("GH200", "GH200", 1, "")], capacity: 2048),
            N(source: "coreweave", markup: 1.9, currency: "USD", unit: .hour, locations: [("US", .na), ("GB", .eu), ("ES", .eu)],
              chips: [("HGX H100", "H100-SXM", 8, "infiniband"), ("HGX H200", "H200", 8, "infiniband"), ("HGX B200", "B200", 8, "infiniband"), ("GB200 NVL72", "GB200", 4, "infiniband"), ("A100 80GB SXM", "A100-SXM-80GB", 8, "infiniband"), ("L40S", "L40S", 8, "")], capacity: 8192),
            N(source: "nebius", markup: 1.20, currency: "USD", unit: .hour, locations: [("eu-north1", .eu), ("us-central1", .na), ("me-west1", .mea)],
              chips: [("NVIDIA H100 80GB HBM3", "H100-SXM", 8, "infiniband"), ("NVIDIA H200", "H200", 8, "infiniband"), ("NVIDIA B200", "B200", 8, "infiniband"), ("NVIDIA L40S", "L40S", 1, "")], capacity: 4096),
            N(source: "crusoe", markup: 1.45, currency: "USD", unit: .hour, locations: [("US", .na), ("IS", .eu)],
              chips: [("H100 SXM 80GB", "H100-SXM", 8, "infiniband"), ("H200 SXM 141GB", "H200", 8, "infiniband"), ("AMD MI300X", "MI300X", 8, "infiniband"), ("A100 SXM 80GB", "A100-SXM-80GB", 8, "infiniband"), ("L40S", "L40S", 1, "")], capacity: 3072),
            N(source: "runpod", markup: 1.12, currency: "USD", unit: .hour, locations: [("US", .na), ("CA", .na), ("RO", .eu)],
              chips: [("H100 SXM", "H100-SXM", 1, ""), ("H100 PCIe", "H100-PCIE", 1, ""), ("H100 NVL", "H100-NVL", 1, ""), ("H200 SXM", "H200", 1, ""), ("B200", "B200", 1, ""), ("A100 PCIe 80GB", "A100-PCIE-80GB", 1, ""), ("A100 SXM 80GB", "A100-SXM-80GB", 1, ""), ("L40S", "L40S", 1, ""), ("L4", "L4", 1, ""), ("RTX 4090", "RTX4090", 1, ""), ("RTX 5090", "RTX5090", 1, ""), ("MI300X", "MI300X", 1, "")], capacity: 1024),
            N(source: "genesis", markup: 0.95, currency: "USD", unit: .hour, locations: [("NO", .eu), ("FI", .eu)],
              chips: [("H100", "H100-SXM", 8, "infiniband"), ("H200", "H200", 8, "infiniband"), ("B200", "B200", 8, "infiniband")], capacity: 768),
            N(source: "scaleway", markup: 1.05, currency: "EUR", unit: .hour, locations: [("fr-par", .eu), ("nl-ams", .eu)],
              chips: [("H100-1-80G", "H100-PCIE", 1, ""), ("H100-SXM-8-80G", "H100-SXM", 8, "infiniband"), ("L40S-1-48G", "L40S", 1, ""), ("L4-1-24G", "L4", 1, "")], capacity: nil),
            N(source: "seeweb", markup: 1.10, currency: "EUR", unit: .month, locations: [("it-fr2", .eu), ("it-mi2", .eu)],
              chips: [("NVIDIA H100", "H100-PCIE", 1, ""), ("NVIDIA A100 80GB", "A100-PCIE-80GB", 1, ""), ("NVIDIA L4", "L4", 1, "")], capacity: nil),
            N(source: "thames", markup: 1.15, currency: "GBP", unit: .hour, locations: [("GB", .eu)],
              chips: [("H100 SXM5", "H100-SXM", 8, "roce"), ("H200 SXM", "H200", 8, "roce"), ("A100 80GB SXM4", "A100-SXM-80GB", 8, "roce")], capacity: 512),
            N(source: "hyperbolic", markup: 0.72, currency: "USD", unit: .hour, locations: [("US", .na)],
              chips: [("NVIDIA-H100-80GB-HBM3", "H100-SXM", 1, ""), ("H200", "H200", 1, ""), ("RTX 4090", "RTX4090", 1, "")], capacity: 256),
            N(source: "tensorwave", markup: 0.80, currency: "USD", unit: .hour, locations: [("US", .na)],
              chips: [("MI300X", "MI300X", 8, "roce"), ("MI325X", "MI325X", 8, "roce")], capacity: 2048),
        ]
        for n in neo {
            for (loc, region) in n.locations {
                for (text, chip, gpus, ic) in n.chips {
                    let terms: [Term] = n.unit == .month ? [.onDemand, .reserved1m] :
                        (n.source == "runpod" ? [.onDemand, .spot] : [.onDemand, .reserved1m, .reserved3m, .reserved6m, .reserved1y])
                    o.append(ListOffer(source: n.source, offerID: "\(n.source)-\(chip.lowercased())-\(gpus)x", chipText: text, chip: chip, gpus: gpus,
                                       basis: .gpu, unit: n.unit, location: loc, region: region, currency: n.currency, interconnect: ic,
                                       terms: terms, kind: .neocloud(markup: n.markup), available: n.capacity))
                }
            }
        }
        return o
    }()

    static func chipLevel(_ id: String, _ d: CivilDate) -> Double? {
        if id == "GH200" { return d >= CivilDate(iso: "2024-02-01")! ? level(chip: chip("H100-SXM"), on: d) * 0.95 : nil }
        let c = chip(id)
        return d >= c.entry ? level(chip: c, on: d) : nil
    }

    static func termFactor(_ t: Term) -> Double {
        switch t {
        case .onDemand: 1.0
        case .spot: 0.72
        case .reserved1m: 0.93
        case .reserved3m: 0.88
        case .reserved6m: 0.83
        case .reserved1y: 0.74
        case .reserved3y: 0.56
        }
    }

    /// USD (or list currency) per GPU-hour of a list offer on a day and term; nil when not offered.
    func listPrice(_ o: ListOffer, _ term: Term, _ d: CivilDate, fxUSDPerUnit: Double) -> Double? {
        switch o.kind {
        case let .list(st, r1, r3):
            guard d >= st[0].0 else { return nil }
            let base = st.last { $0.0 <= d }!.1 * DemoMarket.premium(o.region)
            switch term {
            case .onDemand: return base
            case .reserved1y: return base * r1
            case .reserved3y: return base * r3
            case .spot:
                // Hyperscaler spot moves with the GCP a3 spot series (relative to its 88.49 on-demand).
                let ratio = DemoMarket.interpolate(DemoMarket.gcpSpotAnchors, d) / 88.49
                var r = SplitMix64.keyed(seed, 77, UInt64(d.dayNumber), UInt64(truncatingIfNeeded: o.offerID.hashValueStable))
                return base * ratio * (1 + 0.03 * r.normal())
            default: return base
            }
        case let .neocloud(markup):
            // Repriced on Mondays: list prices are sticky.
            let monday = d.adding(days: -(d.isoWeekday - 1))
            guard d >= (o.chip == "GH200" ? CivilDate(iso: "2024-02-01")! : DemoMarket.chip(o.chip).entry),
                  let lvl = DemoMarket.chipLevel(o.chip, monday) else { return nil }
            var r = SplitMix64.keyed(seed, 11, UInt64(monday.dayNumber), UInt64(truncatingIfNeeded: (o.source + o.offerID + o.location).hashValueStable))
            let usd = lvl * markup * DemoMarket.premium(o.region) * DemoMarket.termFactor(term) * (1 + 0.02 * r.normal())
            return usd / fxUSDPerUnit
        }
    }

    // MARK: FX (USD per unit), business days only, like the ECB

    public static func usdPerUnit(_ currency: String, on d: CivilDate, seed: UInt64) -> Double {
        var r = SplitMix64.keyed(seed, 31, UInt64(d.dayNumber), currency == "EUR" ? 1 : 2)
        let t = Double(d.dayNumber - CivilDate(iso: "2024-01-01")!.dayNumber)
        switch currency {
        case "EUR": return 1.08 + 0.04 * sin(t / 97) + 0.003 * r.normal()
        case "GBP": return 1.27 + 0.035 * sin(t / 113 + 1) + 0.003 * r.normal()
        default: return 1
        }
    }

    /// The rate a quote on `d` is priced with (the latest business day on or before it).
    static func fxFor(_ currency: String, _ d: CivilDate, seed: UInt64) -> Double {
        if currency == "USD" { return 1 }
        var b = d
        while b.isoWeekday > 5 { b = b.adding(days: -1) }
        return usdPerUnit(currency, on: b, seed: seed)
    }
}

extension String {
    /// FNV-1a of the UTF-8 bytes: a hash that is the same in every process (unlike `hashValue`).
    var hashValueStable: UInt64 {
        var h = FNV1a64()
        h.add(self)
        return h.value
    }
}
