//! The widget's files: `/widget.js` and the stylesheet it loads into its shadow
//! root, `/widget.css`. Both are public and loaded from the business's pages, so
//! they may be read from any origin (`Access-Control-Allow-Origin: *`,
//! `Cross-Origin-Resource-Policy: cross-origin`) and are cached a few minutes.

use axum::http::header::{ACCESS_CONTROL_ALLOW_ORIGIN, CACHE_CONTROL, CONTENT_TYPE};
use axum::response::IntoResponse;

/// The script.
pub const SCRIPT: &str = include_str!("../../assets/webchat/widget.js");
/// Its stylesheet.
pub const STYLE: &str = include_str!("../../assets/webchat/widget.css");

const PUBLIC: [(&str, &str); 3] = [
    ("cache-control", "public, max-age=300"),
    ("access-control-allow-origin", "*"),
    ("cross-origin-resource-policy", "cross-origin"),
];

/// `GET /widget.js`.
pub async fn script() -> impl IntoResponse {
    (
        [
            (CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (CACHE_CONTROL, PUBLIC[0].1),
            (ACCESS_CONTROL_ALLOW_ORIGIN, PUBLIC[1].1),
        ],
        [(PUBLIC[2].0, PUBLIC[2].1)],
        SCRIPT,
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
