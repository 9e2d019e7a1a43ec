/// A published series' record described once (METHODOLOGY.md §9.1): its table, its key, its value
/// columns in stored order, and the export's names for them. The store reads, versions and publishes
/// every series through this description, and `cix export` and the API write it; a new series adds
/// a record type with its schema and nothing in the store's code.

/// One cell of a published value as stored and exported.
public enum SeriesCell: Sendable, Hashable, CustomStringConvertible {
    case text(String?)
    case int(Int?)
    case double(Double?)
    /// A number kept as text: a published rounding (§9.1), stored as TEXT and exported bare.
    case number(String?)
    case bool(Bool?)

    public var isNull: Bool {
        switch self {
        case .text(let v), .number(let v): v == nil
        case .int(let v): v == nil
        case .double(let v): v == nil
        case .bool(let v): v == nil
        }
    }

    /// The cell as a restatement record or `cix verify` shows it ("-" for none).
    public var description: String {
        switch self {
        case .text(let v), .number(let v): v ?? "-"
        case .int(let v): v.map(String.init) ?? "-"
        case .double(let v): v.map { "\($0)" } ?? "-"
        case .bool(let v): v.map { $0 ? "true" : "false" } ?? "-"
        }
    }
}

/// The kind of a field's cells.
public enum SeriesCellKind: Sendable, Hashable {
    case text, int, double, number, bool
}

/// One column of a published record: its stored name, its export name, and how it is read and set.
public struct SeriesField<R>: Sendable {
    public let column: String
    public let export: String
    public let kind: SeriesCellKind
    /// A column added to the series after values were published: empty in an earlier vintage is not a
    /// difference from a value now (§9.2), so adding it restates nothing.
    public var introduced = false
    public let get: @Sendable (R) -> SeriesCell
    public let set: @Sendable (inout R, SeriesCell) -> Void

    public init(_ column: String, export: String? = nil, _ path: WritableKeyPath<R, String> & Sendable) {
        self.column = column
        self.export = export ?? column
        kind = .text
        get = { .text($0[keyPath: path]) }
        set = { r, c in if case .text(let v?) = c { r[keyPath: path] = v } }
    }

    public init(_ column: String, export: String? = nil, _ path: WritableKeyPath<R, String?> & Sendable, number: Bool = false,
                introduced: Bool = false) {
        self.introduced = introduced
        self.column = column
        self.export = export ?? column
        kind = number ? .number : .text
        get = { number ? .number($0[keyPath: path]) : .text($0[keyPath: path]) }
        set = { r, c in
            switch c {
            case .text(let v), .number(let v): r[keyPath: path] = v
            default: r[keyPath: path] = nil
            }
        }
    }

    public init(_ column: String, export: String? = nil, _ path: WritableKeyPath<R, Int> & Sendable) {
        self.column = column
        self.export = export ?? column
        kind = .int
        get = { .int($0[keyPath: path]) }
        set = { r, c in if case .int(let v?) = c { r[keyPath: path] = v } }
    }

    public init(_ column: String, export: String? = nil, _ path: WritableKeyPath<R, Int?> & Sendable) {
        self.column = column
        self.export = export ?? column
        kind = .int
        get = { .int($0[keyPath: path]) }
        set = { r, c in if case .int(let v) = c { r[keyPath: path] = v } else { r[keyPath: path] = nil } }
    }

    public init(_ column: String, export: String? = nil, _ path: WritableKeyPath<R, Double> & Sendable) {
        self.column = column
        self.export = export ?? column
        kind = .double
        get = { .double($0[keyPath: path]) }
        set = { r, c in if case .double(let v?) = c { r[keyPath: path] = v } }
    }

    public init(_ column: String, export: String? = nil, _ path: WritableKeyPath<R, Double?> & Sendable, introduced: Bool = false) {
        self.introduced = introduced
        self.column = column
        self.export = export ?? column
        kind = .double
        get = { .double($0[keyPath: path]) }
        set = { r, c in if case .double(let v) = c { r[keyPath: path] = v } else { r[keyPath: path] = nil } }
    }

