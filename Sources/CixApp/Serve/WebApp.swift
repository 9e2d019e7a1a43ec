import CixCore
import CixIO
import CixStore
import Foundation
import Hummingbird
import Logging

/// Responses by request, valid while no publication run has been added to the store (the daily job
/// may publish while the app serves: the next request sees the new run and recomputes). Bounded in
/// bytes: the oldest entries go first, and a response larger than a quarter of the budget is served
/// but not kept (distinct large queries cannot grow the server's memory).
final class ResponseCache: @unchecked Sendable {
    private let lock = NSLock()
    private var version: Int64 = -1
    private var items: [String: (contentType: String, bytes: [UInt8])] = [:]
    /// Keys oldest first (a hit does not reorder: eviction is first in, first out).
    private var order: [String] = []
    private(set) var bytes = 0
    let budget: Int
    private var market: (FuturesJob.Market, CivilDate)?

    init(budget: Int = 64 << 20) { self.budget = budget }

    /// Bytes held now (for tests and the log).
    var size: Int { lock.lock(); defer { lock.unlock() }; return bytes }

    private func reset(_ v: Int64) { version = v; items.removeAll(); order.removeAll(); bytes = 0; market = nil; span = (nil, false) }

    func get(_ key: String, version v: Int64) -> (contentType: String, bytes: [UInt8])? {
        lock.lock()
        defer { lock.unlock() }
        if v != version { reset(v) }
        return items[key]
    }

    func put(_ key: String, version v: Int64, _ value: (contentType: String, bytes: [UInt8])) {
        lock.lock()
        defer { lock.unlock() }
        guard v == version, items[key] == nil, value.bytes.count <= budget / 4 else { return }
        while bytes + value.bytes.count > budget, !order.isEmpty {
            let old = order.removeFirst()
            bytes -= items.removeValue(forKey: old)?.bytes.count ?? 0
        }
        items[key] = value
        order.append(key)
        bytes += value.bytes.count
    }

    private var span: (ClosedRange<CivilDate>?, Bool) = (nil, false)

    /// The dates of any published row, loaded once per version.
    func span(version v: Int64, load: () throws -> ClosedRange<CivilDate>?) rethrows -> ClosedRange<CivilDate>? {
        lock.lock()
        if v != version { reset(v) }
        if span.1 { lock.unlock(); return span.0 }
        lock.unlock()
        let x = try load()
        lock.lock()
        if v == version { span = (x, true) }
        lock.unlock()
        return x
    }

    func market(version v: Int64, load: () throws -> (FuturesJob.Market, CivilDate)) rethrows -> (FuturesJob.Market, CivilDate) {
        lock.lock()
        if v != version { reset(v) }
        if let m = market { lock.unlock(); return m }
        lock.unlock()
        let m = try load()
        lock.lock()
        if v == version { market = m }
        lock.unlock()
        return m
    }
}

/// Heavy requests (the what-if designer computes a fund from its inception) run on a queue of their
/// own, `limit` at a time, never on the server's threads: pages and the API stay responsive while they
/// run. At most `maxWaiting` wait; more are refused with 503 and Retry-After.
final class WorkGate: @unchecked Sendable {
    private let queue: DispatchQueue
    private let semaphore: DispatchSemaphore
    private let lock = NSLock()
    private var waiting = 0
    let maxWaiting: Int

    init(label: String, limit: Int = 1, maxWaiting: Int = 16) {
        queue = DispatchQueue(label: label, attributes: .concurrent)
        semaphore = DispatchSemaphore(value: limit)
        self.maxWaiting = maxWaiting
    }

    /// Computations admitted and not finished (running or waiting).
    var inFlight: Int { lock.lock(); defer { lock.unlock() }; return waiting }

    /// Admits one more computation, or refuses (503) when `maxWaiting` are in flight.
    private func admit() throws {
        try lock.withLock {
            guard waiting < maxWaiting else {
                throw WebError(503, "busy: \(maxWaiting) what-if computations are already in progress; retry in a few seconds")
            }
            waiting += 1
        }
    }

    private func done() { lock.withLock { waiting -= 1 } }

    func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try admit()
        let semaphore = self.semaphore
        let result: Result<T, Error> = await withCheckedContinuation { c in
            queue.async {
                semaphore.wait()
                let r = Result { try work() }
                semaphore.signal()
                c.resume(returning: r)
            }
        }
        done()
        return try result.get()
    }
}

