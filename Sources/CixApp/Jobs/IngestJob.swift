import CixCore
import CixIO
import CixStore
import Foundation

/// Input formats `cix ingest` reads.
public enum QuoteFormat: String, Sendable, CaseIterable {
    case auto, csv, jsonl, skypilot, auction
}

public struct IngestOptions: Sendable {
    public var format: QuoteFormat = .auto
    /// For formats that carry no provider id or time (SkyPilot catalogs).
    public var sourceName: String?
    public var observedAt: String?
    /// Write `<file>.rejects.csv` beside each input (stdin: `./stdin.rejects.csv`).
    public var writeRejectFiles = true
    public var chunkSize = 1 << 20
    /// Validate only: count and report rows, store nothing.
    public var checkOnly = false
    /// Observation times accepted (§2.2): 2000-01-01 to a day after this clock (epoch seconds; default now).
    public var clock: Int64? = nil
    /// Where `<file>.rejects.csv` files go (default: beside each input).
    public var rejectsDir: String? = nil
    /// Run inside the file's transaction, just before it commits (the daily job records the inbox
    /// file there, so a file is ingested and recorded together or not at all).
    /// It gets the SHA-256 of the bytes ingested.
    public var inTransaction: (@Sendable (StoreSession, BatchCounts, String) throws -> Void)? = nil
    public init() {}
}

public struct FileIngestResult: Sendable {
    public var path: String
    public var batchID: Int64
    public var counts: BatchCounts
    public var warnings: [String]
    public var rejectsPath: String?
    /// Per-format extras (e.g. SkyPilot: GPU rows), printed after the summary line.
    public var details: [String]
}

/// The bytes just read were ingested before (under another name or time): the file's transaction is
/// rolled back and the file counted as already taken (§9.4).
public struct AlreadyIngested: Error {
    public var sha256: String
    public init(sha256: String) { self.sha256 = sha256 }
}

/// A whole-run failure: nothing of the failing file was stored (exit code 2).
public struct IngestFailure: Error, CustomStringConvertible {
    public var description: String
}

public enum IngestJob {
    /// Opens every file first (an unreadable one stops the run before anything is written), then
    /// ingests each file in its own transaction.
    /// `onFile` is called as each file's transaction commits (progress lines; on a later failure the
    /// files before it stay stored and have been reported).
    public static func run(store: Store, paths: [String], options: IngestOptions,
                           now: () -> String = { Timestamp.format(Int64(Date().timeIntervalSince1970)) },
                           onFile: (FileIngestResult) -> Void = { _ in }) throws -> [FileIngestResult] {
        try run(store: store, inputs: try open(paths: paths, options: options), options: options, now: now, onFile: onFile)
    }

    /// An opened input: its path, reader and format name.
    public struct Input {
        public var path: String
        public var reader: QuoteRowReader & AnyObject
        public var format: String
        /// The hash of the bytes read so far.
        public var digest: ReadDigest
        public init(path: String, reader: QuoteRowReader & AnyObject, format: String, digest: ReadDigest = ReadDigest()) {
            self.path = path
            self.reader = reader
            self.format = format
            self.digest = digest
        }
    }

    /// Opens every file (an unreadable one, or one that is not quotes, stops here: nothing is written).
    public static func open(paths: [String], options: IngestOptions) throws -> [Input] {
        if paths.filter({ $0 == "-" }).count > 1 { throw IngestFailure(description: "standard input (-) can be read only once") }
        return try paths.map { path in
            let reader = try makeReader(path: path, options: options)
            return Input(path: path, reader: reader.0, format: reader.1, digest: reader.2)
        }
    }

    public static func run(store: Store, inputs: [Input], options: IngestOptions,
                           now: () -> String = { Timestamp.format(Int64(Date().timeIntervalSince1970)) },
                           onFile: (FileIngestResult) -> Void = { _ in }) throws -> [FileIngestResult] {
        var results: [FileIngestResult] = []
        for i in inputs {
            let r = try ingestOne(store: store, path: i.path, reader: i.reader, formatName: i.format, digest: i.digest, options: options, now: now)
            results.append(r)
            onFile(r)
        }
        return results
    }

    /// What `cix ingest` does: the files in order, each in its own transaction; then the normalization
    /// of what was stored, also when a later file failed (its failure is returned, the files before it
    /// stay stored and normalized).
    public struct Outcome {
        public var results: [FileIngestResult] = []
        public var failure: IngestFailure?
        public var normalize: NormalizeStats?
    }

    public static func ingestAndNormalize(store: Store, inputs: [Input], options: IngestOptions, ref: ReferenceData?,
                                          onFile: (FileIngestResult) -> Void = { _ in },
                                          progress: ((Int, Int) -> Void)? = nil) throws -> Outcome {
        var out = Outcome()
        var done: [FileIngestResult] = []
        do {
            _ = try run(store: store, inputs: inputs, options: options, onFile: { r in done.append(r); onFile(r) })
        } catch let e as IngestFailure {
            out.failure = e
        }
        out.results = done
        if let ref, !options.checkOnly { out.normalize = try NormalizeJob.run(store: store, ref: ref, progress: progress) }
        return out
    }

