//! A text's versions in other languages, as the forms of automated messages and
//! saved replies show them: one field a language Pronto detects and one for each
//! other language already set; an empty field sends nothing.

use std::collections::BTreeMap;

use maud::{Markup, html};

use super::{Viewer, checked_field};

/// The fields of a text's versions in other languages: `id` prefixes their ids,
/// `field` is the API's name of the text (`instant_reply`), `hint` the id of the
/// variables' help.
pub(crate) fn translations(
    v: &Viewer,
    id: &str,
    field: &str,
    hint: &str,
    set: &BTreeMap<String, String>,
) -> Markup {
    let c = &v.t().channel;
    let known = pronto_core::language::LANGUAGES;
    let languages = known.into_iter().chain(
        set.keys()
            .map(String::as_str)
            .filter(|l| !known.contains(l)),
    );
    html! {
        details.translations open[!set.is_empty()] {
            summary { (c.other_languages) }
            @for language in languages {
                @let input = format!("{id}-text-{language}");
                (checked_field(&input, &language_name(language), None, html! {
                    textarea id=(input) rows="2" data-language=(language)
                        data-field=(translation_field(field, language))
                        lang=(language) aria-describedby=(hint) {
                        (set.get(language).map(String::as_str).unwrap_or_default())
                    }
                }))
            }
        }
    }
}

/// The API's name of a translation: `instant_reply.translations.it`, or
/// `translations.it` for a form whose text is the body itself.
fn translation_field(field: &str, language: &str) -> String {
    if field.is_empty() {
        format!("translations.{language}")
    } else {
        format!("{field}.translations.{language}")
    }
}

/// A language's own name, with its code.
fn language_name(code: &str) -> String {
    let name = match code {
        "en" => "English",
        "fr" => "Français",
        "it" => "Italiano",
        "es" => "Español",
        "de" => "Deutsch",
        "pt" => "Português",
        "nl" => "Nederlands",
        _ => "",
    };
    if name.is_empty() {
        code.to_owned()
    } else {
        format!("{name} ({code})")
    }
}
