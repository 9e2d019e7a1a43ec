import CixCore
import CixIO
import CixStore
import Foundation
import Logging

/// What the daily job is asked to do (METHODOLOGY.md §9.4).
public struct RunRequest: Sendable {
    /// The dates to publish: one day (cron) or a backfill.
    public var from: CivilDate
    public var to: CivilDate
    /// A folder of new input files (quotes, FX, settlements, rates), read recursively.
    public var inbox: String?
    /// Where the day's publication files go (`<out>/<to>/`); default `<inbox>/../published`.
    public var out: String?
    /// Publish held changes too (outside the restatement window), with `reason`.
    public var restate = false
    public var reason: String?
    /// A fixed clock (tests, reproducible runs).
    public var now: String?
    public var writeFiles = true
    /// The command line, recorded with each publication run.
    public var arguments = ""
    /// Dates after tomorrow are refused unless this is set (the demo's synthetic market).
    public var allowFuture = false
    /// Called between the inbox scan and the ingest (tests replace a file there).
    var afterScan: (@Sendable () throws -> Void)?

    public init(from: CivilDate, to: CivilDate) {
        self.from = from
        self.to = to
    }

    /// No run publishes dates before this (issue 21 #4).
    public static let earliest = CivilDate(iso: "2000-01-01")!
}

/// One inbox file's outcome.
public struct InboxFileResult: Sendable {
    public var path: String
    public var kind: String
    public var rowsRead = 0
    public var accepted = 0
    public var rejected = 0
    public var duplicates = 0
}

/// Per series: what the run computed and did with it (§9.2).
public struct SeriesCounts: Sendable, Equatable {
    public var computed = 0
    public var new = 0
    public var restated = 0
    public var held = 0
    public var unchanged = 0
}

/// What the daily job did.
public struct RunReport: Sendable {
    public var files: [InboxFileResult] = []
    /// Inbox files already ingested (same bytes), skipped.
    public var skippedFiles = 0
    public var unknownFiles: [String] = []
    /// Files left out by name (hidden, rejects files, manifests): path and why.
    public var ignoredFiles: [(path: String, why: String)] = []
    /// Inbox files refused as a whole (unreadable, malformed header, contradictory rows): left for a later run.
    public var refusedFiles: [String] = []
    public var normalize: NormalizeStats?
    /// The dates recomputed: the requested ones, and earlier ones new inputs touch.
    public var recomputed: ClosedRange<CivilDate>?
    public var series: [(name: String, counts: SeriesCounts)] = []
    /// Publication transactions (one per date with something to publish).
    public var days = 0
    public var warnings: [String] = []
    /// What the summary says without making the run exit 6: conditions that continue from the previous
    /// fixing date (a grade already stale or suspended), and series not computed with why.
    public var notes: [String] = []
    public var outputs: [String] = []
    public var seconds: [(stage: String, seconds: Double)] = []

    /// Nothing was stored: every file already ingested, every value already published.
    public var wroteNothing: Bool {
        files.isEmpty && days == 0 && (normalize?.written ?? 0) == 0
    }
}

/// Progress of the daily job: a bar on a terminal (stage, day, rate, ETA), else a plain line per day.
public protocol RunProgress: AnyObject {
    func stage(_ name: String)
    func day(_ d: CivilDate, _ done: Int, _ total: Int)
    func finish()
}

/// The daily job (§9.4): ingest the inbox, normalize, compute every series for the requested dates
/// (and the earlier dates new inputs change), decide each changed value under the publication
/// policy, publish each date in one transaction, write the day's files.
public enum RunJob {
    /// The definitions hash a daily run records: a change restates from the first published date.
    static func definitionsHash(_ defs: MethodologyDefinitions) -> String {
        CanonicalDefinitions.dailyRunHash(indexHash: defs.indexHash, futuresHash: defs.futuresHash, fundsHash: defs.fundsHash,
                                          benchmarksHash: defs.benchmarksHash)
    }

