//! What a parent commit has at the paths whose lines are pending in its child: the same blob
//! (the lines pass on for free), another blob (to diff), or nothing (look for a rename).
//! Subtrees with the same id in both commits are not opened, so a commit costs what it
//! changed, not the size of the tree.
use std::collections::HashMap;

use git2::{Delta, DiffFindOptions, DiffOptions, ObjectType, Oid, Repository, Tree};

/// What the parent has at a path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum InParent {
    /// The same blob as the child.
    Same,
    /// Another blob.
    Changed(Oid),
    /// No file at that path.
    Missing,
}

/// For each of `paths` (all files in `child`), what `parent` has there. `paths` pairs each
/// path with a caller's id, and must be sorted by path.
pub(super) fn in_parent(
    repo: &Repository,
    child: &Tree<'_>,
    parent: &Tree<'_>,
    paths: &[(&str, u32)],
    out: &mut Vec<(u32, InParent)>,
) -> Result<(), git2::Error> {
    let items: Vec<(&[u8], u32)> = paths.iter().map(|&(p, id)| (p.as_bytes(), id)).collect();
    compare(repo, child, Some(parent), &items, out)
}

fn compare(
    repo: &Repository,
    child: &Tree<'_>,
    parent: Option<&Tree<'_>>,
    items: &[(&[u8], u32)],
    out: &mut Vec<(u32, InParent)>,
) -> Result<(), git2::Error> {
    let Some(parent) = parent else {
        out.extend(items.iter().map(|&(_, id)| (id, InParent::Missing)));
        return Ok(());
    };
    if parent.id() == child.id() {
        out.extend(items.iter().map(|&(_, id)| (id, InParent::Same)));
        return Ok(());
    }
    let mut rest = items;
    while let Some(&(first, _)) = rest.first() {
        let (name, deeper) = split_first(first);
        let group_len = rest.iter().take_while(|(path, _)| split_first(path).0 == name).count();
        let (group, after) = rest.split_at(group_len);
        rest = after;
        let in_child = child.get_name_bytes(name);
        let in_parent = parent.get_name_bytes(name);
        if deeper.is_none() {
            let child_id = in_child.as_ref().map(|e| e.id());
            for &(_, id) in group {
                let state = match &in_parent {
                    Some(e) if e.kind() == Some(ObjectType::Blob) => {
                        if Some(e.id()) == child_id {
                            InParent::Same
                        } else {
                            InParent::Changed(e.id())
                        }
                    }
                    _ => InParent::Missing,
                };
                out.push((id, state));
            }
            continue;
        }
        let child_sub = in_child.filter(|e| e.kind() == Some(ObjectType::Tree));
        let parent_sub = in_parent.filter(|e| e.kind() == Some(ObjectType::Tree));
        let stripped: Vec<(&[u8], u32)> =
            group.iter().map(|&(path, id)| (split_first(path).1.unwrap_or_default(), id)).collect();
        match (child_sub, parent_sub) {
            (Some(c), Some(p)) if c.id() == p.id() => {
                out.extend(group.iter().map(|&(_, id)| (id, InParent::Same)))
            }
            (Some(c), p) => {
                let child_tree = repo.find_tree(c.id())?;
                let parent_tree = match p {
                    Some(p) => Some(repo.find_tree(p.id())?),
                    None => None,
                };
                compare(repo, &child_tree, parent_tree.as_ref(), &stripped, out)?;
            }
            // The child has no such folder: the caller's paths are wrong; nothing to pass on.
            (None, _) => out.extend(group.iter().map(|&(_, id)| (id, InParent::Missing))),
        }
    }
    Ok(())
}

/// The files of `child` that `parent` lacks or has another blob at, among those `pending`
/// knows (it gives a caller's id for a path), with what the parent has there. Every other
/// pending file is the same in the parent, so the caller can pass them all on without asking
/// path by path: a commit costs what it changed, not the number of pending files.
pub(super) fn changed(
    repo: &Repository,
    child: &Tree<'_>,
    parent: &Tree<'_>,
    pending: &mut dyn FnMut(&str) -> Option<u32>,
    out: &mut Vec<(u32, InParent)>,
) -> Result<(), git2::Error> {
    let mut prefix = Vec::new();
    changed_under(repo, child, Some(parent), &mut prefix, pending, out)
}

fn changed_under(
    repo: &Repository,
    child: &Tree<'_>,
    parent: Option<&Tree<'_>>,
    prefix: &mut Vec<u8>,
    pending: &mut dyn FnMut(&str) -> Option<u32>,
    out: &mut Vec<(u32, InParent)>,
) -> Result<(), git2::Error> {
    if parent.is_some_and(|p| p.id() == child.id()) {
        return Ok(());
    }
    for entry in child.iter() {
        let in_parent = parent.and_then(|p| p.get_name_bytes(entry.name_bytes()));
        if in_parent.as_ref().is_some_and(|p| p.id() == entry.id()) {
            continue;
        }
        let len = prefix.len();
        if len > 0 {
            prefix.push(b'/');
        }
        prefix.extend_from_slice(entry.name_bytes());
        if entry.kind() == Some(ObjectType::Tree) {
            let child_sub = repo.find_tree(entry.id())?;
            let parent_sub = match in_parent.filter(|p| p.kind() == Some(ObjectType::Tree)) {
                Some(p) => Some(repo.find_tree(p.id())?),
                None => None,
            };
            changed_under(repo, &child_sub, parent_sub.as_ref(), prefix, pending, out)?;
        } else if let Some(id) = std::str::from_utf8(prefix).ok().and_then(&mut *pending) {
            let state = match in_parent {
                Some(p) if p.kind() == Some(ObjectType::Blob) => InParent::Changed(p.id()),
                _ => InParent::Missing,
            };
            out.push((id, state));
        }
        prefix.truncate(len);
    }
    Ok(())
}

