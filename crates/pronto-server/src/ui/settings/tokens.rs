//! API tokens: for programs that call the API. A token's secret is shown once,
//! when it is made.

use maud::{Markup, html};
use pronto_store::ApiToken;

use super::users::role_name;
use super::{Viewer, field, fill, form_error, once_box, section as frame};
use crate::error::ApiResult;
use crate::state::AppState;
use crate::ui::format::time;

/// The section.
pub async fn section(state: &AppState, v: &Viewer) -> ApiResult<Markup> {
    let s = &v.t().settings;
    let rest = html! {
        (once_box(v, "token-created", s.token_created_title, s.token_created_hint,
            &[(s.token_secret, "secret")]))
        (form(v))
    };
    Ok(frame(
        "tokens",
        s.tokens_title,
        s.tokens_intro,
        list(state, v).await?,
        rest,
    ))
}

/// The tokens, revoked ones included.
pub async fn list(state: &AppState, v: &Viewer) -> ApiResult<Markup> {
    let s = &v.t().settings;
    let tokens = state.store.api_tokens(v.workspace()).await?;
    Ok(html! {
        @if tokens.is_empty() {
            p.empty { (s.tokens_empty) }
        } @else {
            ul.rows {
                @for t in &tokens {
                    li.row { (token(v, t)) }
                }
            }
        }
    })
}

fn token(v: &Viewer, t: &ApiToken) -> Markup {
    let s = &v.t().settings;
    html! {
        span.who {
            strong { (t.name) }
            br;
            span.muted {
                (s.created) " " (time(t.created_at)) " · " (s.last_used) " "
                @match t.last_used_at {
                    Some(at) => (time(at)),
                    None => (s.never),
                }
            }
        }
        span.tag { (role_name(v, t.role)) }
        @if t.revoked_at.is_some() {
            span.state.bad { (s.revoked) }
        } @else {
            span.state.ok { (s.active) }
            button.secondary type="button" data-action="call" data-method="DELETE"
                data-path={ "/tokens/" (t.id) } data-section="tokens"
                data-confirm=(fill(s.confirm_revoke, &[("name", &t.name)]))
                aria-label=(fill(s.revoke_named, &[("name", &t.name)])) {
                (s.revoke)
            }
        }
    }
}

fn form(v: &Viewer) -> Markup {
    let s = &v.t().settings;
    html! {
        form.settings-form id="token-form" data-form="token" aria-labelledby="token-form-title" {
            h3 id="token-form-title" { (s.token_add) }
            (field("token-name", s.token_name, Some(s.token_name_hint), html! {
                input id="token-name" name="name" type="text" required autocomplete="off"
                    aria-describedby="token-name-hint";
            }))
            (field("token-role", s.role, None, html! {
                select id="token-role" name="role" {
                    option value="agent" selected { (s.role_agent) }
                    option value="admin" { (s.role_admin) }
                }
            }))
            (form_error())
            button type="submit" { (s.token_create) }
        }
    }
}
