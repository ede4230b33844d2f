//! Errors: the Graph API's own answers (`GraphError`, Meta's JSON shape) and the
//! sandbox's failures as a library (`SandboxError`).

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

/// An error as Meta's Graph API answers it: HTTP 400 (usually) and
/// `{"error":{"message","type","code","error_subcode","fbtrace_id"}}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GraphError {
    pub status: u16,
    pub code: i64,
    pub subcode: Option<i64>,
    pub kind: &'static str,
    pub message: String,
}

impl GraphError {
    /// A `code` error with Meta's `(#code)` message prefix.
    pub fn new(code: i64, subcode: Option<i64>, message: impl std::fmt::Display) -> GraphError {
        GraphError {
            status: 400,
            code,
            subcode,
            kind: "OAuthException",
            message: format!("(#{code}) {message}"),
        }
    }

    /// Code 100: a bad parameter.
    pub fn param(message: impl std::fmt::Display) -> GraphError {
        GraphError {
            kind: "GraphMethodException",
            ..GraphError::new(100, None, message)
        }
    }

    /// Code 190, subcode 460: the token is not (or no longer) valid.
    pub fn token() -> GraphError {
        GraphError {
            status: 400,
            code: 190,
            subcode: Some(460),
            kind: "OAuthException",
            message: "Error validating access token: The session has been invalidated because the user changed their password or Facebook has changed the session for security reasons.".into(),
        }
    }

    /// The JSON body, with a trace id made from `trace`.
    pub fn body(&self, trace: u64) -> Value {
        let mut e = json!({
            "message": self.message,
            "type": self.kind,
            "code": self.code,
            "fbtrace_id": format!("Sbx{trace:08x}"),
        });
        if let Some(s) = self.subcode {
            e["error_subcode"] = json!(s);
        }
        json!({ "error": e })
    }
}

/// An answer from the fake Graph API: a status and a JSON body.
pub(crate) struct Answer(pub u16, pub Value);

impl IntoResponse for Answer {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.0).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        (status, axum::Json(self.1)).into_response()
    }
}

/// What went wrong using the sandbox itself.
#[derive(Debug, thiserror::Error)]
pub enum SandboxError {
    #[error("no page or Instagram account {0:?} is registered in the sandbox")]
    UnknownPage(String),
    #[error("page {0:?} has no callback URL: set one with Sandbox::set_callback")]
    NoCallback(String),
    #[error("could not reach {url}: {source}")]
    Http {
        url: String,
        #[source]
        source: reqwest::Error,
    },
    #[error("could not listen: {0}")]
    Listen(#[from] std::io::Error),
}
