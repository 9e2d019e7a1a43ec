import CixCore
import Foundation
import GRDB
import GRDBSQLite

/// The SQLite store of record. One file, WAL mode, foreign keys on, schema only through migrations.
/// Every SQL string of the project lives in this module; jobs reach the store through `write` and
/// `read`, whose `StoreSession` offers typed operations only.
public final class Store: @unchecked Sendable {
    /// The GRDB queue, for tests and diagnostics; the application goes through `write` and `read`.
    public let dbQueue: DatabaseQueue
    public let path: String
    public let readOnly: Bool
    /// The migrations this open applied (an older store upgraded in place), in order.
    public private(set) var migrated: [String] = []
    /// Page cache in KiB. Measured at 5M quotes: 16 MiB to 200 MiB made no difference to ingest speed.
    static let cacheKiB = 64 * 1024

    /// Why a store cannot be opened, worded for the user.
    public struct OpenError: Error, CustomStringConvertible {
        public var description: String
    }

    /// Opens (creating if needed) the store at `path` and brings its schema up to date. With
    /// `readOnly`, the file must exist with a current schema, and nothing is created or written.
    /// A store written by a newer `cix` (a migration this one does not know) is refused.
    public init(path: String, readOnly: Bool = false, busyTimeoutSeconds: Double = 10) throws {
        self.path = path
        self.readOnly = readOnly
        if readOnly {
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir), !isDir.boolValue else {
                throw OpenError(description: "no store at \(path) (check --db or $CIX_DB)")
            }
        }
        var config = Configuration()
        config.foreignKeysEnabled = true
        config.readonly = readOnly
        config.busyMode = .timeout(busyTimeoutSeconds)
        config.prepareDatabase { db in
            // 64 MiB page cache: the identity index of a multi-million-row store stays mostly in memory.
            // 16 KiB pages (new stores only): ingest measured ~10% faster than with 4 KiB.
            if !readOnly { try db.execute(sql: "PRAGMA page_size = 16384") }
            try db.execute(sql: "PRAGMA cache_size = -\(Store.cacheKiB)")
            try db.execute(sql: "PRAGMA temp_store = MEMORY")
        }
        dbQueue = try DatabaseQueue(path: path, configuration: config)
        let known = Store.migrator.migrations
        let applied = try dbQueue.read { db -> [String] in
            guard try db.tableExists("grdb_migrations") else { return [] }
            return try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations")
        }
        let unknown = applied.filter { !known.contains($0) }
        guard unknown.isEmpty else {
            throw OpenError(description: "\(path) was written by a newer cix (schema \(unknown.sorted().joined(separator: ", ")); this cix knows up to \(known.last!)): upgrade cix")
        }
        if readOnly {
            guard Set(known).isSubset(of: Set(applied)) else {
                throw OpenError(description: "\(path) is not a cix store with a current schema (cix upgrade brings an older store up to date in place)")
            }
            return
        }
        try dbQueue.writeWithoutTransaction { db in
            _ = try String.fetchOne(db, sql: "PRAGMA journal_mode = WAL")
            // NORMAL is durable in WAL mode except against power loss of the last commit; a killed
            // process still leaves the store as it was before the unfinished transaction.
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        migrated = known.filter { !applied.contains($0) }
        if migrated.isEmpty {
            try Store.migrator.migrate(dbQueue)
        } else {
            // An upgrade rewrites or drops whole tables in one transaction: its statement journals go to a
            // temporary file (in memory they grew with the table: 250 MB a million quotes for v11's DROP).
            try dbQueue.writeWithoutTransaction { try $0.execute(sql: "PRAGMA temp_store = FILE") }
            do {
                try Store.migrator.migrate(dbQueue)
            } catch {
                // Another cix upgraded the store between our look and our migration: fine if it is current now.
                let now = try dbQueue.read { try String.fetchAll($0, sql: "SELECT identifier FROM grdb_migrations") }
                guard Set(known).isSubset(of: Set(now)) else { throw error }
                migrated = []
            }
            try dbQueue.writeWithoutTransaction { try $0.execute(sql: "PRAGMA temp_store = MEMORY") }
        }
    }

    /// The migrations applied to the store at `path`, without changing it; nil when the file is not a
    /// cix store (no migration table: an empty file, another program's database).
    public static func appliedMigrations(path: String, busyTimeoutSeconds: Double = 10) throws -> [String]? {
        var config = Configuration()
        config.readonly = true
        // Another cix may be upgrading or writing the store this moment: wait for it as every open does
        // (without a wait, a lock held while it switches the journal mode read as "not a database").
        config.busyMode = .timeout(busyTimeoutSeconds)
        let q = try DatabaseQueue(path: path, configuration: config)
        return try q.read { db in
            guard try db.tableExists("grdb_migrations") else { return nil }
            return try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY rowid")
        }
    }