/// `cix serve`: the store's published series as pages and an API (read-only).
public struct WebApp: Sendable {
    let store: Store
    let defs: MethodologyDefinitions
    let token: String?
    let cache: ResponseCache
    let heavy: WorkGate

    /// `cacheBytes` bounds the response cache; `whatIfWaiting` the what-if computations admitted at once.
    public init(store: Store, defs: MethodologyDefinitions, token: String? = nil, cacheBytes: Int = 64 << 20, whatIfWaiting: Int = 16) {
        self.store = store
        self.defs = defs
        self.token = token
        cache = ResponseCache(budget: cacheBytes)
        heavy = WorkGate(label: "cix.whatif", maxWaiting: whatIfWaiting)
    }

    // MARK: Responses

    static func response(_ status: HTTPResponse.Status, _ contentType: String, _ bytes: [UInt8]) -> Response {
        Response(status: status, headers: [.contentType: contentType, .cacheControl: "no-store"],
                 body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    static func html(_ s: String, status: HTTPResponse.Status = .ok) -> Response { response(status, "text/html; charset=utf-8", Array(s.utf8)) }

    static func json(_ object: Any, status: HTTPResponse.Status = .ok) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        return response(status, "application/json", Array(data) + [0x0A])
    }

    static func errorResponse(_ e: WebError, html: Bool) -> Response {
        var e = e
        // Never echo a huge input back.
        if e.reason.count > 300 { e.reason = String(e.reason.prefix(300)) + "…" }
        if let p = e.parameter, p.count > 40 { e.parameter = String(p.prefix(40)) + "…" }
        let status = HTTPResponse.Status(code: e.status)
        if html {
            let title = [404: "Not found", 405: "Method not allowed", 503: "Busy"][e.status] ?? "Bad request"
            var p = page(title, e.reason, date: "")
            p.blocks = [.error((e.parameter.map { "\($0): " } ?? "") + e.reason)]
            var r = WebApp.html(Factsheet.render(p), status: status)
            if e.status == 503 { r.headers[.retryAfter] = "5" }
            return r
        }
        let kind = [404: "not found", 405: "method not allowed", 413: "payload too large", 500: "internal error", 503: "busy"][e.status] ?? "bad request"
        var body: [String: Any] = ["error": kind, "reason": e.reason]
        if let p = e.parameter { body["parameter"] = p }
        var r = json(body, status: status)
        if e.status == 503 { r.headers[.retryAfter] = "5" }
        return r
    }

    static let nav: [(label: String, href: String)] = [("Home", "/"), ("What-if designer", "/whatif"), ("API (OpenAPI)", "/api/v1/openapi.json")]

    /// The store's publication version: the newest publication run (cached responses are valid until it changes).
    func version() throws -> Int64 { try store.read { try $0.newestRunID() } }

    /// A cached response body, computed on a miss.
    func cached(_ key: String, _ contentType: String, _ make: () throws -> [UInt8]) throws -> Response {
        let v = try version()
        if let hit = cache.get(key, version: v) { return WebApp.response(.ok, hit.contentType, hit.bytes) }
        let bytes = try make()
        cache.put(key, version: v, (contentType, bytes))
        return WebApp.response(.ok, contentType, bytes)
    }

    // MARK: Parameters

    /// The query's parameters; one given twice, or empty, is refused (400 naming it).
    static func query(_ r: Request) throws -> [String: String] {
        var out: [String: String] = [:]
        for (k, v) in r.uri.queryParameters {
            let key = String(k).removingPercentEncoding ?? String(k)
            guard out[key] == nil else { throw WebError(400, parameter: String(key.prefix(40)), "given twice") }
            let value = String(v).removingPercentEncoding ?? String(v)
            guard !value.isEmpty else { throw WebError(400, parameter: String(key.prefix(40)), "empty") }
            out[key] = value
        }
        return out
    }

    /// A page or route that takes only these parameters (or none) refuses others.
    static func only(_ q: [String: String], _ allowed: Set<String>, what: String = "page") throws {
        for k in q.keys.sorted() where !allowed.contains(k) {
            throw WebError(400, parameter: String(k.prefix(40)), allowed.isEmpty ? "this \(what) takes no parameters"
                           : "unknown parameter (this \(what) takes \(allowed.sorted().joined(separator: ", ")))")
        }
    }

    static func date(_ q: [String: String], _ k: String) throws -> CivilDate? {
        guard let t = q[k] else { return nil }
        guard let d = CivilDate(iso: t) else { throw WebError(400, parameter: k, "\(t) is not a date that exists (YYYY-MM-DD)") }
        return d
    }

    func lastDate() throws -> CivilDate {
        guard let span = try store.read({ try $0.publishedFixingSpan() }) else { throw WebError(404, "nothing is published in this store yet") }
        return span.upperBound
    }

    // MARK: Router

    public func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.add(middleware: LogRequestsMiddleware(.info))
        router.add(middleware: ErrorMiddleware())
        router.add(middleware: HeadMiddleware())
        if let token { router.add(middleware: TokenMiddleware(token: token)) }
        let app = self
        /// A GET route, also answered for HEAD.
        func get(_ path: RouterPath, _ handler: @escaping @Sendable (Request, BasicRequestContext) async throws -> Response) {
            router.get(path, use: handler)
            router.on(path, method: .head, use: handler)
        }
        get("/") { r, _ in
            let q = try WebApp.query(r)
            try WebApp.only(q, WebApp.pageKeys)
            return try app.cached("/?" + WebApp.canonical(q), WebApp.contentType(q)) { try app.respond(try app.homePage(), path: "/", query: q) }
        }
        get("/grades/:id") { r, c in
            let q = try WebApp.query(r)
            try WebApp.only(q, WebApp.pageKeys.union(["date", "from", "to"]))
            let id = c.parameters.get("id") ?? ""
            let (from, to) = try WebApp.pageRange(q)
            let bytes = try app.respond(try app.gradePage(id, date: try WebApp.date(q, "date"), from: from, to: to), path: "/grades/\(id)", query: q)
            return WebApp.response(.ok, WebApp.contentType(q), bytes)
        }
        for (prefix, kind) in PublishedSeriesRegistry.all.compactMap(\.page) {
            get("/\(prefix)/:id") { r, c in
                let q = try WebApp.query(r)
                try WebApp.only(q, WebApp.pageKeys.union(["from", "to"]))
                let id = c.parameters.get("id") ?? ""
                let (from, to) = try WebApp.pageRange(q)
                return try app.cached("/\(prefix)/\(id)?" + WebApp.canonical(q), WebApp.contentType(q)) {
                    try app.respond(try app.seriesPage(kind: kind, id: id, from: from, to: to), path: "/\(prefix)/\(id)", query: q)
                }
            }
        }
        get("/whatif") { r, _ in
            let q = try WebApp.query(r)
            let params = q.filter { $0.key != "table" && $0.key != "format" }
            return try await app.heavy.run {
                do {
                    return WebApp.response(.ok, WebApp.contentType(q), try app.respond(try app.whatIfPage(params), path: "/whatif", query: q))
                } catch let e as WebError where e.status != 503 {
                    return WebApp.html(Factsheet.render(try app.whatIfPage([:], error: e)), status: HTTPResponse.Status(code: e.status))
                }
            }
        }
        // API (§ README "cix serve"): JSON arrays with the export's column names, or the export's CSV.
        let series: [(String, ExportKind, String?)] = PublishedSeriesRegistry.all.map { ($0.export.rawValue, $0.export, $0.idName) }
            + [("weights", .weights, "index"), ("settlements", .settlements, "contract"), ("restatements", .restatements, nil)]
        for (name, kind, idParam) in series {
            let handler: @Sendable (Request, BasicRequestContext) async throws -> Response = { r, _ in
                try app.seriesAPI(kind: kind, idParam: idParam, query: try WebApp.query(r), csv: WebApp.wantsCSV(r))
            }
            get(RouterPath(stringLiteral: "/api/v1/\(name)"), handler)
            get("/api/v1/\(name).csv") { r, _ in try app.seriesAPI(kind: kind, idParam: idParam, query: try WebApp.query(r), csv: true) }
        }
        get("/api/v1/funds/:id/nav") { r, c in
            try app.fundAPI(c.parameters.get("id") ?? "", query: try WebApp.query(r), csv: WebApp.wantsCSV(r))
        }
        get("/api/v1/funds/:id/nav.csv") { r, c in try app.fundAPI(c.parameters.get("id") ?? "", query: try WebApp.query(r), csv: true) }
        for x in PublishedSeriesRegistry.all {
            get(RouterPath(stringLiteral: "/api/v1/explain/\(x.explainName)")) { r, _ in try app.explainAPI(x, try WebApp.query(r)) }
        }
        get("/api/v1/quotes") { r, _ in try app.quotesAPI(try WebApp.query(r), csv: WebApp.wantsCSV(r)) }
        get("/api/v1/quotes.csv") { r, _ in try app.quotesAPI(try WebApp.query(r), csv: true) }
        get("/api/v1/fund-compare") { r, _ in
            let q = try WebApp.query(r), csv = WebApp.wantsCSV(r)
            return try await app.heavy.run { try app.fundCompareAPI(q, csv: csv) }
        }
        get("/api/v1/fund-compare.csv") { r, _ in
            let q = try WebApp.query(r)
            return try await app.heavy.run { try app.fundCompareAPI(q, csv: true) }
        }
        for (path, forceCSV) in [("/api/v1/whatif", false), ("/api/v1/whatif.csv", true)] {
        router.post(RouterPath(stringLiteral: path)) { r, _ in
            try WebApp.only(try WebApp.query(r), [], what: "route")
            if let n = r.headers[.contentLength].flatMap(Int.init), n > WebApp.maxBody {
                throw WebError(413, parameter: "body", "larger than \(WebApp.maxBody) bytes")
            }
            var req = r
            let body: ByteBuffer
            do { body = try await req.collectBody(upTo: WebApp.maxBody) } catch {
                throw WebError(400, parameter: "body", "could not be read whole (a JSON object of at most \(WebApp.maxBody) bytes)")
            }
            let data = Data(buffer: body), csv = forceCSV || WebApp.wantsCSV(r)
            return try await app.heavy.run { try app.whatIfAPI(body: data, csv: csv) }
        }
        }
        get("/api/v1/openapi.json") { _, _ in WebApp.response(.ok, "application/json", Array(OpenAPIDocument.json.utf8)) }
        return router
    }

