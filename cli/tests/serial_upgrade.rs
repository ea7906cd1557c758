//! Usage and sign-offs recorded before `wear-serial/2`, whose serials (`wear-serial/1`) counted a
//! function's outer attributes, still count for the same code after the upgrade to
//! `wear-serial/2`: since new always (by path), since overhaul and the sign-off while the code
//! is unchanged. A real workspace, a real git history, real `wear-snapshot/1` files and the
//! real binary.
mod support;

use serde_json::Value;
use support::{Fixture, Reading, snapshot};
use wear_identity::legacy::serial_v1_of_fn;

const NOW: &str = "2026-12-01";

const LIB: &str = "\
#[inline]
#[wear::tracked]
pub fn add(a: u32, b: u32) -> u32 {
    a + b
}

#[must_use]
#[wear::tracked]
pub fn changed(a: u32) -> u32 {
    a * 2
}
";

/// The `wear-serial/1` serial of the function named `name` in `source`.
fn v1(source: &str, name: &str) -> String {
    let file = syn::parse_file(source).expect("parses");
    file.items
        .iter()
        .find_map(|item| match item {
            syn::Item::Fn(f) if f.sig.ident == name => {
                Some(serial_v1_of_fn(&f.attrs, &f.vis, &f.sig, &f.block).to_string())
            }
            _ => None,
        })
        .expect("the function")
}

fn part<'a>(report: &'a Value, path: &str) -> &'a Value {
    report["parts"].as_array().expect("parts").iter().find(|p| p["path"] == path).expect("the part")
}

#[test]
fn usage_and_sign_offs_of_old_serials_count_for_the_same_code() {
    let fx = Fixture::new("upgrade");
    fx.write("src/lib.rs", LIB);
    fx.commit("add and changed", "Ada", "2026-01-10");

    let add_v1 = v1(LIB, "add");
    // What wear recorded for `changed` before its code changed.
    let old_changed = LIB.replace("a * 2", "a * 3");
    let changed_v1 = v1(&old_changed, "changed");
    let scan: Value =
        serde_json::from_slice(&fx.wear(&["scan", "--format", "json"]).output().expect("runs").stdout)
            .expect("json");
    let add_v2 =
        scan.as_array().expect("parts").iter().find(|p| p["path"] == "upgrade::add").expect("add")["serial"]
            .as_str()
            .expect("serial")
            .to_owned();
    assert_ne!(add_v1, add_v2, "`#[inline]` counted in version 1, not in version 2");

    fx.write(
        "usage/old.json",
        &snapshot(
            "old",
            "2026-11-01T00:00:00Z",
            "2026-11-10T00:00:00Z",
            &[
                Reading { path: "upgrade::add", serial: &add_v1, calls: 500, busy_ns: None },
                Reading { path: "upgrade::changed", serial: &changed_v1, calls: 70, busy_ns: None },
            ],
        ),
    );
    fx.write(
        "wear-logbook.toml",
        &format!(
            "[[signoff]]\npart = \"upgrade::add\"\nserial = \"{add_v1}\"\ndate = 2026-11-05T12:00:00Z\n\
             calls = 200\nby = \"Ada\"\nnote = \"looked at it under wear-serial/1\"\n"
        ),
    );
    let out = fx
        .wear(&["report", "--format", "json", "--now", NOW, "--no-ledger", "--usage", "usage/old.json"])
        .output()
        .expect("runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let report: Value = serde_json::from_slice(&out.stdout).expect("json");

    let add = part(&report, "upgrade::add");
    assert_eq!(add["serial"], add_v2.as_str());
    assert_eq!(add["calls_since_new"], 500);
    assert_eq!(add["calls_since_overhaul"], 300, "500 calls, 200 of them before the sign-off: {add}");
    assert_eq!(add["signed_off_by"], "Ada");

    // The code of `changed` is not the code wear counted then: only since new keeps its calls.
    let changed = part(&report, "upgrade::changed");
    assert_eq!(changed["calls_since_new"], 70);
    assert_eq!(changed["calls_since_overhaul"], Value::Null, "{changed}");
}
