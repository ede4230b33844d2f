//! The frame every signed-in page shares: the menu, the live-connection banner,
//! the shortcut help and the texts the script needs.

use maud::{DOCTYPE, Markup, html};
use serde_json::json;

use super::Viewer;
use super::format::json_script;
use super::i18n::LANGS;

/// Which menu entry is the current page.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Nav {
    /// The inbox.
    Inbox,
    /// Comments on posts.
    Comments,
    /// The responsiveness dashboard.
    Dashboard,
    /// The team.
    Team,
    /// The rules.
    Rules,
    /// The settings.
    Settings,
    /// The signed-in person's account.
    Account,
}

impl Nav {
    fn name(self) -> &'static str {
        match self {
            Nav::Inbox => "inbox",
            Nav::Comments => "comments",
            Nav::Dashboard => "dashboard",
            Nav::Team => "team",
            Nav::Rules => "rules",
            Nav::Settings => "settings",
            Nav::Account => "account",
        }
    }
}

/// The document head shared by every page, signed in or not.
pub fn head(title: &str) -> Markup {
    head_of(title, false)
}

/// The head; a signed-in page also links the web app manifest that makes Pronto
/// installable (its service worker is registered by the page script).
fn head_of(title: &str, signed_in: bool) -> Markup {
    html! {
        head {
            meta charset="utf-8";
            meta name="viewport" content="width=device-width, initial-scale=1";
            meta name="referrer" content="same-origin";
            title { (title) " · Pronto" }
            link rel="icon" id="favicon" href="/assets/icon.svg" type="image/svg+xml";
            link rel="apple-touch-icon" href="/assets/icon-192.png";
            @if signed_in {
                meta name="theme-color" content="#1f3a68";
                link rel="manifest" href="/manifest.webmanifest";
            }
            link rel="stylesheet" href="/assets/app.css";
            script src="/assets/app.js" defer {}
        }
    }
}

/// A whole signed-in page around `body`.
pub fn page(v: &Viewer, title: &str, nav: Nav, body: Markup) -> Markup {
    let t = v.t();
    let c = &t.common;
    let texts = json!({"common": &t.common, "inbox": &t.inbox, "comments": &t.comments, "dashboard": &t.dashboard, "account": &t.account, "alerts": &t.alerts, "search": &t.search});
    // The event kinds come from the one list of them (`pronto_store::LiveEvent`).
    let me = json!({
        "id": v.user.id, "name": &v.user.name, "lang": v.lang.code(), "seq": v.seq,
        "kinds": pronto_store::LiveEvent::KINDS,
    });
    html! {
        (DOCTYPE)
        html lang=(v.lang.code()) {
            (head_of(title, true))
            body data-page=(nav.name()) {
                a.skip href="#main" { (c.skip_to_content) }
                header.top {
                    a.brand href="/inbox" { (c.app_name) }
                    nav aria-label=(c.nav_label) {
                        ul {
                            (item(nav, Nav::Inbox, "/inbox", c.nav_inbox))
                            (item(nav, Nav::Comments, "/comments", t.comments.title))
                            (item(nav, Nav::Dashboard, "/dashboard", c.nav_dashboard))
                            (item(nav, Nav::Team, "/team", t.team.title))
                            @if v.is_admin() {
                                (item(nav, Nav::Rules, "/rules", t.rules.title))
                                (item(nav, Nav::Settings, "/settings", c.nav_settings))
                            }
                        }
                    }
                    div.me {
                        label.lang {
                            span.visually-hidden { (c.language) }
                            select id="language" title=(c.language) {
                                @for l in LANGS {
                                    option value=(l.code()) selected[l == v.lang] { (l.name()) }
                                }
                            }
                        }
                        button.alerts type="button" id="alerts-toggle" hidden { (t.alerts.turn_on) }
                        span.away-box {
                            button.away type="button" id="away-toggle"
                                aria-pressed=(if v.away { "true" } else { "false" })
                                title=(t.team.away_toggle_hint) { (t.team.away_toggle) }
                            // How long: chosen before going away; while away, until when.
                            label.visually-hidden for="away-for" { (t.team.away_for) }
                            select id="away-for" hidden[v.away] {
                                option value="" { (t.team.away_for_open) }
                                option value="hour" { (t.team.away_for_hour) }
                                option value="tomorrow" { (t.team.away_for_tomorrow) }
                            }
                            span.away-until id="away-until" data-template=(t.team.away_until)
                                hidden[!(v.away && v.away_until.is_some())] {
                                @if let Some(until) = v.away_until { (super::format::with_time(t.team.away_until, until)) }
                            }
                        }
                        button.linkish type="button" id="help-open" aria-keyshortcuts="?" { (c.help_open) }
                        @if nav == Nav::Account {
                            a.who id="account" href="/account" aria-current="page" title=(t.account.title) { (v.user.name) }
                        } @else {
                            a.who id="account" href="/account" title=(t.account.title) { (v.user.name) }
                        }
                        button type="button" id="sign-out" { (c.sign_out) }
                    }
                }
                div id="live-status" role="status" aria-live="polite" {}
                main id="main" tabindex="-1" { (body) }
                (help(v))
                (json_script("texts", &texts))
                (json_script("me", &me))
            }
        }
    }
}

fn item(current: Nav, this: Nav, href: &str, label: &str) -> Markup {
    html! {
        li {
            @if current == this {
                a href=(href) aria-current="page" { (label) }
            } @else {
                a href=(href) { (label) }
            }
        }
    }
}

fn help(v: &Viewer) -> Markup {
    let c = &v.t().common;
    let keys = [
        ("j", c.key_next),
        ("k", c.key_previous),
        ("r", c.key_reply),
        ("e", c.key_done),
        ("/", c.key_saved),
        ("?", c.key_help),
        ("Esc", c.key_escape),
    ];
    html! {
        dialog id="help" aria-labelledby="help-title" {
            h2 id="help-title" { (c.help_title) }
            dl.keys {
                @for (key, what) in keys {
                    dt { kbd { (key) } }
                    dd { (what) }
                }
            }
            form method="dialog" { button { (c.close) } }
        }
    }
}
