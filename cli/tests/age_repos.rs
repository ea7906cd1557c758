//! Ages of parts in real git repositories built commit by commit with `git2` (fixed names and
//! dates, so ids and ages are stable): ranges, renames and moves, merges, uncommitted and
//! never-committed files, a shallow clone, a repository above the workspace, no repository,
//! and the cache (warm, after a new commit, corrupt).
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::process::Command;

use git2::{IndexEntry, IndexTime, Oid, Repository, Signature, Time};
use wear_cli::age::{
    AgeOptions, Ages, FileRanges, LineOrigin, LineOrigins, RangeAge, ages, ages_given, line_origins,
};
use wear_cli::time::{DAY, Secs};

/// 2020-01-01T00:00:00Z.
const T0: Secs = 1_577_836_800;
const NOW: Secs = T0 + 1000 * DAY;

/// A repository whose commits are whole snapshots of `files`.
struct History {
    repo: Repository,
    files: BTreeMap<String, String>,
}

impl History {
    fn new(dir: &Path) -> History {
        let repo = Repository::init(dir).unwrap();
        repo.set_head("refs/heads/main").unwrap();
        History { repo, files: BTreeMap::new() }
    }

    fn root(&self) -> PathBuf {
        self.repo.workdir().unwrap().canonicalize().unwrap()
    }

    fn set(&mut self, path: &str, text: &str) -> &mut History {
        self.files.insert(path.to_owned(), text.to_owned());
        self
    }

    fn remove(&mut self, path: &str) -> &mut History {
        self.files.remove(path);
        self
    }

    /// Commits the snapshot on `refs/heads/main` (or detached when `parents` are given
    /// explicitly) and checks it out.
    fn commit_with(&mut self, author: &str, day: i64, parents: &[Oid], branch: Option<&str>) -> Oid {
        let mut index = git2::Index::new().unwrap();
        for (path, text) in &self.files {
            let entry = IndexEntry {
                ctime: IndexTime::new(0, 0),
                mtime: IndexTime::new(0, 0),
                dev: 0,
                ino: 0,
                mode: 0o100644,
                uid: 0,
                gid: 0,
                file_size: text.len() as u32,
                id: self.repo.blob(text.as_bytes()).unwrap(),
                flags: 0,
                flags_extended: 0,
                path: path.as_bytes().to_vec(),
            };
            index.add(&entry).unwrap();
        }
        let tree = self.repo.find_tree(index.write_tree_to(&self.repo).unwrap()).unwrap();
        let sig = Signature::new(
            author,
            &format!("{}@example.com", author.to_lowercase()),
            &Time::new(T0 + day * DAY, 0),
        )
        .unwrap();
        let parents: Vec<git2::Commit<'_>> =
            parents.iter().map(|id| self.repo.find_commit(*id).unwrap()).collect();
        let parent_refs: Vec<&git2::Commit<'_>> = parents.iter().collect();
        self.repo.commit(branch, &sig, &sig, &format!("day {day}"), &tree, &parent_refs).unwrap()
    }

    /// Commits on main after its current tip.
    fn commit(&mut self, author: &str, day: i64) -> Oid {
        let parents: Vec<Oid> = self.repo.head().ok().and_then(|h| h.target()).into_iter().collect();
        let id = self.commit_with(author, day, &parents, Some("refs/heads/main"));
        self.checkout();
        id
    }

    /// Makes the work tree and index match HEAD.
    fn checkout(&self) {
        for entry in std::fs::read_dir(self.repo.workdir().unwrap()).unwrap().flatten() {
            if entry.file_name() != ".git" {
                let p = entry.path();
                if p.is_dir() {
                    std::fs::remove_dir_all(p).unwrap()
                } else {
                    std::fs::remove_file(p).unwrap()
                }
            }
        }
        self.repo.checkout_head(Some(git2::build::CheckoutBuilder::new().force())).unwrap();
    }
}

fn lines(n: usize, tag: &str) -> String {
    (1..=n).map(|i| format!("let {tag}_{i} = {i};\n")).collect()
}

