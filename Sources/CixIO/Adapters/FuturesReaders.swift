import CixCore
import Foundation

/// A rejected row of a settlements or rates file: line, field, reason, original text.
public struct InputReject: Sendable, Hashable {
    public var line: Int
    public var field: String
    public var reason: String
    public var original: String
}

/// One settlement row as read (§7.3).
public struct SettlementRow: Sendable, Hashable {
    public var line: Int
    public var date: CivilDate
    public var contract: Contract
    public var settle: Double
    public var volume: Int?
    public var openInterest: Int?
}

/// Reads `date,contract,settle[,volume,open_interest]` (header required, any column order, unknown
/// columns ignored with a warning). A row is rejected, naming the field, for: a date that is not
/// YYYY-MM-DD or does not exist; a ticker that is malformed or of an unknown root; a contract already
/// expired on that date (after its last trading day) or not yet listed; a settle that is not a positive
/// number; a volume or open interest that is not a whole number ≥ 0.
public enum SettlementsReader {
    public struct Result: Sendable {
        public var rows: [SettlementRow] = []
        public var rejects: [InputReject] = []
        public var rowsRead = 0
        public var warnings: [String] = []
        /// Whether the file has these optional columns (a file without them keeps what is known, §7.3).
        /// Rows repeating an earlier row of the file exactly (taken once).
        public var duplicates = 0
        public var hasVolume = false
        public var hasOpenInterest = false
    }

    /// `through`: the last date a settlement may have (the day after the run's clock); later ones are
    /// rejected, like quotes from the future.
    public static func read<S: ByteSource>(_ source: S, path: String, futures: [FuturesDefinition], calendar: BusinessCalendar,
                                           plausible: PlausibleRange = .usdPerGPUHour, through: CivilDate? = nil) throws -> Result {
        let csv = CSVReader(source: source)
        var rec = CSVRecord()
        guard try csv.next(into: &rec) else { throw QuoteFileError(path: path, line: 1, message: "empty file: expected a header row") }
        if let enc = unsupportedEncoding(rec.rawText) {
            throw QuoteFileError(path: path, line: 1, message: "unsupported encoding (\(enc)): a settlements file is UTF-8 text")
        }
        let header = rec.fields.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        var col: [String: Int] = [:]
        var unknown: [String] = []
        for (i, h) in header.enumerated() {
            if ["date", "contract", "settle", "volume", "open_interest"].contains(h) {
                guard col[h] == nil else { throw QuoteFileError(path: path, line: 1, message: "header: column \(h) appears twice") }
                col[h] = i
            } else { unknown.append(h) }
        }
        let missing = ["date", "contract", "settle"].filter { col[$0] == nil }
        guard missing.isEmpty else {
            throw QuoteFileError(path: path, line: 1, message: "not a settlements file: missing column(s) \(missing.joined(separator: ", ")); expected date,contract,settle[,volume,open_interest]")
        }
        var out = Result()
        out.hasVolume = col["volume"] != nil
        out.hasOpenInterest = col["open_interest"] != nil
        if !unknown.isEmpty { out.warnings.append("\(path): ignoring unknown column(s) \(unknown.joined(separator: ", "))") }
        let roots = futures.map(\.root)
        let byRoot = Dictionary(uniqueKeysWithValues: futures.map { ($0.root, $0) })
        var seen: [String: (line: Int, settle: Double, volume: Int?, oi: Int?)] = [:]
        while try csv.next(into: &rec) {
            out.rowsRead += 1
            let original = rec.rawText
            func reject(_ field: String, _ reason: String) { out.rejects.append(InputReject(line: rec.line, field: field, reason: reason, original: original)) }
            if let m = rec.malformed { reject("(record)", "malformed CSV: \(m)"); continue }
            guard rec.count == header.count else { reject("(record)", "expected \(header.count) fields, found \(rec.count)"); continue }
            let f = rec.fields.map { $0.trimmingCharacters(in: .whitespaces) }
            if let b = f.joined().utf8.first(where: { ($0 < 0x20 && $0 != 9) || $0 == 0x7F }) {
                reject("(record)", "control character \(b) in the row"); continue
            }
            let dateText = f[col["date"]!]
            guard let date = CivilDate(iso: dateText) else { reject("date", "not a date that exists (YYYY-MM-DD): \(dateText)"); continue }
            if let through, date > through { reject("date", "\(date) is in the future (settlements up to \(through) are taken)"); continue }
            guard calendar.isBusinessDay(date) else { reject("date", "\(date) is not a business day of the calendar (\(calendar.name))"); continue }
            let ticker = f[col["contract"]!]
            guard let contract = Contract.parse(ticker, roots: roots) else {
                if roots.contains(where: { ticker.hasPrefix($0) }) {
                    reject("contract", "malformed ticker (root + month code F G H J K M N Q U V X Z + two-digit year): \(ticker)")
                } else {
                    reject("contract", "unknown root in \(ticker) (futures.yaml defines \(roots.joined(separator: ", ")))")
                }
                continue
            }
            let def = byRoot[contract.root]!
            if date > contract.lastTradingDay(calendar) {
                reject("contract", "\(ticker) expired on \(contract.lastTradingDay(calendar)), before \(date)"); continue
            }
            guard contract.isListed(on: date, listedMonths: def.listedMonths, calendar: calendar) else {
                reject("contract", "\(ticker) is not listed on \(date) (\(def.listedMonths) months are listed)"); continue
            }
            let settleText = f[col["settle"]!]
            guard let settle = Decimals.parse(settleText), settle > 0, settle.isFinite else {
                reject("settle", "not a positive number: \(settleText)"); continue
            }
            guard plausible.contains(settle) else {
                reject("settle", "\(settleText) USD per GPU-hour is outside the plausible \(plausible.min) to \(plausible.max) (normalization.yaml)"); continue
            }
            let key = ticker + "@" + date.description
            if let prev = seen[key], prev.settle != settle {
                throw QuoteFileError(path: path, line: rec.line,
                                     message: "\(ticker) on \(date) is given twice with different settles (lines \(prev.line) and \(rec.line)): fix the file")
            }
            var volume: Int?
            if let c = col["volume"], !f[c].isEmpty {
                guard let v = QuoteValidation.parseCount(f[c]), v >= 0 else { reject("volume", "not a whole number ≥ 0: \(f[c])"); continue }
                volume = v
            }
            var oi: Int?
            if let c = col["open_interest"], !f[c].isEmpty {
                guard let v = QuoteValidation.parseCount(f[c]), v >= 0 else { reject("open_interest", "not a whole number ≥ 0: \(f[c])"); continue }
                oi = v
            }
            if let prev = seen[key] {
                // The same settle again: taken once; other volume or open interest is named, never dropped silently.
                if prev.volume != volume { reject("volume", "\(ticker) on \(date) is given twice (line \(prev.line) has volume \(prev.volume.map(String.init) ?? "none")): line \(prev.line) is kept") }
                else if prev.oi != oi { reject("open_interest", "\(ticker) on \(date) is given twice (line \(prev.line) has open interest \(prev.oi.map(String.init) ?? "none")): line \(prev.line) is kept") }
                else { out.duplicates += 1 }
                continue
            }
            seen[key] = (rec.line, settle, volume, oi)
            out.rows.append(SettlementRow(line: rec.line, date: date, contract: contract, settle: settle, volume: volume, openInterest: oi))
        }
        return out
    }
}

