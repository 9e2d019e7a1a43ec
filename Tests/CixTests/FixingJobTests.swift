@testable import CixApp
import CixCore
import CixIO
import CixStore
import Foundation
import GRDB
import Testing

@Suite(.serialized) struct FixingJobTests {
    /// A small demo market, ingested, FX'd and normalized.
    func demoStore(_ dir: String, days: Int = 12) throws -> (Store, DemoConfig) {
        try smallDemoStore(dir, days: days)
    }

    func export(_ s: Store, _ what: String, _ dir: String) throws -> Data {
        let out = dir + "/\(what)-\(UUID().uuidString.prefix(6)).csv"
        try CixMain.runThrowing(["export", what, "--db", s.path, "--out", out])
        return FileManager.default.contents(atPath: out)!
    }

    /// METHODOLOGY.md §1.2, §1.5, §5.5, §6.3.
    @Test func resultsDoNotDependOnTheOrderDatesAreComputedIn() throws {
        let dir = try tempDir()
        let defs = try DefinitionLoader.methodology(repoRoot + "/Indices")
        let (a, c) = try demoStore(dir + "/a")
        // Copies of the file need everything in it: move the WAL's pages into the main file first.
        _ = try a.dbQueue.writeWithoutTransaction { try $0.checkpoint(.truncate) }
        try FileManager.default.copyItem(atPath: dir + "/a/s.sqlite", toPath: dir + "/b.sqlite")
        try FileManager.default.copyItem(atPath: dir + "/a/s.sqlite", toPath: dir + "/c.sqlite")
        let b = try Store(path: dir + "/b.sqlite")
        let cc = try Store(path: dir + "/c.sqlite")
        let days = (0..<c.days).map { c.first.adding(days: $0) }
        for d in days { _ = try FixingJob.run(store: a, defs: defs, from: d, to: d, now: "t") }
        for d in days.reversed() { _ = try FixingJob.run(store: b, defs: defs, from: d, to: d, now: "t") }
        _ = try FixingJob.run(store: cc, defs: defs, from: c.first, to: c.end, now: "t")
        let fa = try export(a, "fixings", dir)
        #expect(fa == (try export(b, "fixings", dir)))
        #expect(fa == (try export(cc, "fixings", dir)))
        // Index levels likewise, whatever dates are asked for first.
        _ = try IndexJob.run(store: a, defs: defs, from: c.first, to: c.end, now: "t")
        for d in days.reversed() { _ = try IndexJob.run(store: b, defs: defs, from: d, to: d, now: "t") }
        #expect((try export(a, "indices", dir)) == (try export(b, "indices", dir)))
        #expect((try export(a, "weights", dir)) == (try export(b, "weights", dir)))
        // Recomputing adds no versions; the H100 grade in North America fixes every day.
        let again = try FixingJob.run(store: a, defs: defs, from: c.first, to: c.end, now: "t2")
        #expect(again.newVersions == 0)
        let statuses = try a.dbQueue.read { db in
            try String.fetchAll(db, sql: "SELECT status FROM fixings WHERE grade_id = 'H100-SXM.NA.OD' ORDER BY date")
        }
        #expect(statuses.count == c.days && statuses.allSatisfy { $0 == "ok" })
        let levels = try a.dbQueue.read { db in
            try Row.fetchAll(db, sql: "SELECT date, published FROM index_levels WHERE index_id = 'CIX-H100-NA' ORDER BY date")
        }
        #expect(levels.first?[1] as String? == "1000.00", "the effective base date publishes the base value")
    }
}