/// Per line of each file, the commit id (or `None` when uncommitted).
fn ids(origins: &LineOrigins, file: &Path) -> Vec<Option<String>> {
    origins.files[file]
        .iter()
        .map(|o| match o {
            LineOrigin::Commit(i) => Some(origins.commits[*i as usize].id.clone()),
            LineOrigin::Uncommitted => None,
        })
        .collect()
}

fn all_ids(origins: &LineOrigins) -> HashMap<PathBuf, Vec<Option<String>>> {
    origins.files.keys().map(|f| (f.clone(), ids(origins, f))).collect()
}

fn age_of(root: &Path, file: &Path, range: (u32, u32), opts: &AgeOptions) -> (Ages, RangeAge) {
    let files = [FileRanges { file: file.to_owned(), ranges: vec![range] }];
    let ages = ages(root, &files, opts, NOW).unwrap();
    let age = ages.by_range[&(file.to_owned(), range)].clone();
    (ages, age)
}

fn s(id: Oid) -> Option<String> {
    Some(id.to_string())
}

#[test]
fn ranges_get_newest_oldest_commits_and_authors() {
    let tmp = tempfile::tempdir().unwrap();
    let mut h = History::new(tmp.path());
    h.set("src/lib.rs", &lines(10, "a"));
    let a = h.commit("Alice", 0);
    let mut text: Vec<String> = lines(10, "a").lines().map(str::to_owned).collect();
    text[2] = "let b_3 = 30;".into();
    text[3] = "let b_4 = 40;".into();
    h.set("src/lib.rs", &(text.join("\n") + "\n"));
    let b = h.commit("Bob", 10);
    text.push("let c_11 = 11;".into());
    text.push("let c_12 = 12;".into());
    h.set("src/lib.rs", &(text.join("\n") + "\n"));
    let c = h.commit("Carol", 20);
    let root = h.root();
    let file = root.join("src/lib.rs");

    let origins = line_origins(&root, std::slice::from_ref(&file), &AgeOptions::default()).unwrap();
    let expected: Vec<Option<String>> =
        [a, a, b, b, a, a, a, a, a, a, c, c].iter().map(|id| s(*id)).collect();
    assert_eq!(ids(&origins, &file), expected);
    assert_eq!(origins.head, s(c));
    assert!(!origins.shallow);

    let files = [FileRanges { file: file.clone(), ranges: vec![(1, 5), (11, 12), (1, 12), (20, 30)] }];
    let ages = ages(&root, &files, &AgeOptions::default(), NOW).unwrap();
    assert_eq!(ages.repo_root, root);
    let first = &ages.by_range[&(file.clone(), (1, 5))];
    assert_eq!((first.newest, first.oldest, first.commits), (T0 + 10 * DAY, T0, 2));
    assert_eq!(first.authors, ["Alice", "Bob"]);
    assert_eq!(first.last_commit, s(b));
    assert_eq!((first.uncommitted_lines, first.boundary_lines), (0, 0));
    let tail = &ages.by_range[&(file.clone(), (11, 12))];
    assert_eq!((tail.newest, tail.oldest, tail.commits), (T0 + 20 * DAY, T0 + 20 * DAY, 1));
    assert_eq!(tail.authors, ["Carol"]);
    let whole = &ages.by_range[&(file.clone(), (1, 12))];
    assert_eq!(whole.commits, 3);
    assert_eq!(whole.authors, ["Alice", "Bob", "Carol"], "most lines first, then by name");
    assert_eq!(whole.last_commit, s(c));
    let past_end = &ages.by_range[&(file, (20, 30))];
    assert_eq!((past_end.newest, past_end.commits, past_end.last_commit.clone()), (NOW, 0, None));
}

