import CixCore
import Foundation
import Yams

/// A definitions-file error: the file, where in it, the field and what is wrong.
public struct DefinitionError: Error, CustomStringConvertible, Sendable {
    public var path: String
    public var line: Int?
    public var column: Int?
    public var field: String?
    public var message: String

    public var description: String {
        var s = "\(path): "
        if let field, !field.isEmpty { s += "\(field.count > 120 ? field.prefix(120) + "…" : field): " }
        s += message.count > 600 ? message.prefix(600) + "…" : message
        if let line { s += " [line \(line)" + (column.map { ", column \($0)" } ?? "") + "]" }
        return s
    }
}

/// Reads one YAML definitions file as a tree of checked values. Every accessor validates type and
/// range and names the file, line, column and field on failure; `YAMLMap.finish()` refuses keys the
/// loader did not read (a typo such as `cpa: 0.40` would otherwise drop a cap silently) and suggests
/// the nearest known key.
struct YAMLValue {
    let node: Node
    let path: String
    /// Dotted field path (`indices[3].cap`).
    let field: String

    static func parse(_ data: Data, path: String) throws -> YAMLValue {
        guard let text = String(data: data, encoding: .utf8) else {
            throw DefinitionError(path: path, message: "not UTF-8 text")
        }
        do {
            guard let node = try Yams.compose(yaml: text) else { throw DefinitionError(path: path, message: "the file is empty") }
            return YAMLValue(node: node, path: path, field: "")
        } catch let e as YamlError {
            switch e {
            case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _), .composer(_, let problem, let mark, _):
                throw DefinitionError(path: path, line: mark.line, column: mark.column, message: "YAML syntax: \(problem)")
            default:
                throw DefinitionError(path: path, message: "YAML syntax: \(e)")
            }
        }
    }

    func fail(_ message: String) -> DefinitionError {
        DefinitionError(path: path, line: node.mark?.line, column: node.mark?.column, field: field, message: message)
    }

    var scalarText: String? {
        if case .scalar(let s) = node { return s.string }
        return nil
    }

    func map() throws -> YAMLMap {
        guard case .mapping(let m) = node else { throw fail("must be a mapping of keys to values") }
        return try YAMLMap(m, path: path, field: field)
    }

    func list() throws -> [YAMLValue] {
        guard case .sequence(let s) = node else { throw fail("must be a list") }
        return s.enumerated().map { YAMLValue(node: $1, path: path, field: "\(field)[\($0)]") }
    }

    func string() throws -> String {
        guard let t = scalarText else { throw fail("must be a text value") }
        guard !t.trimmingCharacters(in: .whitespaces).isEmpty else { throw fail("must not be empty") }
        return t
    }

    func stringList() throws -> [String] { try list().map { try $0.string() } }

    func int(_ range: ClosedRange<Int>) throws -> Int {
        guard let t = scalarText, let v = Int(t) else { throw fail("must be a whole number, not \(describe)") }
        guard range.contains(v) else { throw fail("must be between \(range.lowerBound) and \(range.upperBound), not \(v)") }
        return v
    }

    func uint64() throws -> UInt64 {
        guard let t = scalarText, let v = UInt64(t) else { throw fail("must be a whole number from 0 to 2^64 − 1, not \(describe)") }
        return v
    }

    /// A finite number in `range`; `openLower`/`openUpper` exclude the bounds.
    func double(_ range: ClosedRange<Double>, openLower: Bool = false, openUpper: Bool = false) throws -> Double {
        guard let t = scalarText, let v = Decimals.parse(t.trimmingCharacters(in: .whitespaces)), v.isFinite else {
            throw fail("must be a number, not \(describe)")
        }
        let lowOK = openLower ? v > range.lowerBound : v >= range.lowerBound
        let highOK = openUpper ? v < range.upperBound : v <= range.upperBound
        guard lowOK && highOK else {
            throw fail("must be in \(openLower ? "(" : "[")\(range.lowerBound), \(range.upperBound)\(openUpper ? ")" : "]"), not \(t)")
        }
        return v
    }

    func bool() throws -> Bool {
        switch scalarText?.lowercased() {
        case "true", "yes": return true
        case "false", "no": return false
        default: throw fail("must be true or false, not \(describe)")
        }
    }

    func date() throws -> CivilDate {
        guard let t = scalarText, let d = CivilDate(iso: t) else { throw fail("must be a date YYYY-MM-DD that exists, not \(describe)") }
        return d
    }

    func choice<E: RawRepresentable & CaseIterable>(_: E.Type) throws -> E where E.RawValue == String {
        guard let t = scalarText, let v = E(rawValue: t) else {
            throw fail("must be one of \(E.allCases.map(\.rawValue).joined(separator: ", ")), not \(describe)")
        }
        return v
    }

    var describe: String {
        switch node {
        // A long value is shown by its start (an error message stays one readable line).
        case .scalar(let s): return s.string.count > 60 ? "'\(s.string.prefix(60))…' (\(s.string.count) characters)" : "'\(s.string)'"
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        }
    }
}