    public init(_ column: String, export: String? = nil, _ path: WritableKeyPath<R, Bool?> & Sendable, introduced: Bool = false) {
        self.introduced = introduced
        self.column = column
        self.export = export ?? column
        kind = .bool
        get = { .bool($0[keyPath: path]) }
        set = { r, c in if case .bool(let v) = c { r[keyPath: path] = v } else { r[keyPath: path] = nil } }
    }

    public init(_ column: String, export: String? = nil, _ path: WritableKeyPath<R, Bool> & Sendable) {
        self.column = column
        self.export = export ?? column
        kind = .bool
        get = { .bool($0[keyPath: path]) }
        set = { r, c in if case .bool(let v?) = c { r[keyPath: path] = v } }
    }
}

/// Rows stored with each version of a published value in a table of their own (an index level's
/// constituents, §6.4): the table, its columns after the parent's key and version, and the rows.
public struct SeriesDetail<R>: Sendable {
    public let table: String
    public let columns: [String]
    public let rows: @Sendable (R) -> [[SeriesCell]]

    public init(table: String, columns: [String], rows: @escaping @Sendable (R) -> [[SeriesCell]]) {
        self.table = table
        self.columns = columns
        self.rows = rows
    }
}

/// A published series' table (§9.1): key columns (one of them `date`), then `version`, the value
/// columns, `run_id` and `computed_at`. Any difference in a value column makes a new version (§9.2),
/// except `informational` ones (provenance).
public struct SeriesSchema<R>: Sendable {
    public let table: String
    public let keys: [SeriesField<R>]
    public let values: [SeriesField<R>]
    /// The value a restatement record and `cix verify` show.
    public let mainValue: String
    public let detail: SeriesDetail<R>?

    public init(table: String, keys: [SeriesField<R>], values: [SeriesField<R>], mainValue: String, detail: SeriesDetail<R>? = nil) {
        precondition(keys.contains { $0.column == "date" }, "a published series is keyed by date")
        precondition(values.contains { $0.column == mainValue }, "the main value is a value column")
        self.table = table
        self.keys = keys
        self.values = values
        self.mainValue = mainValue
        self.detail = detail
    }

    /// The export's columns: the keys, `version`, the values.
    public var exportColumns: [String] { keys.map(\.export) + ["version"] + values.map(\.export) }
    /// The stored columns read back, in the same order.
    public var storedColumns: [String] { keys.map(\.column) + ["version"] + values.map(\.column) }
}

/// A published value (§9.1): what the store versions, the export writes and `cix verify` compares.
public protocol SeriesRecord: Sendable, Hashable {
    static var schema: SeriesSchema<Self> { get }
    /// A blank record, filled field by field when read back.
    init()
    /// The stored version (0 before publication).
    var version: Int { get set }
    var date: String { get }
}

extension SeriesRecord {
    public var keyCells: [SeriesCell] { Self.schema.keys.map { $0.get(self) } }
    public var valueCells: [SeriesCell] { Self.schema.values.map { $0.get(self) } }
    /// The key without its date, words joined by a space (`CXH 2026-03`): how a restatement names it.
    public var seriesKey: String {
        Self.schema.keys.filter { $0.column != "date" }.map { $0.get(self).description }.joined(separator: " ")
    }
    /// The cells an export row holds: keys, version, values.
    public var exportCells: [SeriesCell] { keyCells + [.int(version)] + valueCells }
    /// The main value, as shown (§9.3).
    public var mainText: String { Self.schema.values.first { $0.column == Self.schema.mainValue }!.get(self).description }
    /// The export name of the main value.
    public var mainExport: String { Self.schema.values.first { $0.column == Self.schema.mainValue }!.export }
    /// A value column's cell as shown, by its export name.
    public func text(ofExport name: String) -> String? { Self.schema.values.first { $0.export == name }?.get(self).description }
    /// The value columns (export names) whose cells differ between two records of a key.
    public func differingFields(_ other: Self) -> [String] {
        Self.schema.values.filter { $0.get(self) != $0.get(other) }.map(\.export)
    }
    /// A record from its stored cells, in `storedColumns` order.
    public init(cells: [SeriesCell]) {
        self.init()
        let s = Self.schema
        for (f, c) in zip(s.keys, cells) { f.set(&self, c) }
        if case .int(let v?) = cells[s.keys.count] { version = v }
        for (f, c) in zip(s.values, cells.dropFirst(s.keys.count + 1)) { f.set(&self, c) }
    }
}
