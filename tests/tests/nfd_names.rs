//! Names written in NFD (`e` and a combining accent, as some editors and tools store `é`):
//! rustc gives the macro every identifier in NFC, so the part path registered at run time is
//! NFC whatever the file holds, which is what `cargo wear scan` (`cli/src/scan/nfc.rs`)
//! normalises to. This file is stored in NFD on purpose; do not let an editor recompose it.

/// A module, a type and a function whose names are written in NFD.
mod ménu {
    pub struct Café;

    impl Café {
        #[wear::tracked]
        pub fn créme() -> u32 {
            1
        }
    }

    #[wear::tracked]
    pub fn café() -> u32 {
        2
    }
}

#[test]
fn paths_registered_from_nfd_source_are_nfc() {
    assert_eq!(ménu::café() + ménu::Café::créme(), 3);
    let paths: Vec<String> = wear::snapshot().parts.into_iter().map(|p| p.path).collect();
    let nfc = |s: &str| s.replace("e\u{301}", "\u{e9}");
    for expected in ["nfd_names::ménu::café", "nfd_names::ménu::Café::créme"] {
        let expected = nfc(expected);
        assert!(paths.contains(&expected), "{expected:?} not in {paths:?}");
    }
    // The serials are those of the text as written, which is what the scan reads too.
    let sites = wear_identity::site::sites_in_source(include_str!("nfd_names.rs")).expect("parses");
    let mut scanned: Vec<(String, String)> = sites
        .iter()
        .filter(|s| matches!(s.tracked, Some(Ok(_))))
        .map(|s| (nfc(&s.part_path("nfd_names")), s.serial.to_string()))
        .collect();
    scanned.sort();
    let mut registered: Vec<(String, String)> = wear::snapshot()
        .parts
        .into_iter()
        .filter(|p| p.file.ends_with("nfd_names.rs"))
        .map(|p| (p.path, p.serial))
        .collect();
    registered.sort();
    assert_eq!(registered, scanned);
}