    /// Rebuilds the file without its free pages (after an upgrade that freed space). Needs free disk
    /// space about the size of the store.
    public func vacuum() throws {
        // Its temporary copy of the store goes to a file, not memory.
        try dbQueue.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA temp_store = FILE")
            try db.execute(sql: "VACUUM")
            try db.execute(sql: "PRAGMA temp_store = MEMORY")
        }
    }

    /// Runs `body` in one write transaction: all of it commits, or none of it.
    public func write<T>(_ body: (StoreSession) throws -> T) throws -> T {
        try dbQueue.write { db in try body(StoreSession(db)) }
    }

    /// Runs `body` on a consistent snapshot.
    public func read<T>(_ body: (StoreSession) throws -> T) throws -> T {
        try dbQueue.read { db in try body(StoreSession(db)) }
    }

    /// Moves the WAL's pages into the main file (before copying the file).
    public func checkpoint() throws {
        _ = try dbQueue.writeWithoutTransaction { try $0.checkpoint(.truncate) }
    }

    /// Versioned schema. Never edit a registered migration: add a new one.
    public static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1-raw-quotes") { db in
            try db.execute(sql: """
            CREATE TABLE ingest_batches (
                id INTEGER PRIMARY KEY,
                source_path TEXT NOT NULL,
                format TEXT NOT NULL,
                source_name TEXT,
                started_at TEXT NOT NULL,
                finished_at TEXT,
                rows_read INTEGER NOT NULL DEFAULT 0,
                accepted INTEGER NOT NULL DEFAULT 0,
                duplicates INTEGER NOT NULL DEFAULT 0,
                rejected INTEGER NOT NULL DEFAULT 0,
                skipped INTEGER NOT NULL DEFAULT 0
            );
            -- Raw quotes as received, in blocks: each block holds `count` quotes with ids
            -- first_quote_id ..< first_quote_id + count, as canonical CSV records (no header) whose
            -- first field is the source line number: line,observed_at,source,offer_id,chip,...
            -- Per-row SQLite inserts cost ~2 µs a quote here; a block amortises that to nothing.
            CREATE TABLE raw_blocks (
                id INTEGER PRIMARY KEY,
                batch_id INTEGER NOT NULL REFERENCES ingest_batches(id),
                first_quote_id INTEGER NOT NULL UNIQUE,
                count INTEGER NOT NULL,
                min_epoch INTEGER NOT NULL,
                max_epoch INTEGER NOT NULL,
                data TEXT NOT NULL
            );
            CREATE INDEX raw_blocks_epoch ON raw_blocks(min_epoch, max_epoch);
            CREATE TRIGGER raw_blocks_no_update BEFORE UPDATE ON raw_blocks
                BEGIN SELECT RAISE(ABORT, 'raw quotes are immutable'); END;
            CREATE TRIGGER raw_blocks_no_delete BEFORE DELETE ON raw_blocks
                BEGIN SELECT RAISE(ABORT, 'raw quotes are immutable'); END;
            -- De-duplication keys: a rowid table keyed by the identity itself (an integer-key B-tree,
            -- probed in sorted blocks). A quote's identity is recomputed from its raw text.
            CREATE TABLE quote_identities (identity INTEGER PRIMARY KEY);
            CREATE TABLE rejects (
                id INTEGER PRIMARY KEY,
                batch_id INTEGER NOT NULL REFERENCES ingest_batches(id),
                line INTEGER NOT NULL,
                field TEXT NOT NULL,
                reason TEXT NOT NULL,
                original TEXT NOT NULL
            );
            CREATE INDEX rejects_batch ON rejects(batch_id);
            CREATE TRIGGER rejects_no_update BEFORE UPDATE ON rejects
                BEGIN SELECT RAISE(ABORT, 'rejects are immutable'); END;
            """)
        }
        m.registerMigration("v2-normalization") { db in
            try db.execute(sql: """
            -- FX rates as ingested; every file's rows are kept (audit). For a currency and day the
            -- rate of the latest ingest wins.
            CREATE TABLE fx_rates (
                id INTEGER PRIMARY KEY,
                currency TEXT NOT NULL,
                date TEXT NOT NULL,
                usd_per_unit REAL NOT NULL,
                source_path TEXT NOT NULL,
                ingested_at TEXT NOT NULL
            );
            CREATE INDEX fx_rates_currency_date ON fx_rates(currency, date);
            CREATE TABLE normalization_runs (
                id INTEGER PRIMARY KEY,
                reference_hash TEXT NOT NULL,
                fx_hash TEXT NOT NULL,
                started_at TEXT NOT NULL,
                max_quote_id INTEGER NOT NULL,
                examined INTEGER NOT NULL,
                written INTEGER NOT NULL
            );
            -- One row per raw quote: its normalized form under the definitions (reference_hash) of
            -- the run that last changed it. Clustered by observation time for the fixing windows.
            CREATE TABLE normalized_quotes (
                observed_epoch INTEGER NOT NULL,
                quote_id INTEGER NOT NULL,
                run_id INTEGER NOT NULL REFERENCES normalization_runs(id),
                reference_hash TEXT NOT NULL,
                result_hash INTEGER NOT NULL,
                source TEXT NOT NULL,
                offer_id TEXT,
                location TEXT NOT NULL,
                chip TEXT,
                country TEXT,
                region TEXT,
                term TEXT NOT NULL,
                gpu_count INTEGER NOT NULL,
                available_gpus INTEGER,
                interconnect TEXT NOT NULL,
                usd_per_gpu_hour REAL,
                usd_per_h100_hour REAL,
                fx_rate REAL,
                fx_date TEXT,
                unpriced_reason TEXT,
                grades TEXT NOT NULL,
                unmatched_reason TEXT,
                PRIMARY KEY (observed_epoch, quote_id)
            ) WITHOUT ROWID;
            """)
        }
        m.registerMigration("v3-fixings-indices") { db in
            try db.execute(sql: """
            -- Every published value is versioned: a recomputation that changes anything (value,
            -- status, inputs or definition) adds version n+1; an identical one adds nothing.
            CREATE TABLE fixings (
                grade_id TEXT NOT NULL,
                date TEXT NOT NULL,
                version INTEGER NOT NULL,
                status TEXT NOT NULL,
                value REAL,
                published TEXT,
                offers INTEGER NOT NULL,
                sources INTEGER NOT NULL,
                outliers INTEGER,
                p25 REAL, p75 REAL, min REAL, max REAL, ci_low REAL, ci_high REAL,
                capacity_gpus REAL NOT NULL,
                carried_from TEXT,
                inputs_hash TEXT,
                definition_hash TEXT NOT NULL,
                computed_at TEXT NOT NULL,
                PRIMARY KEY (grade_id, date, version)
            );
            CREATE TABLE index_levels (
                index_id TEXT NOT NULL,
                date TEXT NOT NULL,
                version INTEGER NOT NULL,
                status TEXT NOT NULL,
                level REAL,
                published TEXT,
                link_date TEXT,
                inputs_hash TEXT NOT NULL,
                definition_hash TEXT NOT NULL,
                computed_at TEXT NOT NULL,
                PRIMARY KEY (index_id, date, version)
            );
            CREATE TABLE index_weights (
                index_id TEXT NOT NULL,
                date TEXT NOT NULL,
                version INTEGER NOT NULL,
                grade_id TEXT NOT NULL,
                weight REAL NOT NULL,
                link_price REAL NOT NULL,
                price REAL NOT NULL,
                held INTEGER NOT NULL,
                PRIMARY KEY (index_id, date, version, grade_id)
            );
            """)
        }
        m.registerMigration("v4-publication-runs") { db in
            try db.execute(sql: """
            -- One row per job run that publishes anything; every published row names its run.
            CREATE TABLE publication_runs (
                id INTEGER PRIMARY KEY,
                job TEXT NOT NULL,
                arguments TEXT NOT NULL,
                started_at TEXT NOT NULL,
                finished_at TEXT,
                definitions TEXT NOT NULL,
                definitions_hash TEXT NOT NULL,
                code_version TEXT NOT NULL,
                written INTEGER NOT NULL DEFAULT 0,
                unchanged INTEGER NOT NULL DEFAULT 0
            );
            ALTER TABLE fixings ADD COLUMN run_id INTEGER REFERENCES publication_runs(id);
            ALTER TABLE index_levels ADD COLUMN run_id INTEGER REFERENCES publication_runs(id);
            ALTER TABLE index_weights ADD COLUMN run_id INTEGER REFERENCES publication_runs(id);
            -- Rows published before runs existed belong to one run named for this migration.
            INSERT INTO publication_runs (job, arguments, started_at, finished_at, definitions, definitions_hash, code_version, written)
                SELECT 'before-v4', '',
                       COALESCE((SELECT MIN(computed_at) FROM fixings), (SELECT MIN(computed_at) FROM index_levels), ''),
                       COALESCE((SELECT MAX(computed_at) FROM index_levels), (SELECT MAX(computed_at) FROM fixings), ''),
                       'unknown', 'unknown', 'before 0.3',
                       (SELECT COUNT(*) FROM fixings) + (SELECT COUNT(*) FROM index_levels)
                WHERE EXISTS (SELECT 1 FROM fixings) OR EXISTS (SELECT 1 FROM index_levels);
            UPDATE fixings SET run_id = (SELECT MIN(id) FROM publication_runs) WHERE run_id IS NULL;
            UPDATE index_levels SET run_id = (SELECT MIN(id) FROM publication_runs) WHERE run_id IS NULL;
            UPDATE index_weights SET run_id = (SELECT MIN(id) FROM publication_runs) WHERE run_id IS NULL;
            CREATE INDEX fixings_run ON fixings(run_id);
            CREATE INDEX index_levels_run ON index_levels(run_id);
            -- A published value is never changed or removed: a change is a new version.
            CREATE TRIGGER fixings_need_run BEFORE INSERT ON fixings WHEN NEW.run_id IS NULL
                BEGIN SELECT RAISE(ABORT, 'a published fixing must name its publication run'); END;
            CREATE TRIGGER index_levels_need_run BEFORE INSERT ON index_levels WHEN NEW.run_id IS NULL
                BEGIN SELECT RAISE(ABORT, 'a published index level must name its publication run'); END;
            CREATE TRIGGER fixings_immutable BEFORE UPDATE ON fixings
                BEGIN SELECT RAISE(ABORT, 'published fixings are immutable'); END;
            CREATE TRIGGER fixings_no_delete BEFORE DELETE ON fixings
                BEGIN SELECT RAISE(ABORT, 'published fixings are immutable'); END;
            CREATE TRIGGER index_levels_immutable BEFORE UPDATE ON index_levels
                BEGIN SELECT RAISE(ABORT, 'published index levels are immutable'); END;
            CREATE TRIGGER index_levels_no_delete BEFORE DELETE ON index_levels
                BEGIN SELECT RAISE(ABORT, 'published index levels are immutable'); END;
            """)
        }
        m.registerMigration("v5-quarantine-reject-identities") { db in
            try db.execute(sql: """
            -- Raw blocks that cannot be read back (written by an older cix, or damaged): kept as they are
            -- (raw quotes are immutable) and left out of normalization, fixings and exports, reported.
            CREATE TABLE quarantined_blocks (
                first_quote_id INTEGER PRIMARY KEY REFERENCES raw_blocks(first_quote_id),
                reason TEXT NOT NULL,
                found_at TEXT NOT NULL
            );
            -- A reject's identity (FNV-1a of field, reason and original text): re-ingesting a file does
            -- not store its rejects again.
            ALTER TABLE rejects ADD COLUMN identity INTEGER;
            CREATE UNIQUE INDEX rejects_identity ON rejects(identity) WHERE identity IS NOT NULL;
            """)
        }
        m.registerMigration("v6-observed-nanos-definitions") { db in
            try db.execute(sql: """
            -- The fraction of a second of each observation (§5.1 compares instants at full precision).
            -- Rows written before this migration have 0 until they are re-normalized.
            ALTER TABLE normalized_quotes ADD COLUMN observed_nanos INTEGER NOT NULL DEFAULT 0;
            -- Every resolved definition a published value was computed under, by its hash: old results
            -- stay explainable after the definitions change (§1.1).
            CREATE TABLE definitions (
                hash TEXT PRIMARY KEY,
                kind TEXT NOT NULL,
                id TEXT NOT NULL,
                methodology_version TEXT NOT NULL,
                canonical TEXT NOT NULL,
                first_run_id INTEGER REFERENCES publication_runs(id)
            ) WITHOUT ROWID;
            """)
        }
        m.registerMigration("v7-futures") { db in
            try db.execute(sql: """
            -- Exchange settlements (§7.3): versioned like every published series (a changed settle is a
            -- new version, the old kept), with the run that stored them.
            CREATE TABLE settlements (
                contract TEXT NOT NULL,
                date TEXT NOT NULL,
                version INTEGER NOT NULL,
                settle REAL NOT NULL,
                volume INTEGER,
                open_interest INTEGER,
                source_path TEXT NOT NULL,
                run_id INTEGER NOT NULL REFERENCES publication_runs(id),
                computed_at TEXT NOT NULL,
                PRIMARY KEY (contract, date, version)
            );
            -- T-bill rates in percent (§7.6); for a date the latest ingest wins, every file's rows are kept.
            CREATE TABLE rates (
                id INTEGER PRIMARY KEY,
                date TEXT NOT NULL,
                rate REAL NOT NULL,
                source_path TEXT NOT NULL,
                ingested_at TEXT NOT NULL
            );
            CREATE INDEX rates_date ON rates(date);
            -- Model curves (§7.4): one row per root, date and listed contract.
            CREATE TABLE curves (
                root TEXT NOT NULL,
                date TEXT NOT NULL,
                contract TEXT NOT NULL,
                version INTEGER NOT NULL,
                months_ahead INTEGER NOT NULL,
                price REAL,
                published TEXT,
                warnings TEXT NOT NULL,
                inputs_hash TEXT NOT NULL,
                definition_hash TEXT NOT NULL,
                run_id INTEGER NOT NULL REFERENCES publication_runs(id),
                computed_at TEXT NOT NULL,
                PRIMARY KEY (root, date, contract, version)
            );
            -- Rolling futures indices (§7.5–§7.7).
            CREATE TABLE futures_index_levels (
                index_id TEXT NOT NULL,
                date TEXT NOT NULL,
                version INTEGER NOT NULL,
                status TEXT NOT NULL,
                er REAL NOT NULL,
                tr REAL NOT NULL,
                cdr REAL NOT NULL,
                tbr REAL NOT NULL,
                tbill_rate REAL,
                holdings TEXT NOT NULL,
                settlement_source TEXT NOT NULL,
                roll_yield REAL,
                er_published TEXT,
                tr_published TEXT,
                inputs_hash TEXT NOT NULL,
                definition_hash TEXT NOT NULL,
                run_id INTEGER NOT NULL REFERENCES publication_runs(id),
                computed_at TEXT NOT NULL,
                PRIMARY KEY (index_id, date, version)
            );
            CREATE TRIGGER settlements_immutable BEFORE UPDATE ON settlements BEGIN SELECT RAISE(ABORT, 'settlements are immutable'); END;
            CREATE TRIGGER curves_immutable BEFORE UPDATE ON curves BEGIN SELECT RAISE(ABORT, 'published curves are immutable'); END;
            CREATE TRIGGER futures_index_levels_immutable BEFORE UPDATE ON futures_index_levels
                BEGIN SELECT RAISE(ABORT, 'published futures index levels are immutable'); END;
            """)
        }
        m.registerMigration("v8-fund-nav") { db in
            try db.execute(sql: """
            -- Fund NAV days (§8): versioned, with the run that published them.
            CREATE TABLE fund_nav (
                fund_id TEXT NOT NULL,
                date TEXT NOT NULL,
                version INTEGER NOT NULL,
                status TEXT NOT NULL,
                nav_per_share REAL NOT NULL,
                nav_published TEXT,
                shares_outstanding REAL NOT NULL,
                net_assets REAL NOT NULL,
                cash REAL NOT NULL,
                futures_gain REAL NOT NULL,
                interest REAL NOT NULL,
                fee_accrued REAL NOT NULL,
                fee_paid REAL NOT NULL,
                transaction_costs REAL NOT NULL,
                contracts_traded REAL NOT NULL,
                positions TEXT NOT NULL,
                tracking_difference REAL,
                definition_hash TEXT NOT NULL,
                run_id INTEGER NOT NULL REFERENCES publication_runs(id),
                computed_at TEXT NOT NULL,
                PRIMARY KEY (fund_id, date, version)
            );
            CREATE TRIGGER fund_nav_immutable BEFORE UPDATE ON fund_nav BEGIN SELECT RAISE(ABORT, 'published NAVs are immutable'); END;
            """)
        }
        m.registerMigration("v9-daily-runs-restatements") { db in
            try db.execute(sql: """
            -- The business date a run publishes as of (cix run --date), and the inputs it had seen (§9.2).
            ALTER TABLE publication_runs ADD COLUMN as_of TEXT;
            ALTER TABLE publication_runs ADD COLUMN input_mark TEXT;
            -- Every change to a published value (§9.3): published as a new vintage (new_version) or held.
            CREATE TABLE restatements (
                id INTEGER PRIMARY KEY,
                series TEXT NOT NULL,
                key TEXT NOT NULL,
                date TEXT NOT NULL,
                old_version INTEGER NOT NULL,
                new_version INTEGER,
                old_value REAL,
                new_value REAL,
                changed TEXT NOT NULL,
                new_hash TEXT NOT NULL,
                reason TEXT NOT NULL,
                published INTEGER NOT NULL,
                run_id INTEGER NOT NULL REFERENCES publication_runs(id),
                recorded_at TEXT NOT NULL
            );
            CREATE INDEX restatements_key ON restatements(series, key, date);
            CREATE TRIGGER restatements_immutable BEFORE UPDATE ON restatements
                BEGIN SELECT RAISE(ABORT, 'restatement records are immutable'); END;
            CREATE TRIGGER restatements_no_delete BEFORE DELETE ON restatements
                BEGIN SELECT RAISE(ABORT, 'restatement records are immutable'); END;
            -- Files the daily job took from its inbox, by the SHA-256 of their bytes.
            CREATE TABLE inbox_files (
                hash TEXT PRIMARY KEY,
                path TEXT NOT NULL,
                kind TEXT NOT NULL,
                ingested_at TEXT NOT NULL,
                rows_read INTEGER NOT NULL,
                accepted INTEGER NOT NULL,
                rejected INTEGER NOT NULL
            );
            CREATE INDEX fixings_date ON fixings(date);
            """)
        }
        m.registerMigration("v10-inbox-file-stat") { db in
            try db.execute(sql: """
            -- Size and modification time of each inbox file taken: an unchanged file is not read again to hash it.
            ALTER TABLE inbox_files ADD COLUMN size INTEGER;
            ALTER TABLE inbox_files ADD COLUMN mtime REAL;
            CREATE INDEX inbox_files_path ON inbox_files(path);
            """)
        }
        m.registerMigration("v11-compact-blocks") { db in
            try db.execute(sql: """
            -- A normalization run is finished when it records its counts; a killed one never is.
            ALTER TABLE normalization_runs ADD COLUMN finished_at TEXT;
            UPDATE normalization_runs SET finished_at = started_at;
            -- Per raw block: the run, definitions and FX rates it was last normalized under (§3.6). A block
            -- without a row, or with other hashes than the current ones, is normalized by the next run.
            CREATE TABLE normalized_blocks (
                first_quote_id INTEGER PRIMARY KEY REFERENCES raw_blocks(first_quote_id),
                run_id INTEGER NOT NULL REFERENCES normalization_runs(id),
                reference_hash TEXT NOT NULL,
                fx_hash TEXT NOT NULL
            );
            -- The normalized quotes of one raw block observed on one UTC day (day = epoch ÷ 86400), in
            -- (observation second, quote id) order, as compressed columns (CixStore/NormalizedSegments.swift).
            -- Keyed by day, so a fixing window reads the segments of its days only.
            CREATE TABLE normalized_segments (
                day INTEGER NOT NULL,
                first_quote_id INTEGER NOT NULL REFERENCES raw_blocks(first_quote_id),
                count INTEGER NOT NULL,
                min_epoch INTEGER NOT NULL,
                max_epoch INTEGER NOT NULL,
                data BLOB NOT NULL,
                PRIMARY KEY (day, first_quote_id)
            );
            CREATE INDEX normalized_segments_block ON normalized_segments(first_quote_id);
            """)
            try CompactMigration.compressRawBlocks(db)
            try CompactMigration.convertNormalizedQuotes(db)
            try db.execute(sql: "DROP TABLE normalized_quotes")
        }
        // Methodology 1.2 (§5.8): the panel published with each fixing. Old rows keep NULL (published
        // under 1.1, before panels existed).
        m.registerMigration("v12-fixing-panel") { db in
            try db.execute(sql: """
                ALTER TABLE fixings ADD COLUMN live_sources INTEGER;
                ALTER TABLE fixings ADD COLUMN imputed_sources TEXT;
                ALTER TABLE fixings ADD COLUMN panel_changes TEXT;
                """)
        }
        // Issue 21 #7: an inbox file is unchanged only with the same status-change time and inode too.
        m.registerMigration("v13-inbox-file-ctime") { db in
            try db.execute(sql: """
                ALTER TABLE inbox_files ADD COLUMN ctime REAL;
                ALTER TABLE inbox_files ADD COLUMN inode INTEGER;
                """)
        }
        // Issue 21 #12: every published table refuses UPDATE and DELETE (§1.5), like fixings and index levels.
        m.registerMigration("v14-published-immutable") { db in
            try db.execute(sql: """
                CREATE TRIGGER curves_no_delete BEFORE DELETE ON curves BEGIN SELECT RAISE(ABORT, 'published curves are immutable'); END;
                CREATE TRIGGER futures_index_levels_no_delete BEFORE DELETE ON futures_index_levels
                    BEGIN SELECT RAISE(ABORT, 'published rolling index levels are immutable'); END;
                CREATE TRIGGER fund_nav_no_delete BEFORE DELETE ON fund_nav BEGIN SELECT RAISE(ABORT, 'published NAVs are immutable'); END;
                CREATE TRIGGER index_weights_immutable BEFORE UPDATE ON index_weights
                    BEGIN SELECT RAISE(ABORT, 'published index weights are immutable'); END;
                CREATE TRIGGER index_weights_no_delete BEFORE DELETE ON index_weights
                    BEGIN SELECT RAISE(ABORT, 'published index weights are immutable'); END;
                CREATE TRIGGER settlements_no_delete BEFORE DELETE ON settlements BEGIN SELECT RAISE(ABORT, 'settlements are immutable'); END;
                """)
        }
        // Issue 22 #5: the dates each publication run published.
        m.registerMigration("v15-run-dates") { db in
            try db.execute(sql: "ALTER TABLE publication_runs ADD COLUMN published_dates TEXT")
        }
        // Issue 20: the §8.3 inputs hash of each NAV day (NULL for days published before it).
        m.registerMigration("v16-fund-nav-inputs-hash") { db in
            try db.execute(sql: "ALTER TABLE fund_nav ADD COLUMN inputs_hash TEXT")
        }
        // Issue 23: curve points beyond the reserved strip are marked (§7.4).
        m.registerMigration("v17-curve-beyond-strip") { db in
            try db.execute(sql: "ALTER TABLE curves ADD COLUMN beyond_strip INTEGER")
        }
        // Issue 23: final settlements and coverage (§7.8), a published series.
        m.registerMigration("v18-final-settlements") { db in
            try db.execute(sql: """
                CREATE TABLE final_settlements (
                    root TEXT NOT NULL,
                    date TEXT NOT NULL,
                    contract TEXT NOT NULL,
                    version INTEGER NOT NULL,
                    status TEXT NOT NULL,
                    price REAL,
                    published TEXT,
                    days INTEGER NOT NULL,
                    ok_days INTEGER NOT NULL,
                    imputed_days INTEGER NOT NULL,
                    stale_days INTEGER NOT NULL,
                    missing_days INTEGER NOT NULL,
                    coverage REAL NOT NULL,
                    longest_gap INTEGER NOT NULL,
                    fallback TEXT NOT NULL,
                    inputs_hash TEXT NOT NULL,
                    definition_hash TEXT NOT NULL,
                    run_id INTEGER NOT NULL REFERENCES publication_runs(id),
                    computed_at TEXT NOT NULL,
                    PRIMARY KEY (root, date, contract, version)
                );
                CREATE TRIGGER final_settlements_immutable BEFORE UPDATE ON final_settlements
                    BEGIN SELECT RAISE(ABORT, 'published final settlements are immutable'); END;
                CREATE TRIGGER final_settlements_no_delete BEFORE DELETE ON final_settlements
                    BEGIN SELECT RAISE(ABORT, 'published final settlements are immutable'); END;
                """)
        }
        // Issue 23: external benchmark prints (an input, §10) and the basis against them (a published series).
        m.registerMigration("v19-reference-basis") { db in
            try db.execute(sql: """
                CREATE TABLE reference_prints (
                    id INTEGER PRIMARY KEY,
                    benchmark TEXT NOT NULL,
                    date TEXT NOT NULL,
                    value REAL NOT NULL,
                    source_path TEXT NOT NULL,
                    ingested_at TEXT NOT NULL
                );
                CREATE INDEX reference_prints_key ON reference_prints(benchmark, date);
                CREATE TABLE basis (
                    benchmark TEXT NOT NULL,
                    date TEXT NOT NULL,
                    version INTEGER NOT NULL,
                    grade TEXT NOT NULL,
                    ours REAL NOT NULL,
                    fixing_status TEXT NOT NULL,
                    theirs REAL NOT NULL,
                    basis REAL NOT NULL,
                    basis_pct REAL NOT NULL,
                    band_days INTEGER NOT NULL,
                    band_low REAL NOT NULL,
                    band_high REAL NOT NULL,
                    mean_abs_basis REAL NOT NULL,
                    inputs_hash TEXT NOT NULL,
                    definition_hash TEXT NOT NULL,
                    run_id INTEGER NOT NULL REFERENCES publication_runs(id),
                    computed_at TEXT NOT NULL,
                    PRIMARY KEY (benchmark, date, version)
                );
                CREATE TRIGGER basis_immutable BEFORE UPDATE ON basis BEGIN SELECT RAISE(ABORT, 'published basis values are immutable'); END;
                CREATE TRIGGER basis_no_delete BEFORE DELETE ON basis BEGIN SELECT RAISE(ABORT, 'published basis values are immutable'); END;
                """)
        }
        // Issue 23, methodology 1.3: the input level that decided a fixing and each level's share (§5.9).
        m.registerMigration("v20-fixing-input-level") { db in
            try db.execute(sql: """
                ALTER TABLE fixings ADD COLUMN input_level TEXT;
                ALTER TABLE fixings ADD COLUMN transaction_share REAL;
                ALTER TABLE fixings ADD COLUMN firm_share REAL;
                ALTER TABLE fixings ADD COLUMN indicative_share REAL;
                """)
        }
        return m
    }
}

