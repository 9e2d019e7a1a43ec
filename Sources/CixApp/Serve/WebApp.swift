import CixCore
import CixIO
import CixStore
import Foundation
import Hummingbird
import Logging

/// Responses by request, valid while no publication run has been added to the store (the daily job
/// may publish while the app serves: the next request sees the new run and recomputes).
final class ResponseCache: @unchecked Sendable {
    private let lock = NSLock()
    private var version: Int64 = -1
    private var items: [String: (contentType: String, bytes: [UInt8])] = [:]
    private var market: (FuturesJob.Market, CivilDate)?

    func get(_ key: String, version v: Int64) -> (contentType: String, bytes: [UInt8])? {
        lock.lock()
        defer { lock.unlock() }
        if v != version { version = v; items.removeAll(); market = nil }
        return items[key]
    }

    func put(_ key: String, version v: Int64, _ value: (contentType: String, bytes: [UInt8])) {
        lock.lock()
        defer { lock.unlock() }
        guard v == version else { return }
        if items.count > 512 { items.removeAll() }
        items[key] = value
    }

    func market(version v: Int64, load: () throws -> (FuturesJob.Market, CivilDate)) rethrows -> (FuturesJob.Market, CivilDate) {
        lock.lock()
        if v != version { version = v; items.removeAll(); market = nil }
        if let m = market { lock.unlock(); return m }
        lock.unlock()
        let m = try load()
        lock.lock()
        if v == version { market = m }
        lock.unlock()
        return m
    }
}

/// `cix serve`: the store's published series as pages and an API (read-only).
public struct WebApp: Sendable {
    let store: Store
    let defs: MethodologyDefinitions
    let token: String?
    let cache = ResponseCache()

    public init(store: Store, defs: MethodologyDefinitions, token: String? = nil) {
        self.store = store
        self.defs = defs
        self.token = token
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
        let status = HTTPResponse.Status(code: e.status)
        if html {
            var p = FactsheetPage(title: e.status == 404 ? "Not found" : "Bad request", subtitle: e.reason, date: "")
            p.nav = nav
            p.homeHref = "/"
            p.blocks = [.error((e.parameter.map { "\($0): " } ?? "") + e.reason)]
            return WebApp.html(Factsheet.render(p), status: status)
        }
        var body: [String: Any] = ["error": e.status == 404 ? "not found" : "bad request", "reason": e.reason]
        if let p = e.parameter { body["parameter"] = p }
        return json(body, status: status)
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

    static func query(_ r: Request) -> [String: String] {
        var out: [String: String] = [:]
        for (k, v) in r.uri.queryParameters { out[String(k)] = String(v).removingPercentEncoding ?? String(v) }
        return out
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
        if let token { router.add(middleware: TokenMiddleware(token: token)) }
        let app = self
        router.get("/") { _, _ in try app.cached("/", "text/html; charset=utf-8") { Array(try app.homePage().utf8) } }
        router.get("/grades/:id") { r, c in
            let q = WebApp.query(r)
            return WebApp.html(try app.gradePage(c.parameters.get("id") ?? "", date: try WebApp.date(q, "date")))
        }
        for (prefix, kind) in [("indices", "index"), ("futures", "futures"), ("funds", "fund")] {
            router.get("/\(prefix)/:id") { _, c in
                let id = c.parameters.get("id") ?? ""
                return try app.cached("/\(prefix)/\(id)", "text/html; charset=utf-8") { Array(try app.seriesPage(kind: kind, id: id).utf8) }
            }
        }
        router.get("/whatif") { r, _ in
            let q = WebApp.query(r)
            do { return WebApp.html(try app.whatIfPage(q)) } catch let e as WebError {
                return WebApp.html(try app.whatIfPage([:], error: e), status: HTTPResponse.Status(code: e.status))
            }
        }
        // API (§ README "cix serve"): JSON arrays with the export's column names, or the export's CSV.
        let series: [(String, ExportKind, String?)] = [("fixings", .fixings, "grade"), ("indices", .indices, "index"), ("weights", .weights, "index"),
                                                      ("futures-indices", .futuresIndices, "index"), ("curves", .curves, "root"),
                                                      ("settlements", .settlements, "contract"), ("restatements", .restatements, nil)]
        for (name, kind, idParam) in series {
            let handler: @Sendable (Request, BasicRequestContext) async throws -> Response = { r, _ in
                try app.seriesAPI(kind: kind, idParam: idParam, query: WebApp.query(r), csv: WebApp.wantsCSV(r))
            }
            router.get("/api/v1/\(name)", use: handler)
            router.get("/api/v1/\(name).csv") { r, _ in try app.seriesAPI(kind: kind, idParam: idParam, query: WebApp.query(r), csv: true) }
        }
        router.get("/api/v1/funds/:id/nav") { r, c in
            try app.fundAPI(c.parameters.get("id") ?? "", query: WebApp.query(r), csv: WebApp.wantsCSV(r))
        }
        router.get("/api/v1/funds/:id/nav.csv") { r, c in try app.fundAPI(c.parameters.get("id") ?? "", query: WebApp.query(r), csv: true) }
        router.get("/api/v1/explain/fixing") { r, _ in try app.explainAPI(WebApp.query(r)) }
        router.post("/api/v1/whatif") { r, _ in
            var req = r
            let body = try await req.collectBody(upTo: 1 << 20)
            return try app.whatIfAPI(body: Data(buffer: body), csv: WebApp.wantsCSV(r))
        }
        router.get("/api/v1/openapi.json") { _, _ in WebApp.response(.ok, "application/json", Array(OpenAPIDocument.json.utf8)) }
        return router
    }

    static func wantsCSV(_ r: Request) -> Bool {
        (r.headers[.accept] ?? "").contains("text/csv")
    }

    /// The Hummingbird application on `host:port`.
    public func application(host: String, port: Int, logger: Logger) -> some ApplicationProtocol {
        Application(router: router(), configuration: .init(address: .hostname(host, port: port), serverName: "cix"), logger: logger)
    }
}

extension Data {
    init(buffer: ByteBuffer) {
        var b = buffer
        self = Data(b.readBytes(length: b.readableBytes) ?? [])
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
            return WebApp.errorResponse(WebError(404, "no such page or route: \(request.uri.path)"), html: !api)
        } catch let e as HTTPError {
            return WebApp.errorResponse(WebError(e.status.code, e.body ?? "\(e.status)"), html: !api)
        } catch {
            context.logger.error("internal error on \(request.uri.path): \(error)")
            return WebApp.errorResponse(WebError(500, "internal error (logged)"), html: !api)
        }
    }
}
