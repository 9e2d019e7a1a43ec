import ArgumentParser
import CixCore
import CixIO
import CixStore
import Foundation
import Logging

extension Logger.Level: @retroactive ExpressibleByArgument {}

/// The daily job's progress on standard error: a bar on a terminal, else one plain line per day.
final class TerminalRunProgress: RunProgress {
    let tty = isatty(STDERR_FILENO) != 0
    var stageName = ""
    var started = Date()
    var lastDraw = Date.distantPast

    func stage(_ name: String) {
        stageName = name
        started = Date()
        if tty { draw("\(name)…") }
    }

    func day(_ d: CivilDate, _ done: Int, _ total: Int) {
        let secs = Date().timeIntervalSince(started)
        let rate = Double(done) / max(secs, 1e-9)
        let eta = rate > 0 ? Double(total - done) / rate : 0
        if tty {
            guard Date().timeIntervalSince(lastDraw) > 0.1 || done == total else { return }
            let width = 30
            let filled = total > 0 ? width * done / total : width
            let bar = String(repeating: "#", count: filled) + String(repeating: " ", count: width - filled)
            draw(String(format: "%@ [%@] %@ %d/%d days, %.1f days/s, ETA %.0f s", stageName, bar, d.description, done, total, rate, eta))
        } else {
            printErr(String(format: "%@ %@: day %d of %d, %.1f days/s, about %.0f s left", stageName, d.description, done, total, rate, eta))
        }
    }

    func finish() { if tty { writeErr("\r\u{1B}[K") } }

    private func draw(_ s: String) {
        lastDraw = Date()
        writeErr("\r\u{1B}[K" + s)
    }
}

/// Logging through swift-log to standard error, at the level asked for.
enum CixLogging {
    nonisolated(unsafe) static var bootstrapped = false
    static func logger(_ level: Logger.Level) -> Logger {
        if !bootstrapped {
            bootstrapped = true
            LoggingSystem.bootstrap { StreamLogHandler.standardError(label: $0) }
        }
        var l = Logger(label: "cix")
        l.logLevel = level
        return l
    }
}

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "The daily job: ingest an inbox, normalize, publish every series for a date (or backfill a range), write the day's files.",
        discussion: """
        Each new file under --inbox (recursively; known by the SHA-256 of its bytes, so a file already ingested is skipped) is \
        ingested by kind, told by its header: quotes, FX, settlements or T-bill rates. Then every series is computed for the \
        date and published, each date in one transaction: fixings, indices, curves, rolling futures indices, fund NAVs. Earlier \
        dates that new inputs change are restated within the restatement window of Indices/publication.yaml, recorded otherwise \
        (METHODOLOGY.md §9). The day's exports go to <inbox>/../published/<date>/ or --out.
        Exit codes: 0 published, 6 published with warnings (rejected rows, grades newly stale or suspended, curve arbitrage flags, \
        held changes, unknown inbox files), 2 bad usage or input (nothing of the failing step stored).
        Cron: 30 18 * * 1-5  cix run --date $(date -u +\\%F) --inbox /srv/cix/inbox --db /srv/cix/cix.sqlite
        """)

    @OptionGroup var dates: DateRangeOptions
    @Option(help: "Folder of new input files (read recursively).") var inbox: String?
    @Option(help: "Folder for the day's publication files (default <inbox>/../published).") var out: String?
    @Flag(help: "Also publish changes outside the restatement window (needs --reason).") var restate = false
    @Option(help: "Why the restatement is made (recorded with each restated value).") var reason: String?
    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.") var logLevel: Logger.Level = .notice
    @Option(help: ArgumentHelp("A fixed clock for the publication records (YYYY-MM-DDTHH:MM:SSZ; default now).", visibility: .hidden))
    var now: String?
    @OptionGroup var store: StoreOptions
    @OptionGroup var indices: IndicesOptions

    func validate() throws {
        if let out, out.trimmingCharacters(in: .whitespaces).isEmpty { throw ValidationError("--out must name a folder") }
        if let reason, reason.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            throw ValidationError("--reason must not contain control characters")
        }
        if restate, (reason ?? "").trimmingCharacters(in: .whitespaces).isEmpty {
            throw ValidationError("--restate needs --reason TEXT: the reason is recorded with every restated value")
        }
        if reason != nil, !restate { throw ValidationError("--reason goes with --restate") }
        if let now, case .failure = Timestamp.parse(now) { throw ValidationError("--now \(now) is not a UTC time") }
        if dates.first < RunRequest.earliest { throw ValidationError("dates before \(RunRequest.earliest) are refused: no compute market to publish") }
    }

    func run() throws {
        let defs = try indices.methodology()
        var r = RunRequest(from: dates.first, to: dates.last)
        r.inbox = inbox
        r.out = out
        r.restate = restate
        r.reason = reason
        r.now = now
        r.arguments = dates.arguments + (restate ? " --restate --reason \(reason ?? "")" : "")
        let logger = CixLogging.logger(logLevel)
        let s = try store.open()
        let lock = try RunLock(storePath: store.path, wait: store.wait)
        defer { lock.release() }
        let report = try RunJob.run(store: s, defs: defs, request: r, logger: logger, progress: TerminalRunProgress())
        print(definitionsLine(defs))
        for line in RunSummary.lines(report) { print(line) }
        if !report.warnings.isEmpty { throw ExitCode(ExitStatus.warnings.rawValue) }
    }
}

