//! Users: the workspace's members, inviting a person and deactivating one.
//!
//! The API creates a person with a password and has no invitation email, so the
//! invite form takes a password or, left empty, has the script make a temporary
//! one; either is shown once for the admin to pass on.

use maud::{Markup, html};
use pronto_store::{Member, Role};

use super::{Viewer, field, fill, form_error, once_box, section as frame};
use crate::error::ApiResult;
use crate::state::AppState;

/// The section.
pub async fn section(state: &AppState, v: &Viewer) -> ApiResult<Markup> {
    let s = &v.t().settings;
    let rest = html! {
        (once_box(v, "user-created", s.user_created_title, s.user_created_hint,
            &[(s.email, "email"), (s.temporary_password, "password")]))
        (form(v))
    };
    Ok(frame(
        "users",
        s.users_title,
        s.users_intro,
        list(state, v).await?,
        rest,
    ))
}

/// The members.
pub async fn list(state: &AppState, v: &Viewer) -> ApiResult<Markup> {
    let members = state.store.members(v.workspace()).await?;
    Ok(html! {
        ul.rows {
            @for m in &members {
                li.row { (member(v, m)) }
            }
        }
    })
}

/// A role in words.
pub fn role_name(v: &Viewer, role: Role) -> &'static str {
    let s = &v.t().settings;
    match role {
        Role::Admin => s.role_admin,
        Role::Agent => s.role_agent,
    }
}

fn member(v: &Viewer, m: &Member) -> Markup {
    let s = &v.t().settings;
    let u = &m.user;
    html! {
        span.who {
            strong { (u.name) }
            @if u.id == v.user.id { " " span.tag { (s.you) } }
            br;
            span.muted { (u.email) }
        }
        @if u.id == v.user.id {
            span.tag { (role_name(v, m.role)) }
        } @else {
            @let id = format!("role-{}", u.id);
            label for=(id) class="visually-hidden" { (fill(s.role_of, &[("name", &u.name)])) }
            select.role id=(id) data-action="role" data-user=(u.id) {
                @for r in [Role::Agent, Role::Admin] {
                    option value=(r.as_str()) selected[r == m.role] { (role_name(v, r)) }
                }
            }
        }
        @if u.deactivated_at.is_some() {
            span.state.bad { (s.deactivated) }
            button.secondary type="button" data-action="call" data-method="POST"
                data-path={ "/users/" (u.id) "/reactivate" } data-section="users"
                aria-label=(fill(s.reactivate_named, &[("name", &u.name)])) {
                (s.reactivate)
            }
        } @else {
            span.state.ok { (s.active) }
            @if u.id != v.user.id {
                button.secondary type="button" data-action="call" data-method="POST"
                    data-path={ "/users/" (u.id) "/deactivate" } data-section="users"
                    data-confirm=(fill(s.confirm_deactivate, &[("name", &u.name)]))
                    aria-label=(fill(s.deactivate_named, &[("name", &u.name)])) {
                    (s.deactivate)
                }
            }
        }
    }
}

fn form(v: &Viewer) -> Markup {
    let s = &v.t().settings;
    html! {
        form.settings-form id="user-form" data-form="user" aria-labelledby="user-form-title" {
            h3 id="user-form-title" { (s.user_invite) }
            (field("user-name", s.user_name, None, html! {
                input id="user-name" name="name" type="text" required autocomplete="off";
            }))
            (field("user-email", s.email, None, html! {
                input id="user-email" name="email" type="email" required autocomplete="off";
            }))
            (field("user-role", s.role, None, html! {
                select id="user-role" name="role" {
                    option value="agent" selected { (s.role_agent) }
                    option value="admin" { (s.role_admin) }
                }
            }))
            (field("user-password", s.password_optional, Some(s.password_hint), html! {
                input id="user-password" name="password" type="password" minlength="10"
                    autocomplete="new-password" aria-describedby="user-password-hint";
            }))
            (form_error())
            button type="submit" { (s.user_invite_button) }
        }
    }
}