    public static func run(store: Store, defs: MethodologyDefinitions, request r: RunRequest, logger: Logger = Logger(label: "cix"),
                           progress: RunProgress? = nil) throws -> RunReport {
        var report = RunReport()
        let clock = JobClock(r.now)
        var t0 = Date()
        func lap(_ stage: String) {
            report.seconds.append((stage, Date().timeIntervalSince(t0)))
            t0 = Date()
        }
        // Checked before anything is stored: the dates, the clock, the output folder.
        let today = r.now.flatMap { t -> CivilDate? in if case .success(let e) = Timestamp.parse(t) { return Timestamp.utcDate(e) } else { return nil } }
            ?? Timestamp.utcDate(Int64(Date().timeIntervalSince1970))
        guard r.allowFuture || r.to <= today.adding(days: 1) else {
            throw CixError("\(r.to) is in the future (today is \(today)): a day is published once its quotes are in")
        }
        if let last = try store.read({ try $0.lastRun(job: "run") }), let asOf = last.asOf, r.to < asOf {
            throw CixError("the store has published as of \(asOf); a run as of the earlier \(r.to) would rewrite history (runs go forward: give --date \(asOf) or later)")
        }
        let root = outRoot(r)
        if r.writeFiles, let root {
            do { try FileManager.default.createDirectory(atPath: root + "/\(r.to)", withIntermediateDirectories: true) } catch {
                throw CixError("cannot create the output folder \(root)/\(r.to): a file is in the way or the folder is not writable (give another --out)")
            }
            guard FileManager.default.isWritableFile(atPath: root + "/\(r.to)") else { throw CixError("the output folder \(root)/\(r.to) is not writable") }
        } else if r.writeFiles {
            report.warnings.append("no --inbox or --out: no publication files written")
        }
        if let inbox = r.inbox {
            progress?.stage("ingest")
            try ingest(store: store, defs: defs, inbox: inbox, rejectsDir: root.map { $0 + "/rejects" }, exclude: root, now: r.now, report: &report,
                       logger: logger, afterScan: r.afterScan)
            lap("ingest")
        }
        progress?.stage("normalize")
        report.normalize = try NormalizeJob.run(store: store, ref: defs.reference, now: r.now)
        if let n = report.normalize, n.examined > 0 { logger.info("normalize: \(n.summary)") }
        lap("normalize")

        // Issue 21 #4: nothing is published from no input: a range starting before the store's first
        // quote is refused (a run from year 0 would publish millions of suspended fixings).
        guard let firstEpoch = try store.read({ try $0.firstQuoteEpoch() }) else {
            // Name the inbox files refused as a whole: they are why nothing is stored.
            let refused = report.warnings.filter { $0.contains(": refused, left in the inbox: ") }
            throw CixError("no quotes are stored: nothing to publish (give --inbox with quote files, or cix ingest them)"
                           + (refused.isEmpty ? "" : "; " + refused.joined(separator: "; ")))
        }
        let firstQuote = Timestamp.utcDate(firstEpoch)
        if r.from < firstQuote {
            throw CixError("--from \(r.from) is before the store's first quote (\(firstQuote)): there is no input to publish from; start at \(firstQuote) or later")
        }
        let defsHash = definitionsHash(defs)
        // §9.2: which dates to recompute, and the context every decision is made in.
        progress?.stage("compute")
        let (start, mark, ctx, marksChanged, upToDate) = try store.read { s -> (CivilDate, InputMark, PublishContext, Bool, Bool) in
            let last = try s.lastRun(job: "run")
            let mark = try s.inputMark()
            let fresh = try s.newInputs(since: last?.inputMark ?? InputMark())
            let span = try s.publishedFixingSpan()
            var ctx = PublishContext(asOf: r.to, policy: defs.publication, calendar: defs.calendar)
            ctx.restate = r.restate
            ctx.manualReason = r.restate ? (r.reason ?? "") : nil
            // §9.3: the reason names the input that arrived late (CixCore's rule).
            for x in PublishedSeriesRegistry.all {
                ctx.inputReasons[x.table] = .forInputs(x.inputs, quotes: fresh.quotesEpoch != nil, fx: fresh.fx != nil,
                                                       settlements: fresh.settlements != nil, rates: fresh.rates != nil,
                                                       reference: fresh.reference != nil)
            }
            // Publishing dates before the first published one gives chain-linked series an earlier start.
            if let first = span?.lowerBound, r.from < first {
                for x in PublishedSeriesRegistry.all where x.table != PublishedSeriesRegistry.fixings.table { ctx.inputReasons[x.table] = .backfill }
            }
            var affected: CivilDate?
            func touch(_ d: CivilDate?) { if let d { affected = min(affected ?? d, d) } }
            // A new quote touches the first date whose fixing window ends at or after it (§5.1), and
            // every later one.
            touch(fresh.quotesEpoch.map(defs.fixing.firstDateTouched(byObservationAt:)))
            touch(fresh.settlements)
            touch(fresh.rates)
            touch(fresh.fx)
            touch(fresh.reference)
            if let last, last.definitionsHash != defsHash { touch(span?.lowerBound) }
            if r.restate { touch(try s.earliestHeldChange()) }
            var start = r.from
            // Catch-up (§9.4): a run as of D publishes every fixing date since the last one published, so
            // a cron on business days still publishes the weekend's and the holidays' fixings.
            if let span, span.upperBound.adding(days: 1) < start { start = span.upperBound.adding(days: 1) }
            // Only dates already published can be restated; others wait for their own run.
            if let a = affected, let span, a < start { start = min(start, max(a, span.lowerBound)) }
            let changed = last == nil || last!.inputMark != mark || last!.definitionsHash != defsHash
            // §9.4: the same inputs, definitions and as-of date as the last finished run, and every date
            // asked for already published: recomputing would give every stored value again, so it is skipped.
            let upToDate = !changed && !r.restate && last?.asOf == r.to && span.map { $0.lowerBound <= start && $0.upperBound >= r.to } == true
            return (start, mark, ctx, changed, upToDate)
        }
        var plan = Plan()
        if upToDate {
            logger.info("up to date: no new input since the last run as of \(r.to)")
            plan.fixings = try store.read { try $0.latestFixings(from: r.to, to: r.to) }.compactMap(FixingValue.init)
        } else {
            report.recomputed = start...r.to
            logger.info("recomputing \(start) to \(r.to) as of \(r.to)")
            plan = try store.read { s in try compute(s, defs: defs, from: start, to: r.to, context: ctx) }
        }
        report.warnings += plan.warnings
        logger.info("compute: \(plan.seconds.map { "\($0.stage) \(String(format: "%.2f", $0.seconds)) s" }.joined(separator: ", "))")
        lap("compute")
        logger.info("computed \(plan.counts.values.reduce(0) { $0 + $1.computed }) values, \(plan.pending.values.reduce(0) { $0 + $1.count }) to publish on \(plan.pending.count) dates")

        // Publish each date in one transaction, oldest first; the last one records the inputs mark.
        progress?.stage("publish")
        var dates = Set(plan.pending.keys)
        if marksChanged { dates.insert(r.to) }
        let ordered = dates.sorted()
        var counts = plan.counts
        for (i, d) in ordered.enumerated() {
            let items = plan.pending[d] ?? []
            try store.write { s in
                let at = clock.now()
                let run = try s.beginRun(job: "run", arguments: r.arguments, startedAt: at, definitions: defs.source.description,
                                         definitionsHash: defsHash, asOf: r.to, inputMark: d == ordered.last ? mark : nil)
                if i == 0 { try s.recordDefinitions(allDefinitions(defs), runID: run) }
                let pubs = try PublishedSeriesRegistry.all.map { ($0.table, try $0.publisher(s, runID: run, computedAt: at, context: ctx)) }
                let byTable = Dictionary(uniqueKeysWithValues: pubs)
                for (series, item, hold) in items { try byTable[series]!.publish(any: item, hold: hold) }
                var written = 0, unchanged = 0
                for (name, p) in pubs {
                    counts[name, default: SeriesCounts()].new += p.written - p.restated
                    counts[name, default: SeriesCounts()].restated += p.restated
                    counts[name, default: SeriesCounts()].held += p.held
                    counts[name, default: SeriesCounts()].unchanged += p.unchanged
                    written += p.written
                    unchanged += p.unchanged
                }
                try s.finishRun(run, finishedAt: clock.now(), written: written, unchanged: unchanged + (plan.unchangedByDate[d] ?? 0),
                                publishedDates: d.description)
            }
            report.days += 1
            logger.debug("published \(d): \(items.count) values")
            progress?.day(d, i + 1, ordered.count)
        }
        progress?.finish()
        report.series = PublishedSeriesRegistry.all.map { ($0.table, counts[$0.table] ?? SeriesCounts()) }
        // Issue 22 #4: a series with nothing computed says why (a note, not a warning).
        let valued = Set(plan.fixings.filter { $0.value != nil && $0.date == r.to }.map(\.grade))
        for x in PublishedSeriesRegistry.all where (counts[x.table]?.computed ?? 0) == 0 && (counts[x.table]?.unchanged ?? 0) == 0 {
            report.notes += x.emptyNotes(defs, on: r.to, valued: valued)
        }
        lap("publish")
        let held = counts.values.reduce(0) { $0 + $1.held }
        if held > 0 {
            report.warnings.append("\(held) changed values are outside the restatement window and were recorded, not published (cix export restatements; cix run --restate --reason TEXT publishes them)")
        }
        do {
            // The fixings of the day as published (the plan's, which the publication left as they are stored).
            // Only a grade that got worse since the previous fixing date (ok → stale, ok or stale →
            // suspended) is a warning (exit 6); one that stays stale or suspended is a note, so a store
            // with grades that are dark for long does not alert every day (§9.4).
            let fixings = plan.fixings.filter { $0.date == r.to }
            let prevDate = defs.fixing.previousFixingDates(r.to, 1, calendar: defs.calendar).first
            var previous: [String: FixingStatus] = [:]
            if let prevDate { for f in plan.fixings where f.date == prevDate { previous[f.grade] = f.status } }
            func rank(_ s: FixingStatus?) -> Int { s == .suspended ? 2 : s == .stale ? 1 : 0 }
            func list(_ g: [String]) -> String { g.prefix(6).joined(separator: ", ") + (g.count > 6 ? ", …" : "") }
            for status in [FixingStatus.stale, .suspended] {
                let grades = fixings.filter { $0.status == status }
                guard !grades.isEmpty else { continue }
                let worse = grades.filter { rank($0.status) > rank(previous[$0.grade]) }.map(\.grade)
                let still = grades.filter { rank($0.status) <= rank(previous[$0.grade]) }.map(\.grade)
                if !worse.isEmpty {
                    report.warnings.append("\(worse.count) grades \(status.rawValue) on \(r.to) that were not on \(prevDate?.description ?? "the previous date"): " + list(worse))
                }
                if !still.isEmpty { report.notes.append("\(still.count) grades still \(status.rawValue) on \(r.to): " + list(still)) }
            }
        }
        if r.writeFiles, let root {
            let dir = root + "/\(r.to)"
            for name in defs.publication.dailyFiles {
                guard let kind = ExportKind.named(name) else { continue }
                let path = dir + "/\(name).csv"
                let range = kind == .rejects || kind == .runs ? DateRange() : DateRange(from: r.to, to: r.to)
                try ExportJob.run(store: store, kind: kind, range: range, format: .csv, out: path,
                                  restatementsAsOf: kind == .restatements ? r.to : nil)
                report.outputs.append(path)
            }
            lap("files")
        }
        return report
    }

