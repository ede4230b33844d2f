//! `GET /setup?token=...`: the page the first start's link opens, to create the
//! first admin. The token is read by the script from the address, so nothing from
//! the request is written into the page; the answer is not cached and sends no
//! referrer, so the token does not travel further.

use axum::http::HeaderMap;
use axum::http::header::{ACCEPT_LANGUAGE, CACHE_CONTROL, REFERRER_POLICY};
use axum::response::IntoResponse;
use maud::{DOCTYPE, html};
use serde_json::json;

use super::format::json_script;
use super::i18n::Lang;
use super::layout::head;

/// The page.
pub async fn page(headers: HeaderMap) -> impl IntoResponse {
    let lang = headers
        .get(ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .map_or(Lang::En, Lang::from_accept_language);
    let c = &lang.texts().common;
    let markup = html! {
        (DOCTYPE)
        html lang=(lang.code()) {
            (head(c.setup_title))
            body data-page="setup" {
                main.login id="main" {
                    h1 { (c.setup_title) }
                    p { (c.setup_intro) }
                    form id="setup" {
                        label for="name" { (c.your_name) }
                        input id="name" name="name" autocomplete="name" required;
                        label for="email" { (c.email) }
                        input id="email" name="email" type="email" autocomplete="email" required;
                        label for="password" { (c.password_rule) }
                        input id="password" name="password" type="password" autocomplete="new-password" minlength="10" required;
                        p.error id="error" role="alert" {}
                        p id="done" role="status" {}
                        a id="go-sign-in" href="/login" hidden { (c.go_sign_in) }
                        button type="submit" { (c.create_admin) }
                    }
                }
                (json_script("texts", &json!({"common": c})))
            }
        }
    };
    (
        [
            (CACHE_CONTROL, "no-store"),
            (REFERRER_POLICY, "no-referrer"),
        ],
        markup,
    )
}
