import ArgumentParser
import CixCore
import CixIO
import CixStore
import Foundation
import Logging

/// Holds a background task's error for the waiting thread.
final class ErrorBox: @unchecked Sendable {
    var error: Error?
}

struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "A local web app on the store (read-only): pages with charts, a what-if fund designer, and a JSON/CSV API.",
        discussion: """
        Pages: / (latest fixings and indices), /grades/ID, /indices/ID, /futures/ID, /funds/ID, /whatif. API under /api/v1 \
        (described at /api/v1/openapi.json). The store is opened read-only: the daily job may write while it serves. \
        With --token, every request needs the header Authorization: Bearer TOKEN.
        """)
    @OptionGroup var store: StoreOptions
    @OptionGroup var indices: IndicesOptions
    @Option(help: "Address to bind (default loopback only).") var host = "127.0.0.1"
    @Option(help: "Port (1–65535).") var port = 8080
    @Option(help: "Require Authorization: Bearer TOKEN on every request.") var token: String?
    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.") var logLevel: Logger.Level = .info

    func validate() throws {
        guard (1...65_535).contains(port) else { throw ValidationError("--port must be 1 to 65535") }
        if let token, token.isEmpty || token.contains(where: { $0.isWhitespace }) { throw ValidationError("--token must be non-empty, without spaces") }
    }

    func run() throws {
        let app = WebApp(store: try store.openReadOnly(), defs: try indices.methodology(), token: token)
        let logger = CixLogging.logger(logLevel)
        let (host, port) = (self.host, self.port)
        // Said once the port is bound (issue 21 #17: not after a bind error).
        let banner = "cix serve: http://\(host):\(port)/ (store \(app.store.path), read-only\(token == nil ? "" : ", bearer token required")); Ctrl-C stops"
        let done = DispatchSemaphore(value: 0)
        let box = ErrorBox()
        Task {
            do {
                try await app.application(host: host, port: port, logger: logger, onRunning: { print(banner); fflush(nil) }).runService()
            } catch { box.error = error }
            done.signal()
        }
        done.wait()
        if let e = box.error { throw CixError("serve: \(e)") }
    }
}