    /// A path made absolute (from the working directory) and standardized.
    static func absolutePath(_ p: String) -> String {
        ((p.hasPrefix("/") ? p : FileManager.default.currentDirectoryPath + "/" + p) as NSString).standardizingPath
    }

    /// The folder the day's files go under: --out, else `<inbox>/../published`.
    static func outRoot(_ r: RunRequest) -> String? {
        if let o = r.out { return o }
        guard let inbox = r.inbox else { return nil }
        return (absolutePath(inbox) as NSString).deletingLastPathComponent + "/published"
    }

    /// Every resolved definition a daily run publishes under.
    static func allDefinitions(_ defs: MethodologyDefinitions) -> [StoredDefinition] {
        PublishedSeriesRegistry.all.flatMap { $0.definitions(defs) }
    }

    // MARK: Inbox

    /// §9.4: every new inbox file, by kind (FX first: normalization needs it), each in its own
    /// transaction; a file is known by the SHA-256 of the bytes ingested, computed as they are read
    /// (each file is read once).
    static func ingest(store: Store, defs: MethodologyDefinitions, inbox: String, rejectsDir: String?, exclude: String?, now: String?,
                       report: inout RunReport, logger: Logger, afterScan: (() throws -> Void)? = nil) throws {
        let excluded = exclude.map(absolutePath)
        let base = absolutePath(inbox)
        let stats = try store.read { try $0.inboxFileStats() }
        // Unchanged only when everything matches (rows stored before ctime and inode were kept never do).
        var ignored: [(path: String, why: String)] = []
        let files = try Inbox.scan(inbox, known: { p, now in stats[p].map { $0.ctime != nil && $0 == now } ?? false },
                                   ignored: { ignored.append(($0, $1)) }).filter { f in
            guard let excluded else { return true }
            let full = absolutePath(f.path)
            return !full.hasPrefix(excluded + "/")
        }
        // The job's own output folder is not an input: its files are left out silently.
        report.ignoredFiles = ignored.filter { f in excluded.map { !absolutePath(f.path).hasPrefix($0 + "/") } ?? true }
        try afterScan?()
        var byKind: [InboxKind: [InboxFile]] = [:]
        for f in files {
            if f.unchanged { report.skippedFiles += 1; continue }
            guard let kind = f.kind else {
                report.unknownFiles.append(f.path)
                report.warnings.append("\(f.path): skipped, \(f.problem ?? "unknown kind")")
                continue
            }
            byKind[kind, default: []].append(f)
        }
        let at = JobClock(now).now()
        /// Rejects files mirror the inbox's folders, so two files of one name never share one.
        func rejectsFolder(_ f: InboxFile) throws -> String? {
            guard let rejectsDir else { return nil }
            let full = absolutePath(f.path)
            var rel = (full as NSString).deletingLastPathComponent
            rel = rel.hasPrefix(base) ? String(rel.dropFirst(base.count)) : ""
            let dir = rejectsDir + rel
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            return dir
        }
        /// Recorded inside the file's own transaction, under the SHA-256 of the bytes just read: a file is
        /// ingested and recorded together or not at all. Bytes taken before (a copy, a touched file)
        /// roll the transaction back: nothing is stored twice.
        @Sendable func recordIn(_ s: StoreSession, _ f: InboxFile, _ res: InboxFileResult, sha256: String) throws {
            if try s.inboxFileSeen(hash: sha256) { throw AlreadyIngested(sha256: sha256) }
            try s.recordInboxFile(hash: sha256, path: f.path, kind: res.kind, at: at, rowsRead: res.rowsRead, accepted: res.accepted,
                                  rejected: res.rejected, size: f.size, mtime: f.mtime, ctime: f.ctime, inode: f.inode)
        }
        func note(_ f: InboxFile, _ res: InboxFileResult) {
            report.files.append(res)
            logger.info("ingested \(f.path) (\(res.kind)): \(res.accepted) stored, \(res.duplicates) already stored, \(res.rejected) rejected")
        }
        /// A file refused as a whole is reported and left in the inbox for a later run; the others go on.
        func each(_ kind: InboxKind, _ body: (InboxFile) throws -> Void) throws {
            for f in byKind[kind] ?? [] {
                do { try body(f) } catch let e as CixError { throw e } catch let e as AlreadyIngested {
                    // The same bytes under a new name or status: not again, and not read next time.
                    try store.write { try $0.refreshInboxFileStat(hash: e.sha256, path: f.path, size: f.size, mtime: f.mtime, ctime: f.ctime, inode: f.inode) }
                    report.skippedFiles += 1
                } catch {
                    let (message, _) = JobErrors.classify(error) ?? ("\(error)", .usage)
                    report.refusedFiles.append(f.path)
                    report.warnings.append("\(f.path): refused, left in the inbox: \(message)")
                }
            }
        }
        func fxResult(_ f: InboxFile, _ x: FXFileResult) -> InboxFileResult {
            InboxFileResult(path: f.path, kind: "fx", rowsRead: x.stored + x.rejects.count, accepted: x.stored, rejected: x.rejects.count)
        }
        try each(.fx) { f in
            for x in try FXJob.ingest(store: store, paths: [f.path], now: now, inTransaction: { s, r in try recordIn(s, f, fxResult(f, r[0]), sha256: r[0].sha256) }) {
                note(f, fxResult(f, x))
            }
        }
        for kind in [InboxKind.quotes, .auctions] {
            try each(kind) { f in
                var options = IngestOptions()
                if kind == .auctions { options.format = .auction }
                options.rejectsDir = try rejectsFolder(f)
                options.writeRejectFiles = options.rejectsDir != nil
                options.inTransaction = { s, c, sha in
                    try recordIn(s, f, InboxFileResult(path: f.path, kind: kind.rawValue, rowsRead: c.rowsRead, accepted: c.accepted, rejected: c.rejected),
                                 sha256: sha)
                }
                for x in try IngestJob.run(store: store, paths: [f.path], options: options) {
                    note(f, InboxFileResult(path: f.path, kind: kind.rawValue, rowsRead: x.counts.rowsRead, accepted: x.counts.accepted,
                                            rejected: x.counts.rejected, duplicates: x.counts.duplicates))
                }
            }
        }
        func inputResult(_ f: InboxFile, _ kind: String, _ x: InputFileResult) -> InboxFileResult {
            InboxFileResult(path: f.path, kind: kind, rowsRead: x.rowsRead, accepted: x.stored, rejected: x.rejected, duplicates: x.unchanged)
        }
        try each(.settlements) { f in
            for x in try FuturesJob.ingestSettlements(store: store, defs: defs, paths: [f.path], writeRejectFiles: rejectsDir != nil,
                                                      rejectsDir: try rejectsFolder(f), now: now,
                                                      inTransaction: { s, r in try recordIn(s, f, inputResult(f, "settlements", r), sha256: r.sha256) }) {
                note(f, inputResult(f, "settlements", x))
            }
        }
        try each(.rates) { f in
            for x in try FuturesJob.ingestRates(store: store, paths: [f.path], writeRejectFiles: rejectsDir != nil, rejectsDir: try rejectsFolder(f),
                                                now: now, inTransaction: { s, r in try recordIn(s, f, inputResult(f, "rates", r), sha256: r.sha256) }) {
                note(f, inputResult(f, "rates", x))
            }
        }
        try each(.reference) { f in
            for x in try ReferenceJob.ingest(store: store, defs: defs, paths: [f.path], writeRejectFiles: rejectsDir != nil,
                                             rejectsDir: try rejectsFolder(f), now: now,
                                             inTransaction: { s, r in try recordIn(s, f, inputResult(f, "reference", r), sha256: r.sha256) }) {
                note(f, inputResult(f, "reference", x))
            }
        }
        let rejected = report.files.filter { $0.rejected > 0 }
        if !rejected.isEmpty {
            report.warnings.append("\(rejected.reduce(0) { $0 + $1.rejected }) rows rejected in \(rejected.count) files (cix export rejects), first \(rejected[0].path)")
        }
    }

