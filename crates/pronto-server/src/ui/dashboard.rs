//! `GET /dashboard`: each channel's responsiveness.

use axum::extract::State;
use maud::{Markup, html};

use super::Viewer;
use super::layout::{Nav, page as layout};
use crate::error::ApiResult;
use crate::state::AppState;

/// The page.
pub async fn page(State(_state): State<AppState>, v: Viewer) -> ApiResult<Markup> {
    let t = v.t();
    let body = html! { h1 { (t.dashboard.title) } };
    Ok(layout(&v, t.dashboard.title, Nav::Dashboard, body))
}
