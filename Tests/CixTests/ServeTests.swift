@testable import CixApp
import CixCore
import CixIO
import CixStore
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// A store published by the daily job over a 30-day demo inbox, shared by the route tests.
final class ServeFixture: @unchecked Sendable {
    static let shared = ServeFixture()
    let dir: String
    let db: String
    let store: Store
    let defs: MethodologyDefinitions

    private init() {
        dir = NSTemporaryDirectory() + "cix-tests/serve-\(UUID().uuidString.prefix(8))"
        try! FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        var c = DemoConfig()
        c.days = 30
        c.quotesPerDay = 1500
        c.end = CivilDate(iso: "2025-03-21")!
        c.out = dir + "/inbox"
        _ = try! DemoJob.generate(c)
        db = dir + "/s.sqlite"
        defs = try! DefinitionLoader.methodology(repoRoot + "/Indices")
        var r = RunRequest(from: CivilDate(iso: "2025-02-24")!, to: CivilDate(iso: "2025-03-21")!)
        r.inbox = c.out
        r.now = "2025-03-22T00:00:00Z"
        _ = try! RunJob.run(store: try! Store(path: db), defs: defs, request: r)
        store = try! Store(path: db, readOnly: true)
    }

    func app(token: String? = nil) -> some ApplicationProtocol {
        Application(router: WebApp(store: store, defs: defs, token: token).router())
    }
}

func dir(_ path: String) -> String { (path as NSString).deletingLastPathComponent }

extension ByteBuffer {
    var text: String { getString(at: readerIndex, length: readableBytes) ?? "" }
}

@Suite(.serialized) struct ServeTests {
    let f = ServeFixture.shared

    /// A funds export (or what-if CSV) by date, from status on (the what-if has no version): status, NAV,
    /// published NAV, shares, net assets, cash, gains, interest.
    static func navByDate(_ csv: String) -> [String: String] {
        var out: [String: String] = [:]
        for line in csv.split(separator: "\n").dropFirst() {
            let x = line.split(separator: ",", omittingEmptySubsequences: false)
            out[String(x[1])] = x.dropFirst(3).prefix(8).joined(separator: ",")
        }
        return out
    }

    /// Every page renders, with its charts drawn as SVG paths.
    @Test func pagesRender() async throws {
        let pages = ["/", "/grades/H100-SXM.NA.OD", "/grades/H100-SXM.NA.OD?date=2025-03-20", "/indices/CIX-CCC", "/indices/CIX-H100-NA",
                     "/futures/CXH-ROLL", "/funds/CXH-FRONT", "/funds/CXH-LADDER", "/whatif",
                     "/whatif?base=CXH-FRONT&design=ladder&months=6&fee=0.005&contracts=fractional&collateral=none&flows=none"]
        try await f.app().test(.router) { client in
            for p in pages {
                try await client.execute(uri: p, method: .get) { r in
                    #expect(r.status == .ok, "\(p)")
                    #expect(r.headers[.contentType] == "text/html; charset=utf-8")
                    let html = r.body.text
                    #expect(html.hasPrefix("<!DOCTYPE html>") && !html.contains("<script"), "\(p)")
                    #expect(html.contains("<path d=\"M") || p == "/grades/H100-SXM.NA.OD?date=2025-03-20" || p == "/", "\(p) draws no chart")
                }
            }
            try await client.execute(uri: "/", method: .get) { r in
                let html = r.body.text
                #expect(html.contains("href=\"/indices/CIX-CCC\"") && html.contains("href=\"/grades/H100-SXM.NA.OD\"") && html.contains("class=\"spark\""))
            }
            try await client.execute(uri: "/grades/H100-SXM.NA.OD?date=2025-03-20", method: .get) { r in
                #expect(r.body.text.contains("Panel on 2025-03-20"))
            }
            // The what-if parameters live in the URL: the form shows them back.
            try await client.execute(uri: "/whatif?design=ladder&months=6&fee=0.005", method: .get) { r in
                let html = r.body.text
                #expect(html.contains("value=\"0.5\"") && html.contains("<option value=\"ladder\" selected=\"selected\">"), "the fee in percent")
                #expect(html.contains("WHATIF") && html.contains("CXH-FRONT"), "the comparison lists the what-if and the shipped designs")
            }
        }
    }

