//! The text of saved replies: its variables, checked when saved, and filled in for
//! a conversation when an agent (or a rule) picks the reply.
//!
//! `{first_name}`, `{name}` and `{agent_name}` are the variables. A variable with no
//! value (Messenger sends no names) takes the space before it along when
//! punctuation or the end follows, as automated messages do
//! ([`super::drop_space_before_empty`]): "Hello {first_name}, ..." becomes
//! "Hello, ...", not "Hello , ...".

/// The variables a saved reply may use.
pub const VARIABLES: &[&str] = &["first_name", "name", "agent_name"];

/// The `{names}` in a text.
fn variables(text: &str) -> impl Iterator<Item = &str> {
    text.split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
}

/// The first `{name}` in `text` that is not one of [`VARIABLES`].
pub fn unknown_variable(text: &str) -> Option<&str> {
    variables(text).find(|v| !VARIABLES.contains(v))
}

/// Fills `{first_name}` (see [`super::first_name`]), `{name}` and `{agent_name}`.
pub fn render(text: &str, first_name: &str, contact_name: &str, agent_name: &str) -> String {
    let values = [
        ("{first_name}", first_name.trim()),
        ("{name}", contact_name.trim()),
        ("{agent_name}", agent_name.trim()),
    ];
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    'scan: while let Some(c) = rest.chars().next() {
        for (var, value) in values {
            if let Some(after) = rest.strip_prefix(var) {
                if value.is_empty() {
                    super::drop_space_before_empty(&mut out, after.chars().next());
                }
                out.push_str(value);
                rest = after;
                continue 'scan;
            }
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variables_fill_in() {
        assert_eq!(
            render(
                "Hi {first_name}, {agent_name} here.",
                super::super::first_name(None, "Marie Curie"),
                "Marie Curie",
                "Ana"
            ),
            "Hi Marie, Ana here."
        );
        assert_eq!(
            render("{name}", super::super::first_name(None, ""), "", ""),
            ""
        );
        // No name: no stray space before the punctuation.
        assert_eq!(
            render(
                "Hello {first_name}, thanks! Bye {name}.",
                super::super::first_name(None, ""),
                "",
                "Ana"
            ),
            "Hello, thanks! Bye."
        );
        assert_eq!(
            render(
                "Dear {first_name} (again)",
                super::super::first_name(None, ""),
                "",
                ""
            ),
            "Dear (again)"
        );
        assert_eq!(
            render(
                "Ciao {first_name}(!)",
                super::super::first_name(None, ""),
                "",
                ""
            ),
            "Ciao (!)"
        );
        assert_eq!(
            render(
                "é{first_name}ü {x}",
                super::super::first_name(None, "Zoé"),
                "Zoé",
                ""
            ),
            "éZoéü {x}"
        );
        let names: Vec<_> = variables("a {x} b {y}").collect();
        assert_eq!(names, vec!["x", "y"]);
        assert_eq!(unknown_variable("Hi {first_name}, {order}"), Some("order"));
        assert_eq!(unknown_variable("Hi {first_name}, {agent_name}"), None);
    }
}