#[test]
fn a_rename_and_a_move_keep_the_lines_commits() {
    let tmp = tempfile::tempdir().unwrap();
    let mut h = History::new(tmp.path());
    h.set("src/old_name.rs", &lines(12, "x")).set("src/wander.rs", &lines(8, "w"));
    let a = h.commit("Alice", 0);
    // Rename in place with one line edited, and move another file to a new folder untouched.
    let mut renamed: Vec<String> = lines(12, "x").lines().map(str::to_owned).collect();
    renamed[5] = "let y_6 = 600;".into();
    h.remove("src/old_name.rs").set("src/new_name.rs", &(renamed.join("\n") + "\n"));
    h.remove("src/wander.rs").set("src/deep/er/wander.rs", &lines(8, "w"));
    let b = h.commit("Bob", 5);
    h.set("README.md", "hello\n");
    h.commit("Carol", 9);
    let root = h.root();
    let renamed_file = root.join("src/new_name.rs");
    let moved_file = root.join("src/deep/er/wander.rs");
    let origins =
        line_origins(&root, &[renamed_file.clone(), moved_file.clone()], &AgeOptions::default()).unwrap();
    let mut expected = vec![s(a); 12];
    expected[5] = s(b);
    assert_eq!(ids(&origins, &renamed_file), expected);
    assert_eq!(ids(&origins, &moved_file), vec![s(a); 8]);
    let (_, age) = age_of(&root, &moved_file, (1, 8), &AgeOptions::default());
    assert_eq!((age.newest, age.oldest, age.authors.clone()), (T0, T0, vec!["Alice".to_owned()]));
}

#[test]
fn a_merge_keeps_the_side_branch_commits() {
    let tmp = tempfile::tempdir().unwrap();
    let mut h = History::new(tmp.path());
    let base: Vec<String> = lines(10, "m").lines().map(str::to_owned).collect();
    h.set("src/shared.rs", &(base.join("\n") + "\n")).set("src/side.rs", &lines(4, "s"));
    let a = h.commit("Alice", 0);
    // Side branch: changes line 2 of shared.rs and all of side.rs.
    let mut side = base.clone();
    side[1] = "let side_2 = 2;".into();
    h.set("src/shared.rs", &(side.join("\n") + "\n")).set("src/side.rs", &lines(4, "t"));
    let s1 = h.commit_with("Sam", 3, &[a], None);
    // Main: changes line 8.
    let mut main = base.clone();
    main[7] = "let main_8 = 8;".into();
    h.set("src/shared.rs", &(main.join("\n") + "\n")).set("src/side.rs", &lines(4, "s"));
    let m1 = h.commit("Alice", 4);
    // The merge takes both changes.
    let mut merged = base;
    merged[1] = "let side_2 = 2;".into();
    merged[7] = "let main_8 = 8;".into();
    h.set("src/shared.rs", &(merged.join("\n") + "\n")).set("src/side.rs", &lines(4, "t"));
    let merge = h.commit_with("Alice", 5, &[m1, s1], Some("refs/heads/main"));
    h.checkout();
    let root = h.root();
    let shared = root.join("src/shared.rs");
    let side_file = root.join("src/side.rs");
    let origins = line_origins(&root, &[shared.clone(), side_file.clone()], &AgeOptions::default()).unwrap();
    let mut expected = vec![s(a); 10];
    expected[1] = s(s1);
    expected[7] = s(m1);
    assert_eq!(ids(&origins, &shared), expected);
    assert_eq!(ids(&origins, &side_file), vec![s(s1); 4], "identical to the side parent: passes whole to it");
    assert_eq!(origins.head, s(merge));
    let (_, age) = age_of(&root, &shared, (1, 10), &AgeOptions::default());
    assert_eq!(age.commits, 3);
    assert_eq!(age.authors, ["Alice", "Sam"]);
    assert_eq!(age.last_commit, s(m1));
}

