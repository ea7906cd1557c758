//! Age from git: for every part (a line range of a file), when its lines were last overhauled
//! and first written, by how many commits and by whom, attributed the way `git blame` does at
//! HEAD, with uncommitted lines counting as changed now.
//!
//! Blaming file by file walks the history once per file, which is what makes `git blame`
//! slow on large repositories. Here one backward walk over history blames every requested
//! file at once ([`walk`]): it starts at HEAD with every line pending, visits commits newest
//! first, passes the lines of unchanged paths to the parent for free, diffs only the blobs
//! that changed (with libgit2's xdiff, the same Myers diff git uses), follows renames the way
//! `git blame` does, and on merges passes a line to the first parent that has it. The answer
//! per HEAD commit is cached ([`cache`]) so that the next run only walks new commits.
//!
//! Times are author times, as `git blame --porcelain` reports them (`author-time`), and
//! author names go through the repository's `.mailmap`, as `git blame` does.
mod blobs;
mod cache;
mod cat_file;
mod convert;
mod differ;
mod git_cli;
mod hunks;
pub mod libgit2;
mod progress;
mod promisor;
mod repos;
mod repository;
mod trees;
mod walk;
mod worktree;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use crate::error::Result;
use crate::time::Secs;

/// How [`ages`] and [`line_origins`] run.
#[derive(Debug, Clone, Default)]
pub struct AgeOptions {
    /// Where answers are cached between runs (the CLI passes `<target-dir>/wear/age-cache`);
    /// `None` computes everything every time.
    pub cache_dir: Option<PathBuf>,
    /// Show a progress bar on stderr when it is a terminal and the walk takes long.
    pub progress: bool,
    /// Set to stop the walk: it then fails at its next commit, and caches nothing.
    /// `heatmap --all` stops the walk it started on a guess at the files when the scan shows
    /// the guess was poor.
    pub stop: Option<Arc<AtomicBool>>,
}

/// The line ranges of one file whose ages are wanted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileRanges {
    /// The file, as an absolute path.
    pub file: PathBuf,
    /// Line ranges, 1-based and inclusive.
    pub ranges: Vec<(u32, u32)>,
}

/// The ages of the requested ranges, and what the repository was like.
#[derive(Debug, Clone)]
pub struct Ages {
    /// The HEAD commit id; `None` on an unborn branch (nothing committed yet).
    pub head: Option<String>,
    /// The repository is a shallow clone: lines that reach its boundary are attributed to the
    /// boundary commit, so their ages are lower bounds.
    pub shallow: bool,
    /// The root of the work tree; report paths are relative to it.
    pub repo_root: PathBuf,
    /// The age of each range, keyed by the file and the range as they were given.
    pub by_range: HashMap<(PathBuf, (u32, u32)), RangeAge>,
}

impl Ages {
    /// No history to read (a copy without `.git`): no range has an age.
    pub(crate) fn without_history(root: &Path) -> Ages {
        Ages { head: None, shallow: false, repo_root: root.to_owned(), by_range: HashMap::new() }
    }
}

/// The age of the lines of one range.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RangeAge {
    /// Author time of the newest line: the last overhaul. Uncommitted lines count as `now`.
    pub newest: Secs,
    /// Author time of the oldest line. Uncommitted lines count as `now`.
    pub oldest: Secs,
    /// Distinct commits that the lines are attributed to (uncommitted lines count as none).
    pub commits: u32,
    /// Author names, the one with the most lines first, ties by name.
    pub authors: Vec<String>,
    /// The commit of the newest line; `None` when that line is uncommitted or the range is
    /// empty.
    pub last_commit: Option<String>,
    /// Lines that differ from HEAD in the work tree, or whose file is not committed.
    pub uncommitted_lines: u32,
    /// Lines attributed to a shallow clone's boundary commit: they may be older.
    pub boundary_lines: u32,
    /// The newest commit of these lines dated after `now` (a wrong clock, or `--now` in the
    /// past), and its author time: its lines count as changed at `now`, age 0.
    pub future_commit: Option<(String, Secs)>,
}

/// A commit that lines are attributed to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineCommit {
    /// The commit id, in hex.
    pub id: String,
    /// The author's name, after `.mailmap`.
    pub author: String,
    /// The author time.
    pub time: Secs,
    /// A shallow clone's boundary: lines attributed here may be older.
    pub(crate) boundary: bool,
}

/// Where one line of a file, as it is in the work tree, comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LineOrigin {
    /// The commit at this index of [`LineOrigins::commits`].
    Commit(u32),
    /// Not committed: the line differs from HEAD, or its file is not committed.
    Uncommitted,
}

