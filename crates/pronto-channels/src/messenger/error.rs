//! A Graph API error answer (`{"error": {"code", "error_subcode", "message",
//! "is_transient"}}`), read once for everything that sorts one (sends, profiles).

use serde_json::Value;

/// What a Graph API error says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GraphError {
    /// `code` (0 when the answer had none).
    pub code: i64,
    /// `error_subcode` (0 when none).
    pub subcode: i64,
    /// `message`.
    pub message: String,
    /// `is_transient`.
    pub transient: bool,
}

impl GraphError {
    /// Reads an answer, whatever its shape.
    pub fn read(answer: &Value) -> GraphError {
        let e = &answer["error"];
        GraphError {
            code: e["code"].as_i64().unwrap_or(0),
            subcode: e["error_subcode"].as_i64().unwrap_or(0),
            message: e["message"].as_str().unwrap_or("no message").to_owned(),
            transient: e["is_transient"].as_bool() == Some(true),
        }
    }

    /// "Meta error {code}/{subcode}: {message}", as errors show it.
    pub fn said(&self) -> String {
        format!(
            "Meta error {}/{}: {}",
            self.code, self.subcode, self.message
        )
    }
}
