import ArgumentParser
import CixCore
import CixIO
import CixStore
import Foundation
#if canImport(Glibc)
import Glibc
#endif

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmarks at realistic scale (build with -c release).",
        subcommands: [BenchIngest.self, BenchNormalize.self, BenchFix.self, BenchFutures.self, BenchFunds.self, BenchStability.self])
}

struct BenchIngest: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Generate one large demo day and time, each in a child process on a new store: `cix ingest` as a user runs it (with its normalization), then ingest alone and normalization alone, and `sqlite3 .import` of the same file.")

    @Option(help: "Quotes in the generated day.") var quotes: Int = 5_000_000
    @Option(help: "Working folder (kept).") var dir: String = ".bench"
    @Option(help: "Seed.") var seed: UInt64 = 7
    @Option(help: "An existing canonical file to use instead of generating one.") var file: String?

    func run() throws {
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let path: String
        if let file {
            path = file
        } else {
            path = dir + "/bench-day.csv"
            let t0 = Date()
            var market = DemoMarket(seed: seed, quotesPerDay: quotes)
            market.badRowRate = 0.0005
            let f = try AtomicTextFile(path: path)
            let counts = market.writeDay(CivilDate(iso: "2026-06-15")!) { f.write($0) }
            try f.commit()
            print("generated \(counts.rows) rows in \(String(format: "%.1f", Date().timeIntervalSince(t0))) s")
        }
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        print("file: \(path), \(size / 1_000_000) MB")
        func fresh(_ name: String) -> String {
            let db = dir + "/" + name
            for s in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: db + s) }
            return db
        }
        // Children, so each peak memory is its own; each reports its own VmHWM with --stats.
        let exe = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().path
        func child(_ exe: String, _ args: [String]) throws -> (seconds: Double, stats: String) {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: exe)
            p.arguments = args
            let err = Pipe()
            p.standardError = err
            p.standardOutput = FileHandle.nullDevice
            let t0 = Date()
            try p.run()
            let data = err.fileHandleForReading.readDataToEndOfFile()
            p.waitUntilExit()
            let secs = Date().timeIntervalSince(t0)
            guard p.terminationStatus == 0 || p.terminationStatus == 3 else { throw CixError("bench: \(args.first ?? exe) exited \(p.terminationStatus)") }
            let stats = String(decoding: data, as: UTF8.self).split(separator: "\n").last { $0.hasPrefix("stats:") }.map { String($0.dropFirst(7)) } ?? ""
            return (secs, stats)
        }
        func storeBytes(_ db: String) -> Int {
            ["", "-wal"].reduce(0) { $0 + (((try? FileManager.default.attributesOfItem(atPath: db + $1)[.size]) as? Int) ?? 0) }
        }
        let whole = fresh("bench.sqlite")
        let e2e = try child(exe, ["ingest", "--db", whole, "--no-reject-files", "--stats", path])
        let stored = try Store(path: whole).read { try $0.quoteCount() }
        print(String(format: "cix ingest (with its normalization), as a user runs it: %.1f s = %.0f quotes/s end to end; %@", e2e.seconds,
                     Double(stored) / e2e.seconds, e2e.stats))
        let bytes = storeBytes(whole)
        print(String(format: "store: %.1f MB for %d quotes = %.1f bytes a quote (raw blocks, normalized segments, identities)",
                     Double(bytes) / 1e6, stored, Double(bytes) / Double(max(stored, 1))))
        let split = fresh("bench-split.sqlite")
        let ing = try child(exe, ["ingest", "--db", split, "--no-normalize", "--no-reject-files", "--stats", path])
        let norm = try child(exe, ["normalize", "--db", split])
        print(String(format: "  of which: ingest alone %.1f s (%.0f quotes/s; %@), normalization alone %.1f s (%.0f quotes/s) = %.2f × the ingest",
                     ing.seconds, Double(stored) / ing.seconds, ing.stats, norm.seconds, Double(stored) / norm.seconds, norm.seconds / ing.seconds))
        // The same file loaded by SQLite's own shell into one untyped table: the floor for "a database load".
        if let sqlite = ["/usr/bin/sqlite3", "/usr/local/bin/sqlite3"].first(where: { FileManager.default.isExecutableFile(atPath: $0) }) {
            let db = fresh("bench-import.sqlite")
            let t = try child(sqlite, [db, ".mode csv", ".import '\(path)' quotes"])
            print(String(format: "sqlite3 .import of the same file: %.1f s, %.1f bytes a row; cix ingest end to end is %.2f × that",
                         t.seconds, Double(storeBytes(db)) / Double(max(stored, 1)), e2e.seconds / t.seconds))
        } else {
            print("sqlite3 .import: skipped (no sqlite3 on this machine)")
        }
    }
}