/// Every line of every requested file, attributed as `git blame` does.
#[derive(Debug, Clone)]
pub struct LineOrigins {
    /// The HEAD commit id; `None` on an unborn branch.
    pub head: Option<String>,
    /// The repository is a shallow clone.
    pub shallow: bool,
    /// The root of the work tree.
    pub(crate) repo_root: PathBuf,
    /// The commits that lines are attributed to.
    pub commits: Vec<LineCommit>,
    /// Per requested file (as given), the origin of each of its lines in the work tree.
    pub files: HashMap<PathBuf, Vec<LineOrigin>>,
}

/// Attributes every line of `files` (absolute paths, as they are in the work tree) to the
/// commit that last changed it, as `git blame` would at HEAD, in one walk over history per
/// repository (the workspace's, and any nested one such as a submodule member's).
///
/// The repository is found upward from `workspace_root`; there being none is an error that
/// names the folder.
pub fn line_origins(workspace_root: &Path, files: &[PathBuf], opts: &AgeOptions) -> Result<LineOrigins> {
    let main = repository::open(workspace_root)?;
    let head = main.head.map(|id| id.to_string());
    let grouped = repos::group(main, files)?;
    let mut commits = Vec::new();
    let mut out = HashMap::with_capacity(files.len());
    let mut shallow = false;
    for (index, repo) in grouped.repos.iter().enumerate() {
        let mine: Vec<PathBuf> = files
            .iter()
            .zip(&grouped.of_file)
            .filter(|&(_, &of)| of == index)
            .map(|(file, _)| file.clone())
            .collect();
        let (found, origins) = in_repository(repo, &mine, opts)?;
        let offset = u32::try_from(commits.len()).unwrap_or(u32::MAX);
        commits.extend(found);
        for (file, lines) in mine.into_iter().zip(origins) {
            out.insert(file, shifted(lines, offset));
        }
        shallow |= !repo.shallow.is_empty();
    }
    let repo_root = grouped.repos.into_iter().next().map(|r| r.workdir).unwrap_or_default();
    Ok(LineOrigins { head, shallow, repo_root, commits, files: out })
}

/// `lines`, with their commits moved `offset` places down a longer table.
fn shifted(lines: Vec<LineOrigin>, offset: u32) -> Vec<LineOrigin> {
    lines
        .into_iter()
        .map(|origin| match origin {
            LineOrigin::Commit(i) => LineOrigin::Commit(i.saturating_add(offset)),
            LineOrigin::Uncommitted => LineOrigin::Uncommitted,
        })
        .collect()
}

/// The commits of `repo` and the origin of every line of `files` (which it holds), in order.
fn in_repository(
    repo: &repository::Opened,
    files: &[PathBuf],
    opts: &AgeOptions,
) -> Result<(Vec<LineCommit>, Vec<Vec<LineOrigin>>)> {
    if files.is_empty() {
        // The workspace's own repository when every file is in a submodule: nothing to walk,
        // and in a partial clone nothing to fetch.
        return Ok((Vec::new(), Vec::new()));
    }
    let mut requested = Vec::with_capacity(files.len());
    for file in files {
        requested.push(repository::relative_path(repo, file)?);
    }
    let promisor = repo.head.and_then(|_| promisor::remote(&repo.repo));
    if let Some(remote) = &promisor {
        promisor::fetch_missing(repo, remote, Some(&requested))?;
    }
    let work = worktree::read(repo, files, &requested)?;
    let walk =
        || walk::Walk::new(&repo.repo, repo.shallow.clone(), opts).run(repo.head.as_ref(), &work.at_head);
    let blamed = match (walk(), &promisor) {
        (Ok(blamed), _) => blamed,
        (Err(e), Some(remote)) if e.code() == git2::ErrorCode::NotFound => {
            // A path renamed from outside the requested ones: fetch what the history lacks.
            promisor::fetch_missing(repo, remote, None)?;
            walk().map_err(|e| promisor::still_missing(repo, remote, &e))?
        }
        (Err(e), _) => return Err(worktree::git_error(repo, e)),
    };
    let origins = work
        .lines
        .iter()
        .map(|lines| {
            lines
                .iter()
                .map(|line| match line {
                    worktree::WorkLine::Head { file, line } => {
                        match blamed.origins.get(*file).and_then(|f| f.get(*line as usize)) {
                            Some(&commit) if (commit as usize) < blamed.commits.len() => {
                                LineOrigin::Commit(commit)
                            }
                            _ => LineOrigin::Uncommitted,
                        }
                    }
                    worktree::WorkLine::Uncommitted => LineOrigin::Uncommitted,
                })
                .collect()
        })
        .collect();
    Ok((blamed.commits, origins))
}

/// The age of every range of `files`, as `git blame` attributes their lines at HEAD, with
/// uncommitted lines counting as `now`.
pub fn ages(workspace_root: &Path, files: &[FileRanges], opts: &AgeOptions, now: Secs) -> Result<Ages> {
    ages_given(workspace_root, files, opts, now, None)
}