/// `a/b/c` → (`a`, Some(`b/c`)); `c` → (`c`, None).
fn split_first(path: &[u8]) -> (&[u8], Option<&[u8]>) {
    match path.iter().position(|&b| b == b'/') {
        Some(at) => (&path[..at], Some(&path[at + 1..])),
        None => (path, None),
    }
}

/// The files that `child` renamed or moved from `parent`, as git's default rename detection
/// finds them (added and deleted files at least 50% similar): new path → (old path, old blob).
pub(super) fn renames(
    repo: &Repository,
    parent: &Tree<'_>,
    child: &Tree<'_>,
) -> Result<HashMap<String, (String, Oid)>, git2::Error> {
    // A rename pairs a deleted file with an added one: with nothing deleted, the whole-tree
    // diff below (most of the cost of a commit that adds a file) has nothing to find.
    if !deletes_any(repo, parent, child)? {
        return Ok(HashMap::new());
    }
    let mut opts = DiffOptions::new();
    let mut diff = repo.diff_tree_to_tree(Some(parent), Some(child), Some(&mut opts))?;
    let mut find = DiffFindOptions::new();
    find.renames(true).rename_threshold(50);
    diff.find_similar(Some(&mut find))?;
    let mut out = HashMap::new();
    for delta in diff.deltas() {
        if delta.status() != Delta::Renamed {
            continue;
        }
        let (Some(old), Some(new)) = (delta.old_file().path_bytes(), delta.new_file().path_bytes()) else {
            continue;
        };
        let (Ok(old), Ok(new)) = (std::str::from_utf8(old), std::str::from_utf8(new)) else { continue };
        out.insert(new.to_owned(), (old.to_owned(), delta.old_file().id()));
    }
    Ok(out)
}

/// Whether `parent` has a file where `child` has none (or has something else than a file):
/// what `child` deleted. Subtrees with the same id in both are not opened.
fn deletes_any(repo: &Repository, parent: &Tree<'_>, child: &Tree<'_>) -> Result<bool, git2::Error> {
    if parent.id() == child.id() {
        return Ok(false);
    }
    for entry in parent.iter() {
        let in_child = child.get_name_bytes(entry.name_bytes());
        let Some(in_child) = in_child else { return Ok(true) };
        if in_child.id() == entry.id() {
            continue;
        }
        match (entry.kind(), in_child.kind()) {
            (Some(ObjectType::Tree), Some(ObjectType::Tree)) => {
                let (parent_sub, child_sub) = (repo.find_tree(entry.id())?, repo.find_tree(in_child.id())?);
                if deletes_any(repo, &parent_sub, &child_sub)? {
                    return Ok(true);
                }
            }
            (Some(ObjectType::Blob), Some(ObjectType::Blob)) => {}
            // A file became a folder, a folder a file, or a submodule changed: let the diff say.
            _ => return Ok(true),
        }
    }
    Ok(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The tree of a work tree holding `files` (path, content), and nothing else.
    fn tree_of(repo: &Repository, files: &[(&str, &str)]) -> Oid {
        let root = repo.workdir().unwrap();
        for entry in std::fs::read_dir(root).unwrap() {
            let path = entry.unwrap().path();
            if path.file_name().unwrap() != ".git" {
                std::fs::remove_dir_all(&path).or_else(|_| std::fs::remove_file(&path)).unwrap();
            }
        }
        for (path, content) in files {
            let path = root.join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, content).unwrap();
        }
        let mut index = repo.index().unwrap();
        index.clear().unwrap();
        index.add_all(["*"], git2::IndexAddOption::DEFAULT, None).unwrap();
        index.write_tree().unwrap()
    }

    #[test]
    fn only_a_file_gone_from_the_child_counts_as_deleted() {
        let dir = tempfile::tempdir().unwrap();
        let repo = Repository::init(dir.path()).unwrap();
        let parent = tree_of(&repo, &[("src/a.rs", "a\n"), ("src/m/b.rs", "b\n"), ("c.rs", "c\n")]);
        let cases = [
            (
                vec![("src/a.rs", "a\n"), ("src/m/b.rs", "b\n"), ("c.rs", "c\n"), ("src/m/new.rs", "n\n")],
                false,
            ),
            (vec![("src/a.rs", "A\n"), ("src/m/b.rs", "B\n"), ("c.rs", "c\n")], false),
            (vec![("src/a.rs", "a\n"), ("src/m/moved.rs", "b\n"), ("c.rs", "c\n")], true),
            (vec![("src/a.rs", "a\n"), ("c.rs", "c\n")], true),
            (vec![("src/a.rs", "a\n"), ("src/m/b.rs", "b\n"), ("c.rs/d.rs", "c\n")], true),
        ];
        for (files, deleted) in cases {
            let child = tree_of(&repo, &files);
            let (p, c) = (repo.find_tree(parent).unwrap(), repo.find_tree(child).unwrap());
            assert_eq!(deletes_any(&repo, &p, &c).unwrap(), deleted, "{files:?}");
            if !deleted {
                assert!(renames(&repo, &p, &c).unwrap().is_empty());
            }
        }
        let moved = tree_of(&repo, &[("src/a.rs", "a\n"), ("src/m/moved.rs", "b\n"), ("c.rs", "c\n")]);
        let found =
            renames(&repo, &repo.find_tree(parent).unwrap(), &repo.find_tree(moved).unwrap()).unwrap();
        assert_eq!(found.get("src/m/moved.rs").map(|(old, _)| old.as_str()), Some("src/m/b.rs"));
    }
}
