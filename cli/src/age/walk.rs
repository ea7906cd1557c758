//! One backward walk over history that blames every requested file at once, the way
//! `git blame` blames one.
//!
//! Every line of every file at HEAD starts pending at HEAD. Commits are visited newest first
//! (by committer time, so children come before their parents); a commit's pending lines,
//! grouped by path, either pass to a parent or are attributed to the commit:
//! - a path whose blob a parent has unchanged passes all its lines to it, without a diff;
//! - a changed path is diffed against the parent's blob: lines outside the changed hunks pass
//!   on (renumbered), the rest belong to the commit;
//! - a path the parent lacks is looked up among the parent's renames and moves (git's default
//!   rename detection), and diffed against its old blob;
//! - on a merge, a path identical in some parent passes whole to the first such parent;
//!   otherwise each parent in turn takes the lines it has unchanged, and what is left
//!   belongs to the merge;
//! - a root commit, or a shallow clone's boundary, keeps every line that reaches it.
//!
//! A cached answer for a visited commit ([`super::cache`]) settles its pending lines at once.
//!
//! What makes it scale with the history (issue 19): a commit looks only at the files that
//! differ from its first parent ([`trees::changed`]); every other pending file moves to that
//! parent with the rest of the commit's pending map, in one step. Each blob is read once (its
//! content stays with the lines passed to it, [`super::blobs`]), and a non-merge commit's blob
//! reads and diffs run on a second thread ([`super::differ`]) while the walk goes on with the
//! next commits.
use std::cell::RefCell;
use std::collections::hash_map::Entry;
use std::collections::{BinaryHeap, HashMap, HashSet, VecDeque};
use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use git2::{Commit, DiffOptions, Mailmap, Oid, Repository, Tree};

use super::blobs::{self, Budget, Content, Later};
use super::cache::{Cached, Store};
use super::differ::{Differ, Reply, Want};
use super::hunks::{self, LineMap};
use super::progress::Progress;
use super::promisor;
use super::trees::{self, InParent};
use super::worktree::HeadFile;
use super::{AgeOptions, LineCommit};

/// How many commits the walk visits between two returns of freed memory to the system. The
/// walk frees most of what it allocates soon after, but glibc keeps freed pages in its arenas,
/// where they counted in the resident memory: on the 40,000-commit benchmark, returning them
/// every 500 commits (80 times) took wear's peak from 177 to 149 MiB, for no time it
/// measurably added (`docs/src/benchmarks.md`).
const TRIM_EVERY: u64 = 500;

/// Not yet attributed.
pub(super) const UNRESOLVED: u32 = u32::MAX;

/// The outcome: per file at HEAD, per line, an index into `commits` ([`UNRESOLVED`] only if
/// history ended without reaching the line, which a consistent repository never does).
#[derive(Debug)]
pub(super) struct Blamed {
    pub(crate) commits: Vec<LineCommit>,
    pub(crate) origins: Vec<Vec<u32>>,
}

/// Where a parent has a file: its path id and blob; `None` if it has none.
type Origin = Option<(u32, Oid)>;

/// Lines pending at one commit and path.
#[derive(Debug)]
struct Suspect {
    blob: Oid,
    /// The blob's content, when a diff read it and kept it (see [`super::blobs`]).
    content: Option<Later>,
    /// The lines known now.
    lines: Vec<Line>,
    /// Lines still to come from diffs asked of the [`Differ`].
    waiting: Vec<Batch>,
}

impl Suspect {
    fn new(blob: Oid, content: Option<Later>, lines: Vec<Line>) -> Suspect {
        Suspect { blob, content, lines, waiting: Vec::new() }
    }

    /// Takes in the lines of the batches already answered.
    fn absorb(&mut self) {
        let lines = &mut self.lines;
        self.waiting.retain(|batch| match batch.borrow_mut().take() {
            Some(answered) => {
                lines.extend(answered);
                false
            }
            None => true,
        });
    }

    fn is_empty(&self) -> bool {
        self.lines.is_empty() && self.waiting.is_empty()
    }
}

/// The lines that a diff asked of the [`Differ`] passes to the parent: `None` until its answer
/// is applied.
type Batch = Rc<RefCell<Option<Vec<Line>>>>;