    /// The API's CSV is byte-identical to `cix export` for the same query; its JSON has the export's columns.
    @Test func apiMatchesExports() async throws {
        let cases: [(uri: String, export: [String], columns: [String])] = [
            ("/api/v1/fixings?grade=H100-SXM.NA.OD&from=2025-03-10&to=2025-03-20",
             ["fixings", "--series", "H100-SXM.NA.OD", "--from", "2025-03-10", "--to", "2025-03-20"], ExportJob.columns(.fixings)),
            ("/api/v1/fixings?from=2025-03-20&to=2025-03-21", ["fixings", "--from", "2025-03-20", "--to", "2025-03-21"], ExportJob.columns(.fixings)),
            ("/api/v1/indices?index=CIX-CCC", ["indices", "--series", "CIX-CCC"], ExportJob.columns(.indices)),
            ("/api/v1/weights?index=CIX-CCC&from=2025-03-21", ["weights", "--series", "CIX-CCC", "--from", "2025-03-21"], ExportJob.weightColumns),
            ("/api/v1/futures-indices?index=CXH-ROLL", ["futures-indices", "--series", "CXH-ROLL"], ExportJob.columns(.futuresIndices)),
            ("/api/v1/curves?root=CXH&from=2025-03-21", ["curves", "--series", "CXH", "--from", "2025-03-21"], ExportJob.columns(.curves)),
            ("/api/v1/settlements?from=2025-03-20", ["settlements", "--from", "2025-03-20"], ExportJob.settlementColumns),
            ("/api/v1/funds/CXH-FRONT/nav?from=2025-03-01", ["funds", "--fund", "CXH-FRONT", "--from", "2025-03-01"], ExportJob.columns(.funds)),
            ("/api/v1/fixings?grade=H100-SXM.NA.OD&vintage=first", ["fixings", "--series", "H100-SXM.NA.OD", "--vintage", "first"], ExportJob.columns(.fixings)),
            ("/api/v1/restatements?from=2025-03-01", ["restatements", "--from", "2025-03-01"], ExportJob.restatementColumns),
        ]
        try await f.app().test(.router) { client in
            for c in cases {
                let (code, expected, err) = try runProcess(builtCix, ["export"] + c.export + ["--db", f.db])
                #expect(code == 0, "\(err)")
                let path = c.uri.split(separator: "?", maxSplits: 1)
                let csvURI = String(path[0]) + ".csv" + (path.count > 1 ? "?" + path[1] : "")
                try await client.execute(uri: csvURI, method: .get) { r in
                    #expect(r.status == .ok)
                    #expect(r.body.text == expected, "\(csvURI) differs from cix export \(c.export.joined(separator: " "))")
                }
                try await client.execute(uri: c.uri, method: .get, headers: [.accept: "text/csv"]) { r in
                    #expect(r.headers[.contentType] == "text/csv; charset=utf-8")
                    #expect(r.body.text == expected, "\(c.uri) with Accept: text/csv")
                }
                try await client.execute(uri: c.uri, method: .get) { r in
                    #expect(r.headers[.contentType] == "application/json")
                    let rows = try #require(try JSONSerialization.jsonObject(with: Data(r.body.text.utf8)) as? [[String: Any]])
                    #expect(rows.count == expected.split(separator: "\n").count - 1, "\(c.uri)")
                    if let first = rows.first { #expect(Set(first.keys) == Set(c.columns)) }
                }
            }
            try await client.execute(uri: "/api/v1/explain/fixing?grade=H100-SXM.NA.OD&date=2025-03-20", method: .get) { r in
                #expect(r.status == .ok)
                let o = try #require(try JSONSerialization.jsonObject(with: Data(r.body.text.utf8)) as? [String: Any])
                #expect(o["grade"] as? String == "H100-SXM.NA.OD" && (o["sources"] as? [Any])?.isEmpty == false)
            }
            try await client.execute(uri: "/api/v1/openapi.json", method: .get) { r in
                let o = try #require(try JSONSerialization.jsonObject(with: Data(r.body.text.utf8)) as? [String: Any])
                let paths = try #require(o["paths"] as? [String: Any])
                for p in ["/api/v1/fixings", "/api/v1/indices", "/api/v1/weights", "/api/v1/futures-indices", "/api/v1/funds/{id}/nav",
                          "/api/v1/explain/fixing", "/api/v1/whatif", "/api/v1/fixings.csv"] {
                    #expect(paths[p] != nil, "\(p) missing from the OpenAPI document")
                }
            }
        }
    }

    /// POST /api/v1/whatif computes a design's NAV with the fund engine: the shipped design, posted
    /// unchanged, reproduces its published NAV.
    @Test func whatIfAPI() async throws {
        try await f.app().test(.router) { client in
            let body = ByteBuffer(string: #"{"base": "CXH-FRONT"}"#)
            let published = try runProcess(builtCix, ["export", "funds", "--fund", "CXH-FRONT", "--db", f.db]).1
            try await client.execute(uri: "/api/v1/whatif", method: .post, headers: [.accept: "text/csv"], body: body) { r in
                #expect(r.status == .ok)
                // By date, from status on (the what-if has no version): status, NAV, published NAV, shares, net assets, cash,
                // gains, interest. The published days (from the run's first date) are a part of the what-if's (from inception).
                let all = ServeTests.navByDate(r.body.text), published = ServeTests.navByDate(published)
                let mine = published.keys.sorted().map { all[$0] ?? "missing" }, theirs = published.keys.sorted().map { published[$0]! }
                #expect(!mine.isEmpty && mine == theirs, "the what-if of the shipped design reproduces its published NAV")
            }
            try await client.execute(uri: "/api/v1/whatif", method: .post, body: ByteBuffer(string: #"{"design": "ladder", "months": 6, "fee": 0.01}"#)) { r in
                #expect(r.status == .ok)
                let rows = try #require(try JSONSerialization.jsonObject(with: Data(r.body.text.utf8)) as? [[String: Any]])
                #expect(rows.first?["fund"] as? String == "WHATIF" && rows.count > 10)
            }
        }
    }

    /// Unknown routes and series are 404, malformed parameters 400 naming the parameter; never a 500.
    @Test func badRequests() async throws {
        let cases: [(uri: String, method: HTTPRequest.Method, body: String?, status: HTTPResponse.Status, parameter: String?)] = [
            ("/api/v1/nope", .get, nil, .notFound, nil),
            ("/nope", .get, nil, .notFound, nil),
            ("/api/v1/fixings?grade=NOPE", .get, nil, .notFound, "grade"),
            ("/api/v1/indices?index=NOPE", .get, nil, .notFound, "index"),
            ("/api/v1/funds/NOPE/nav", .get, nil, .notFound, "fund"),
            ("/indices/NOPE", .get, nil, .notFound, nil),
            ("/grades/NOPE", .get, nil, .notFound, nil),
            ("/api/v1/fixings?from=2025-02-30", .get, nil, .badRequest, "from"),
            ("/api/v1/fixings?from=2025-03-20&to=2025-03-01", .get, nil, .badRequest, "from"),
            ("/api/v1/fixings?colour=red", .get, nil, .badRequest, "colour"),
            ("/api/v1/fixings?vintage=yesterday", .get, nil, .badRequest, "vintage"),
            ("/api/v1/explain/fixing?grade=H100-SXM.NA.OD", .get, nil, .badRequest, "date"),
            ("/api/v1/explain/fixing?grade=H100-SXM.NA.OD&date=2025-13-01", .get, nil, .badRequest, "date"),
            ("/api/v1/explain/fixing?grade=H100-SXM.NA.OD&date=2020-01-01", .get, nil, .notFound, "date"),
            ("/api/v1/whatif", .post, "not json", .badRequest, "body"),
            ("/api/v1/whatif", .post, "[1,2]", .badRequest, "body"),
            ("/api/v1/whatif", .post, #"{"fee": "abc"}"#, .badRequest, "fee"),
            ("/api/v1/whatif", .post, #"{"fee": 5}"#, .badRequest, "fee"),
            ("/api/v1/whatif", .post, #"{"design": "sideways"}"#, .badRequest, "design"),
            ("/api/v1/whatif", .post, #"{"inception": "2025-02-30"}"#, .badRequest, "inception"),
            ("/api/v1/whatif", .post, #"{"inception": "2030-01-02"}"#, .badRequest, "inception"),
            ("/api/v1/whatif", .post, #"{"inception": "0001-01-01"}"#, .badRequest, "inception"),
            ("/api/v1/whatif", .post, #"{"inception": "2001-01-02"}"#, .badRequest, "inception"),
            ("/api/v1/whatif", .post, #"{"roll_start": 9, "roll_end": 5}"#, .badRequest, "roll_end"),
            ("/api/v1/whatif", .post, #"{"base": "NOPE"}"#, .notFound, "base"),
            ("/api/v1/whatif", .post, #"{"wings": 2}"#, .badRequest, "wings"),
            ("/api/v1/whatif", .post, #"{"exposure": null}"#, .badRequest, "exposure"),
            ("/whatif?fee=abc", .get, nil, .badRequest, nil),
            ("/whatif?months=0", .get, nil, .badRequest, nil),
            ("/whatif?fee=0.1%00abc", .get, nil, .badRequest, nil),
            ("/api/v1/whatif", .post, #"{"fee": "0.1\u0000abc"}"#, .badRequest, "fee"),
            ("/api/v1/whatif", .post, #"{"fee": "0x1p-3"}"#, .badRequest, "fee"),
            ("/api/v1/whatif", .post, #"{"fee": false}"#, .badRequest, "fee"),
            ("/api/v1/whatif", .post, #"{"design": "ladder", "months": 24}"#, .badRequest, "months"),
            ("/api/v1/whatif", .post, #"{"design": "deferred", "months": 13}"#, .badRequest, "months"),
            ("/api/v1/whatif", .post, #"{"cost": 1000, "exposure": 3}"#, .badRequest, "design"),
            ("/api/v1/whatif?fee=0.3", .post, "{}", .badRequest, "fee"),
            ("/api/v1/fixings?from=2025-03-01&from=2025-03-02", .get, nil, .badRequest, "from"),
            ("/api/v1/fixings?series=", .get, nil, .badRequest, "series"),
            ("/api/v1/fixings?grade=H100-SXM.NA.OD&series=H100-SXM.EU.OD", .get, nil, .badRequest, "series"),
            ("/api/v1/settlements?contract=CXHZZ99", .get, nil, .notFound, "contract"),
            ("/api/v1/restatements?series=CIX-CCC", .get, nil, .badRequest, "series"),
            ("/api/v1/fixings", .post, "{}", .methodNotAllowed, nil),
            ("/api/v1/whatif", .get, nil, .methodNotAllowed, nil),
            ("/indices/CIX-CCC?foo=1", .get, nil, .badRequest, nil),
            ("/?from=x", .get, nil, .badRequest, nil),
        ]
        try await f.app().test(.router) { client in
            for c in cases {
                try await client.execute(uri: c.uri, method: c.method, body: c.body.map { ByteBuffer(string: $0) }) { r in
                    #expect(r.status == c.status, "\(c.method) \(c.uri) \(c.body ?? ""): \(r.status) \(r.body.text.prefix(200))")
                    if c.status == .methodNotAllowed { #expect(r.headers[.allow] != nil) }
                    if c.uri.hasPrefix("/api/") {
                        let o = try JSONSerialization.jsonObject(with: Data(r.body.text.utf8)) as? [String: Any]
                        #expect(o?["reason"] is String, "\(c.uri): a JSON error with a reason")
                        if let p = c.parameter { #expect(o?["parameter"] as? String == p, "\(c.uri) \(c.body ?? "") names \(p): \(r.body.text)") }
                    } else {
                        #expect(r.body.text.contains("class=\"error\""))
                    }
                }
            }
        }
    }

    /// Issue 21 #2: the response cache is bounded in bytes, and query ranges by the published dates:
    /// distinct far-future `to` dates are one query; distinct real ranges evict the oldest entries.
    @Test func responseCacheIsBoundedInBytes() async throws {
        let budget = 200_000
        let app = WebApp(store: f.store, defs: f.defs, cacheBytes: budget)
        let full = try await Application(router: app.router()).test(.router) { client in
            let full = try await client.execute(uri: "/api/v1/fixings.csv", method: .get) { r in r.body.text }
            for day in 1...28 {
                let uri = "/api/v1/fixings.csv?to=9999-12-\(day < 10 ? "0" : "")\(day)"
                try await client.execute(uri: uri, method: .get) { r in
                    #expect(r.status == .ok && r.body.text == full, "\(uri) is the whole series")
                }
            }
            #expect(app.cache.size <= budget)
            // Ranges outside the data read nothing and answer the header alone.
            try await client.execute(uri: "/api/v1/fixings.csv?from=9000-01-01", method: .get) { r in
                #expect(r.status == .ok && r.body.text.split(separator: "\n").count == 1)
            }
            try await client.execute(uri: "/api/v1/fixings.csv?to=2001-01-01", method: .get) { r in
                #expect(r.status == .ok && r.body.text.split(separator: "\n").count == 1)
            }
            // Distinct ranges inside the data: each answered right, the cache never above its budget.
            for day in 24...28 {
                for grade in ["H100-SXM.NA.OD", "H100-SXM.EU.OD", "H100-PCIE.NA.OD"] {
                    try await client.execute(uri: "/api/v1/fixings?grade=\(grade)&from=2025-02-\(day)", method: .get) { r in
                        #expect(r.status == .ok)
                    }
                    #expect(app.cache.size <= budget)
                }
            }
            return full
        }
        #expect(full.count > budget / 4, "the whole series is larger than a cache entry may be (\(full.count) bytes): it is served, not kept")
        // The cache alone: first in, first out within the budget; an entry above a quarter of it is not kept.
        let c = ResponseCache(budget: 1000)
        #expect(c.get("k0", version: 1) == nil)
        for i in 0..<10 { c.put("k\(i)", version: 1, ("t", [UInt8](repeating: 1, count: 200))) }
        #expect(c.size == 1000 && c.get("k4", version: 1) == nil && c.get("k5", version: 1) != nil)
        c.put("big", version: 1, ("t", [UInt8](repeating: 1, count: 251)))
        #expect(c.get("big", version: 1) == nil && c.size == 1000)
        #expect(c.get("k9", version: 2) == nil && c.size == 0, "a new publication empties the cache")
    }

    /// Issue 21 #3: the what-if runs on its own queue, one at a time: while one computes, pages and the
    /// API answer; beyond the admitted number a what-if is refused with 503 and Retry-After.
    @Test func whatIfDoesNotBlockPages() async throws {
        let app = WebApp(store: f.store, defs: f.defs, whatIfWaiting: 2)
        let release = DispatchSemaphore(value: 0)
        let started = DispatchSemaphore(value: 0)
        // Two slow computations hold the gate (one running, one waiting).
        let holders = (0..<2).map { _ in
            Task { try await app.heavy.run { started.signal(); release.wait(); return 1 } }
        }
        started.wait()
        try await Application(router: app.router()).test(.router) { client in
            try await client.execute(uri: "/indices/CIX-CCC", method: .get) { r in #expect(r.status == .ok) }
            try await client.execute(uri: "/api/v1/fixings?grade=H100-SXM.NA.OD", method: .get) { r in #expect(r.status == .ok) }
            try await client.execute(uri: "/api/v1/whatif", method: .post, body: ByteBuffer(string: "{}")) { r in
                #expect(r.status == .serviceUnavailable && r.headers[.retryAfter] == "5", "\(r.status)")
            }
        }
        release.signal()
        release.signal()
        for h in holders { _ = try await h.value }
        #expect(app.heavy.inFlight == 0)
    }

    /// Issue 22 #9–#15, #17: what a fund designer and an analyst asked for, on the pages and the API.
    @Test func designerAndAnalystFeatures() async throws {
        let cli = dir(f.db) + "/compare.csv"
        _ = try runProcess(builtCix, ["fund", "compare", "--db", f.db, "CXH-FRONT", "CXH-LADDER", "--out", cli])
        let expectedCompare = try String(contentsOfFile: cli, encoding: .utf8)
        let exported = try runProcess(builtCix, ["export", "quotes", "--db", f.db, "--from", "2025-03-20", "--to", "2025-03-20"]).1
        try await f.app().test(.router) { client in
            try await client.execute(uri: "/funds/CXH-FRONT?from=2025-03-01", method: .get) { r in
                #expect(r.status == .ok)
                let html = r.body.text
                for part in ["Fund facts", "Roll schedule", "front: holds the contract two months out", "Holdings on", "Days to expiry",
                             "Returns since inception and by calendar year", "The CXH designs: NAV per share (solid) and total-return index (dashed)",
                             "href=\"/api/v1/funds/CXH-FRONT/nav.csv?from=2025-03-01", "?from=2025-03-01&table=0&format=csv\""] {
                    #expect(html.contains(part), "the fund page shows \(part)")
                }
            }
            // The holdings table as CSV: notional = quantity × price × contract GPU-hours, weights sum to the exposure (1 ± band).
            let tables = try await client.execute(uri: "/funds/CXH-FRONT", method: .get) { r in r.body.text }
            let holdingsIndex = tables.components(separatedBy: "<h2>").dropFirst().firstIndex { $0.hasPrefix("Holdings on") }.map { $0 - 1 }
            let k = try #require(holdingsIndex)
            try await client.execute(uri: "/funds/CXH-FRONT?table=\(k)&format=csv", method: .get) { r in
                #expect(r.status == .ok && r.headers[.contentType] == "text/csv; charset=utf-8")
                let rows = r.body.text.split(separator: "\n").dropFirst().map { $0.split(separator: ",").map(String.init) }
                #expect(!rows.isEmpty)
                var weight = 0.0
                for row in rows {
                    let q = Double(row[2])!, price = Double(row[3])!, notional = Double(row[4])!
                    #expect(abs(q * price * 1000 - notional) <= 1, "\(row)")
                    weight += Double(row[5].dropLast())! / 100
                }
                #expect(abs(weight - 1) < 0.06, "whole contracts hold the exposure within its band: \(weight)")
            }
            try await client.execute(uri: "/funds/CXH-FRONT?format=pdf", method: .get) { r in #expect(r.status == .badRequest) }
            try await client.execute(uri: "/funds/CXH-FRONT?from=2025-03-20&to=2025-03-01", method: .get) { r in #expect(r.status == .badRequest) }
            try await client.execute(uri: "/grades/H100-SXM.NA.OD?from=2025-03-10&to=2025-03-15", method: .get) { r in
                #expect(r.status == .ok && r.body.text.contains("/api/v1/fixings.csv?grade=H100-SXM.NA.OD&from=2025-03-10&to=2025-03-15"))
            }
            try await client.execute(uri: "/indices/CIX-CCC?table=1&format=csv", method: .get) { r in #expect(r.status == .ok) }
            // The comparison table: the bytes of cix fund compare --out.
            try await client.execute(uri: "/api/v1/fund-compare.csv?funds=CXH-FRONT,CXH-LADDER", method: .get) { r in
                #expect(r.status == .ok && r.body.text == expectedCompare, "\(r.body.text)")
            }
            try await client.execute(uri: "/api/v1/fund-compare?funds=NOPE", method: .get) { r in #expect(r.status == .notFound) }
            // Quotes, paged: the pages together are the export's rows of the grade, in its order.
            var got: [String] = []
            var uri: String? = "/api/v1/quotes.csv?from=2025-03-20&to=2025-03-20&grade=H100-SXM.NA.OD&page_size=7"
            var pages = 0
            while let u = uri, pages < 50 {
                uri = try await client.execute(uri: u, method: .get) { r in
                    #expect(r.status == .ok)
                    got += r.body.text.split(separator: "\n").dropFirst().map(String.init)
                    return r.headers[.init("Link")!].flatMap { l in l.split(separator: ">").first.map { String($0.dropFirst()) } }
                }
                pages += 1
            }
            let expected = exported.split(separator: "\n").dropFirst().map(String.init).filter { line in
                line.contains(" H100-SXM.NA.OD ") || line.contains(",H100-SXM.NA.OD ") || line.contains(" H100-SXM.NA.OD,") || line.contains(",H100-SXM.NA.OD,")
            }
            #expect(pages > 1 && got == expected, "\(pages) pages, \(got.count) rows against \(expected.count)")
            // Dates are cut to the data before the 31-day limit: a far `to` is the last published day.
            let lastDay = try await client.execute(uri: "/api/v1/quotes.csv?page_size=10000", method: .get) { r in r.body.text }
            for u in ["/api/v1/quotes.csv?to=9999-12-31&page_size=10000", "/api/v1/quotes.csv?from=2025-03-21&to=9999-12-31&page_size=10000"] {
                try await client.execute(uri: u, method: .get) { r in #expect(r.status == .ok && r.body.text == lastDay && lastDay.count > 1000, "\(u)") }
            }
            try await client.execute(uri: "/api/v1/quotes?from=0001-01-01&to=2001-01-20", method: .get) { r in
                #expect(r.status == .ok && r.body.text == "[]\n", "before the data: nothing, not a 400")
            }
            try await client.execute(uri: "/api/v1/fund-compare?funds=CXH-FRONT,", method: .get) { r in #expect(r.status == .badRequest) }
            // The what-if: the shipped designs overlaid, the footer honest, funds.yaml's names accepted.
            try await client.execute(uri: "/whatif?design=ladder&months=6", method: .get) { r in
                let html = r.body.text
                #expect(html.contains("The what-if against the shipped designs") && !html.contains("from the store of record"))
                #expect(html.contains("Expense ratio (% a year)"))
            }
            let body = ByteBuffer(string: #"{"design": "ladder", "ladder_months": 6, "expense_ratio": 0.01, "cost_per_contract": 2}"#)
            try await client.execute(uri: "/api/v1/whatif", method: .post, body: body) { r in #expect(r.status == .ok) }
            try await client.execute(uri: "/api/v1/whatif", method: .post, body: ByteBuffer(string: #"{"fee": 0.01, "expense_ratio": 0.01}"#)) { r in
                #expect(r.status == .badRequest)
            }
        }
    }

    /// Issue 20 #3: a funds.yaml entry posted as JSON, with its own keys, gives the NAV `cix fund nav`
    /// published; one table of bad entries is refused by the loader and by the API alike.
    @Test func aFundsYAMLEntryPostedAsJSON() async throws {
        let entry = #"{"id": "CXH-LADDER", "name": "Compute 12-month ladder fund (CXH)", "futures": "CXH", "design": "ladder", "ladder_months": 12, "inception": "2025-01-02", "initial_nav": 25.00, "initial_shares": 200000, "contracts": "whole", "expense_ratio": 0.0085, "cost_per_contract": 1.00, "collateral": "tbill", "flows": "flows/cxh-ladder.csv", "roll_days": [5, 9]}"#
        let published = try runProcess(builtCix, ["export", "funds", "--fund", "CXH-LADDER", "--db", f.db]).1
        let cases: [(key: String, yaml: String, json: String)] = [
            ("ladder_months", "ladder_months: 13", #""ladder_months": 13"#),
            ("inception", "inception: 2025-01-04", #""inception": "2025-01-04""#),
            ("cost_per_contract", "cost_per_contract: 1e6", #""cost_per_contract": 1e6"#),
            ("expense_ratio", "expense_ratio: 0.9", #""expense_ratio": 0.9"#),
            ("initial_nav", "initial_nav: 1e-300", #""initial_nav": 1e-300"#),
        ]
        try await f.app().test(.router) { client in
            try await client.execute(uri: "/api/v1/whatif", method: .post, headers: [.accept: "text/csv"], body: ByteBuffer(string: entry)) { r in
                #expect(r.status == .ok)
                let mine = ServeTests.navByDate(r.body.text), theirs = ServeTests.navByDate(published)
                #expect(!theirs.isEmpty && theirs.keys.allSatisfy { mine[$0] == theirs[$0] }, "the posted entry reproduces CXH-LADDER's published NAV")
            }
            // The CXH-D2 entry has no flows: none, as in funds.yaml (not the first fund's); its id names the base.
            let d2 = #"{"id": "CXH-D2", "futures": "CXH", "design": "deferred", "deferred_months": 2, "inception": "2025-01-02", "initial_nav": 25.00, "initial_shares": 200000, "contracts": "whole", "expense_ratio": 0.0085, "cost_per_contract": 1.00}"#
            let publishedD2 = try runProcess(builtCix, ["export", "funds", "--fund", "CXH-D2", "--db", f.db]).1
            try await client.execute(uri: "/api/v1/whatif.csv", method: .post, body: ByteBuffer(string: d2)) { r in
                #expect(r.status == .ok)
                let mine = ServeTests.navByDate(r.body.text), theirs = ServeTests.navByDate(publishedD2)
                #expect(!theirs.isEmpty && theirs.keys.allSatisfy { mine[$0] == theirs[$0] }, "CXH-D2's entry without flows reproduces its NAV")
            }
            let both = entry.replacingOccurrences(of: #""roll_days": [5, 9]"#, with: #""roll_days": [5, 9], "roll_end": 4"#)
            try await client.execute(uri: "/api/v1/whatif", method: .post, body: ByteBuffer(string: both)) { r in
                #expect(r.status == .badRequest && r.body.text.contains("roll_days"))
            }
            for c in cases {
                // The loader: the CXH-LADDER entry of funds.yaml with the bad value.
                let dir = try editedIndices("json-\(c.key)") { files in
                    var lines = files["funds.yaml"]!.components(separatedBy: "\n")
                    let start = lines.firstIndex { $0.contains("id: CXH-LADDER") }!
                    let name = c.yaml.split(separator: ":")[0]
                    let i = lines[start...].firstIndex { $0.trimmingCharacters(in: .whitespaces).hasPrefix(name + ":") }!
                    lines[i] = "    " + c.yaml
                    files["funds.yaml"] = lines.joined(separator: "\n")
                }
                var loaderMessage = ""
                do { _ = try DefinitionLoader.methodology(dir); Issue.record("funds.yaml accepted \(c.yaml)") } catch let e as DefinitionError {
                    loaderMessage = e.description
                }
                let body = entry.replacingOccurrences(of: c.key == "ladder_months" ? #""ladder_months": 12"# : c.key == "inception" ? #""inception": "2025-01-02""#
                    : c.key == "cost_per_contract" ? #""cost_per_contract": 1.00"# : c.key == "expense_ratio" ? #""expense_ratio": 0.0085"# : #""initial_nav": 25.00"#, with: c.json)
                try await client.execute(uri: "/api/v1/whatif", method: .post, body: ByteBuffer(string: body)) { r in
                    #expect(r.status == .badRequest, "\(c.json): \(r.status)")
                    let o = try JSONSerialization.jsonObject(with: Data(r.body.text.utf8)) as? [String: Any]
                    let parameter = o?["parameter"] as? String ?? ""
                    #expect([c.key, "design"].contains(parameter) && loaderMessage.contains(c.key == "ladder_months" ? "design" : c.key),
                            "\(c.key): API names \(parameter), loader says \(loaderMessage)")
                    if c.key == "ladder_months" {
                        let reason = o?["reason"] as? String ?? ""
                        #expect(loaderMessage.contains("holds contracts up to 14 months ahead") && reason.contains("holds contracts up to 14 months ahead"),
                                "the same rule and words: \(reason) / \(loaderMessage)")
                    }
                }
            }
        }
    }

    /// Issue 20 #1: every registered series is published by the daily job, verified, exported with its
    /// schema's columns, served (rows, page, explain) and described in OpenAPI, from its one registration.
    @Test func everyRegisteredSeriesIsPublishedVerifiedExportedServedAndExplained() async throws {
        let all = PublishedSeriesRegistry.all
        #expect(all.map(\.table) == ["fixings", "index_levels", "curves", "futures_index_levels", "fund_nav", "final_settlements", "basis"])
        let verify = try VerifyJob.run(store: f.store, defs: f.defs)
        #expect(verify.differences.isEmpty)
        let dir = try tempDir()
        for x in all {
            #expect(verify.checked.first { $0.series == x.table }.map { $0.values > 0 } == true, "\(x.table) not verified")
            let (code, out, err) = try runProcess(builtCix, ["export", x.export.rawValue, "--db", f.db, "--out", dir + "/\(x.table).csv"])
            #expect(code == 0, "\(out)\(err)")
            let header = try String(contentsOfFile: dir + "/\(x.table).csv", encoding: .utf8).split(separator: "\n").first.map(String.init)
            #expect(header == x.exportColumns.joined(separator: ","))
        }
        let rows = try all.map { x in try f.store.read { try x.stored($0, from: nil, to: nil, series: nil, vintage: .latest) } }
        // A series needs no explain code of its own: the generic one reproduces its last published value.
        for (x, stored) in zip(all, rows) {
            let last = try #require(stored.last, "\(x.table) has nothing published")
            let e = try x.explainGenerically(f.store, f.defs, key: last.keyCells[0].description, date: CivilDate(iso: last.date)!)
            #expect(e.reproduces && e.stored != nil, "\(x.table): \(e.text)")
        }
        try await f.app().test(.router) { client in
            let openAPI = try await client.execute(uri: "/api/v1/openapi.json", method: .get) { r in
                (try JSONSerialization.jsonObject(with: Data(r.body.text.utf8)) as? [String: Any])?["paths"] as? [String: Any] ?? [:]
            }
            for (x, stored) in zip(all, rows) {
                let last = try #require(stored.last)
                let key = last.keyCells[0].description
                try await client.execute(uri: "/api/v1/\(x.export.rawValue)?\(x.idName)=\(key)&from=\(last.date)", method: .get) { r in
                    #expect(r.status == .ok, "\(x.table)")
                    let list = try JSONSerialization.jsonObject(with: Data(r.body.text.utf8)) as? [[String: Any]]
                    #expect(list?.isEmpty == false, "\(x.table)")
                }
                try await client.execute(uri: "/api/v1/explain/\(x.explainName)?\(x.idName)=\(key)&date=\(last.date)", method: .get) { r in
                    #expect(r.status == .ok, "\(x.table): \(r.body.text.prefix(200))")
                }
                if let page = x.page {
                    try await client.execute(uri: "/\(page.prefix)/\(key)", method: .get) { r in #expect(r.status == .ok, "\(x.table) page") }
                }
                for p in ["/api/v1/\(x.export.rawValue)", "/api/v1/\(x.export.rawValue).csv", "/api/v1/explain/\(x.explainName)"] {
                    #expect(openAPI[p] != nil, "\(p) missing from the OpenAPI document")
                }
            }
        }
    }

    /// Issue 20 #2 (METHODOLOGY §7.4, §7.7, §8.3): the curve, rolling-index and NAV inputs hashes are
    /// recomputed from the exports alone by the reference script, on the fixture's last published days;
    /// the worked examples' texts hash as the document says.
    @Test func futuresInputsHashesAreRecomputedFromTheExports() throws {
        let dir = try tempDir()
        for kind in ["fixings", "futures-indices", "settlements", "curves", "funds"] {
            #expect(try runProcess(builtCix, ["export", kind, "--db", f.db, "--out", dir + "/\(kind).csv"]).0 == 0)
        }
        func reference(_ what: String, _ input: [String: Any]) throws -> String {
            try JSONSerialization.data(withJSONObject: input).write(to: URL(fileURLWithPath: dir + "/in.json"))
            let (code, out, err) = try runProcess("/bin/sh", ["-c", "python3 \(repoRoot)/Tests/CixTests/Reference/methodology_reference.py \(what) < \(dir)/in.json"])
            #expect(code == 0, "\(err)")
            return (try JSONSerialization.jsonObject(with: Data(out.utf8), options: [.fragmentsAllowed]) as? String) ?? ""
        }
        let store = f.store
        let curves = try store.read { try $0.latestCurves() }
        var checked = 0
        for fut in f.defs.futures {
            let strip = Dictionary(uniqueKeysWithValues: fut.termGrades.map { ("\($0.key)", $0.value) })
            for d in Set(curves.filter { $0.root == fut.root }.map(\.date)).sorted().suffix(5) {
                let stored = curves.first { $0.root == fut.root && $0.date == d }!.inputsHash
                #expect(try reference("curve-hash", ["fixings": dir + "/fixings.csv", "underlying": fut.underlying, "strip": strip, "date": d]) == stored,
                        "\(fut.root) \(d)")
                checked += 1
            }
        }
        for r in try store.read({ try $0.latestFuturesIndexLevels() }).suffix(12) {
            #expect(try reference("roll-hash", ["indices": dir + "/futures-indices.csv", "settlements": dir + "/settlements.csv",
                                                "curves": dir + "/curves.csv", "index": r.index, "date": r.date]) == r.inputsHash, "\(r.index) \(r.date)")
            checked += 1
        }
        // §8.3: every fund's last days (its first published day follows days before the fixture's
        // publication, which the exports do not hold).
        var navs = 0
        for fund in f.defs.funds {
            let days = try store.read { try $0.latestFundNAV(fund: fund.id) }
            var rateIndex: String?
            if case .tbill = fund.collateral { rateIndex = f.defs.rollingIndices.first { $0.futures == fund.futures }?.id }
            for r in days.suffix(5) {
                #expect(r.inputsHash != nil)
                #expect(try reference("nav-hash", ["funds": dir + "/funds.csv", "settlements": dir + "/settlements.csv", "curves": dir + "/curves.csv",
                                                   "indices": dir + "/futures-indices.csv", "rate_index": rateIndex ?? NSNull(), "fund": r.fund,
                                                   "date": r.date]) == r.inputsHash, "\(r.fund) \(r.date)")
                navs += 1
            }
        }
        #expect(checked >= 20 && navs >= 10)
        // The worked examples of §7.4, §7.7 and §8.3, in the engine's own number format.
        let day = CivilDate(iso: "2025-03-21")!
        #expect(FuturesAudit.hash(FuturesAudit.curveText(date: day, underlying: "H100-SXM.NA.OD", spot: 2.5, strip: [6: 1.8, 1: 2.0, 3: 1.9]))
                == "413c685459c35dbeaf26fe50466971fca3da03f2ad45241ea825f2422be40f44")
        #expect(FuturesAudit.hash(FuturesAudit.rollText(index: "CXH-ROLL", date: day, holdings: "CXHJ25:0.4 CXHK25:0.6",
                                                        prices: ["CXHK25": 2.43, "CXHJ25": 2.41], rate: 4.2))
                == "cc126fe74e21247246eb7cfb30d10e6e8f62063b5062dcd6c959ad5bb592d77a")
        #expect(FuturesAudit.hash(FuturesAudit.navText(fund: "CXH-FRONT", date: day, previous: "CXHJ25:10.5", positions: "CXHJ25:6.3 CXHK25:4.2",
                                                       prices: ["CXHK25": 2.43, "CXHJ25": 2.41], rate: 4.2))
                == "c79b38554c49dac976bf169003d4698d4d7de84fd5965fcab713ba82a66c6e42")
    }

    /// Issue 22 #8: the factsheet fixes: the effective base date, an unclipped last axis label, magnitudes
    /// without a sign, and both offer counts named on the grade page.
    @Test func factsheetFixes() async throws {
        #expect(ReportJob.baseText("2025-03-01", defined: CivilDate(iso: "2025-01-02")!).hasPrefix("2025-03-01 (defined as 2025-01-02"))
        #expect(ReportJob.baseText("2025-01-02", defined: CivilDate(iso: "2025-01-02")!) == "2025-01-02")
        #expect(ReportJob.pctAbs(0.1234) == "12.34%" && ReportJob.pct(0.1234) == "+12.34%")
        let pts = (0..<60).map { ChartPoint(Double(CivilDate(iso: "2026-10-03")!.dayNumber + Int64($0)), Double($0)) }
        let svg = Charts.line(title: "t", yLabel: "y", x: .dates, series: [ChartSeries(name: "s", color: "#000", points: pts)], band: nil).render()
        #expect(svg.contains("style=\"text-anchor: end\">Dec 2026<"), "the last month label ends at its tick")
        try await f.app().test(.router) { client in
            try await client.execute(uri: "/grades/H100-SXM.NA.OD?date=2025-03-20", method: .get) { r in
                #expect(r.body.text.contains("Offers read") && r.body.text.contains("Offers in the fixing"))
            }
            try await client.execute(uri: "/whatif?table=0&format=csv", method: .get) { r in
                let lines = r.body.text.split(separator: "\n").map { $0.split(separator: ",").map(String.init) }
                #expect(lines.first?[5] == "Volatility" && lines.count > 2, "\(lines.first ?? [])")
                for row in lines.dropFirst() { #expect(!row[5].hasPrefix("+") && !row[6].hasPrefix("+") && !row[7].hasPrefix("+"), "\(row)") }
            }
        }
    }

    /// HEAD is GET without a body; a body over 1 MiB is 413; Accept is read case-insensitively, with q-values.
    @Test func headBigBodiesAndAccept() async throws {
        try await f.app().test(.router) { client in
            try await client.execute(uri: "/api/v1/indices?index=CIX-CCC", method: .head) { r in
                #expect(r.status == .ok && r.body.readableBytes == 0)
            }
            try await client.execute(uri: "/", method: .head) { r in #expect(r.status == .ok) }
            let big = ByteBuffer(string: "{\"fee\": \"" + String(repeating: "1", count: 2 << 20) + "\"}")
            try await client.execute(uri: "/api/v1/whatif", method: .post, body: big) { r in
                #expect(r.status == .contentTooLarge || r.status == .badRequest, "\(r.status)")
                #expect(r.body.text.contains("\"parameter\":\"body\""))
            }
            for (accept, csv) in [("TEXT/CSV", true), ("text/csv;q=0.1, application/json", false), ("application/json", false), ("*/*", false)] {
                try await client.execute(uri: "/api/v1/indices?index=CIX-CCC", method: .get, headers: [.accept: accept]) { r in
                    #expect(r.headers[.contentType]?.hasPrefix(csv ? "text/csv" : "application/json") == true, "\(accept)")
                }
            }
        }
    }

    /// With --token every request needs the bearer token.
    @Test func tokenIsRequired() async throws {
        try await f.app(token: "s3cret").test(.router) { client in
            try await client.execute(uri: "/api/v1/indices", method: .get) { r in #expect(r.status == .unauthorized) }
            try await client.execute(uri: "/", method: .get, headers: [.authorization: "Bearer wrong"]) { r in #expect(r.status == .unauthorized) }
            try await client.execute(uri: "/api/v1/indices?index=CIX-CCC", method: .get, headers: [.authorization: "Bearer s3cret"]) { r in
                #expect(r.status == .ok)
            }
        }
    }

    /// The what-if page of a link with parameters renders in headless Chromium with its chart drawn.
    @Test func whatIfPageInChromium() async throws {
        let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first { FileManager.default.isExecutableFile(atPath: $0) }
        try #require(chromium != nil, "Chromium is needed for this test: .ci/run installs it (apt-get install chromium)")
        let page = f.dir + "/whatif.html"
        try await f.app().test(.router) { client in
            try await client.execute(uri: "/whatif?base=CXH-FRONT&design=deferred&months=2&fee=0.0075&roll_start=3&roll_end=7", method: .get) { r in
                #expect(r.status == .ok)
                try r.body.text.write(toFile: page, atomically: true, encoding: .utf8)
            }
        }
        let flags = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--enable-logging=stderr", "--v=0"]
        let (dc, dom, derr) = try runProcess(chromium!, flags + ["--dump-dom", "file://" + page])
        #expect(dc == 0, "\(derr)")
        #expect(!derr.contains("CONSOLE"))
        #expect(dom.contains("<form") && dom.components(separatedBy: "<path d=\"M").count - 1 >= 2, "the NAV and TR lines are drawn")
    }
}