    static func makeReader(path: String, options: IngestOptions) throws -> (QuoteRowReader & AnyObject, String, ReadDigest) {
        let source: FileByteSource
        do { source = try FileByteSource(path: path) } catch let e as IOFailure { throw IngestFailure(description: "\(e)") }
        let limits = ObservationLimits(now: options.clock ?? Int64(Date().timeIntervalSince1970))
        var format = options.format
        if format == .auto {
            let lower = path.lowercased()
            format = lower.hasSuffix(".jsonl") || lower.hasSuffix(".ndjson") ? .jsonl : .csv
        }
        do {
            switch format {
            case .csv, .auto:
                let r = try CanonicalCSVReader(source: source, path: path, chunkSize: options.chunkSize)
                r.limits = limits
                return (r, "csv", source.digest)
            case .jsonl:
                let r = CanonicalJSONLReader(source: source, path: path)
                r.limits = limits
                return (r, "jsonl", source.digest)
            case .skypilot:
                guard let name = options.sourceName, !name.isEmpty else {
                    throw IngestFailure(description: "--format skypilot needs --source NAME")
                }
                guard let at = options.observedAt else {
                    throw IngestFailure(description: "--format skypilot needs --observed-at TIME (the catalogs carry no date)")
                }
                guard case .success = Timestamp.parse(at) else {
                    throw IngestFailure(description: "--observed-at: not an ISO-8601 timestamp with zone: \(at)")
                }
                let r = try SkyPilotCatalogReader(source: source, path: path, sourceName: name, observedAt: at)
                r.limits = limits
                return (r, "skypilot", source.digest)
            case .auction:
                let r = try AuctionReader(source: source, path: path, sourceName: options.sourceName)
                r.limits = limits
                return (r, "auction", source.digest)
            }
        } catch let e as QuoteFileError {
            throw IngestFailure(description: "\(e)")
        } catch let e as IOFailure {
            throw IngestFailure(description: "\(e)")
        }
    }

    static func ingestOne(store: Store, path: String, reader source: QuoteRowReader & AnyObject, formatName: String,
                          digest: ReadDigest, options: IngestOptions, now: () -> String) throws -> FileIngestResult {
        let reader = ChunkPrefetcher(source)
        defer { reader.cancel() }
        var rejectsPath = path == "-" ? "stdin.rejects.csv" : path + ".rejects.csv"
        if let dir = options.rejectsDir {
            rejectsPath = dir + "/" + (path == "-" ? "stdin" : URL(fileURLWithPath: path).lastPathComponent) + ".rejects.csv"
        }
        var rejectsFile: AtomicTextFile?
        defer { rejectsFile?.discard() }
        var batchID: Int64 = 0
        var counts = BatchCounts()
        func report(_ rejects: [RejectedRow]) throws {
            guard options.writeRejectFiles else { return }
            for r in rejects {
                if rejectsFile == nil {
                    rejectsFile = try AtomicTextFile(path: rejectsPath, followSymlink: false)
                    rejectsFile!.write(RejectsCSV.header)
                }
                rejectsFile!.write(RejectsCSV.row(line: r.line, field: r.reject.field, reason: r.reject.reason, original: r.original))
            }
        }
        do {
            if options.checkOnly {
                var seen = Set<Int64>()
                while let chunk = try reader.next() {
                    try report(chunk.rejects)
                    counts.rowsRead += chunk.rowsRead
                    counts.rejected += chunk.rejects.count
                    counts.skipped += chunk.skipped
                    for k in chunk.identities {
                        if seen.insert(k).inserted { counts.accepted += 1 } else { counts.duplicates += 1 }
                    }
                }
            } else {
                try store.write { s in
                    let writer = try s.quoteBatchWriter(sourcePath: path, format: formatName,
                                                        sourceName: options.sourceName, startedAt: now())
                    batchID = writer.batchID
                    writer.blockCheck = { block in
                        do { try block.verifyReadable() } catch {
                            throw IngestFailure(description: "\(path): a block of accepted quotes would not read back (\(error)); nothing from this file was stored")
                        }
                    }
                    while let chunk = try reader.next() {
                        try report(chunk.rejects)
                        try writer.add(chunk)
                    }
                    try writer.finish(finishedAt: now())
                    counts = writer.counts
                    try options.inTransaction?(s, counts, digest.hex)
                }
            }
        } catch let e as IOFailure {
            throw IngestFailure(description: "\(e) (nothing from this file was stored)")
        } catch let e as IngestFailure {
            throw e
        } catch let e as AlreadyIngested {
            throw e
        } catch let e as QuoteFileError {
            throw IngestFailure(description: "\(e) (nothing from this file was stored)")
        } catch {
            throw IngestFailure(description: "\(path): store error: \(StoreErrors.describe(error)) (nothing from this file was stored)")
        }
        var written: String?
        if let f = rejectsFile {
            try f.commit()
            rejectsFile = nil
            written = rejectsPath
        } else if options.writeRejectFiles, FileManager.default.fileExists(atPath: rejectsPath) {
            // A rejects file from an earlier run of this same input no longer describes it.
            try? FileManager.default.removeItem(atPath: rejectsPath)
        }
        let details = (source as? SkyPilotCatalogReader<FileByteSource>)?.summaryLines ?? []
        return FileIngestResult(path: path, batchID: batchID, counts: counts, warnings: reader.warnings,
                                rejectsPath: written, details: details)
    }
}