#[test]
fn uncommitted_edits_and_files_never_committed_count_as_now() {
    let tmp = tempfile::tempdir().unwrap();
    let mut h = History::new(tmp.path());
    h.set("src/lib.rs", &lines(6, "a"));
    let a = h.commit("Alice", 0);
    let root = h.root();
    let file = root.join("src/lib.rs");
    let mut text: Vec<String> = lines(6, "a").lines().map(str::to_owned).collect();
    text[2] = "let edited = 3;".into();
    text.insert(4, "let inserted = 4;".into());
    std::fs::write(&file, text.join("\n") + "\n").unwrap();
    let new_file = root.join("src/new.rs");
    std::fs::write(&new_file, "fn fresh() {}\nfn other() {}\n").unwrap();

    let origins = line_origins(&root, &[file.clone(), new_file.clone()], &AgeOptions::default()).unwrap();
    assert_eq!(ids(&origins, &file), vec![s(a), s(a), None, s(a), None, s(a), s(a)]);
    assert_eq!(ids(&origins, &new_file), vec![None, None]);

    let files = [
        FileRanges { file: file.clone(), ranges: vec![(1, 2), (2, 3)] },
        FileRanges { file: new_file.clone(), ranges: vec![(1, 2)] },
    ];
    let ages = ages(&root, &files, &AgeOptions::default(), NOW).unwrap();
    let clean = &ages.by_range[&(file.clone(), (1, 2))];
    assert_eq!((clean.newest, clean.uncommitted_lines), (T0, 0));
    let edited = &ages.by_range[&(file, (2, 3))];
    assert_eq!((edited.newest, edited.oldest, edited.commits, edited.uncommitted_lines), (NOW, T0, 1, 1));
    assert_eq!(edited.last_commit, None);
    let fresh = &ages.by_range[&(new_file, (1, 2))];
    assert_eq!((fresh.newest, fresh.oldest, fresh.commits, fresh.uncommitted_lines), (NOW, NOW, 0, 2));
    assert!(fresh.authors.is_empty());
}

#[test]
fn a_repository_with_nothing_committed_has_no_head() {
    let tmp = tempfile::tempdir().unwrap();
    let h = History::new(tmp.path());
    let root = h.root();
    let file = root.join("lib.rs");
    std::fs::write(&file, "fn a() {}\n").unwrap();
    let (ages, age) = age_of(&root, &file, (1, 1), &AgeOptions::default());
    assert_eq!(ages.head, None);
    assert_eq!((age.newest, age.uncommitted_lines), (NOW, 1));
}

#[test]
fn a_shallow_clone_flags_the_boundary() {
    let tmp = tempfile::tempdir().unwrap();
    let mut h = History::new(&tmp.path().join("origin"));
    h.set("src/lib.rs", &lines(6, "a"));
    h.commit("Alice", 0);
    h.set("src/other.rs", "x\n");
    h.commit("Alice", 1);
    h.set("src/other.rs", "y\n");
    let boundary = h.commit("Bob", 2);
    let mut text: Vec<String> = lines(6, "a").lines().map(str::to_owned).collect();
    text[0] = "let top = 1;".into();
    h.set("src/lib.rs", &(text.join("\n") + "\n"));
    let tip = h.commit("Carol", 3);
    let clone = tmp.path().join("clone");
    let url = format!("file://{}", h.root().display());
    let out = Command::new("git")
        .args(["clone", "-q", "--depth", "2", "--branch", "main", &url])
        .arg(&clone)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let clone = clone.canonicalize().unwrap();
    let file = clone.join("src/lib.rs");

    let origins = line_origins(&clone, std::slice::from_ref(&file), &AgeOptions::default()).unwrap();
    assert!(origins.shallow);
    let mut expected = vec![s(boundary); 6];
    expected[0] = s(tip);
    assert_eq!(ids(&origins, &file), expected);
    let (ages, age) = age_of(&clone, &file, (1, 6), &AgeOptions::default());
    assert!(ages.shallow);
    assert_eq!(age.boundary_lines, 5);
    assert_eq!((age.newest, age.oldest), (T0 + 3 * DAY, T0 + 2 * DAY), "the oldest is a lower bound");
    let (_, top) = age_of(&clone, &file, (1, 1), &AgeOptions::default());
    assert_eq!(top.boundary_lines, 0);
}

