import CixCore
import Foundation

/// Reads FX rate files (METHODOLOGY.md §3.5) in either of two formats, told apart by the header:
/// - `date,currency,usd_per_unit`: one rate per row, USD per unit of the currency;
/// - the ECB euro reference rates history (`Date,USD,JPY,…`, rates in units per 1 EUR, `N/A` where
///   not quoted, trailing commas): USD per unit of X is `USD / X`, and USD per EUR is `USD`.
public enum FXReader {
    /// A rejected line of an FX file.
    public struct Reject: Sendable, Hashable {
        public var line: Int
        public var reason: String
    }

    public struct Result: Sendable {
        public var rates: [FXRate] = []
        public var rejects: [Reject] = []
        public var format = ""
    }

    /// Rates outside `PlausibleRange.usdPerUnit` are rejected (METHODOLOGY.md §3.5); a currency and date
    /// given twice in one file with different rates stop the file (the lines named); an ECB column that is
    /// not an ISO 4217 code, or a column given twice, stops it too.
    public static func read<S: ByteSource>(_ source: S, path: String) throws -> Result {
        let csv = CSVReader(source: source)
        var rec = CSVRecord()
        guard try csv.next(into: &rec) else { throw QuoteFileError(path: path, line: 1, message: "empty file") }
        let header = rec.fields.map { $0.trimmingCharacters(in: .whitespaces) }
        var out = Result()
        var seen: [String: (line: Int, rate: Double)] = [:]
        func add(_ r: FXRate, line: Int, column: String) throws {
            guard PlausibleRange.usdPerUnit.contains(r.usdPerUnit) else {
                out.rejects.append(Reject(line: line, reason: "\(column): \(r.usdPerUnit) USD per \(r.currency) is outside the plausible 1e-06 to 1e+06"))
                return
            }
            let key = r.currency + "@" + r.date.description
            if let prev = seen[key] {
                if prev.rate.bitPattern == r.usdPerUnit.bitPattern { return }
                throw QuoteFileError(path: path, line: line,
                                     message: "\(r.currency) on \(r.date) is given twice with different rates (lines \(prev.line) and \(line)): fix the file")
            }
            seen[key] = (line, r.usdPerUnit)
            out.rates.append(r)
        }
        if header.map({ $0.lowercased() }).starts(with: ["date", "currency", "usd_per_unit"]) {
            out.format = "rates"
            while try csv.next(into: &rec) {
                let f = rec.fields.map { $0.trimmingCharacters(in: .whitespaces) }
                guard f.count >= 3 else { out.rejects.append(Reject(line: rec.line, reason: "expected date,currency,usd_per_unit")); continue }
                guard let d = CivilDate(iso: f[0]) else { out.rejects.append(Reject(line: rec.line, reason: "date: not YYYY-MM-DD: \(f[0])")); continue }
                let cur = f[1].uppercased()
                guard Currencies.iso4217.contains(cur) else { out.rejects.append(Reject(line: rec.line, reason: "currency: not ISO 4217: \(f[1])")); continue }
                guard let v = Decimals.parse(f[2]), v > 0 else { out.rejects.append(Reject(line: rec.line, reason: "usd_per_unit: not a positive number: \(f[2])")); continue }
                try add(FXRate(currency: cur, date: d, usdPerUnit: v), line: rec.line, column: "usd_per_unit")
            }
        } else if header.first == "Date", let usdCol = header.firstIndex(of: "USD") {
            out.format = "ecb"
            var columns = Set<String>()
            for (i, cur) in header.enumerated() where i > 0 && !cur.isEmpty {
                guard Currencies.iso4217.contains(cur) else {
                    throw QuoteFileError(path: path, line: 1, message: "column \(cur) is not an ISO 4217 currency code")
                }
                guard columns.insert(cur).inserted else { throw QuoteFileError(path: path, line: 1, message: "column \(cur) appears twice") }
            }
            while try csv.next(into: &rec) {
                let f = rec.fields.map { $0.trimmingCharacters(in: .whitespaces) }
                guard let d = CivilDate(iso: f[0]) else { out.rejects.append(Reject(line: rec.line, reason: "Date: not YYYY-MM-DD: \(f[0])")); continue }
                guard usdCol < f.count, let usdPerEUR = Decimals.parse(f[usdCol]), usdPerEUR > 0 else {
                    out.rejects.append(Reject(line: rec.line, reason: "USD: no rate on \(f[0])"))
                    continue
                }
                try add(FXRate(currency: "EUR", date: d, usdPerUnit: usdPerEUR), line: rec.line, column: "USD")
                for (i, cur) in header.enumerated() where i > 0 && i != usdCol && !cur.isEmpty && i < f.count {
                    // N/A and empty cells: the currency was not quoted that day.
                    guard let perEUR = Decimals.parse(f[i]), perEUR > 0 else { continue }
                    try add(FXRate(currency: cur, date: d, usdPerUnit: usdPerEUR / perEUR), line: rec.line, column: cur)
                }
            }
        } else {
            throw QuoteFileError(path: path, line: 1, message: "not an FX file: expected a date,currency,usd_per_unit header or the ECB Date,USD,… header")
        }
        return out
    }
}
