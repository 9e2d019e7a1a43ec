/// The inputs hashes of the futures layer (METHODOLOGY.md §7.4 and §7.7 "Audit"): documented text,
/// rebuilt from the exports alone, hashed with SHA-256.
public enum FuturesAudit {
    /// §7.4: `DATE|UNDERLYING=S|M1:A1 M2:A2 …` + LF, the strip in ascending months, numbers in their
    /// shortest round-trip form.
    public static func curveText(date: CivilDate, underlying: String, spot: Double, strip: [Int: Double]) -> String {
        "\(date)|\(underlying)=\(spot)|" + strip.keys.sorted().map { "\($0):\(strip[$0]!)" }.joined(separator: " ") + "\n"
    }

    /// §7.7: `ID|DATE|HOLDINGS|C1=P1 C2=P2 …|RATE` + LF, the prices of the holdings' contracts in ticker
    /// order, RATE empty when there is none.
    public static func rollText(index: String, date: CivilDate, holdings: String, prices: [String: Double], rate: Double?) -> String {
        let p = prices.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        return "\(index)|\(date)|\(holdings)|\(p)|\(rate.map { "\($0)" } ?? "")\n"
    }

    /// §8.3: `FUND|DATE|PREVIOUS|POSITIONS|C1=P1 C2=P2 …|RATE` + LF: the positions after the previous NAV
    /// day's close and after this day's (the export's `positions`; PREVIOUS empty on the first day), the
    /// price that day of every contract in either, in ticker order (§7.7's rule), and the T-bill rate the
    /// day's interest used (empty for fixed or no collateral).
    public static func navText(fund: String, date: CivilDate, previous: String, positions: String, prices: [String: Double],
                               rate: Double?) -> String {
        let p = prices.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        return "\(fund)|\(date)|\(previous)|\(positions)|\(p)|\(rate.map { "\($0)" } ?? "")\n"
    }

    public static func hash(_ text: String) -> String { FixingAudit.sha256(text) }
}
