//! The widget's files: the loader the business's pages load, `/widget.js`, and
//! the frame's script and stylesheet, `/webchat/frame.js` and `/widget.css`. They
//! are public, may be read from any origin (`Access-Control-Allow-Origin: *`,
//! `Cross-Origin-Resource-Policy: cross-origin`) and are cached a few minutes.

use axum::http::header::{ACCESS_CONTROL_ALLOW_ORIGIN, CACHE_CONTROL, CONTENT_TYPE};
use axum::response::IntoResponse;

/// The loader.
pub const SCRIPT: &str = include_str!("../../assets/webchat/widget.js");
/// The frame's script: the chat itself.
pub const FRAME_SCRIPT: &str = include_str!("../../assets/webchat/frame.js");
/// The frame's stylesheet.
pub const STYLE: &str = include_str!("../../assets/webchat/widget.css");

const PUBLIC: [(&str, &str); 3] = [
    ("cache-control", "public, max-age=300"),
    ("access-control-allow-origin", "*"),
    ("cross-origin-resource-policy", "cross-origin"),
];

/// `GET /widget.js`.
pub async fn script() -> impl IntoResponse {
    javascript(SCRIPT)
}

/// `GET /webchat/frame.js`.
pub async fn frame_script() -> impl IntoResponse {
    javascript(FRAME_SCRIPT)
}

fn javascript(body: &'static str) -> impl IntoResponse {
    (
        [
            (CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (CACHE_CONTROL, PUBLIC[0].1),
            (ACCESS_CONTROL_ALLOW_ORIGIN, PUBLIC[1].1),
        ],
        [(PUBLIC[2].0, PUBLIC[2].1)],
        body,
    )
}

/// `GET /widget.css`.
pub async fn style() -> impl IntoResponse {
    (
        [
            (CONTENT_TYPE, "text/css; charset=utf-8"),
            (CACHE_CONTROL, PUBLIC[0].1),
            (ACCESS_CONTROL_ALLOW_ORIGIN, PUBLIC[1].1),
        ],
        [(PUBLIC[2].0, PUBLIC[2].1)],
        STYLE,
    )
}