/// A store transaction or snapshot, with typed operations only (no SQL outside this module).
public final class StoreSession {
    let db: Database
    init(_ db: Database) { self.db = db }
    /// Decoded normalized segments of the last days read, by (day, block): consecutive fixing windows
    /// share a day, which is then decoded once. Cleared when this session writes segments.
    var segmentCache: [SegmentKey: DecodedSegment] = [:]

    struct SegmentKey: Hashable {
        var day: Int64
        var firstQuoteID: Int64
    }

    func storeError(_ rc: Int32) -> DatabaseError {
        DatabaseError(resultCode: ResultCode(rawValue: rc), message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
    }
}

/// Counts of one ingest batch.
public struct BatchCounts: Sendable, Equatable {
    public var rowsRead = 0
    public var accepted = 0
    public var duplicates = 0
    public var rejected = 0
    public var skipped = 0
    public init() {}
}

/// Writes one file's rows inside one transaction. Valid quotes are de-duplicated against
/// `quote_identities` a block at a time (sorted keys, set-based statements), and the new ones are
/// appended to `raw_blocks` in file order. Statements are reused and bound with the SQLite C API.
public final class QuoteBatchWriter {
    let db: Database
    public let batchID: Int64
    private let claim: Statement
    private let blockInsert: Statement
    private let rejectInsert: Statement
    public private(set) var counts = BatchCounts()
    private var nextQuoteID: Int64