/// A diff asked of the [`Differ`] (or, with no diff, lines that all belong to their commit),
/// and what to do with its answer.
struct Asked {
    /// The lines carried through the diff: those known, and batches of earlier diffs (answered
    /// first, as answers come in order).
    lines: Vec<Line>,
    waiting: Vec<Batch>,
    /// Where the lines the parent has go; `None` when the file has no parent version.
    out: Option<Batch>,
    /// The commit the other lines belong to.
    commit: Oid,
}

/// A pending line: its number (0-based) in the suspect blob, and which line at HEAD it is.
#[derive(Debug, Clone, Copy)]
struct Line {
    at: u32,
    target: u32,
}

/// The walk's state.
pub(super) struct Walk<'r> {
    repo: &'r Repository,
    differ: Differ,
    asked: VecDeque<Asked>,
    shallow: HashSet<Oid>,
    cache: Option<Store>,
    progress: Progress,
    mailmap: Option<Mailmap>,
    diff_opts: DiffOptions,
    stop: Option<Arc<AtomicBool>>,
    paths: Vec<String>,
    path_ids: HashMap<String, u32>,
    queue: BinaryHeap<(i64, Oid)>,
    pending: HashMap<Oid, HashMap<u32, Suspect>>,
    origins: Vec<u32>,
    unresolved: u64,
    commits: Vec<LineCommit>,
    commit_ids: HashMap<Oid, u32>,
}

impl std::fmt::Debug for Walk<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Walk")
            .field("pending", &self.pending.len())
            .field("unresolved", &self.unresolved)
            .finish()
    }
}

