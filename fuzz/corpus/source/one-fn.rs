#[wear::tracked]
fn f() -> &'static str { r#"raw"# }
