//! Diagnostic snapshots: every `tests/data/diagnostics/*.rules` file is
//! loaded and its rendered diagnostics (colours off) are snapshotted
//! together with its source (with control, bidi and format characters
//! escaped as diagnostics show them, so a snapshot holds none). Review changes with `cargo insta review`, or run
//! with `INSTA_UPDATE=always` and read the `.snap` files before committing.

use leadscore::syntax::MemReader;

#[test]
fn diagnostics() {
    insta::glob!("data/diagnostics/*.rules", |path| {
        let text = std::fs::read_to_string(path).expect("fixture is readable");
        let name = path.file_name().expect("a file name").to_string_lossy();
        let loaded = leadscore::load_str(&name, &text, &MemReader::default());
        assert!(!loaded.diagnostics.is_empty(), "{name} gives no diagnostic");
        let rendered = leadscore::diagnostics::render(&loaded.sources, &loaded.diagnostics, false);
        let shown = leadscore::diagnostics::visible::ShownSource::new(&text);
        let shown = &shown.text;
        insta::assert_snapshot!(format!("{shown}\n----- diagnostics -----\n{rendered}"));
    });
}
