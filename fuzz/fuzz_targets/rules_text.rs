//! Arbitrary bytes as a rules file through parse and check (and, when the
//! rules check, compile): never a panic, a stack overflow or a hang.
#![no_main]

use leadscore::syntax::MemReader;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    // Includes resolve against an empty in-memory folder: they fail cleanly.
    let loaded = leadscore::load_str("fuzz.rules", &text, &MemReader::default());
    if let Some(ruleset) = &loaded.ruleset {
        let _ = leadscore::eval::Program::compile(ruleset);
    }
    // Rendering every diagnostic must not panic either (spans inside the text).
    let _ = leadscore::diagnostics::render(&loaded.sources, &loaded.diagnostics, false);
});
