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

/// The repository root (for ../shared and Indices/).
let repoRoot: String = {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { url.deleteLastPathComponent() }
    return url.path
}()

let sharedData = repoRoot + "/../shared/data"

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

/// Valid canonical row values in QuoteColumn order, for validation tests to alter one at a time.
func validFields() -> [String] {
    ["2026-11-24T15:00:00Z", "lambda", "gpu_8x_h100", "H100 SXM5 80GB", "8", "us-east-1", "on_demand",
     "2.99", "USD", "hour", "gpu", "64", "infiniband"]
}