    static let maxBody = 1 << 20

    /// Every page takes `table=K&format=csv` (its K-th table as CSV; issue 22 #10).
    static let pageKeys: Set<String> = ["table", "format"]

    static func contentType(_ q: [String: String]) -> String { q["format"] == "csv" ? "text/csv; charset=utf-8" : "text/html; charset=utf-8" }

    /// A query as one canonical text (the cache key of a page).
    static func canonical(_ q: [String: String]) -> String { q.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "&") }

    /// A page's `from` and `to` (dates, from not after to).
    static func pageRange(_ q: [String: String]) throws -> (CivilDate?, CivilDate?) {
        let r = try range(q)
        return (r.from, r.to)
    }

    /// A query as link text: keys in order, values percent-encoded (`&`, `=` and `+` too).
    static func queryText(_ q: [String: String]) -> String {
        q.sorted { $0.key < $1.key }.map { k, v in
            "\(k)=\(v.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed.subtracting(CharacterSet(charactersIn: "&=+"))) ?? v)"
        }.joined(separator: "&")
    }

    /// A page as HTML, or with `format=csv&table=K` its K-th table as CSV. Each table links its CSV.
    func respond(_ page: FactsheetPage, path: String, query q: [String: String]) throws -> [UInt8] {
        var p = page
        var rest = q
        rest["table"] = nil
        rest["format"] = nil
        let text = WebApp.queryText(rest)
        p.csvBase = path + (text.isEmpty ? "" : "?" + text)
        switch q["format"] {
        case nil:
            guard q["table"] == nil else { throw WebError(400, parameter: "table", "give format=csv with table") }
            return Array(Factsheet.render(p).utf8)
        case "csv":
            let n = Factsheet.tables(p).count
            guard let t = q["table"], let k = Int(t), (0..<n).contains(k), let csv = Factsheet.tableCSV(p, k) else {
                throw WebError(400, parameter: "table", "give the number of a table of this page, 0 to \(max(0, n - 1))")
            }
            return Array(csv.utf8)
        case let f?: throw WebError(400, parameter: "format", "\(f.prefix(20)) is not csv (leave it out for the page)")
        }
    }

    /// Accept: CSV when text/csv is acceptable (q > 0) and preferred to JSON (case-insensitive).
    static func wantsCSV(_ r: Request) -> Bool {
        var csv = 0.0, json = -1.0
        for part in (r.headers[.accept] ?? "").lowercased().split(separator: ",") {
            let fields = part.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            var q = 1.0
            for f in fields.dropFirst() where f.hasPrefix("q=") { q = Double(f.dropFirst(2)) ?? 1 }
            switch fields.first ?? "" {
            case "text/csv": csv = max(csv, q)
            case "application/json", "*/*", "application/*": json = max(json, q)
            default: break
            }
        }
        return csv > 0 && csv >= json
    }

    /// The routes and their methods (405 with Allow for another method).
    static let routes: [(pattern: String, methods: String)] = {
        let all = PublishedSeriesRegistry.all
        let pages = all.compactMap(\.page?.prefix).joined(separator: "|")
        let apis = (all.map(\.export.rawValue) + ["weights", "settlements", "restatements"]).joined(separator: "|")
        return [
        ("^/$", "GET, HEAD"), ("^/grades/[^/]+$", "GET, HEAD"), ("^/(\(pages))/[^/]+$", "GET, HEAD"), ("^/whatif$", "GET, HEAD"),
        ("^/api/v1/(\(apis))(\\.csv)?$", "GET, HEAD"),
        ("^/api/v1/funds/[^/]+/nav(\\.csv)?$", "GET, HEAD"), ("^/api/v1/explain/(\(all.map(\.explainName).joined(separator: "|")))$", "GET, HEAD"),
        ("^/api/v1/openapi\\.json$", "GET, HEAD"),
        ("^/api/v1/fund-compare(\\.csv)?$", "GET, HEAD"), ("^/api/v1/quotes(\\.csv)?$", "GET, HEAD"),
        ("^/api/v1/whatif(\\.csv)?$", "POST"),
        ]
    }()

    static func allowed(_ path: String) -> String? {
        routes.first { path.range(of: $0.pattern, options: .regularExpression) != nil }?.methods
    }

    /// The Hummingbird application on `host:port`.
    /// `onRunning` is called once the port is bound (never when binding fails).
    public func application(host: String, port: Int, logger: Logger, onRunning: @escaping @Sendable () -> Void = {}) -> some ApplicationProtocol {
        // An idle connection (a stalled request body included) is closed after 30 s.
        Application(router: router(), server: .http1(configuration: .init(idleTimeout: .seconds(30))),
                    configuration: .init(address: .hostname(host, port: port), serverName: "cix"),
                    onServerRunning: { _ in onRunning() }, logger: logger)
    }
}