/// A text encoding other than UTF-8 told by a header's bytes (UTF-16 or UTF-32 byte-order marks, NUL
/// bytes), or nil.
func unsupportedEncoding(_ header: String) -> String? {
    let b = Array(header.utf8.prefix(4))
    if b.starts(with: [0xEF, 0xBF, 0xBD]) { return "a UTF-16 or UTF-32 byte-order mark" }
    if header.contains("\0") { return "NUL bytes, as in UTF-16 or UTF-32" }
    return nil
}

/// Reads the 91-day T-bill rate in percent: `date,rate`, or the public daily series in either of its
/// layouts, `observation_date,DTB3` (newer) or `DATE,DTB3` (older); `.` or an empty value is a day
/// without a value (skipped). Exactly two columns. A rate is plausible from −5 to 100 percent (the
/// series went slightly below zero on some days); dates from 1900-01-01 to 2199-12-31.
public enum RatesReader {
    /// The plausible range of a rate in percent.
    public static let range: ClosedRange<Double> = -5...100
    public static let dates = CivilDate(iso: "1900-01-01")!...CivilDate(iso: "2199-12-31")!
    /// The accepted headers (lower-cased), with the format each names.
    public static let layouts: [(header: [String], format: String)] = [
        (["date", "rate"], "rates"), (["observation_date", "dtb3"], "dtb3"), (["date", "dtb3"], "dtb3"),
    ]

    public struct Result: Sendable {
        public var rates: [(date: String, rate: Double)] = []
        public var rejects: [InputReject] = []
        public var rowsRead = 0
        public var format = ""
    }

    public static func read<S: ByteSource>(_ source: S, path: String) throws -> Result {
        let csv = CSVReader(source: source)
        var rec = CSVRecord()
        guard try csv.next(into: &rec) else { throw QuoteFileError(path: path, line: 1, message: "empty file") }
        let header = rec.fields.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        var out = Result()
        if header.first?.hasPrefix("\u{FEFF}") == true || header.first?.contains("\0") == true {
            throw QuoteFileError(path: path, line: 1, message: "unsupported encoding: a rates file is UTF-8 text")
        }
        if let layout = layouts.first(where: { $0.header == header }) {
            out.format = layout.format
        } else if layouts.contains(where: { header.starts(with: $0.header) }) {
            throw QuoteFileError(path: path, line: 1, message: "a rates file has exactly two columns; unknown column(s): \(header.dropFirst(2).joined(separator: ", "))")
        } else {
            throw QuoteFileError(path: path, line: 1, message: "not a rates file: expected date,rate or observation_date,DTB3 (or DATE,DTB3)")
        }
        var seen: [String: (Int, Double)] = [:]
        while try csv.next(into: &rec) {
            out.rowsRead += 1
            let f = rec.fields.map { $0.trimmingCharacters(in: .whitespaces) }
            func reject(_ field: String, _ reason: String) {
                out.rejects.append(InputReject(line: rec.line, field: field, reason: reason, original: rec.rawText))
            }
            guard f.count == 2 else { reject("(record)", "expected 2 fields, found \(f.count)"); continue }
            guard let d = CivilDate(iso: f[0]) else { reject(header[0], "not a date that exists: \(f[0])"); continue }
            guard dates.contains(d) else { reject(header[0], "not a plausible date (1900-01-01 to 2199-12-31): \(f[0])"); continue }
            if f[1] == "." || f[1].isEmpty { continue }
            guard let r = Decimals.parse(f[1]), range.contains(r), r == 0 || abs(r) >= 1e-6 else {
                reject(header[1], "not a rate in percent from −5 to 100: \(f[1])"); continue
            }
            if let prev = seen[d.description], prev.1 != r {
                throw QuoteFileError(path: path, line: rec.line, message: "\(d) is given twice with different rates (lines \(prev.0) and \(rec.line))")
            }
            seen[d.description] = (rec.line, r)
            out.rates.append((d.description, r))
        }
        return out
    }
}