/// [`ages`], from the origins of lines already attributed (`early`, of a guess at `files`),
/// attributing only what they lack.
pub fn ages_given(
    workspace_root: &Path,
    files: &[FileRanges],
    opts: &AgeOptions,
    now: Secs,
    early: Option<LineOrigins>,
) -> Result<Ages> {
    let paths: Vec<PathBuf> = files.iter().map(|f| f.file.clone()).collect();
    let origins = match early {
        Some(early) => completed(workspace_root, early, &paths, opts)?,
        None => line_origins(workspace_root, &paths, opts)?,
    };
    // Sized up front: growing it hashes every path again, tens of thousands of them.
    let mut by_range = HashMap::with_capacity(files.iter().map(|f| f.ranges.len()).sum());
    for file in files {
        let lines = origins.files.get(&file.file).map(Vec::as_slice).unwrap_or(&[]);
        for &range in &file.ranges {
            by_range.insert((file.file.clone(), range), range_age(&origins.commits, lines, range, now));
        }
    }
    Ok(Ages { head: origins.head, shallow: origins.shallow, repo_root: origins.repo_root, by_range })
}

/// `early` with the origins of the lines of those of `files` it lacks.
fn completed(
    workspace_root: &Path,
    mut early: LineOrigins,
    files: &[PathBuf],
    opts: &AgeOptions,
) -> Result<LineOrigins> {
    let missing: Vec<PathBuf> = files.iter().filter(|f| !early.files.contains_key(*f)).cloned().collect();
    if missing.is_empty() {
        return Ok(early);
    }
    if opts.cache_dir.is_some() {
        // The cache holds one answer per HEAD, which the early walk just wrote: walked with
        // its files too, the cache answers them at HEAD at once and then holds all of them, so
        // that the next run finds both walks cached.
        let mut all: Vec<PathBuf> = early.files.into_keys().collect();
        all.extend(missing);
        return line_origins(workspace_root, &all, opts);
    }
    let more = line_origins(workspace_root, &missing, opts)?;
    let offset = u32::try_from(early.commits.len()).unwrap_or(u32::MAX);
    early.commits.extend(more.commits);
    for (file, lines) in more.files {
        early.files.insert(file, shifted(lines, offset));
    }
    early.shallow |= more.shallow;
    Ok(early)
}

/// The age of lines `first..=last` (1-based) of a file whose lines come from `lines`. A
/// range with no lines in the file counts as changed now.
pub(crate) fn range_age(
    commits: &[LineCommit],
    lines: &[LineOrigin],
    (first, last): (u32, u32),
    now: Secs,
) -> RangeAge {
    let start = (first.max(1) - 1) as usize;
    let end = (last as usize).min(lines.len());
    let in_range = lines.get(start..end).unwrap_or(&[]);
    let mut age = RangeAge {
        newest: Secs::MIN,
        oldest: Secs::MAX,
        commits: 0,
        authors: Vec::new(),
        last_commit: None,
        uncommitted_lines: 0,
        boundary_lines: 0,
        future_commit: None,
    };
    let mut newest_commit: Option<&LineCommit> = None;
    let mut distinct: Vec<u32> = Vec::new();
    let mut authors: BTreeMap<&str, u32> = BTreeMap::new();
    for origin in in_range {
        let commit = match origin {
            LineOrigin::Commit(index) => commits.get(*index as usize),
            LineOrigin::Uncommitted => None,
        };
        let Some(commit) = commit else {
            age.uncommitted_lines += 1;
            age.newest = age.newest.max(now);
            age.oldest = age.oldest.min(now);
            continue;
        };
        if let LineOrigin::Commit(index) = origin {
            distinct.push(*index);
        }
        // A line from after `now` did not exist then: it counts as changed at `now`, as an
        // uncommitted line does, and never as older or newer than the report's instant.
        if commit.time > now && age.future_commit.as_ref().is_none_or(|(_, t)| commit.time > *t) {
            age.future_commit = Some((commit.id.clone(), commit.time));
        }
        let time = commit.time.min(now);
        age.oldest = age.oldest.min(time);
        if time > age.newest || (time == age.newest && newest_commit.is_some_and(|n| commit.id > n.id)) {
            age.newest = time;
            newest_commit = Some(commit);
        }
        *authors.entry(commit.author.as_str()).or_default() += 1;
        age.boundary_lines += u32::from(commit.boundary);
    }
    if in_range.is_empty() {
        age.newest = now;
        age.oldest = now;
    }
    if age.uncommitted_lines == 0 {
        age.last_commit = newest_commit.map(|c| c.id.clone());
    }
    distinct.sort_unstable();
    distinct.dedup();
    age.commits = distinct.len() as u32;
    let mut authors: Vec<(&str, u32)> = authors.into_iter().collect();
    authors.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    age.authors = authors.into_iter().map(|(name, _)| name.to_owned()).collect();
    age
}
