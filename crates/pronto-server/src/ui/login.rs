//! `GET /login`: the sign-in form. The script posts it to `/api/v1/auth/login`
//! (which sets the HttpOnly session cookie) and then opens the page asked for.

use axum::extract::Query;
use axum::http::HeaderMap;
use axum::http::header::ACCEPT_LANGUAGE;
use maud::{DOCTYPE, Markup, html};
use serde::Deserialize;
use serde_json::json;

use super::format::json_script;
use super::i18n::Lang;
use super::layout::head;

/// The query string.
#[derive(Deserialize)]
pub struct Next {
    next: Option<String>,
}

/// The page.
pub async fn page(headers: HeaderMap, Query(q): Query<Next>) -> Markup {
    let lang = headers
        .get(ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .map_or(Lang::En, Lang::from_accept_language);
    // Only a path of ours: never a link elsewhere.
    let next = q
        .next
        .filter(|n| n.starts_with('/') && !n.starts_with("//") && !n.contains('\\'))
        .unwrap_or_else(|| "/inbox".to_owned());
    let c = &lang.texts().common;
    let texts = json!({"common": c});
    html! {
        (DOCTYPE)
        html lang=(lang.code()) {
            (head(c.sign_in_title))
            body data-page="login" {
                main.login id="main" {
                    h1 { (c.sign_in_title) }
                    form id="login" data-next=(next) {
                        label for="email" { (c.email) }
                        input id="email" name="email" type="email" autocomplete="username" required autofocus;
                        label for="password" { (c.password) }
                        input id="password" name="password" type="password" autocomplete="current-password" required;
                        p.error id="login-error" role="alert" {}
                        button type="submit" { (c.sign_in) }
                    }
                }
                (json_script("texts", &texts))
            }
        }
    }
}
