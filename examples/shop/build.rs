//! Records the git revision this example is built from, for its snapshots.
fn main() {
    wear::build::git_revision();
}
