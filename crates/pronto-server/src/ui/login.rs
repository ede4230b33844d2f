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

/// `next` as the path (with its query and fragment) of a page on this server, or
/// `None` if it would lead anywhere else.
///
/// It is parsed as a browser would parse it, not filtered by characters: resolved
/// against a base of ours, it must keep the base's origin, and both it and the
/// resolved path must begin with one `/` (a browser reads `//host` as another
/// host). The answer is the resolved, normalised form, so what the browser opens is
/// what was checked: tabs and line breaks are gone, backslashes are slashes.
pub fn safe_next(next: &str) -> Option<String> {
    let single_slash =
        |p: &str| p.starts_with('/') && !p.starts_with("//") && !p.starts_with("/\\");
    if !single_slash(next) {
        return None;
    }
    // A name that cannot be anyone's host (RFC 2606): any origin but this one is
    // another server.
    let base = url::Url::parse("https://pronto.invalid/").ok()?;
    let resolved = base.join(next).ok()?;
    if resolved.origin() != base.origin() || !single_slash(resolved.path()) {
        return None;
    }
    let mut out = resolved.path().to_owned();
    if let Some(q) = resolved.query() {
        out.push('?');
        out.push_str(q);
    }
    if let Some(f) = resolved.fragment() {
        out.push('#');
        out.push_str(f);
    }
    Some(out)
}

/// The page.
pub async fn page(headers: HeaderMap, Query(q): Query<Next>) -> Markup {
    let lang = headers
        .get(ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .map_or(Lang::En, Lang::from_accept_language);
    let next = q
        .next
        .as_deref()
        .and_then(safe_next)
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

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn next_is_a_page_of_ours_or_nothing() {
        for hostile in [
            "/\t/evil.example/x",
            "/\n/evil.example/x",
            "/\r/evil.example/x",
            "/\t\t/evil.example",
            "//evil.example",
            "//evil.example/inbox",
            "/\\evil.example",
            "\\/evil.example",
            "/\\/evil.example",
            "https://evil.example",
            "https://pronto.invalid/inbox",
            "http:/evil.example",
            "javascript:alert(1)",
            "evil.example",
            " //evil.example",
            "/.//evil.example",
            "/%2e//evil.example",
            "",
        ] {
            assert_eq!(safe_next(hostile), None, "{hostile:?}");
        }
        assert_eq!(safe_next("/inbox").as_deref(), Some("/inbox"));
        assert_eq!(
            safe_next("/inbox?c=12&f=open#m3").as_deref(),
            Some("/inbox?c=12&f=open#m3")
        );
        assert_eq!(safe_next("/a/../settings").as_deref(), Some("/settings"));
        assert_eq!(safe_next("/in\tbox").as_deref(), Some("/inbox"));
    }
}