#[test]
fn the_repository_may_be_above_the_workspace() {
    let tmp = tempfile::tempdir().unwrap();
    let mut h = History::new(tmp.path());
    h.set("crates/ws/src/lib.rs", &lines(3, "a"));
    let a = h.commit("Alice", 0);
    let root = h.root();
    let workspace = root.join("crates/ws");
    let file = workspace.join("src/lib.rs");
    let (ages, age) = age_of(&workspace, &file, (1, 3), &AgeOptions::default());
    assert_eq!(ages.repo_root, root);
    assert_eq!(age.last_commit, s(a));
    assert_eq!(age.uncommitted_lines, 0);
}

#[test]
fn no_repository_is_a_clear_error_and_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let workspace = tmp.path().join("ws");
    std::fs::create_dir_all(workspace.join("src")).unwrap();
    let file = workspace.join("src/lib.rs");
    std::fs::write(&file, "fn a() {}\n").unwrap();
    let cache = tmp.path().join("cache");
    let opts = AgeOptions { cache_dir: Some(cache.clone()), progress: false, stop: None };
    let files = [FileRanges { file, ranges: vec![(1, 1)] }];
    let err = ages(&workspace, &files, &opts, NOW).unwrap_err();
    assert_eq!(err.file.as_deref(), Some(workspace.as_path()));
    let text = err.to_string();
    assert!(text.contains("not inside a git repository"), "{text}");
    assert!(text.contains("git init"), "{text}");
    assert!(!cache.exists(), "nothing is written");
}

#[test]
fn a_file_outside_the_repository_is_a_clear_error() {
    let tmp = tempfile::tempdir().unwrap();
    let mut h = History::new(&tmp.path().join("repo"));
    h.set("lib.rs", "a\n");
    h.commit("Alice", 0);
    let outside = tmp.path().join("outside.rs");
    std::fs::write(&outside, "b\n").unwrap();
    let err = line_origins(&h.root(), std::slice::from_ref(&outside), &AgeOptions::default()).unwrap_err();
    assert_eq!(err.file.as_deref(), Some(outside.as_path()));
    assert!(err.to_string().contains("outside the git repository"), "{err}");
    let missing = h.root().join("missing.rs");
    let err = line_origins(&h.root(), std::slice::from_ref(&missing), &AgeOptions::default()).unwrap_err();
    assert!(err.to_string().contains("cannot read the file"), "{err}");
}

/// A history of several commits over a few files, for the cache tests.
fn busy_history(dir: &Path) -> History {
    let mut h = History::new(dir);
    let mut text: Vec<String> = lines(30, "a").lines().map(str::to_owned).collect();
    h.set("src/a.rs", &(text.join("\n") + "\n")).set("src/b.rs", &lines(5, "b"));
    h.commit("Alice", 0);
    for day in 1..8 {
        text[(day * 3) as usize] = format!("let changed_{day} = {day};");
        h.set("src/a.rs", &(text.join("\n") + "\n"));
        h.commit(if day % 2 == 0 { "Bob" } else { "Carol" }, day);
    }
    h
}

