import CixApp
import CixCore
import CixIO
import CixStore
import Foundation
import Testing

/// A fresh temporary folder per test.
func tempDir(_ name: String = #function) throws -> String {
    let safe = name.filter { $0.isLetter || $0.isNumber }
    let dir = NSTemporaryDirectory() + "cix-tests/\(safe)-\(UUID().uuidString.prefix(8))"
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    return dir
}

func fixture(_ name: String) -> String {
    Bundle.module.path(forResource: name, ofType: nil, inDirectory: "Fixtures")!
}

/// The repository root (for Indices/ and the test fixtures).
let repoRoot: String = {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { url.deleteLastPathComponent() }
    return url.path
}()

/// Real catalogs and public list prices, copied from the workplace's shared/data (Fixtures/shared-data/ORIGIN.md).
let sharedData = repoRoot + "/Tests/CixTests/Fixtures/shared-data"

func readAll<S: ByteSource>(_ source: S, chunkSize: Int = 1 << 20) throws -> [CSVRecord] {
    let r = CSVReader(source: source, chunkSize: chunkSize)
    var out: [CSVRecord] = []
    var rec = CSVRecord()
    while try r.next(into: &rec) { out.append(rec) }
    return out
}

func storedQuotes(_ store: Store) throws -> [StoredQuote] {
    try QuoteArchive.all(store)
}


/// A small demo market, ingested, FX'd and normalized with the shipped definitions.
func smallDemoStore(_ dir: String, days: Int = 12, quotesPerDay: Int = 1500, end: String = "2025-03-20") throws -> (Store, DemoConfig) {
    var c = DemoConfig()
    c.days = days
    c.quotesPerDay = quotesPerDay
    c.end = CivilDate(iso: end)!
    c.out = dir
    let m = try DemoJob.generate(c)
    let s = try Store(path: dir + "/s.sqlite")
    var o = IngestOptions()
    o.writeRejectFiles = false
    _ = try IngestJob.run(store: s, paths: m.files.map { dir + "/" + $0 }, options: o)
    _ = try FXJob.ingest(store: s, paths: [dir + "/" + m.fxFile], now: "t")
    _ = try NormalizeJob.run(store: s, ref: try DefinitionLoader.referenceData(repoRoot + "/Indices"), now: "t")
    return (s, c)
}

/// Every normalized row of a store, by observation time then quote id.
func normalizedRows(_ s: Store) throws -> [NormalizedRow] {
    var out: [NormalizedRow] = []
    try s.read { try $0.forEachNormalizedRow(fromEpoch: 0, toEpoch: 4_102_444_800) { out.append($0) } }
    return out
}

/// CIX_RECORD_GOLDEN=1 re-records golden files instead of comparing with them.
let recordGolden = ProcessInfo.processInfo.environment["CIX_RECORD_GOLDEN"] == "1"

/// Runs a program, returning its exit status and standard output and error.
func runProcess(_ exe: String, _ args: [String], cwd: String? = nil, environment: [String: String]? = nil) throws -> (Int32, String, String) {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: exe)
    p.arguments = args
    if let cwd { p.currentDirectoryURL = URL(fileURLWithPath: cwd) }
    if let environment { p.environment = environment }
    let out = Pipe()
    let err = Pipe()
    p.standardOutput = out
    p.standardError = err
    try p.run()
    let o = out.fileHandleForReading.readDataToEndOfFile()
    let e = err.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
}

/// The `cix` executable that `swift build` put beside the test bundle.
var builtCix: String {
    var url = Bundle.module.bundleURL
    for _ in 0..<4 {
        url.deleteLastPathComponent()
        let candidate = url.appendingPathComponent("cix").path
        if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
    }
    return repoRoot + "/.build/debug/cix"
}

/// A copy of the shipped Indices/ with edits, for tests of definition changes.
func editedIndices(_ name: String = #function, edit: (inout [String: String]) -> Void) throws -> String {
    let dir = try tempDir(name)
    try FileManager.default.createDirectory(atPath: dir + "/flows", withIntermediateDirectories: true)
    for f in try FileManager.default.contentsOfDirectory(atPath: repoRoot + "/Indices/flows") {
        try FileManager.default.copyItem(atPath: repoRoot + "/Indices/flows/" + f, toPath: dir + "/flows/" + f)
    }
    var files: [String: String] = [:]
    for f in DefinitionLoader.fileNames { files[f] = try String(contentsOfFile: repoRoot + "/Indices/" + f, encoding: .utf8) }
    edit(&files)
    for (f, text) in files { try text.write(toFile: dir + "/" + f, atomically: true, encoding: .utf8) }
    return dir
}

func write(_ text: String, to path: String) throws { try text.write(toFile: path, atomically: true, encoding: .utf8) }

/// A canonical CSV with the given data rows.
func quotesCSV(_ rows: [String]) -> String { QuoteColumn.header + "\n" + rows.joined(separator: "\n") + "\n" }


/// Quotes of H100 SXM in us-east-1 from three sources (lambda, runpod, vast), two offers each at 2.00–2.21
/// USD per GPU-hour, at 10:00 UTC of each day (YYYY-MM-DD): enough for a fixing of H100-SXM.NA.OD.
func threeSourceRows(_ days: [String]) -> [String] {
    var rows: [String] = []
    for (i, day) in days.enumerated() {
        for (j, src) in ["lambda", "runpod", "vast"].enumerated() {
            for k in 0..<2 {
                rows.append("\(day)T10:00:00Z,\(src),o\(i)\(j)\(k),H100 SXM,8,us-east-1,on_demand,\(2.0 + Double(j) * 0.1 + Double(k) * 0.01),USD,hour,gpu,8,")
            }
        }
    }
    return rows
}