struct BenchNormalize: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "normalize",
        abstract: "Time the pure normalization function on demo quotes held in memory (no I/O in the timed loop).")

    @Option(help: "Quotes to normalize.") var quotes: Int = 2_000_000
    @Option(help: "Seed.") var seed: UInt64 = 7
    @OptionGroup var indices: IndicesOptions

    func run() throws {
        let ref = try indices.load()
        var text = ""
        var market = DemoMarket(seed: seed, quotesPerDay: quotes)
        market.badRowRate = 0
        let day = CivilDate(iso: "2026-06-15")!
        _ = market.writeDay(day) { text += $0 }
        let reader = try CanonicalCSVReader(source: MemoryByteSource(Array(text.utf8)), path: "bench")
        var qs: [RawQuote] = []
        qs.reserveCapacity(quotes + 1000)
        while let row = try reader.next() { if case .quote(let q, _) = row { qs.append(q) } }
        text = ""
        // EUR and GBP rates for the day, so every quote is priced.
        let fx = FXTable([FXRate(currency: "EUR", date: day, usdPerUnit: 1.08), FXRate(currency: "GBP", date: day, usdPerUnit: 1.27)])
        var graded = 0
        let t0 = Date()
        for q in qs {
            let n = Normalization.normalize(q, ref: ref, fx: fx)
            if !n.grades.isEmpty { graded += 1 }
        }
        let secs = Date().timeIntervalSince(t0)
        print(String(format: "normalize: %d quotes in %.2f s = %.0f quotes/s (single thread; %d in a grade)", qs.count, secs, Double(qs.count) / secs, graded))
    }
}

struct BenchFix: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fix",
        abstract: "Time a full backfill of fixings and index levels on an existing store (e.g. one `cix demo` made), then one day.")

    @OptionGroup var store: StoreOptions
    @OptionGroup var indices: IndicesOptions
    @Option(help: "First date (default: the first date with normalized quotes).", transform: parseDateOption) var from: CivilDate?
    @Option(help: "Last date (default: the last date with normalized quotes).", transform: parseDateOption) var to: CivilDate?

    func run() throws {
        let s = try store.open()
        let defs = try indices.methodology()
        let span = try s.read { try $0.normalizedSpan() }
        let (lo, hi, n) = (span.minEpoch, span.maxEpoch, span.count)
        guard n > 0 else { throw CixError("bench fix: the store has no normalized quotes (run cix demo or cix normalize first)") }
        let a = from ?? Timestamp.utcDate(lo)
        let b = to ?? Timestamp.utcDate(hi)
        let days = Int(b.dayNumber - a.dayNumber) + 1
        print("store: \(n) normalized quotes, \(a) to \(b) (\(days) days), \(defs.reference.grades.grades.count) grades, \(defs.indices.count) indices")
        let t0 = Date()
        let f = try FixingJob.run(store: s, defs: defs, from: a, to: b)
        let t1 = Date()
        let i = try IndexJob.run(store: s, defs: defs, from: a, to: b)
        let t2 = Date()
        print(String(format: "backfill: %d fixings in %.1f s, %d index levels in %.1f s; total %.1f s",
                     f.computed, t1.timeIntervalSince(t0), i.computed, t2.timeIntervalSince(t1), t2.timeIntervalSince(t0)))
        // One day, as the daily job runs it (recomputed: same inputs, so no new versions are written).
        let t3 = Date()
        _ = try FixingJob.run(store: s, defs: defs, from: b, to: b)
        _ = try IndexJob.run(store: s, defs: defs, from: b, to: b)
        print(String(format: "one day (%@): fixings and index levels in %.2f s", b.description, Date().timeIntervalSince(t3)))
    }
}

