//! The outline against syn's walk (`crate::site`): same functions, owners, outer functions
//! and serials, on tricky shapes and on every file of this workspace.
use super::*;
use crate::site::sites_in_source;

/// Every function syn's walk finds, against the outline's reading of it.
fn compare(source: &str) -> Result<usize, String> {
    let Ok(sites) = sites_in_source(source) else { return Ok(0) };
    let outline = Outline::of_source(source);
    for site in &sites {
        let found: Vec<&Function> =
            outline.functions().iter().filter(|f| f.name == site.name && f.at.0 == site.name_line).collect();
        let [function] = found.as_slice() else {
            return Err(format!("{} on line {}: the outline has {found:?}", site.name, site.name_line));
        };
        let read = (&function.owner, &function.within, function.serial(source));
        if read != (&site.owner, &site.within, site.serial) {
            return Err(format!(
                "{} on line {}: outline {read:?}, syn {:?}",
                site.name,
                site.name_line,
                (&site.owner, &site.within, site.serial)
            ));
        }
    }
    Ok(sites.len())
}

const TRICKY: &str = r##"
struct X<const N: usize>;
impl<const N: usize> X<{ N }> { fn a(&self) -> [u8; { N }] { [0; N] } }
type F = fn(u8) -> u8;
fn apply(f: fn(u8) -> u8, g: impl Fn() -> u8) -> u8 { fn nested() {} f(g()) }
fn ret() -> impl Fn() -> u8 { || 1 }
const C: fn() -> u8 = { impl X<2> { fn hidden() {} } fn inner() -> u8 { 1 } inner };
trait T { fn req(&self); fn def(&self) -> u8 { struct S { f: fn() } 0 } }
macro_rules! m { ($n:ident) => { impl X<3> { fn $n() {} } }; () => { fn made() {} } }
mod inner { pub(crate) unsafe extern "C" fn c() {} impl super::X<1> { fn b() {} } }
/* impl Commented { fn gone() {} } /* nested */ impl Still { fn commented() {} } */
#[cfg(all())] unsafe impl<'a, T: Fn() -> u8> Send for Wrap<'a, T> where T: 'a {
    fn strings(&self) -> &str { let _ = ('}', '\'', b'{', r#"}"#, "\"}", br"{", 'a'); "{" }
    fn r#type(&self) { if !self.ok() { return; } let _ = !matches!(1, 2); }
    fn after(&self) -> u8 { 'outer: loop { break 'outer 1 } }
}
pub(crate) unsafe trait Tr<T>: Clone where T: Copy { fn defaulted() {} }
impl<T> From<Vec<T>> for Wrap<'static, T> { fn from(v: Vec<T>) -> Self { todo!("{v:?}") } }
extern "C" { fn declared(); }
mod out_of_line;
impl Encodable for u8 { fn read() -> u8 { fn helper() -> u8 { 1 } helper() } }
impl PartialEq<SmolStr> for &str { fn eq(&self, _: &SmolStr) -> bool { true } }
fn outer() {
    let f = |x: u8| { fn in_closure() {} x };
    { fn in_block() {} }
    #[cfg(unix)] { fn under_cfg() {} }
    struct Local;
    impl Local { pub(in crate::inner) fn method() { fn deepest() {} } }
    impl Tr<u8> for Local { default fn from_trait() {} }
    mod in_function { fn module_level() {} }
    async move { fn in_async() {} };
}
cfg_rt! { impl Wrapped { fn in_wrapper() {} } fn free_in_wrapper() {} }
fn last() {}
"##;

#[test]
fn every_shape_reads_as_syn_reads_it() {
    assert_eq!(compare(TRICKY), Ok(29));
    let outline = Outline::of_source(TRICKY);
    let find = |name: &str| {
        outline.functions().iter().find(|f| f.name == name).unwrap_or_else(|| panic!("{name} found"))
    };
    assert_eq!(find("a").owner, Owner::Inherent { self_ty: "X<{N}>".into(), in_module: true });
    assert_eq!(
        find("type").owner,
        Owner::TraitImpl { self_ty: "Wrap<T>".into(), trait_: "Send".into(), in_module: true }
    );
    assert_eq!(
        find("deepest").within,
        [(Owner::Free, "outer".into()), (find("method").owner.clone(), "method".into())]
    );
    assert!(find("module_level").within.is_empty(), "an inline module starts again");
    assert_eq!(find("helper").within, [(find("read").owner.clone(), "read".into())]);
    assert_eq!(find("in_wrapper").owner, Owner::Inherent { self_ty: "Wrapped".into(), in_module: true });
    assert!(outline.functions().iter().all(|f| f.name != "made" && f.name != "declared" && f.name != "req"));
    assert!(find("hidden").within.is_empty() && find("inner").within.is_empty(), "a const initialiser");
    assert_eq!(&TRICKY[find("method").text.clone()], "pub(in crate::inner) fn method() { fn deepest() {} }");
}

#[test]
fn functions_are_found_by_the_line_and_column_of_their_name() {
    let source = "impl A { fn f() {} } impl B { fn f() {} }\n  fn é() {} fn g() {}";
    let outline = Outline::of_source(source);
    let a = outline.find("f", 1, 12).expect("A's f");
    let b = outline.find("f", 1, 33).expect("B's f");
    assert_ne!(a.owner, b.owner);
    assert!(outline.find("f", 1, 13).is_none());
    assert!(outline.find("g", 2, 15).is_some(), "columns count characters, not bytes");
    assert_eq!(outline.find("r#é", 2, 5).map(|f| f.name.as_str()), Some("é"));
}

#[test]
fn text_that_is_not_rust_is_read_without_panicking() {
    for source in
        ["impl X { fn a() {", "impl { fn a() {} }", "'", "r#\"", "/* open", "fn", "impl", "x!", "é'", "fn a("]
    {
        Outline::of_source(source);
    }
    assert!(Outline::of_source("}} impl X { fn a() {} }").functions().is_empty());
    // A header that does not parse owns nothing.
    assert!(Outline::of_source("impl { fn a() {} }").functions().iter().all(|f| f.owner == Owner::Free));
}
