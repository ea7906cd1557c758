//! The local usage ledger: an SQLite file that remembers every series ingested from snapshot
//! files, so that usage outlives the snapshots (which each process overwrites) and adds up
//! across runs.
//!
//! Only the latest reading's counts of each series are kept (readings are cumulative), but
//! every reading's key (series, taken_at) is recorded, so ingesting the same file or reading
//! twice never counts twice. A whole ingest is one SQLite transaction: a bad file in the batch,
//! a full disk or a crash leaves the file as it was. The file carries SQLite's
//! `application_id` and `user_version`, so a file that is not a wear ledger (or one written by
//! a newer cargo-wear) is refused without being changed.
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, ErrorCode, OpenFlags, OptionalExtension, TransactionBehavior, params};

use crate::error::{Error, Result};
use crate::time::Secs;
use crate::usage::series::{Counts, PartSerial, Reading, SeriesKey};

/// `application_id` of a wear ledger: "wear" in ASCII.
const APPLICATION_ID: i64 = 0x7765_6172;
/// The schema version this cargo-wear writes and reads.
pub(crate) const SCHEMA_VERSION: i64 = 2;

const SCHEMA: &str = "
    CREATE TABLE series (
        id         INTEGER PRIMARY KEY,
        instance   TEXT    NOT NULL,
        started_ms INTEGER NOT NULL,
        service    TEXT    NOT NULL,
        latest_ms  INTEGER NOT NULL,
        UNIQUE (instance, started_ms)
    ) STRICT;
    CREATE TABLE readings (
        series   INTEGER NOT NULL REFERENCES series (id),
        taken_ms INTEGER NOT NULL,
        file     TEXT    NOT NULL,
        PRIMARY KEY (series, taken_ms)
    ) STRICT, WITHOUT ROWID;
    CREATE TABLE counts (
        series   INTEGER NOT NULL REFERENCES series (id),
        path     TEXT    NOT NULL,
        serial   TEXT    NOT NULL CHECK (length(serial) = 16),
        calls    INTEGER NOT NULL CHECK (calls >= 0),
        failures INTEGER CHECK (failures >= 0),
        busy_ns  INTEGER CHECK (busy_ns >= 0),
        PRIMARY KEY (series, path, serial)
    ) STRICT, WITHOUT ROWID;
";
/// What version 2 added to version 1: the gaps found in fleet periods. A new ledger is made of
/// both.
const UPGRADE_FROM_1: &str = "
    CREATE TABLE fleet_gaps (
        fleet       TEXT    NOT NULL,
        from_s      INTEGER NOT NULL,
        to_s        INTEGER NOT NULL,
        why         TEXT    NOT NULL,
        recorded_ms INTEGER NOT NULL,
        PRIMARY KEY (fleet, from_s, to_s, why)
    ) STRICT;
";
const TABLES: [&str; 4] = ["counts", "fleet_gaps", "readings", "series"];
/// The tables of a version 1 ledger.
const TABLES_V1: [&str; 3] = ["counts", "readings", "series"];

/// Help for a ledger that cannot be used where it is.
const ELSEWHERE: &str = "give another ledger file with --ledger PATH";

/// An open usage ledger.
#[derive(Debug)]
pub struct Ledger {
    conn: Connection,
    path: PathBuf,
}

/// What one ingest recorded.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct IngestSummary {
    /// Snapshot files read.
    pub files: usize,
    /// Readings not in the ledger before.
    pub new_readings: usize,
    /// Readings the ledger already had (same series, same `taken_at`): not counted again.
    pub already_known: usize,
    /// Distinct series (process runs) in the files.
    pub series: usize,
    /// Of those, series the ledger did not know before.
    pub new_series: usize,
}