    private var pending: [QuoteChunk] = []
    private var pendingCount = 0
    private var keys: [(Int64, Int32, Int32)] = []
    private var json: [UInt8] = []
    private var text: [UInt8] = []
    /// Quotes per stored block (and per de-duplication pass).
    public var blockSize = 32_768
    /// Checks each block before it is written (the ingest job decodes it with the readers): what is
    /// stored must read back (METHODOLOGY.md §2.5). A failure rolls the file back.
    public var blockCheck: ((RawBlock) throws -> Void)?

    /// Must be called inside a write transaction; the batch row is created now.
    public convenience init(session: StoreSession, sourcePath: String, format: String, sourceName: String?, startedAt: String) throws {
        try self.init(db: session.db, sourcePath: sourcePath, format: format, sourceName: sourceName, startedAt: startedAt)
    }

    init(db: Database, sourcePath: String, format: String, sourceName: String?, startedAt: String) throws {
        self.db = db
        try db.execute(sql: "INSERT INTO ingest_batches (source_path, format, source_name, started_at) VALUES (?, ?, ?, ?)",
                       arguments: [sourcePath, format, sourceName, startedAt])
        batchID = db.lastInsertedRowID
        // The newest block by the unique index (an expression MAX would read every block's page).
        nextQuoteID = try Int64.fetchOne(db, sql: "SELECT first_quote_id + count FROM raw_blocks ORDER BY first_quote_id DESC LIMIT 1") ?? 1
        claim = try db.makeStatement(sql: "INSERT OR IGNORE INTO quote_identities (identity) SELECT value FROM json_each(?) RETURNING identity")
        blockInsert = try db.makeStatement(sql: """
        INSERT INTO raw_blocks (batch_id, first_quote_id, count, min_epoch, max_epoch, data) VALUES (?,?,?,?,?,?)
        """)
        rejectInsert = try db.makeStatement(sql: "INSERT OR IGNORE INTO rejects (batch_id, line, field, reason, original, identity) VALUES (?,?,?,?,?,?)")
    }

