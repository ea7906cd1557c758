//! Line diffs between two versions of a file, and carrying lines through them: a line outside
//! every changed hunk existed in the older version (at a shifted number), a line inside one was
//! written by the newer. The diff is libgit2's xdiff, the Myers diff `git blame` uses, with no
//! context and git's indent heuristic so hunks land where git puts them.
use git2::{DiffOptions, Patch};

/// One changed region, 0-based: `old_len` lines at `old_start` became `new_len` lines at
/// `new_start`. With a length of 0, the start is the number of lines before the change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Hunk {
    pub(crate) old_start: u32,
    pub(crate) old_len: u32,
    pub(crate) new_start: u32,
    pub(crate) new_len: u32,
}

impl Hunk {
    pub(super) fn from_git(old_start: u32, old_len: u32, new_start: u32, new_len: u32) -> Hunk {
        // Unified-diff starts are 1-based, except that an empty side names the line before.
        let start = |start: u32, len: u32| if len == 0 { start } else { start.saturating_sub(1) };
        Hunk { old_start: start(old_start, old_len), old_len, new_start: start(new_start, new_len), new_len }
    }
}

/// Diff options matching `git blame`'s.
pub(super) fn blame_diff_options() -> DiffOptions {
    let mut opts = DiffOptions::new();
    opts.context_lines(0).interhunk_lines(0).indent_heuristic(true).force_text(true);
    opts
}

/// The hunks that turn the content `old` into `new`.
pub(super) fn between(old: &[u8], new: &[u8], opts: &mut DiffOptions) -> Result<Vec<Hunk>, git2::Error> {
    let patch = Patch::from_buffers(old, None, new, None, Some(opts))?;
    let mut hunks = Vec::with_capacity(patch.num_hunks());
    for i in 0..patch.num_hunks() {
        let (h, _) = patch.hunk(i)?;
        hunks.push(Hunk::from_git(h.old_start(), h.old_lines(), h.new_start(), h.new_lines()));
    }
    Ok(hunks)
}

/// Where each line of the newer version was in the older one; `None` for lines the newer
/// version wrote. `hunks` must be in order, as diffs give them.
pub(super) struct LineMap<'h> {
    hunks: &'h [Hunk],
    next: usize,
    shift: i64,
}

impl<'h> LineMap<'h> {
    /// Starts at the first line; lines must then be asked in increasing order.
    pub(crate) fn new(hunks: &'h [Hunk]) -> LineMap<'h> {
        LineMap { hunks, next: 0, shift: 0 }
    }

    /// The older version's line for the newer version's `line` (0-based).
    pub(crate) fn old_line(&mut self, line: u32) -> Option<u32> {
        while let Some(hunk) = self.hunks.get(self.next) {
            if line < hunk.new_start {
                break;
            }
            if line < hunk.new_start + hunk.new_len {
                return None;
            }
            self.shift += i64::from(hunk.old_len) - i64::from(hunk.new_len);
            self.next += 1;
        }
        u32::try_from(i64::from(line) + self.shift).ok()
    }
}

/// The number of lines in `bytes`, counted as git does: a last line without a newline
/// still counts.
pub(super) fn count_lines(bytes: &[u8]) -> u32 {
    let newlines = bytes.iter().filter(|&&b| b == b'\n').count();
    let unterminated = usize::from(bytes.last().is_some_and(|&b| b != b'\n'));
    u32::try_from(newlines + unterminated).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map_all(old: &str, new: &str) -> Vec<Option<u32>> {
        let hunks = between(old.as_bytes(), new.as_bytes(), &mut blame_diff_options()).unwrap();
        let mut map = LineMap::new(&hunks);
        (0..count_lines(new.as_bytes())).map(|line| map.old_line(line)).collect()
    }

    #[test]
    fn insertions_deletions_and_changes_shift_the_lines_after_them() {
        assert_eq!(map_all("a\nb\nc\n", "a\nx\nb\nc\n"), [Some(0), None, Some(1), Some(2)]);
        assert_eq!(map_all("a\nb\nc\n", "a\nc\n"), [Some(0), Some(2)]);
        assert_eq!(map_all("a\nb\nc\n", "a\nB\nc\n"), [Some(0), None, Some(2)]);
        assert_eq!(map_all("a\nb\n", "x\na\nb\ny\n"), [None, Some(0), Some(1), None]);
        assert_eq!(map_all("a\nb\nc\nd\n", "b\nc\nD\nd\ne\n"), [Some(1), Some(2), None, Some(3), None]);
        assert_eq!(map_all("", "a\n"), [None]);
    }

    #[test]
    fn counts_lines_like_git() {
        assert_eq!(count_lines(b""), 0);
        assert_eq!(count_lines(b"a"), 1);
        assert_eq!(count_lines(b"a\n"), 1);
        assert_eq!(count_lines(b"a\nb"), 2);
    }
}
