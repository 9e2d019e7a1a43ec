/// The engine's version, recorded with every publication run and printed by `cix --version`.
public enum CixVersion {
    public static let current = "0.5.0"
}