    /// Takes a chunk of rows: rejects are stored now, quotes at the next block flush.
    public func add(_ chunk: QuoteChunk) throws {
        counts.rowsRead += chunk.rowsRead - chunk.count
        counts.skipped += chunk.skipped
        for r in chunk.rejects {
            counts.rejected += 1
            try rejectInsert.execute(arguments: [batchID, r.line, r.reject.field, r.reject.reason, r.original,
                                                 rejectIdentity([r.reject.field, r.reject.reason, r.original])])
        }
        guard chunk.count > 0 else { return }
        pending.append(chunk)
        pendingCount += chunk.count
        if pendingCount >= blockSize { try flush() }
    }

    private func jsonArray(_ ks: some Sequence<Int64>) {
        json.removeAll(keepingCapacity: true)
        json.append(91)
        var first = true
        for k in ks {
            if !first { json.append(44) }
            first = false
            json.append(contentsOf: String(k).utf8)
        }
        json.append(93)
    }

    private func bindJSON(_ s: OpaquePointer) {
        json.withUnsafeBufferPointer { buf in
            _ = sqlite3_bind_text(s, 1, UnsafeRawPointer(buf.baseAddress!).assumingMemoryBound(to: CChar.self), Int32(buf.count), SQLITE_TRANSIENT)
        }
    }

