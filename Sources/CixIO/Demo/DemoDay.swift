import CixCore
import Foundation

/// What the generator planted in one day file: what a correct ingest must report.
public struct DemoDayCounts: Codable, Sendable, Equatable {
    public var date: String
    /// Data rows in the file (header excluded).
    public var rows = 0
    /// Distinct valid rows: what a first ingest accepts (unknown-chip rows included).
    public var valid = 0
    /// Exact repeats of an earlier row in the file.
    public var duplicates = 0
    /// Bad rows, by the field the reject must name.
    public var rejectsByField: [String: Int] = [:]
    /// Valid rows whose chip no catalogue knows (kept; unmatched at normalization).
    public var unknownChip = 0
    /// List-price sources that published nothing this day (outages, METHODOLOGY.md §5.8), sorted.
    public var outages: [String] = []
    public var rejected: Int { rejectsByField.values.reduce(0, +) }
    public init(date: String) { self.date = date }
}

extension DemoMarket {
    /// Marketplaces: individual listings, re-observed through the day.
    struct Marketplace { var source: String; var share: Double; var basis: PriceBasis; var unit: PriceUnit; var decimals: Int }
    static let marketplaces = [
        Marketplace(source: "vast", share: 0.6, basis: .instance, unit: .hour, decimals: 4),
        Marketplace(source: "runpod-community", share: 0.25, basis: .gpu, unit: .minute, decimals: 7),
        Marketplace(source: "tensordock", share: 0.15, basis: .gpu, unit: .hour, decimals: 4),
    ]
    static let observationsPerOffer = 4

