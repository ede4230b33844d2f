//! `GET /account`: the signed-in person's own account: choosing a new password.
//! The script sends the form to `PUT /api/v1/me/password`. After an admin reset
//! the person's password, every other page sends them here until they choose one.

use maud::{Markup, html};

use super::Viewer;
use super::layout::{Nav, page as frame};

/// The page.
pub async fn page(v: Viewer) -> Markup {
    let a = &v.t().account;
    let forced = v.auth.0.must_change_password;
    frame(
        &v,
        a.title,
        Nav::Account,
        html! {
            section.account {
                h1 { (a.title) }
                h2 { (a.password_heading) }
                @if forced {
                    p.notice id="must-change" role="alert" { (a.must_change) }
                }
                form id="password-form" data-forced=(forced) {
                    label for="current-password" { (a.current_password) }
                    input id="current-password" name="current" type="password" autocomplete="current-password" required maxlength="256";
                    label for="new-password" { (a.new_password) }
                    input id="new-password" name="new" type="password" autocomplete="new-password" required minlength="10" maxlength="256";
                    p.error id="password-error" role="alert" {}
                    p id="password-done" role="status" {}
                    button type="submit" { (a.save) }
                }
            }
        },
    )
}