    // MARK: Compute

    struct Plan {
        /// Values to publish (new, restated or held), by date: the series' table, the value, and whether
        /// a change must be held.
        var pending: [CivilDate: [(series: String, item: any SeriesRecord, hold: Bool)]] = [:]
        var counts: [String: SeriesCounts] = [:]
        /// Values recomputed identical to what is published, by date (each date's run records them).
        var unchangedByDate: [CivilDate: Int] = [:]
        var warnings: [String] = []
        /// The fixings the later stages read, as the publication will leave them.
        var fixings: [FixingValue] = []
        /// Seconds per stage (logged).
        var seconds: [(stage: String, seconds: Double)] = []
    }

    /// §9.2: every registered series for [from, to], through the one pipeline. Each value is decided
    /// against the store (new, unchanged, restated or held); later stages read this run's new and
    /// restated values, never a held one, so what is published is consistent.
    static func compute(_ s: StoreSession, defs: MethodologyDefinitions, from: CivilDate, to: CivilDate, context: PublishContext) throws -> Plan {
        var plan = Plan()
        // §9.2: a chain-linked value (index level, rolling index, NAV) whose earlier change was held is
        // held too, so what is published never chains from an unpublished value.
        var heldChains = Set<String>()
        var previews: [String: any AnySeriesPublisher] = [:]
        for x in PublishedSeriesRegistry.all { previews[x.table] = try x.publisher(s, runID: 0, computedAt: "", context: context) }
        let state = PipelineState(s, defs: defs, from: from, to: to) { series, r in
            let d = try previews[series.table]!.decide(any: r)
            plan.counts[series.table, default: SeriesCounts()].computed += 1
            guard let day = CivilDate(iso: r.date) else { return d }
            if d == .unchanged {
                plan.counts[series.table, default: SeriesCounts()].unchanged += 1
                plan.unchangedByDate[day, default: 0] += 1
                return d
            }
            var hold = false
            if series.chainLinked {
                let chain = series.table + "|" + r.seriesKey
                if d == .held { heldChains.insert(chain) }
                if d == .restate, heldChains.contains(chain) { hold = true }
            }
            plan.pending[day, default: []].append((series.table, r, hold))
            return d
        }
        try state.run()
        plan.fixings = try state.fixings()
        plan.seconds = state.seconds
        plan.warnings += state.stats.warnings.filter { $0.contains(" \(to):") }
        return plan
    }
}
