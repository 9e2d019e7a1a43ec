import CixCore
import Foundation

/// Adapter for SkyPilot catalog `vms.csv` files (METHODOLOGY.md §2.4): a thin mapping of each GPU row
/// to canonical quotes, one for `Price` (on-demand) and one for `SpotPrice` when there is a spot offer.
///
/// - prices are per instance-hour (`price_basis = instance`, `gpu_count = AcceleratorCount`);
/// - an empty, zero or placeholder (≥ 99,999,999) SpotPrice means no spot offer;
/// - rows without an accelerator are CPU-only: skipped and counted, not rejected;
/// - `chip` is AcceleratorName plus the variant (SXM, PCIe, NVL) when InstanceType, GpuInfo or
///   UpstreamCloudId names one, because marketplaces write `H100` for several variants;
/// - `offer_id` is `InstanceType@Region[/AvailabilityZone]`; a repeat of the same id in one file (a
///   marketplace listing several upstream offers under one instance type) gets `#2`, `#3`, … in file
///   order, so distinct offers are never collapsed as duplicates.
public final class SkyPilotCatalogReader<Source: ByteSource>: QuoteRowReader {
    /// Observation-time limits applied to every row (§2.2); nil: none.
    public var limits: ObservationLimits?
    private let csv: CSVReader<Source>
    private var record = CSVRecord()
    private var col: [String: Int] = [:]
    private let path: String
    private let sourceName: String
    private let observedAt: String
    private let currency: String
    private var pending: [QuoteRow] = []
    private var offerSeen: [String: Int] = [:]
    public private(set) var warnings: [String] = []
    public private(set) var rowsRead = 0
    public private(set) var gpuRows = 0
    public private(set) var cpuRows = 0

    /// Catalogs priced in EUR (shared/README.md); all others are USD.
    public static func defaultCurrency(source: String) -> String {
        ["scaleway", "seeweb"].contains(source.lowercased()) ? "EUR" : "USD"
    }

    static var required: [String] { ["InstanceType", "AcceleratorName", "AcceleratorCount", "Price", "Region"] }

    public init(source: Source, path: String, sourceName: String, observedAt: String, currency: String? = nil) throws {
        csv = CSVReader(source: source)
        self.path = path
        self.sourceName = sourceName
        self.observedAt = observedAt
        self.currency = currency ?? SkyPilotCatalogReader.defaultCurrency(source: sourceName)
        guard try csv.next(into: &record) else { throw QuoteFileError(path: path, line: 1, message: "empty file: expected a header row") }
        for i in 0..<record.count { col[QuoteValidation.trim(record.field(i) ?? "")] = i }
        let missing = Self.required.filter { col[$0] == nil }
        if !missing.isEmpty {
            throw QuoteFileError(path: path, line: 1, message: "not a SkyPilot catalog: missing column(s) \(missing.joined(separator: ", "))")
        }
    }

    /// Quotes made from the GPU rows, by term (a row gives an on-demand quote and, with a spot price, a spot one).
    public private(set) var onDemandQuotes = 0
    public private(set) var spotQuotes = 0

    /// How the catalog's rows became records (they add up: rows = GPU rows + CPU-only rows; records =
    /// quotes and rejects of the GPU rows + the CPU-only rows skipped).
    public var summaryLines: [String] {
        ["catalog rows \(rowsRead) = \(gpuRows) GPU rows + \(cpuRows) CPU-only rows (skipped); the GPU rows gave \(onDemandQuotes + spotQuotes) quotes (\(onDemandQuotes) on-demand, \(spotQuotes) spot)"]
    }

    private func value(_ name: String) -> String {
        guard let i = col[name], i < record.count else { return "" }
        return QuoteValidation.trim(record.field(i) ?? "")
    }

    public func next() throws -> QuoteRow? {
        while true {
            if !pending.isEmpty { return pending.removeFirst() }
            guard try csv.next(into: &record) else { return nil }
            rowsRead += 1
            let line = record.line
            if let m = record.malformed {
                return .reject(QuoteReject(field: "(record)", reason: "malformed CSV: \(m)"), line: line, original: record.rawText)
            }
            let accel = value("AcceleratorName")
            let countText = value("AcceleratorCount")
            if accel.isEmpty || countText.isEmpty || Decimals.parse(countText) == 0 {
                cpuRows += 1
                return .skipped(reason: "CPU-only instance", line: line)
            }
            gpuRows += 1
            let instance = value("InstanceType")
            let region = value("Region")
            let zone = value("AvailabilityZone")
            let chip = Self.chipText(accelerator: accel,
                                     hints: [instance, value("GpuInfo"), value("UpstreamCloudId")])
            var offer = instance + "@" + region + (zone.isEmpty ? "" : "/" + zone)
            let seen = offerSeen[offer, default: 0] + 1
            offerSeen[offer] = seen
            if seen > 1 { offer += "#\(seen)" }
            var emitted = false
            for (priceColumn, term) in [("Price", "on_demand"), ("SpotPrice", "spot")] {
                let p = value(priceColumn)
                if priceColumn == "SpotPrice" {
                    guard let v = Decimals.parse(p), v > 0, v < 99_999_999 else { continue }
                } else if p.isEmpty {
                    continue
                }
                var f = [String](repeating: "", count: QuoteColumn.allCases.count)
                f[QuoteColumn.observedAt.rawValue] = observedAt
                f[QuoteColumn.source.rawValue] = sourceName
                f[QuoteColumn.offerID.rawValue] = offer
                f[QuoteColumn.chip.rawValue] = chip
                f[QuoteColumn.gpuCount.rawValue] = countText
                f[QuoteColumn.location.rawValue] = region
                f[QuoteColumn.term.rawValue] = term
                f[QuoteColumn.price.rawValue] = p
                f[QuoteColumn.currency.rawValue] = currency
                f[QuoteColumn.priceUnit.rawValue] = "hour"
                f[QuoteColumn.priceBasis.rawValue] = "instance"
                switch QuoteValidation.validate(f, limits: limits) {
                case .success(let q): pending.append(.quote(q, line: line))
                case .failure(let r):
                    // Name the catalog's column, not the canonical field it fed.
                    let field = ["price": priceColumn, "location": "Region", "chip": "AcceleratorName", "gpu_count": "AcceleratorCount"][r.field] ?? r.field
                    pending.append(.reject(QuoteReject(field: field, reason: r.reason), line: line, original: record.rawText))
                }
                emitted = true
                if term == "spot" { spotQuotes += 1 } else { onDemandQuotes += 1 }
            }
            if !emitted {
                pending.append(.reject(QuoteReject(field: "Price", reason: "no on-demand or spot price"), line: line, original: record.rawText))
            }
        }
    }

    /// AcceleratorName, plus the form factor named in the other columns when the name lacks one.
    static func chipText(accelerator: String, hints: [String]) -> String {
        let a = accelerator.lowercased()
        if a.contains("sxm") || a.contains("pcie") || a.contains("nvl") { return accelerator }
        let h = hints.joined(separator: " ").lowercased()
        if h.contains("nvl") { return accelerator + " NVL" }
        if h.contains("pcie") { return accelerator + " PCIe" }
        if h.contains("sxm") || h.contains("hbm3") { return accelerator + " SXM" }
        return accelerator
    }
}