#[test]
fn the_cache_gives_the_same_answer_warm_and_after_a_new_commit() {
    let tmp = tempfile::tempdir().unwrap();
    let mut h = busy_history(&tmp.path().join("repo"));
    let root = h.root();
    let files = [root.join("src/a.rs"), root.join("src/b.rs")];
    let cache = tmp.path().join("cache");
    let cached = AgeOptions { cache_dir: Some(cache.clone()), progress: false, stop: None };
    let uncached = AgeOptions::default();

    let truth = all_ids(&line_origins(&root, &files, &uncached).unwrap());
    assert_eq!(all_ids(&line_origins(&root, &files, &cached).unwrap()), truth, "cold");
    let head = h.repo.head().unwrap().target().unwrap();
    assert!(cache.join(format!("{head}.bin")).is_file(), "the answer is cached per HEAD");
    assert_eq!(all_ids(&line_origins(&root, &files, &cached).unwrap()), truth, "warm");
    // Mark the cached answer, to see that warm runs and runs after a new commit read it.
    let entry = cache.join(format!("{head}.bin"));
    // Authors are stored as they are: the same names in capitals keep the file's layout.
    let mut marked = std::fs::read(&entry).unwrap();
    for name in ["Alice", "Bob", "Carol"] {
        while let Some(at) = marked.windows(name.len()).position(|w| w == name.as_bytes()) {
            marked[at..at + name.len()].copy_from_slice(name.to_uppercase().as_bytes());
        }
    }
    std::fs::write(&entry, marked).unwrap();
    let marked = |author: &str| author == author.to_uppercase();
    let warm = line_origins(&root, &files, &cached).unwrap();
    assert!(warm.commits.iter().all(|c| marked(&c.author)), "warm: nothing walked");

    let mut text: Vec<String> =
        std::fs::read_to_string(&files[0]).unwrap().lines().map(str::to_owned).collect();
    text[0] = "let newest = 0;".into();
    h.set("src/a.rs", &(text.join("\n") + "\n"));
    let new = h.commit("Dave", 20);
    let truth = all_ids(&line_origins(&root, &files, &uncached).unwrap());
    let after = all_ids(&line_origins(&root, &files, &cached).unwrap());
    assert_eq!(after, truth, "after a new commit");
    assert_eq!(after[&files[0]][0], s(new));
    let walked = line_origins(&root, &files, &cached).unwrap();
    let authors: Vec<&str> = walked.commits.iter().map(|c| c.author.as_str()).collect();
    assert!(authors.contains(&"Dave"), "{authors:?}");
    assert!(
        authors.iter().filter(|a| **a != "Dave").all(|a| marked(a)),
        "only the new commit walked: {authors:?}"
    );
    assert!(cache.join(format!("{new}.bin")).is_file());
}

#[test]
fn a_corrupt_cache_is_recomputed_and_rewritten() {
    let tmp = tempfile::tempdir().unwrap();
    let h = busy_history(&tmp.path().join("repo"));
    let root = h.root();
    let files = [root.join("src/a.rs"), root.join("src/b.rs")];
    let cache = tmp.path().join("cache");
    let opts = AgeOptions { cache_dir: Some(cache.clone()), progress: false, stop: None };
    let truth = all_ids(&line_origins(&root, &files, &AgeOptions::default()).unwrap());
    line_origins(&root, &files, &opts).unwrap();
    let head = h.repo.head().unwrap().target().unwrap();
    let entry = cache.join(format!("{head}.bin"));
    let good = std::fs::read(&entry).unwrap();

    for bad in [&good[..good.len() / 2], b"\0\xff garbage", b"{\"format\":\"wear-age-cache/1\"}", b""] {
        std::fs::write(&entry, bad).unwrap();
        assert_eq!(all_ids(&line_origins(&root, &files, &opts).unwrap()), truth);
        assert_eq!(std::fs::read(&entry).unwrap(), good, "rewritten whole");
    }
    // Line origins pointing past the commit table: rejected, not trusted.
    // The file ends with the last file's last line origin, a little-endian u32.
    let mut tampered = good.clone();
    let at = tampered.len() - 4;
    tampered[at..].copy_from_slice(&999u32.to_le_bytes());
    std::fs::write(&entry, tampered).unwrap();
    assert_eq!(all_ids(&line_origins(&root, &files, &opts).unwrap()), truth);
    // An unusable cache folder is no error either.
    let blocked = AgeOptions { cache_dir: Some(files[1].join("not-a-dir")), progress: false, stop: None };
    assert_eq!(all_ids(&line_origins(&root, &files, &blocked).unwrap()), truth);
}