impl<'r> Walk<'r> {
    /// A walk over `repo`, whose shallow boundary is `shallow`.
    pub(crate) fn new(repo: &'r Repository, shallow: HashSet<Oid>, opts: &AgeOptions) -> Walk<'r> {
        let cache = opts.cache_dir.as_deref().map(|dir| Store::open(dir, &shallow));
        // A partial clone fetches what it lacks before the walk, through libgit2's errors.
        let with_git = promisor::remote(repo).is_none();
        Walk {
            repo,
            differ: Differ::new(repo.path(), with_git, Budget::new(blobs::BUDGET), true),
            asked: VecDeque::new(),
            shallow,
            cache,
            progress: Progress::new(opts.progress),
            mailmap: repo.mailmap().ok(),
            diff_opts: hunks::blame_diff_options(),
            stop: opts.stop.clone(),
            paths: Vec::new(),
            path_ids: HashMap::new(),
            queue: BinaryHeap::new(),
            pending: HashMap::new(),
            origins: Vec::new(),
            unresolved: 0,
            commits: Vec::new(),
            commit_ids: HashMap::new(),
        }
    }

    /// Blames every line of `files` as HEAD (`head`) has them.
    pub(crate) fn run(&mut self, head: Option<&Oid>, files: &[HeadFile]) -> Result<Blamed, git2::Error> {
        let mut offsets = Vec::with_capacity(files.len());
        let mut total: u32 = 0;
        for file in files {
            offsets.push(total);
            total = total.saturating_add(file.lines);
        }
        self.origins = vec![UNRESOLVED; total as usize];
        self.unresolved = u64::from(total);
        if let Some(&head) = head.filter(|_| total > 0) {
            let head_commit = self.repo.find_commit(head)?;
            for (file, &offset) in files.iter().zip(&offsets) {
                let path = self.intern(&file.path);
                let lines = (0..file.lines).map(|at| Line { at, target: offset + at }).collect();
                self.pass(&head_commit, path, Suspect::new(file.blob, None, lines));
            }
            let cached_head = self.cache_covers(head, files);
            let mut visited: u64 = 0;
            while let Some((_, oid)) = self.queue.pop() {
                // Relaxed: the flag orders nothing; a commit more or less before seeing it is fine.
                if self.stop.as_ref().is_some_and(|stop| stop.load(Ordering::Relaxed)) {
                    return Err(git2::Error::from_str("the walk was stopped"));
                }
                let Some(suspects) = self.pending.remove(&oid) else { continue };
                self.visit(oid, suspects)?;
                visited += 1;
                if visited.is_multiple_of(TRIM_EVERY) {
                    super::libgit2::give_back_freed();
                }
                self.progress.update(u64::from(total) - self.unresolved, u64::from(total));
                if self.unresolved == 0 {
                    break;
                }
            }
            while !self.asked.is_empty() {
                self.apply_answer(true)?;
            }
            self.progress.finish();
            self.renumber();
            if !cached_head && self.unresolved == 0 {
                self.save(head, files, &offsets);
            }
        }
        let origins = files
            .iter()
            .zip(&offsets)
            .map(|(file, &offset)| self.origins[offset as usize..(offset + file.lines) as usize].to_vec())
            .collect();
        Ok(Blamed { commits: std::mem::take(&mut self.commits), origins })
    }

    /// Orders the commit table by time, then id, whatever order the walk met them in, so that
    /// the same history always gives the same table (and the same cache file).
    fn renumber(&mut self) {
        let mut order: Vec<u32> = (0..self.commits.len() as u32).collect();
        order.sort_by(|&a, &b| {
            let (a, b) = (&self.commits[a as usize], &self.commits[b as usize]);
            a.time.cmp(&b.time).then_with(|| a.id.cmp(&b.id))
        });
        let mut new_index = vec![0u32; order.len()];
        for (new, &old) in order.iter().enumerate() {
            new_index[old as usize] = new as u32;
        }
        for origin in &mut self.origins {
            if let Some(&new) = new_index.get(*origin as usize) {
                *origin = new;
            }
        }
        let mut old: Vec<Option<LineCommit>> =
            std::mem::take(&mut self.commits).into_iter().map(Some).collect();
        self.commits = order.iter().filter_map(|&i| old[i as usize].take()).collect();
        self.commit_ids = self
            .commits
            .iter()
            .enumerate()
            .filter_map(|(i, c)| Some((Oid::from_str(&c.id).ok()?, i as u32)))
            .collect();
    }

    fn cache_covers(&mut self, head: Oid, files: &[HeadFile]) -> bool {
        let Some(cache) = &mut self.cache else { return false };
        let keys: Vec<(&str, Oid)> = files.iter().map(|f| (f.path.as_str(), f.blob)).collect();
        cache.covers(head, &keys)
    }

    fn save(&self, head: Oid, files: &[HeadFile], offsets: &[u32]) {
        let Some(cache) = &self.cache else { return };
        let entries = files
            .iter()
            .zip(offsets)
            .map(|(f, &o)| {
                (f.path.clone(), f.blob, self.origins[o as usize..(o + f.lines) as usize].to_vec())
            })
            .collect();
        cache.save(head, &self.commits, entries);
    }

    fn intern(&mut self, path: &str) -> u32 {
        if let Some(&id) = self.path_ids.get(path) {
            return id;
        }
        let id = self.paths.len() as u32;
        self.paths.push(path.to_owned());
        self.path_ids.insert(path.to_owned(), id);
        id
    }

    /// Settles or passes on the lines pending at commit `oid`.
    fn visit(&mut self, oid: Oid, mut suspects: HashMap<u32, Suspect>) -> Result<(), git2::Error> {
        while !self.asked.is_empty() && self.apply_answer(false)? {}
        if let Some(cached) = self.cache.as_mut().and_then(|c| c.lookup(oid)) {
            for suspect in suspects.values_mut() {
                self.wait_for(suspect)?;
            }
            suspects.retain(|&path, suspect| !self.settle_from_cache(&cached, path, suspect));
            if suspects.is_empty() {
                return Ok(());
            }
        }
        let commit = self.repo.find_commit(oid)?;
        let mut boundary = self.shallow.contains(&oid);
        let mut parents = Vec::new();
        if !boundary {
            for id in commit.parent_ids() {
                match self.repo.find_commit(id) {
                    Ok(parent) => parents.push(parent),
                    // A parent outside the clone: the commit is a boundary.
                    Err(_) => boundary = true,
                }
            }
        }
        if parents.is_empty() {
            let index = self.commit_index(&commit, boundary);
            for mut suspect in suspects.into_values() {
                self.wait_for(&mut suspect)?;
                self.attribute(&suspect.lines, index);
            }
            return Ok(());
        }
        let tree = commit.tree()?;
        let first_tree = parents[0].tree()?;
        let mut changed = Vec::new();
        {
            let path_ids = &self.path_ids;
            let mut pending = |path: &str| path_ids.get(path).copied().filter(|id| suspects.contains_key(id));
            trees::changed(self.repo, &tree, &first_tree, &mut pending, &mut changed)?;
        }
        // Sorted by path, as `trees::in_parent` wants them for the other parents.
        changed.sort_unstable_by(|a, b| self.paths[a.0 as usize].cmp(&self.paths[b.0 as usize]));
        let mut changed_suspects = Vec::with_capacity(changed.len());
        for (path, state) in changed {
            if let Some(mut suspect) = suspects.remove(&path) {
                suspect.absorb();
                // A diff left it no lines: nothing to follow further.
                if !suspect.is_empty() {
                    changed_suspects.push((path, state, suspect));
                }
            }
        }
        // Every other pending file is the same in the first parent: its lines pass there whole.
        self.pass_all(&parents[0], suspects);
        if changed_suspects.is_empty() {
            return Ok(());
        }
        let origins = self.origins_in_parents(&tree, &parents, &changed_suspects)?;
        for (at, (_, _, mut suspect)) in changed_suspects.into_iter().enumerate() {
            let in_parents: Vec<Origin> = origins.iter().map(|per_parent| per_parent[at]).collect();
            if let Some(i) = in_parents.iter().position(|o| o.is_some_and(|(_, blob)| blob == suspect.blob)) {
                if let Some((origin_path, _)) = in_parents[i] {
                    self.pass(&parents[i], origin_path, suspect);
                }
                continue;
            }
            if let [origin] = in_parents[..] {
                self.ask(oid, &parents[0], origin, suspect)?;
                continue;
            }
            self.wait_for(&mut suspect)?;
            let mut left = suspect.lines;
            let mut new = None;
            for (parent, origin) in parents.iter().zip(&in_parents) {
                let Some((origin_path, blob)) = *origin else { continue };
                if left.is_empty() {
                    break;
                }
                let new_content = match new.take() {
                    Some(content) => content,
                    None => self.read_now(Want { id: suspect.blob, kept: suspect.content.take() })?,
                };
                let (passed, kept, old_content) = self.split(blob, &new_content, left)?;
                new = Some(new_content);
                let later = Later::default();
                self.differ.keep(&old_content, &later);
                self.pass(parent, origin_path, Suspect::new(blob, Some(later), passed));
                left = kept;
            }
            if !left.is_empty() {
                let index = self.commit_index(&commit, false);
                self.attribute(&left, index);
            }
        }
        Ok(())
    }

    /// Per parent, for each of the `changed` files (sorted by path, with what the first parent
    /// has there): where the parent has the file (path, blob), if it does.
    fn origins_in_parents(
        &mut self,
        tree: &Tree<'_>,
        parents: &[Commit<'_>],
        changed: &[(u32, InParent, Suspect)],
    ) -> Result<Vec<Vec<Origin>>, git2::Error> {
        let mut out = Vec::with_capacity(parents.len());
        for (i, parent) in parents.iter().enumerate() {
            let parent_tree = parent.tree()?;
            let mut states = Vec::with_capacity(changed.len());
            if i == 0 {
                states.extend(changed.iter().map(|&(path, state, _)| (path, state)));
            } else {
                let sorted: Vec<(&str, u32)> =
                    changed.iter().map(|&(id, _, _)| (self.paths[id as usize].as_str(), id)).collect();
                trees::in_parent(self.repo, tree, &parent_tree, &sorted, &mut states)?;
            }
            let state_of: HashMap<u32, InParent> = states.into_iter().collect();
            let mut renames = None;
            let mut per_path = Vec::with_capacity(changed.len());
            for (path, _, suspect) in changed {
                let path = *path;
                let origin = match state_of.get(&path).copied().unwrap_or(InParent::Missing) {
                    InParent::Same => Some((path, suspect.blob)),
                    InParent::Changed(blob) => Some((path, blob)),
                    InParent::Missing => {
                        if renames.is_none() {
                            renames = Some(trees::renames(self.repo, &parent_tree, tree)?);
                        }
                        let found = renames.as_ref().and_then(|r| r.get(&self.paths[path as usize]).cloned());
                        found.map(|(old_path, blob)| (self.intern(&old_path), blob))
                    }
                };
                per_path.push(origin);
            }
            out.push(per_path);
        }
        Ok(out)
    }

    /// Splits `lines` of the blob whose content is `new` into those blob `old` has (renumbered
    /// to `old`) and those it does not; also gives `old`'s content.
    fn split(
        &mut self,
        old: Oid,
        new: &Content,
        lines: Vec<Line>,
    ) -> Result<(Vec<Line>, Vec<Line>, Content), git2::Error> {
        let old_content = self.read_now(Want { id: old, kept: None })?;
        let hunks = hunks::between(old_content.bytes(), new.bytes(), &mut self.diff_opts)?;
        let (passed, kept) = split_by(&hunks, lines);
        Ok((passed, kept, old_content))
    }

    /// Reads a blob at once, on a merge (rare: most merges pass a file whole to one parent):
    /// the diff thread reads it after every diff asked before, whose answers come first.
    fn read_now(&mut self, want: Want) -> Result<Content, git2::Error> {
        while !self.asked.is_empty() {
            self.apply_answer(true)?;
        }
        self.differ.read(want)
    }

    /// Makes `suspect` pending at `parent`, at `path`.
    fn pass(&mut self, parent: &Commit<'_>, path: u32, suspect: Suspect) {
        if suspect.is_empty() {
            return;
        }
        let mut one = HashMap::with_capacity(1);
        one.insert(path, suspect);
        self.pass_all(parent, one);
    }

    /// Asks the differ to carry the lines of `suspect`, in commit `commit`, to the version
    /// its only parent has (`origin`: path and blob), or with none, to attribute them all to
    /// the commit; the parent gets the answer's batch of lines at once, to wait for until
    /// they are needed.
    fn ask(
        &mut self,
        commit: Oid,
        parent: &Commit<'_>,
        origin: Origin,
        suspect: Suspect,
    ) -> Result<(), git2::Error> {
        while self.differ.full() {
            self.apply_answer(true)?;
        }
        let Suspect { blob, content, lines, waiting } = suspect;
        let Some((origin_path, origin_blob)) = origin else {
            self.asked.push_back(Asked { lines, waiting, out: None, commit });
            return Ok(());
        };
        let out: Batch = Rc::new(RefCell::new(None));
        self.asked.push_back(Asked { lines, waiting, out: Some(Rc::clone(&out)), commit });
        let old = Later::default();
        self.differ.ask(origin_blob, Want { id: blob, kept: content }, old.clone());
        self.pass(
            parent,
            origin_path,
            Suspect { blob: origin_blob, content: Some(old), lines: Vec::new(), waiting: vec![out] },
        );
        Ok(())
    }

    /// Applies the oldest question's answer: attributes the lines the diff says the commit
    /// wrote, and fills the batch of the others. Without `wait`, only if the answer is ready;
    /// says whether it applied one.
    fn apply_answer(&mut self, wait: bool) -> Result<bool, git2::Error> {
        let Some(front) = self.asked.front() else { return Ok(false) };
        let hunks = match &front.out {
            None => None,
            Some(_) => match self.differ.next(wait) {
                Some(Ok(Reply::Hunks(hunks))) => Some(hunks),
                Some(Ok(Reply::Content(_))) => {
                    return Err(git2::Error::from_str("a read answered a diff: answers out of step"));
                }
                Some(Err(e)) => return Err(e),
                None if wait => return Err(git2::Error::from_str("the diff thread stopped")),
                None => return Ok(false),
            },
        };
        let Some(asked) = self.asked.pop_front() else { return Ok(false) };
        let mut lines = asked.lines;
        for batch in asked.waiting {
            // Answered already: its question came before this one.
            lines.extend(batch.borrow_mut().take().unwrap_or_default());
        }
        let (passed, kept) = match hunks {
            Some(hunks) => split_by(&hunks, lines),
            None => (Vec::new(), lines),
        };
        if !kept.is_empty() {
            let commit = self.repo.find_commit(asked.commit)?;
            let index = self.commit_index(&commit, false);
            self.attribute(&kept, index);
        }
        if let Some(out) = asked.out {
            *out.borrow_mut() = Some(passed);
        }
        Ok(true)
    }

    /// Waits for the answers that `suspect`'s lines wait for, and takes them in.
    fn wait_for(&mut self, suspect: &mut Suspect) -> Result<(), git2::Error> {
        while suspect.waiting.iter().any(|batch| batch.borrow().is_none()) {
            if !self.apply_answer(true)? {
                break;
            }
        }
        suspect.absorb();
        Ok(())
    }

    /// Makes every one of `suspects` pending at `parent`, joining what is pending there already
    /// (the smaller set moves into the larger, so a file's lines move a number of times that
    /// grows with the logarithm of the history's branches, not with its length).
    fn pass_all(&mut self, parent: &Commit<'_>, mut suspects: HashMap<u32, Suspect>) {
        if suspects.is_empty() {
            return;
        }
        let at_commit = match self.pending.entry(parent.id()) {
            Entry::Occupied(o) => o.into_mut(),
            Entry::Vacant(v) => {
                self.queue.push((parent.time().seconds(), parent.id()));
                v.insert(suspects);
                return;
            }
        };
        if at_commit.len() < suspects.len() {
            std::mem::swap(at_commit, &mut suspects);
        }
        for (path, suspect) in suspects {
            match at_commit.entry(path) {
                Entry::Occupied(o) => {
                    let there = o.into_mut();
                    there.lines.extend(suspect.lines);
                    there.waiting.extend(suspect.waiting);
                    if there.content.is_none() {
                        there.content = suspect.content;
                    }
                }
                Entry::Vacant(v) => {
                    v.insert(suspect);
                }
            }
        }
    }

    fn attribute(&mut self, lines: &[Line], commit: u32) {
        for line in lines {
            if let Some(slot) = self.origins.get_mut(line.target as usize) {
                if *slot == UNRESOLVED {
                    self.unresolved -= 1;
                }
                *slot = commit;
            }
        }
    }

    /// Settles `suspect` from a cached answer, if the cache has its path and blob.
    fn settle_from_cache(&mut self, cached: &Rc<Cached>, path: u32, suspect: &Suspect) -> bool {
        let Some((blob, lines)) = cached.files.get(&self.paths[path as usize]) else { return false };
        if *blob != suspect.blob || suspect.lines.iter().any(|l| l.at as usize >= lines.len()) {
            return false;
        }
        for line in &suspect.lines {
            let (id, commit) = &cached.commits[lines[line.at as usize] as usize];
            let index = match self.commit_ids.get(id) {
                Some(&index) => index,
                None => self.add_commit(*id, commit.clone()),
            };
            self.attribute(std::slice::from_ref(line), index);
        }
        true
    }

    /// The index of `commit` in the table of attributed commits.
    fn commit_index(&mut self, commit: &Commit<'_>, boundary: bool) -> u32 {
        if let Some(&index) = self.commit_ids.get(&commit.id()) {
            return index;
        }
        let author = commit.author();
        let mapped = self.mailmap.as_ref().and_then(|m| commit.author_with_mailmap(m).ok());
        let name = match mapped.as_ref().and_then(|s| s.name().ok().map(str::to_owned)) {
            Some(name) => name,
            None => String::from_utf8_lossy(author.name_bytes()).into_owned(),
        };
        let line_commit =
            LineCommit { id: commit.id().to_string(), author: name, time: author.when().seconds(), boundary };
        self.add_commit(commit.id(), line_commit)
    }

    fn add_commit(&mut self, id: Oid, commit: LineCommit) -> u32 {
        let index = self.commits.len() as u32;
        self.commits.push(commit);
        self.commit_ids.insert(id, index);
        index
    }
}

/// Splits `lines` of a newer blob by the `hunks` that turn an older one into it: those the
/// older blob has (renumbered to it), and those it does not.
fn split_by(hunks: &[hunks::Hunk], mut lines: Vec<Line>) -> (Vec<Line>, Vec<Line>) {
    lines.sort_unstable_by_key(|l| l.at);
    let mut map = LineMap::new(hunks);
    let mut passed = Vec::with_capacity(lines.len());
    let mut kept = Vec::new();
    for line in lines {
        match map.old_line(line.at) {
            Some(at) => passed.push(Line { at, target: line.target }),
            None => kept.push(line),
        }
    }
    (passed, kept)
}