    /// De-duplicates the pending quotes (within the block and against the store), claims the new
    /// identities in key order, and appends the new quotes in file order as one raw block.
    public func flush() throws {
        guard pendingCount > 0 else { return }
        keys.removeAll(keepingCapacity: true)
        for (c, chunk) in pending.enumerated() {
            for i in 0..<chunk.count { keys.append((chunk.identities[i], Int32(c), Int32(i))) }
        }
        // Ties broken by position: the first occurrence in the file is the one stored.
        keys.sort { $0.0 != $1.0 ? $0.0 < $1.0 : ($0.1 != $1.1 ? $0.1 < $1.1 : $0.2 < $1.2) }
        var fresh = pending.map { [Bool](repeating: false, count: $0.count) }
        var distinct: [Int64] = []
        distinct.reserveCapacity(keys.count)
        for k in keys where distinct.last != k.0 { distinct.append(k.0) }
        // Claim them all in key order; RETURNING yields exactly the keys that were new (one B-tree
        // descent a key; probing first and inserting after measured ~25% slower at 5M keys).
        jsonArray(distinct)
        let cl = claim.sqliteStatement
        sqlite3_reset(cl)
        bindJSON(cl)
        var newKeys: [Int64] = []
        newKeys.reserveCapacity(distinct.count)
        while true {
            let rc = sqlite3_step(cl)
            if rc == SQLITE_ROW { newKeys.append(sqlite3_column_int64(cl, 0)); continue }
            guard rc == SQLITE_DONE else { throw storeError(rc) }
            break
        }
        var existing = Set<Int64>()
        if newKeys.count != distinct.count {
            let isNew = Set(newKeys)
            for k in distinct where !isNew.contains(k) { existing.insert(k) }
        }
        var prev: Int64? = nil
        for (k, c, i) in keys {
            defer { prev = k }
            if k == prev || existing.contains(k) { continue }
            fresh[Int(c)][Int(i)] = true
        }
        // Append the new quotes in file order.
        text.removeAll(keepingCapacity: true)
        var minEpoch = Int64.max
        var maxEpoch = Int64.min
        for (c, chunk) in pending.enumerated() {
            chunk.text.withUnsafeBufferPointer { t in
                for i in 0..<chunk.count where fresh[c][i] {
                    let r = chunk.record(i)
                    text.append(contentsOf: UnsafeBufferPointer(rebasing: t[r.lowerBound...r.upperBound]))
                    minEpoch = min(minEpoch, chunk.epochs[i])
                    maxEpoch = max(maxEpoch, chunk.epochs[i])
                }
            }
        }
        let added = newKeys.count
        if added > 0, let blockCheck {
            try blockCheck(RawBlock(batchID: batchID, firstQuoteID: nextQuoteID, count: added, data: text))
        }
        if added > 0 {
            let s = blockInsert.sqliteStatement
            sqlite3_reset(s)
            sqlite3_bind_int64(s, 1, batchID)
            sqlite3_bind_int64(s, 2, nextQuoteID)
            sqlite3_bind_int64(s, 3, Int64(added))
            sqlite3_bind_int64(s, 4, minEpoch)
            sqlite3_bind_int64(s, 5, maxEpoch)
            // Stored compressed (§2.5); it decompresses to exactly these bytes.
            let packed = BlockCodec.compress(text)
            let rc: Int32 = packed.withUnsafeBufferPointer { buf in
                sqlite3_bind_blob(s, 6, buf.baseAddress, Int32(buf.count), SQLITE_STATIC)
                let rc = sqlite3_step(s)
                sqlite3_clear_bindings(s)
                return rc
            }
            guard rc == SQLITE_DONE else { throw storeError(rc) }
            nextQuoteID += Int64(added)
        }
        counts.rowsRead += pendingCount
        counts.accepted += added
        counts.duplicates += pendingCount - added
        pending.removeAll(keepingCapacity: true)
        pendingCount = 0
    }

    private func storeError(_ rc: Int32) -> DatabaseError {
        DatabaseError(resultCode: ResultCode(rawValue: rc), message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
    }

    /// Records the final counts on the batch row.
    public func finish(finishedAt: String) throws {
        try flush()
        try db.execute(sql: """
        UPDATE ingest_batches SET finished_at = ?, rows_read = ?, accepted = ?, duplicates = ?, rejected = ?, skipped = ?
        WHERE id = ?
        """, arguments: [finishedAt, counts.rowsRead, counts.accepted, counts.duplicates, counts.rejected, counts.skipped, batchID])
    }
}

/// A stored reject's identity (§2.3): FNV-1a of its parts separated by 0x1F, as a non-negative Int64; the
/// unique index on it keeps a re-ingested file from storing its rejects twice.
func rejectIdentity(_ parts: [String]) -> Int64 {
    var h = FNV1a64()
    for (i, p) in parts.enumerated() {
        if i > 0 { h.separator() }
        h.add(p)
    }
    return Int64(bitPattern: h.value & 0x7FFF_FFFF_FFFF_FFFF)
}

private let SQLITE_STATIC: sqlite3_destructor_type? = nil
private let SQLITE_TRANSIENT = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