extension Data {
    init(buffer: ByteBuffer) {
        var b = buffer
        self = Data(b.readBytes(length: b.readableBytes) ?? [])
    }
}

/// HEAD is GET without the body (every GET route is also registered for HEAD).
struct HeadMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.method == .head else { return try await next(request, context) }
        var response = try await next(request, context)
        response.body = ResponseBody()
        return response
    }
}

/// Every request needs `Authorization: Bearer TOKEN` (401 otherwise).
struct TokenMiddleware<Context: RequestContext>: RouterMiddleware {
    let token: String
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.headers[.authorization] == "Bearer \(token)" else {
            var r = WebApp.json(["error": "unauthorized", "reason": "give the header Authorization: Bearer TOKEN"], status: .unauthorized)
            r.headers[.wwwAuthenticate] = "Bearer"
            return r
        }
        return try await next(request, context)
    }
}

/// Turns every error into a response: a `WebError` into its 400 or 404 (JSON for the API, a page
/// otherwise), an unknown route into 404, anything else into a 500 that names nothing internal.
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let api = request.uri.path.hasPrefix("/api/")
        do {
            return try await next(request, context)
        } catch let e as WebError {
            return WebApp.errorResponse(e, html: !api)
        } catch let e as HTTPError where e.status == .notFound {
            if let methods = WebApp.allowed(request.uri.path) {
                var r = WebApp.errorResponse(WebError(405, "\(request.method) is not allowed here (allowed: \(methods))"), html: !api)
                r.headers[.allow] = methods
                return r
            }
            return WebApp.errorResponse(WebError(404, "no such page or route: \(request.uri.path.prefix(200))"), html: !api)
        } catch let e as HTTPError {
            return WebApp.errorResponse(WebError(e.status.code, e.body ?? "\(e.status)"), html: !api)
        } catch {
            context.logger.error("internal error on \(request.uri.path): \(error)")
            return WebApp.errorResponse(WebError(500, "internal error (logged)"), html: !api)
        }
    }
}