final class YAMLMap {
    struct Entry {
        var key: String
        var keyNode: Node
        var value: YAMLValue
    }

    let path: String
    let field: String
    let node: Node.Mapping
    private(set) var entries: [Entry] = []
    private var read = Set<String>()

    init(_ m: Node.Mapping, path: String, field: String) throws {
        self.path = path
        self.field = field
        node = m
        var seen = Set<String>()
        for (k, v) in m {
            guard case .scalar(let ks) = k else {
                throw DefinitionError(path: path, line: k.mark?.line, column: k.mark?.column, field: field, message: "keys must be text")
            }
            let key = ks.string
            guard seen.insert(key).inserted else {
                throw DefinitionError(path: path, line: k.mark?.line, column: k.mark?.column, field: field, message: "key '\(key)' appears twice")
            }
            entries.append(Entry(key: key, keyNode: k, value: YAMLValue(node: v, path: path, field: field.isEmpty ? key : "\(field).\(key)")))
        }
    }

    func fail(_ message: String) -> DefinitionError {
        DefinitionError(path: path, line: node.mark?.line, column: node.mark?.column, field: field, message: message)
    }

    func optional(_ key: String) -> YAMLValue? {
        read.insert(key)
        guard let e = entries.first(where: { $0.key == key }) else { return nil }
        if case .scalar(let s) = e.value.node, s.tag == Tag(.null) || (s.string.isEmpty && s.style == .plain) { return nil }
        return e.value
    }

    func required(_ key: String) throws -> YAMLValue {
        guard let v = optional(key) else { throw fail("missing field \(field.isEmpty ? key : field + "." + key)") }
        return v
    }

    /// Every entry, each marked read (free-form maps such as country → region).
    func all() -> [Entry] {
        for e in entries { read.insert(e.key) }
        return entries
    }

    /// Refuses any key that was not read, naming its line and the nearest known key.
    func finish(allowed extra: [String] = []) throws {
        let known = read.union(extra)
        for e in entries where !known.contains(e.key) {
            var msg = "unknown key '\(e.key)'"
            if let near = known.map({ ($0, editDistance($0, e.key)) }).filter({ $0.1 <= max(2, e.key.count / 3) })
                .min(by: { ($0.1, $0.0) < ($1.1, $1.0) }) {
                msg += " (did you mean '\(near.0)'?)"
            } else {
                msg += " (known keys: \(known.sorted().joined(separator: ", ")))"
            }
            throw DefinitionError(path: path, line: e.keyNode.mark?.line, column: e.keyNode.mark?.column, field: field, message: msg)
        }
    }
}

/// Levenshtein distance, for "did you mean" suggestions.
func editDistance(_ a: String, _ b: String) -> Int {
    let x = Array(a), y = Array(b)
    if x.isEmpty { return y.count }
    if y.isEmpty { return x.count }
    var prev = Array(0...y.count)
    var cur = [Int](repeating: 0, count: y.count + 1)
    for i in 1...x.count {
        cur[0] = i
        for j in 1...y.count {
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1))
        }
        swap(&prev, &cur)
    }
    return prev[y.count]
}
