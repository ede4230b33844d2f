//! The business hours form: the time zone, each day's ranges and the holidays, with
//! the coming week as saved beside it. It is saved with the automatic replies (one
//! `PUT /channels/{id}/automation`), so the script reads both forms.

use maud::{Markup, html};
use pronto_core::hours::{ScheduleSpec, Weekday};

use super::{Viewer, checked_field, day_name};

/// The form, with `week` (the saved week) after its fields.
pub fn form(v: &Viewer, spec: Option<&ScheduleSpec>, week: Markup) -> Markup {
    let c = &v.t().channel;
    let timezone = spec.map_or("UTC", |s| s.timezone.as_str());
    let holidays = spec.map(|s| s.holidays.join("\n")).unwrap_or_default();
    html! {
        form.settings-form id="hours-form" data-form="automation" aria-labelledby="hours-title" novalidate {
            div.check {
                input id="hours-on" name="hours_on" type="checkbox" checked[spec.is_some()];
                label for="hours-on" { (c.hours_on) }
            }
            fieldset id="hours-fields" {
                legend { (c.week_legend) }
                (checked_field("hours-timezone", c.timezone, Some(c.timezone_hint), html! {
                    input id="hours-timezone" name="timezone" type="text" value=(timezone)
                        data-field="hours.timezone" autocomplete="off" spellcheck="false"
                        aria-describedby="hours-timezone-hint";
                }))
                p.hint id="hours-ranges-hint" { (c.ranges_hint) }
                @for day in Weekday::ALL {
                    @let id = format!("hours-{}", day.key());
                    (checked_field(&id, day_name(c, day), None, html! {
                        input id=(id) name=(day.key()) type="text" value=(ranges(spec, day))
                            data-field={ "hours.weekly." (day.key()) } data-day=(day.key())
                            autocomplete="off" spellcheck="false" placeholder="09:00-18:00"
                            aria-describedby="hours-ranges-hint";
                    }))
                }
                (checked_field("hours-holidays", c.holidays, Some(c.holidays_hint), html! {
                    textarea id="hours-holidays" name="holidays" rows="3" data-field="hours.holidays"
                        spellcheck="false" placeholder="2026-12-25"
                        aria-describedby="hours-holidays-hint" { (holidays) }
                }))
            }
            p.form-error role="alert" {}
            button type="submit" { (c.save) }
        }
        (week)
    }
}

/// A day's ranges as typed: `09:00-12:00, 14:00-18:00`.
fn ranges(spec: Option<&ScheduleSpec>, day: Weekday) -> String {
    let Some(s) = spec else {
        return String::new();
    };
    let w = &s.weekly;
    let list = match day {
        Weekday::Monday => &w.monday,
        Weekday::Tuesday => &w.tuesday,
        Weekday::Wednesday => &w.wednesday,
        Weekday::Thursday => &w.thursday,
        Weekday::Friday => &w.friday,
        Weekday::Saturday => &w.saturday,
        Weekday::Sunday => &w.sunday,
    };
    list.join(", ")
}