impl Ledger {
    /// Opens the ledger at `path`, creating it (and its folders) when it does not exist.
    /// A file that is not a wear ledger, or one from a newer cargo-wear, is an error and is left
    /// untouched.
    pub fn open(path: &Path) -> Result<Ledger> {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|e| {
                // "File exists" says little when a file stands where a folder should be.
                let why = match parent.ancestors().find(|a| a.exists()) {
                    Some(file) if !file.is_dir() => format!("{} is a file, not a folder", file.display()),
                    _ => e.to_string(),
                };
                Error::in_file(path, format!("cannot create the ledger's folder {}: {why}", parent.display()))
                    .help(format!("{ELSEWHERE}, or make the folder writable"))
            })?;
        }
        Ledger::connect(path, OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE)
    }

    /// Opens the ledger at `path` if the file exists, without creating anything otherwise:
    /// for commands that only read usage.
    pub fn open_existing(path: &Path) -> Result<Option<Ledger>> {
        match std::fs::metadata(path) {
            Ok(_) => Ledger::connect(path, OpenFlags::SQLITE_OPEN_READ_WRITE).map(Some),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(Error::in_file(path, format!("cannot read the ledger: {e}")).help(ELSEWHERE)),
        }
    }

    /// The ledger's file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn connect(path: &Path, flags: OpenFlags) -> Result<Ledger> {
        if path.is_dir() {
            return Err(Error::in_file(path, "is a folder, not a ledger file").help(ELSEWHERE));
        }
        let conn = Connection::open_with_flags(path, flags | OpenFlags::SQLITE_OPEN_NO_MUTEX)
            .map_err(|e| db_error(path, "cannot open the ledger", &e))?;
        let mut ledger = Ledger { conn, path: path.to_owned() };
        ledger
            .conn
            .busy_timeout(Duration::from_secs(10))
            .map_err(|e| ledger.error("cannot open the ledger", &e))?;
        ledger.check_or_create()?;
        ledger
            .conn
            .execute_batch("PRAGMA foreign_keys = ON")
            .map_err(|e| ledger.error("cannot open the ledger", &e))?;
        Ok(ledger)
    }

    /// Makes sure the file is a wear ledger this version reads, creating the schema in an
    /// empty database.
    fn check_or_create(&mut self) -> Result<()> {
        let not_ledger = |why: String| {
            Error::in_file(&self.path, format!("this is not a wear ledger: {why}"))
                .help(format!("{ELSEWHERE}; cargo-wear leaves this file as it is"))
        };
        // One read transaction, so that the header and the tables are of the same moment: another
        // cargo-wear may be creating the ledger meanwhile.
        let read = self.conn.unchecked_transaction().map_err(|e| self.error("cannot read the ledger", &e))?;
        let header = read.query_row(
            "SELECT (SELECT application_id FROM pragma_application_id),
                    (SELECT user_version FROM pragma_user_version)",
            [],
            |row| Ok((row.get::<_, i64>(0)?, row.get::<_, i64>(1)?)),
        );
        let (application_id, version) = match header {
            Ok(header) => header,
            Err(e) if e.sqlite_error_code() == Some(ErrorCode::NotADatabase) => {
                return Err(not_ledger("it is not an SQLite database".to_owned()));
            }
            Err(e) => return Err(self.error("cannot read the ledger", &e)),
        };
        let tables = self.tables()?;
        read.finish().map_err(|e| self.error("cannot read the ledger", &e))?;
        if application_id == 0 && version == 0 && tables.is_empty() {
            return self.create_schema();
        }
        if application_id != APPLICATION_ID {
            return Err(not_ledger(if tables.is_empty() {
                format!("an SQLite database of another program (application id {application_id})")
            } else {
                format!("an SQLite database with other tables ({})", tables.join(", "))
            }));
        }
        if version > SCHEMA_VERSION {
            return Err(Error::in_file(
                &self.path,
                format!(
                    "the ledger was written by a newer cargo-wear \
                     (ledger version {version}, this one reads {SCHEMA_VERSION})"
                ),
            )
            .help(format!("update cargo-wear, or {ELSEWHERE}")));
        }
        if version == 1 && tables == TABLES_V1 {
            return self.upgrade_from_1();
        }
        if version != SCHEMA_VERSION || tables != TABLES {
            return Err(Error::in_file(
                &self.path,
                format!("the ledger is damaged (version {version}, tables: {})", tables.join(", ")),
            )
            .help(format!("move it away and ingest the snapshot files again, or {ELSEWHERE}")));
        }
        Ok(())
    }

    /// Adds what version 2 has to a version 1 ledger, in one transaction (unless another
    /// cargo-wear did it meanwhile): everything recorded stays as it was.
    fn upgrade_from_1(&mut self) -> Result<()> {
        let path = self.path.clone();
        let fail = |e: rusqlite::Error| db_error(&path, "cannot upgrade the ledger to version 2", &e);
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(fail)?;
        let version: i64 = tx.query_row("PRAGMA user_version", [], |row| row.get(0)).map_err(fail)?;
        if version == 1 {
            tx.execute_batch(&format!("{UPGRADE_FROM_1} PRAGMA user_version = {SCHEMA_VERSION};"))
                .map_err(fail)?;
        }
        tx.commit().map_err(fail)?;
        self.check_or_create()
    }

    fn tables(&self) -> Result<Vec<String>> {
        let read = || -> rusqlite::Result<Vec<String>> {
            let mut statement =
                self.conn.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")?;
            let names = statement.query_map([], |row| row.get(0))?.collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(names)
        };
        read().map_err(|e| self.error("cannot read the ledger", &e))
    }

    /// Creates the tables in an empty database, unless another cargo-wear did it meanwhile.
    fn create_schema(&mut self) -> Result<()> {
        let path = self.path.clone();
        let fail = |e: rusqlite::Error| db_error(&path, "cannot create the ledger", &e);
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(fail)?;
        let tables: i64 =
            tx.query_row("SELECT count(*) FROM sqlite_schema", [], |row| row.get(0)).map_err(fail)?;
        if tables == 0 {
            tx.execute_batch(&format!(
                "{SCHEMA} {UPGRADE_FROM_1} PRAGMA application_id = {APPLICATION_ID}; \
                 PRAGMA user_version = {SCHEMA_VERSION};"
            ))
            .map_err(fail)?;
        }
        tx.commit().map_err(fail)?;
        if tables == 0 { Ok(()) } else { self.check_or_create() }
    }

    /// Records the readings of every snapshot file matched by `patterns`, in one transaction.
    /// Every file is read and checked before anything is written: if one is bad, the ledger is
    /// unchanged and the error names the file (and line).
    pub fn ingest(&mut self, patterns: &[String]) -> Result<IngestSummary> {
        self.ingest_with(patterns, || {})
    }

    /// [`ingest`](Ledger::ingest), calling `before_commit` once everything is written but not yet
    /// committed (tests stop the process there).
    pub(crate) fn ingest_with(
        &mut self,
        patterns: &[String],
        before_commit: impl FnOnce(),
    ) -> Result<IngestSummary> {
        if patterns.is_empty() {
            return Err(Error::new("no snapshot files to ingest")
                .help("give the snapshot files, e.g. `cargo wear ingest 'usage/*.json'`"));
        }
        let files = crate::usage::files::expand(patterns)?;
        let readings = crate::usage::files::read_all(&files)?;
        let summary = self.record_with(&readings, before_commit)?;
        Ok(IngestSummary { files: files.len(), ..summary })
    }

    /// Records `readings` in one transaction (`files` in the summary is left at 0).
    pub fn record(&mut self, readings: &[Reading]) -> Result<IngestSummary> {
        self.record_with(readings, || {})
    }

    fn record_with(&mut self, readings: &[Reading], before_commit: impl FnOnce()) -> Result<IngestSummary> {
        let path = self.path.clone();
        let fail = |e: rusqlite::Error| db_error(&path, "cannot write to the ledger", &e);
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(fail)?;
        let mut summary = IngestSummary::default();
        let mut series = BTreeSet::new();
        for reading in readings {
            if series.insert(&reading.series) {
                summary.series += 1;
            }
            insert_reading(&tx, reading, &mut summary).map_err(|e| e.or_db(&path))?;
        }
        before_commit();
        tx.commit().map_err(fail)?;
        Ok(summary)
    }

    /// The end of the last fleet period recorded from the fleet `identity`, in seconds.
    pub(crate) fn last_period_end(&self, identity: &str) -> Result<Option<Secs>> {
        last_period_end(&self.conn, identity).map_err(|e| self.error("cannot read the ledger", &e))
    }

    /// Records a fleet period, its gaps and the readings of `files` in one transaction, if the ledger's last period of
    /// that fleet still ends where the period starts (`continues`) or there is none (not
    /// `continues`): a period read while another ingest recorded one is refused, so no stretch
    /// is ever counted twice. `before_commit` runs once everything is written (tests stop there).
    pub(crate) fn record_period(
        &mut self,
        identity: &str,
        period: &crate::usage::prometheus::FleetReading,
        files: &[Reading],
        continues: bool,
        recorded_ms: i64,
        before_commit: impl FnOnce(),
    ) -> Result<IngestSummary> {
        let path = self.path.clone();
        let fail = |e: rusqlite::Error| db_error(&path, "cannot write to the ledger", &e);
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(fail)?;
        let start = period.reading.series.started_ms / 1000;
        let last = last_period_end(&tx, identity).map_err(fail)?;
        if last != continues.then_some(start) {
            return Err(Error::in_file(
                &path,
                format!(
                    "another ingest recorded the fleet's usage up to {} while this one read it from {}",
                    last.map_or_else(|| "nothing".to_owned(), crate::time::format_instant),
                    crate::time::format_instant(start)
                ),
            )
            .help("run `cargo wear ingest --prometheus` again: it goes on from the ledger's last period; nothing was written"));
        }
        let mut summary = IngestSummary::default();
        for reading in files.iter().chain([&period.reading]) {
            insert_reading(&tx, reading, &mut summary).map_err(|e| e.or_db(&path))?;
        }
        for gap in &period.gaps {
            tx.execute(
                "INSERT OR IGNORE INTO fleet_gaps (fleet, from_s, to_s, why, recorded_ms) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![identity, gap.from, gap.to, gap.why, recorded_ms],
            )
            .map_err(fail)?;
        }
        before_commit();
        tx.commit().map_err(fail)?;
        Ok(summary)
    }

    /// Every gap recorded in fleet periods: the fleet, and the gap.
    pub(crate) fn gaps(&self) -> Result<Vec<(String, crate::usage::prometheus::Gap)>> {
        let read = || -> rusqlite::Result<Vec<(String, crate::usage::prometheus::Gap)>> {
            let mut statement = self
                .conn
                .prepare("SELECT fleet, from_s, to_s, why FROM fleet_gaps ORDER BY fleet, from_s, to_s")?;
            let rows = statement
                .query_map([], |row| {
                    Ok((
                        row.get(0)?,
                        crate::usage::prometheus::Gap {
                            from: row.get(1)?,
                            to: row.get(2)?,
                            why: row.get(3)?,
                        },
                    ))
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(rows)
        };
        read().map_err(|e| self.error("cannot read the ledger", &e))
    }

    /// The kept (latest) reading of every series, with the ledger as their source.
    pub fn latest_readings(&self) -> Result<Vec<Reading>> {
        self.read_latest().map_err(|e| self.error("cannot read the ledger", &e))?.map_err(|why| {
            Error::in_file(&self.path, format!("the ledger is damaged: {why}"))
                .help(format!("move it away and ingest the snapshot files again, or {ELSEWHERE}"))
        })
    }

    fn read_latest(&self) -> rusqlite::Result<std::result::Result<Vec<Reading>, String>> {
        let mut by_id: BTreeMap<i64, Reading> = BTreeMap::new();
        let mut statement =
            self.conn.prepare("SELECT id, instance, started_ms, service, latest_ms FROM series")?;
        let mut rows = statement.query([])?;
        while let Some(row) = rows.next()? {
            by_id.insert(
                row.get(0)?,
                Reading {
                    series: SeriesKey { instance: row.get(1)?, started_ms: row.get(2)? },
                    service: row.get(3)?,
                    taken_ms: row.get(4)?,
                    source: self.path.clone(),
                    parts: BTreeMap::new(),
                },
            );
        }
        type Row = (i64, String, String, i64, Option<i64>, Option<i64>);
        let mut statement =
            self.conn.prepare("SELECT series, path, serial, calls, failures, busy_ns FROM counts")?;
        let rows: Vec<Row> = statement
            .query_map([], |row| {
                Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?, row.get(4)?, row.get(5)?))
            })?
            .collect::<rusqlite::Result<_>>()?;
        let count = |n: i64| u64::try_from(n).map_err(|_| format!("negative count {n}"));
        for (series, path, serial, calls, failures, busy_ns) in rows {
            let Some(reading) = by_id.get_mut(&series) else {
                return Ok(Err(format!("counts of an unknown series {series}")));
            };
            let counts = (|| {
                Ok::<_, String>(Counts {
                    calls: count(calls)?,
                    failures: failures.map(count).transpose()?,
                    busy_ns: busy_ns.map(count).transpose()?,
                })
            })();
            match counts {
                Ok(counts) => reading.parts.insert(PartSerial { path, serial }, counts),
                Err(why) => return Ok(Err(why)),
            };
        }
        Ok(Ok(by_id.into_values().collect()))
    }

    fn error(&self, doing: &str, e: &rusqlite::Error) -> Error {
        db_error(&self.path, doing, e)
    }
}

