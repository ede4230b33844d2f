//! `GET /settings`: channels, users, saved replies and API tokens (admins).

use axum::extract::State;
use maud::{Markup, html};

use super::Viewer;
use super::layout::{Nav, page as layout};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// The page.
pub async fn page(State(_state): State<AppState>, v: Viewer) -> ApiResult<Markup> {
    if !v.is_admin() {
        return Err(ApiError::forbidden("this needs an admin"));
    }
    let t = v.t();
    let body = html! { h1 { (t.settings.title) } };
    Ok(layout(&v, t.settings.title, Nav::Settings, body))
}