/// `heatmap --all` walks history for a guess at the files beside the scan; what the guess
/// lacks is walked after it, and what it has in excess is left out: the ages are those of one
/// walk over exactly the files asked, with and without the cache. With it, the cache then
/// answers both walks whole: they still answer once the history's older objects are gone.
#[test]
fn ages_from_a_guess_at_the_files_equal_one_walk_over_them() {
    let tmp = tempfile::tempdir().unwrap();
    let mut h = History::new(tmp.path());
    h.set("src/lib.rs", &lines(6, "a"))
        .set("shared/extra.rs", &lines(4, "x"))
        .set("src/unused.rs", &lines(3, "u"));
    h.commit("Alice", 0);
    let mut text: Vec<String> = lines(6, "a").lines().map(str::to_owned).collect();
    text[1] = "let b_2 = 20;".into();
    h.set("src/lib.rs", &(text.join("\n") + "\n")).set("shared/extra.rs", &(lines(4, "x") + "let y = 1;\n"));
    h.commit("Bob", 5);
    let root = h.root();
    let (lib, extra, unused) =
        (root.join("src/lib.rs"), root.join("shared/extra.rs"), root.join("src/unused.rs"));
    let files = [
        FileRanges { file: lib.clone(), ranges: vec![(1, 3), (4, 6)] },
        FileRanges { file: extra.clone(), ranges: vec![(1, 5)] },
    ];
    let alone = ages(&root, &files, &AgeOptions::default(), NOW).unwrap();
    assert_eq!(alone.by_range[&(extra.clone(), (1, 5))].commits, 2);
    assert_eq!(alone.by_range[&(lib.clone(), (1, 3))].authors, ["Alice", "Bob"], "most lines first");
    let cache = tmp.path().join("age-cache");
    let cached = AgeOptions { cache_dir: Some(cache), progress: false, stop: None };
    // The guess: the crate's folder, with a file no module declares, and without `#[path]`'s.
    let guess = [lib.clone(), unused];
    for opts in [&AgeOptions::default(), &cached, &cached] {
        let early = line_origins(&root, &guess, opts).unwrap();
        let guessed = ages_given(&root, &files, opts, NOW, Some(early)).unwrap();
        assert_eq!(guessed.by_range, alone.by_range);
    }
    // Only HEAD's objects are left: what needs history must come from the cache.
    let keep: Vec<Oid> = {
        let head = h.repo.head().unwrap().peel_to_commit().unwrap();
        let tree = head.tree().unwrap();
        let mut keep = vec![head.id(), tree.id()];
        tree.walk(git2::TreeWalkMode::PreOrder, |_, entry| {
            keep.push(entry.id());
            git2::TreeWalkResult::Ok
        })
        .unwrap();
        keep
    };
    let objects = root.join(".git/objects");
    let mut removed = 0;
    for dir in std::fs::read_dir(&objects).unwrap().flatten() {
        let prefix = dir.file_name().to_string_lossy().into_owned();
        if prefix.len() != 2 {
            continue;
        }
        for file in std::fs::read_dir(dir.path()).unwrap().flatten() {
            let id = Oid::from_str(&format!("{prefix}{}", file.file_name().to_string_lossy())).unwrap();
            if !keep.contains(&id) {
                std::fs::remove_file(file.path()).unwrap();
                removed += 1;
            }
        }
    }
    assert!(removed >= 3, "the first commit, its tree and older blobs: {removed}");
    let early = line_origins(&root, &guess, &cached).unwrap();
    let guessed = ages_given(&root, &files, &cached, NOW, Some(early)).unwrap();
    assert_eq!(guessed.by_range, alone.by_range, "answered by the cache alone");
}

/// A walk told to stop fails at its next commit and caches nothing: `heatmap --all` stops the
/// walk it started on a poor guess at the files, and walks again on the scan's.
#[test]
fn a_stopped_walk_fails_and_caches_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let h = busy_history(tmp.path());
    let root = h.root();
    let cache = tmp.path().join("age-cache");
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(true));
    let opts = AgeOptions { cache_dir: Some(cache.clone()), progress: false, stop: Some(stop.clone()) };
    let files = [root.join("src/a.rs"), root.join("src/b.rs")];
    let e = line_origins(&root, &files, &opts).unwrap_err();
    assert!(e.to_string().contains("stopped"), "{e}");
    assert!(!cache.exists() || std::fs::read_dir(&cache).unwrap().next().is_none(), "nothing cached");
    stop.store(false, std::sync::atomic::Ordering::Relaxed);
    let walked = line_origins(&root, &files, &opts).unwrap();
    assert_eq!(walked.files.len(), 2);
    assert_eq!(std::fs::read_dir(&cache).unwrap().count(), 1, "cached once it ran");
}