/// The end of the last period of the fleet `identity` in the ledger behind `conn`, in seconds.
fn last_period_end(conn: &Connection, identity: &str) -> rusqlite::Result<Option<Secs>> {
    let instance = format!("{}{identity}", crate::usage::prometheus::PERIOD_PREFIX);
    let ms: Option<i64> =
        conn.query_row("SELECT max(latest_ms) FROM series WHERE instance = ?1", [instance], |row| {
            row.get(0)
        })?;
    Ok(ms.map(|ms| ms.div_euclid(1000)))
}

/// What can go wrong writing one reading: SQLite, or a count too large to store.
enum InsertError {
    Db(rusqlite::Error),
    Ledger(Error),
}

impl InsertError {
    fn or_db(self, path: &Path) -> Error {
        match self {
            InsertError::Db(e) => db_error(path, "cannot write to the ledger", &e),
            InsertError::Ledger(e) => e,
        }
    }
}

impl From<rusqlite::Error> for InsertError {
    fn from(e: rusqlite::Error) -> Self {
        InsertError::Db(e)
    }
}

/// Writes one reading within `tx`: its series if new, its key, and its counts if it is the
/// series' latest; a key already there is counted in `summary` as known and changes nothing.
fn insert_reading(
    tx: &rusqlite::Transaction<'_>,
    reading: &Reading,
    summary: &mut IngestSummary,
) -> std::result::Result<(), InsertError> {
    let known: Option<(i64, i64)> = tx
        .query_row(
            "SELECT id, latest_ms FROM series WHERE instance = ?1 AND started_ms = ?2",
            params![reading.series.instance, reading.series.started_ms],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .optional()?;
    let (id, replace) = match known {
        Some((id, latest_ms)) => (id, reading.taken_ms > latest_ms),
        None => {
            let SeriesKey { instance, started_ms } = &reading.series;
            tx.execute(
                "INSERT INTO series (instance, started_ms, service, latest_ms) VALUES (?1, ?2, ?3, ?4)",
                params![instance, started_ms, reading.service, reading.taken_ms],
            )?;
            summary.new_series += 1;
            (tx.last_insert_rowid(), true)
        }
    };
    let inserted = tx.execute(
        "INSERT OR IGNORE INTO readings (series, taken_ms, file) VALUES (?1, ?2, ?3)",
        params![id, reading.taken_ms, reading.source.to_string_lossy()],
    )?;
    if inserted == 0 {
        summary.already_known += 1;
        return Ok(());
    }
    summary.new_readings += 1;
    if replace {
        tx.execute("DELETE FROM counts WHERE series = ?1", [id])?;
        tx.execute(
            "UPDATE series SET latest_ms = ?2, service = ?3 WHERE id = ?1",
            params![id, reading.taken_ms, reading.service],
        )?;
        let mut insert = tx.prepare_cached(
            "INSERT INTO counts (series, path, serial, calls, failures, busy_ns) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?;
        for (part, counts) in &reading.parts {
            let stored = |n: u64| {
                i64::try_from(n).map_err(|_| {
                    InsertError::Ledger(Error::in_file(
                        &reading.source,
                        format!("the count {n} of `{}` is too large to be real", part.path),
                    ))
                })
            };
            insert.execute(params![
                id,
                part.path,
                part.serial,
                stored(counts.calls)?,
                counts.failures.map(stored).transpose()?,
                counts.busy_ns.map(stored).transpose()?,
            ])?;
        }
    }
    Ok(())
}

/// An SQLite failure in words the user can act on.
fn db_error(path: &Path, doing: &str, e: &rusqlite::Error) -> Error {
    let error = Error::in_file(path, format!("{doing}: {e}"));
    match e.sqlite_error_code() {
        Some(ErrorCode::ReadOnly | ErrorCode::PermissionDenied | ErrorCode::CannotOpen) => {
            error.help(format!("make the ledger and its folder writable, or {ELSEWHERE}"))
        }
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => {
            error.help("another cargo-wear is using the ledger; try again when it is done")
        }
        Some(ErrorCode::DiskFull) => error.help(format!("free some disk space, or {ELSEWHERE}")),
        Some(ErrorCode::NotADatabase | ErrorCode::DatabaseCorrupt) => {
            error.help(format!("the file is not a wear ledger or is damaged; {ELSEWHERE}"))
        }
        _ => error.help(ELSEWHERE),
    }
}

#[cfg(test)]
mod crash_tests;
#[cfg(test)]
mod period_tests;
