/// The inputs hash of an index level (METHODOLOGY.md §6.7).
public enum IndexAudit {
    /// SHA-256 (lower-case hex) of
    ///
    ///     index|date|link_date\n
    ///     grade|weight|link_price|price|held\n      (one line per constituent, by grade)
    ///
    /// with numbers in their shortest round-trip decimal form, as the weights export writes them, and
    /// held as true or false. (The link level is the published level of the link date, or the base value.)
    public static func inputsHash(index: String, value v: IndexValue) -> String {
        var text = "\(index)|\(v.date)|\(v.linkDate?.description ?? "")\n"
        for c in v.constituents.sorted(by: { $0.grade < $1.grade }) {
            text += "\(c.grade)|\(c.weight)|\(c.linkPrice)|\(c.price)|\(c.held)\n"
        }
        return FixingAudit.sha256(text)
    }
}