/// The one-screen summary of a daily run.
public enum RunSummary {
    public static func lines(_ r: RunReport, maxWarnings: Int = 12) -> [String] {
        var out: [String] = []
        let rows = r.files.reduce(0) { $0 + $1.accepted }, rej = r.files.reduce(0) { $0 + $1.rejected }
        var files = "files: \(r.files.count) ingested (\(rows) rows stored, \(rej) rejected), \(r.skippedFiles) already ingested, \(r.unknownFiles.count) not recognised"
        if !r.ignoredFiles.isEmpty {
            let kinds = Dictionary(grouping: r.ignoredFiles, by: \.why).map { "\($0.value.count) \($0.key)" }.sorted()
            files += ", \(r.ignoredFiles.count) left out by name (\(kinds.joined(separator: ", ")))"
        }
        out.append(files)
        if let n = r.normalize { out.append(n.summary) }
        if let d = r.recomputed { out.append("dates recomputed: \(d.lowerBound) to \(d.upperBound); \(r.days) publication transactions") }
        for (name, c) in r.series {
            out.append("  " + name.padding(toLength: 22, withPad: " ", startingAt: 0)
                       + String(format: "%7d computed %7d new %5d restated %5d held %7d unchanged", c.computed, c.new, c.restated, c.held, c.unchanged))
        }
        if r.wroteNothing { out.append("nothing new: every file already ingested and every value already published (store unchanged)") }
        if !r.notes.isEmpty {
            out.append("notes (\(r.notes.count)):")
            for n in r.notes { out.append("  " + n) }
        }
        if !r.warnings.isEmpty {
            out.append("warnings (\(r.warnings.count)):")
            for w in r.warnings.prefix(maxWarnings) { out.append("  " + w) }
            if r.warnings.count > maxWarnings { out.append("  … and \(r.warnings.count - maxWarnings) more") }
        }
        if !r.outputs.isEmpty { out.append("files written: " + r.outputs.joined(separator: ", ")) }
        out.append("seconds: " + r.seconds.map { String(format: "%@ %.2f", $0.stage, $0.seconds) }.joined(separator: ", "))
        return out
    }
}

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write the HTML factsheets as of a date: one page per index, rolling futures index and fund, and index.html.",
        discussion: "Self-contained pages (inline SVG charts and CSS, no scripts or external assets) that open from disk and print on A4.")
    @Option(help: "As-of date (YYYY-MM-DD).", transform: parseDateOption) var date: CivilDate
    @Option(help: "Output folder.") var out: String
    @OptionGroup var store: StoreOptions
    @OptionGroup var indices: IndicesOptions

    func validate() throws {
        if out.trimmingCharacters(in: .whitespaces).isEmpty { throw ValidationError("--out must name a folder") }
    }

    func run() throws {
        let files = try ReportJob.run(store: try store.openReadOnly(), defs: try indices.methodology(), date: date, out: out)
        print("factsheets: \(files.count) pages in \(out)/ (open \(out)/index.html)")
    }
}

/// One daily job at a time on a store: an exclusive lock on `<store>.run-lock`, waited for up to
/// `--wait` seconds (another `cix run` holding it: exit 2, nothing done).
final class RunLock {
    let fd: Int32
    init(storePath: String, wait: Double) throws {
        fd = Foundation.open(storePath + ".run-lock", O_CREAT | O_RDWR, 0o644)
        guard fd >= 0 else { throw CixError("cannot create the run lock \(storePath).run-lock: " + String(cString: strerror(errno))) }
        let deadline = Date().addingTimeInterval(wait)
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            guard Date() < deadline else {
                close(fd)
                throw CixError("another cix run is running on \(storePath) (waited \(Int(wait)) s; give --wait SECONDS to wait longer)")
            }
            usleep(100_000)
        }
    }
    func release() {
        flock(fd, LOCK_UN)
        close(fd)
    }
}