    /// Writes one day of canonical CSV (with header) through `emit`, returning what was planted.
    public func writeDay(_ d: CivilDate, emit: (String) -> Void) -> DemoDayCounts {
        var counts = DemoDayCounts(date: d.description)
        var rows: [String] = []
        rows.reserveCapacity(quotesPerDay + 64)
        let dayStart = d.startEpoch
        var rng = SplitMix64.keyed(seed, 1, UInt64(d.dayNumber))

        func row(_ t: Int64, _ source: String, _ offer: String, _ chip: String, _ gpus: Int, _ loc: String, _ term: String,
                 _ price: String, _ cur: String, _ unit: String, _ basis: String, _ avail: Int?, _ ic: String) -> String {
            var s = Timestamp.format(t)
            s += ","; s += source; s += ","; s += csvField(offer); s += ","; s += csvField(chip); s += ","; s += String(gpus)
            s += ","; s += csvField(loc); s += ","; s += term; s += ","; s += price; s += ","; s += cur; s += ","; s += unit
            s += ","; s += basis; s += ","; s += avail.map(String.init) ?? ""; s += ","; s += ic
            return s
        }

        // 1. List prices, published once a day per provider at a provider-specific minute. A provider
        // misses a day now and then (`outageRate`, seeded by provider and day; listed in the manifest).
        var out = Set<String>()
        for src in Set(DemoMarket.listOffers.map(\.source)) {
            var r = SplitMix64.keyed(seed, 91, UInt64(d.dayNumber), UInt64(truncatingIfNeeded: src.hashValueStable))
            if r.unit() < outageRate { out.insert(src) }
        }
        counts.outages = out.sorted()
        for o in DemoMarket.listOffers where !out.contains(o.source) {
            let fx = DemoMarket.fxFor(o.currency, d, seed: seed)
            let minute = Int64(o.source.hashValueStable % 1200) + 120
            for (ti, term) in o.terms.enumerated() {
                guard var perGPUHour = listPrice(o, term, d, fxUSDPerUnit: fx) else { continue }
                if term == .spot, case .list = o.kind, o.source == "oracle" { continue }
                let perUnit = perGPUHour / o.unit.perHourFactor
                perGPUHour = o.basis == .instance ? perUnit * Double(o.gpus) : perUnit
                let decimals = o.unit == .hour ? 4 : 2
                let t = dayStart + minute * 60 + Int64(ti)
                rows.append(row(t, o.source, o.offerID, o.chipText, o.gpus, o.location, term.rawValue,
                                Decimals.format(perGPUHour, places: decimals), o.currency, o.unit.rawValue, o.basis.rawValue,
                                o.available, o.interconnect))
                // A reseller (primeintellect, `Indices/sources.yaml`) relists lambda's on-demand offers at 5% more,
                // under its own offer ids `lambdalabs__…`: the fixing counts each such offer once (§5.1).
                if o.source == "lambda" && term == .onDemand {
                    rows.append(row(t + 600, "primeintellect", "lambdalabs__" + o.offerID, o.chipText, o.gpus, o.location, term.rawValue,
                                    Decimals.format(perGPUHour * 1.05, places: decimals), o.currency, o.unit.rawValue, o.basis.rawValue,
                                    o.available, o.interconnect))
                }
            }
        }
        // 2. Marketplace listings fill the day up to quotesPerDay.
        let marketRows = max(0, quotesPerDay - rows.count)
        let totalWeight = DemoMarket.chips.reduce(0) { $0 + $1.weight }
        let locWeight = DemoMarket.marketLocations.reduce(0) { $0 + $1.2 }
        var i = 0
        var slot = 0
        while i < marketRows {
            var k = SplitMix64.keyed(seed, 5, UInt64(slot))
            let life = 5 + Int64(k.int(40))
            let phase = Int64(k.int(Int(life)))
            let gen = (d.dayNumber + phase) / life
            let genStart = CivilDate(dayNumber: gen * life - phase)
            var o = SplitMix64.keyed(seed, 6, UInt64(slot), UInt64(gen))
            // Source, chip (available when the listing appeared), location, size, markup.
            var u = o.unit()
            var mp = DemoMarket.marketplaces[0]
            for m in DemoMarket.marketplaces { if u < m.share { mp = m; break }; u -= m.share }
            var chip = DemoMarket.chips[0]
            for _ in 0..<8 {
                var w = o.unit() * totalWeight
                for c in DemoMarket.chips { if w < c.weight { chip = c; break }; w -= c.weight }
                if chip.entry <= genStart { break }
                chip = DemoMarket.chips[0]
            }
            var lw = o.unit() * locWeight
            var loc = DemoMarket.marketLocations[0]
            for l in DemoMarket.marketLocations { if lw < l.2 { loc = l; break }; lw -= l.2 }
            let gpus = [1, 1, 1, 2, 4, 8][o.int(6)]
            let machines = 1 + o.int(6)
            var markup = 0.80 * exp(0.14 * o.normal())
            let outlier = o.unit()
            if outlier < 0.002 { markup *= 4 } else if outlier < 0.004 { markup *= 0.2 }
            let spot = o.unit() < 0.2
            let offerID = "\(mp.source.prefix(2))-\(slot)-\(gen)"
            let level = DemoMarket.level(chip: chip, on: d)
            for obs in 0..<DemoMarket.observationsPerOffer where i < marketRows {
                let t = dayStart + Int64(obs * 21_600) + Int64(rng.int(21_000))
                let drift = 1 + 0.015 * rng.normal()
                var p = level * markup * DemoMarket.premium(loc.1) * drift * (spot ? 0.75 : 1)
                p /= mp.unit.perHourFactor
                if mp.basis == .instance { p *= Double(gpus) }
                rows.append(row(t, mp.source, offerID, chip.marketName, gpus, loc.0, spot ? "spot" : "on_demand",
                                Decimals.format(p, places: mp.decimals), "USD", mp.unit.rawValue, mp.basis.rawValue,
                                gpus * machines, ""))
                i += 1
            }
            slot += 1
        }
        counts.valid = rows.count
        // 3. Unknown chips: valid rows a catalogue cannot place.
        let unknownNames = ["H1OO SXM", "Quantum QPU-9", "TPU v5e", "Gaudi 3"]
        let nUnknown = Int((Double(rows.count) * unknownChipRate).rounded(.up))
        for j in 0..<nUnknown {
            let t = dayStart + Int64(rng.int(86_400))
            rows.append(row(t, "vast", "unk-\(d.dayNumber)-\(j)", unknownNames[j % unknownNames.count], 1, "Texas, US, NA", "on_demand",
                            Decimals.format(1 + rng.unit(), places: 4), "USD", "hour", "gpu", 1, ""))
        }
        counts.valid += nUnknown
        counts.unknownChip = nUnknown
        // 4. Duplicates: rows sent twice.
        let nDup = Int((Double(rows.count) * duplicateRate).rounded(.up))
        for _ in 0..<nDup { rows.append(rows[rng.int(counts.valid)]) }
        counts.duplicates = nDup
        // 5. Bad rows, one kind after another; each names the field its reject must name.
        let nBad = Int((Double(rows.count) * badRowRate).rounded(.up))
        let ts = Timestamp.format(dayStart + 43_200)
        let kinds: [(String, String)] = [
            ("price", row(dayStart + 1, "vast", "bad-neg", "H100 SXM", 1, "Texas, US, NA", "on_demand", "-2.1000", "USD", "hour", "gpu", 1, "")),
            ("price", row(dayStart + 2, "vast", "bad-zero", "H100 SXM", 1, "Texas, US, NA", "on_demand", "0", "USD", "hour", "gpu", 1, "")),
            ("term", row(dayStart + 3, "lambda", "bad-term", "H100 SXM5 80GB", 8, "us-east-1", "on_demnad", "2.9900", "USD", "hour", "gpu", nil, "")),
            ("currency", row(dayStart + 4, "lambda", "bad-cur", "H100 SXM5 80GB", 8, "us-east-1", "on_demand", "2.9900", "USDD", "hour", "gpu", nil, "")),
            ("observed_at", ts.replacingOccurrences(of: "-", with: "/") + ",vast,bad-ts,H100 SXM,1,US,on_demand,2.0,USD,hour,gpu,1,"),
            ("observed_at", String(ts.dropLast()) + ",vast,bad-zone,H100 SXM,1,US,on_demand,2.0,USD,hour,gpu,1,"),
            ("gpu_count", row(dayStart + 5, "aws", "bad-gpus", "NVIDIA H100", 8, "us-east-1", "on_demand", "55.04", "USD", "hour", "instance", nil, "efa")
                .replacingOccurrences(of: ",8,us-east-1", with: ",eight,us-east-1")),
            ("price_unit", row(dayStart + 6, "gcp", "bad-unit", "nvidia-h100-80gb", 8, "us-central1", "on_demand", "88.49", "USD", "hour", "instance", nil, "")
                .replacingOccurrences(of: ",hour,", with: ",huor,")),
            ("(record)", ts + ",vast,bad-short,H100 SXM,1,US,on_demand,2.0,USD"),
            ("source", row(dayStart + 7, "", "bad-src", "H100 SXM", 1, "US", "on_demand", "2.0", "USD", "hour", "gpu", 1, "")),
            ("price", row(dayStart + 8, "vast", "bad-price", "H100 SXM", 1, "US", "on_demand", "\"2,10\"", "USD", "hour", "gpu", 1, "")),
        ]
        for j in 0..<nBad {
            let (field, text) = kinds[(Int(d.dayNumber) + j) % kinds.count]
            rows.append(text)
            counts.rejectsByField[field, default: 0] += 1
        }
        // Shuffle deterministically so bad rows and duplicates are spread through the file.
        for j in stride(from: rows.count - 1, to: 0, by: -1) { rows.swapAt(j, rng.int(j + 1)) }
        counts.rows = rows.count
        emit(QuoteColumn.header + "\n")
        var chunk = ""
        chunk.reserveCapacity(1 << 20)
        for r in rows {
            chunk += r
            chunk += "\n"
            if chunk.utf8.count >= 1 << 20 { emit(chunk); chunk.removeAll(keepingCapacity: true) }
        }
        emit(chunk)
        return counts
    }

    /// The ECB euro reference-rates CSV (newest first, trailing commas) for EUR and GBP over the days.
    public func ecbRatesCSV(from first: CivilDate, to last: CivilDate) -> String {
        var s = "Date,USD,GBP,\n"
        var d = last
        while d >= first.adding(days: -10) {
            if d.isoWeekday <= 5 {
                let eur = DemoMarket.usdPerUnit("EUR", on: d, seed: seed)
                let gbp = DemoMarket.usdPerUnit("GBP", on: d, seed: seed)
                // ECB quotes units of currency per 1 EUR: USD per EUR, and GBP per EUR.
                s += "\(d),\(Decimals.format(eur, places: 4)),\(Decimals.format(eur / gbp, places: 5)),\n"
            }
            d = d.adding(days: -1)
        }
        return s
    }
}
