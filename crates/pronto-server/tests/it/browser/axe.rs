//! axe-core in the page: its serious and critical violations.
//!
//! axe.min.js comes from npm, pinned in `tests/browser/package-lock.json` and
//! installed by `npm ci --prefix crates/pronto-server/tests/browser`.

use std::fmt;

use fantoccini::Client;
use serde::Deserialize;

use super::driver::INSTALL_HINT;

const AXE_JS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/browser/node_modules/axe-core/axe.min.js"
);

/// One rule that the page breaks.
#[derive(Debug, Deserialize, PartialEq)]
pub struct Violation {
    /// The rule, e.g. `color-contrast`.
    pub id: String,
    /// `serious` or `critical`.
    pub impact: String,
    pub help: String,
    /// CSS selectors of the elements at fault.
    pub targets: Vec<String>,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} ({}): {} at {}",
            self.id,
            self.impact,
            self.help,
            self.targets.join(", ")
        )
    }
}

const RUN: &str = r#"
const done = arguments[arguments.length - 1];
axe.run(document, { resultTypes: ["violations"] }).then(
  (r) => done(r.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => ({ id: v.id, impact: v.impact, help: v.help,
                   targets: v.nodes.map((n) => n.target.flat().join(" ")) }))),
  (e) => done({ error: String(e) }));
"#;

pub async fn violations(client: &Client) -> Vec<Violation> {
    let source = std::fs::read_to_string(AXE_JS)
        .unwrap_or_else(|e| panic!("axe-core is not installed ({AXE_JS}: {e}): {INSTALL_HINT}"));
    // Run as a script's body, axe.min.js defines `axe` on `window`.
    let loaded = client
        .execute(&format!("{source}\n;return typeof window.axe;"), vec![])
        .await
        .expect("injecting axe-core");
    assert_eq!(loaded, "object", "axe-core did not load in the page");
    let result = client
        .execute_async(RUN, vec![])
        .await
        .expect("running axe-core");
    if let Some(e) = result.get("error") {
        panic!("axe-core failed: {e}");
    }
    serde_json::from_value(result).expect("axe-core's violations")
}
