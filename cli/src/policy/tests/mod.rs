//! Tests of the policy and logbook on real files in temporary workspaces.
mod assess;
mod logbook;
mod logbook_folder;
mod policy_file;
mod starter;

use std::path::Path;

/// Writes `text` to `name` under `root`.
fn write(root: &Path, name: &str, text: &str) {
    std::fs::write(root.join(name), text).expect("write a fixture file");
}

/// The names of the files in `dir`, sorted, to show nothing else was left behind.
fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("read the folder")
        .map(|e| e.expect("a folder entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}