struct BenchFutures: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "futures",
        abstract: "Time every model curve and rolling futures index over the whole history of a store (e.g. the one `cix demo` made).")

    @OptionGroup var store: StoreOptions
    @OptionGroup var indices: IndicesOptions

    func run() throws {
        let s = try store.open()
        let defs = try indices.methodology()
        let span = try s.read { try $0.normalizedSpan() }
        guard span.count > 0 else { throw CixError("bench futures: the store has no normalized quotes (run cix demo first)") }
        let a = Timestamp.utcDate(span.minEpoch), b = Timestamp.utcDate(span.maxEpoch)
        let t0 = Date()
        let c = try FuturesJob.curves(store: s, defs: defs, from: a, to: b)
        let t1 = Date()
        let i = try FuturesJob.indices(store: s, defs: defs, from: a, to: b)
        let t2 = Date()
        print(String(format: "%@ to %@: %d daily curves (%d futures) in %.2f s, %d rolling index days (%d indices) in %.2f s; total %.2f s",
                     a.description, b.description, c.computed, defs.futures.count, t1.timeIntervalSince(t0), i.computed,
                     defs.rollingIndices.count, t2.timeIntervalSince(t1), t2.timeIntervalSince(t0)))
    }
}

struct BenchFunds: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "funds",
        abstract: "Time ten years of daily NAV for the shipped fund designs on a synthetic CXH market held in memory (no I/O in the timed loop).")

    @OptionGroup var indices: IndicesOptions
    @Option(help: "Years of daily NAV.") var years: Int = 10

    func run() throws {
        let defs = try indices.methodology()
        let start = CivilDate(iso: "2025-01-02")!
        let end = start.adding(days: 365 * years)
        // A settled price for every listed contract and business day: an H100-like path with a curve
        // that switches between contango and backwardation.
        func price(_ c: Contract, _ d: CivilDate) -> ContractPrice? {
            let t = Double(d.dayNumber - start.dayNumber)
            let spot = 2.4 + 0.5 * sin(t / 200)
            let ahead = Double(c.month.months(since: ContractMonth(d)))
            return ContractPrice(value: spot * DemoMarket.termShape(premium: 0.02 * sin(t / 300), monthsAhead: ahead), exchange: true)
        }
        let t0 = Date()
        var days = 0
        for f in defs.funds {
            var x = f
            x.inception = start
            days += try NAVEngine.compute(x, contractGPUHours: 1000, calendar: defs.calendar, through: end, price: price, rate: { _ in 4.0 }).count
        }
        let secs = Date().timeIntervalSince(t0)
        print(String(format: "%d years, %d funds: %d NAV days in %.3f s", years, defs.funds.count, days, secs))
    }
}

struct BenchStability: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stability",
        abstract: "Fixings on a synthetic market with a known common price factor and random source outages (each source misses about a fifth of the days, the largest of each grade also every 7th day), under the 1.1 and the 1.2 rules: RMS and worst daily difference between the fixing's log change and the factor's, and grades that stay ok (METHODOLOGY.md §5.8).",
        discussion: "Example: cix bench stability --seed 1 --grades 24 --days 180")

    @Option(help: "Seed of the market.") var seed: UInt64 = 1
    @Option(help: "Grades.") var grades: Int = 24
    @Option(help: "Days.") var days: Int = 180
    @Option(help: "Probability that a source misses a day.") var outageRate: Double = 0.2
    @Option(help: "The largest source of each grade also misses every N-th day.") var largestEvery: Int = 7

    func validate() throws {
        guard grades >= 1, grades <= 10_000 else { throw ValidationError("--grades must be 1…10000") }
        guard days >= 60, days <= 10_000 else { throw ValidationError("--days must be 60…10000 (the first 40 are the warm-up)") }
        guard outageRate >= 0, outageRate < 1 else { throw ValidationError("--outage-rate must be in [0, 1)") }
        guard largestEvery >= 1 else { throw ValidationError("--largest-every must be at least 1") }
    }

    func run() throws {
        var c = StabilityConfig()
        c.seed = seed
        c.grades = grades
        c.days = days
        c.outageRate = outageRate
        c.largestEvery = largestEvery
        let t0 = Date()
        let rows = StabilityBench.run(c)
        print("market: seed \(seed), \(grades) grades, \(days) days (statistics after day \(c.warmup)), factor σ \(c.factorVol) a day, offer noise \(c.offerNoise), outage rate \(outageRate), largest source out every \(largestEvery) days")
        print("rule                                                    RMS      worst    grades always ok   grade-days not ok")
        for r in rows {
            let rule = r.rule.padding(toLength: 55, withPad: " ", startingAt: 0)
            print("\(rule) \(String(format: "%.4f%%", r.rms * 100))  \(String(format: "%.3f%%", r.worst * 100))   \(r.gradesAllOK)/\(r.grades)              \(r.daysNotOK)")
        }
        print(String(format: "%.1f s", Date().timeIntervalSince(t0)))
    }
}
