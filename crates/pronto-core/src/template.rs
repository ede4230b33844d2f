//! The text of automated messages: templates with variables, checked when saved and
//! rendered when sent.
//!
//! `{first_name}`, `{hours}` (today's opening hours), `{wait}` (the expected wait) and
//! `{back_at}` (when the team is back) are the variables; `{{` and `}}` write a brace.
//! Any other `{name}` is refused at save time, so a typo never reaches a customer. A
//! value that is unknown when sending renders as nothing, and the space before it goes
//! too when punctuation or the end follows: `Hi {first_name}!` becomes `Hi!`.

pub mod saved_reply;

use std::fmt;

use crate::hours::{BackAt, DayHours};
use crate::time::{DAY, HOUR, MINUTE};

/// The first name to greet a contact by: the one their platform's profile gave
/// (empty when it gave none, say only an Instagram username), else the first word
/// of their name.
pub fn first_name<'a>(given: Option<&'a str>, name: &'a str) -> &'a str {
    match given {
        Some(first) => first.trim(),
        None => name.split_whitespace().next().unwrap_or(""),
    }
}

/// A variable a template may use.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Variable {
    /// The customer's first name.
    FirstName,
    /// Today's opening hours in the business's time zone.
    Hours,
    /// The expected wait for a person's answer.
    Wait,
    /// When the team is back, in the customer's time zone when known.
    BackAt,
}

impl Variable {
    /// Every variable.
    pub const ALL: [Variable; 4] = [
        Variable::FirstName,
        Variable::Hours,
        Variable::Wait,
        Variable::BackAt,
    ];

    /// Its name between braces.
    pub fn name(self) -> &'static str {
        match self {
            Variable::FirstName => "first_name",
            Variable::Hours => "hours",
            Variable::Wait => "wait",
            Variable::BackAt => "back_at",
        }
    }

    fn parse(name: &str) -> Option<Self> {
        Variable::ALL.into_iter().find(|v| v.name() == name)
    }
}

/// Why a template is refused. Positions count characters from 1.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TemplateError {
    /// `{something}` that is not a variable.
    #[error(
        "unknown variable {{{name}}} at character {position}; the variables are {{first_name}}, {{hours}}, {{wait}} and {{back_at}}"
    )]
    UnknownVariable {
        /// What was between the braces.
        name: String,
        /// Where the `{` is.
        position: usize,
    },
    /// A `{` without its `}`.
    #[error("the {{ at character {position} is not closed; write {{{{ for a brace")]
    Unclosed {
        /// Where the `{` is.
        position: usize,
    },
    /// A `}` without a `{`.
    #[error("the }} at character {position} closes nothing; write }}}} for a brace")]
    Unmatched {
        /// Where the `}` is.
        position: usize,
    },
    /// Nothing to send.
    #[error("the message is empty")]
    Empty,
    /// A translation keyed by something other than a language code.
    #[error("{0:?} is not a language code; use two letters, as fr or it")]
    Language(String),
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Part {
    Text(String),
    Var(Variable),
}

/// A checked template.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Template {
    source: String,
    parts: Vec<Part>,
}

/// An automated message in several languages: a template per language (ISO 639-1
/// codes: `it`), and the default for a customer in another language or in none
/// known.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Texts {
    default: Template,
    translations: Vec<(String, Template)>,
}

impl From<Template> for Texts {
    fn from(default: Template) -> Self {
        Texts {
            default,
            translations: Vec::new(),
        }
    }
}

impl Texts {
    /// Adds the text for customers writing `language`; refuses what is not a
    /// two-letter ISO 639-1 code.
    pub fn with(mut self, language: &str, template: Template) -> Result<Self, TemplateError> {
        if !is_language_code(language) {
            return Err(TemplateError::Language(language.to_owned()));
        }
        self.translations.push((language.to_owned(), template));
        Ok(self)
    }

    /// The text for a customer writing `language`.
    pub fn for_language(&self, language: Option<&str>) -> &Template {
        language
            .and_then(|l| self.translations.iter().find(|(code, _)| code == l))
            .map_or(&self.default, |(_, t)| t)
    }

    /// Every text, the default first.
    pub fn all(&self) -> impl Iterator<Item = &Template> {
        std::iter::once(&self.default).chain(self.translations.iter().map(|(_, t)| t))
    }
}

/// Whether `code` is a two-letter ISO 639-1 language code (`fr`).
pub fn is_language_code(code: &str) -> bool {
    code.len() == 2 && code.bytes().all(|b| b.is_ascii_lowercase())
}

/// Checks a template when it is saved; the error says what to fix.
pub fn validate_template(text: &str) -> Result<Template, TemplateError> {
    Template::parse(text)
}

/// The values of the variables when a message is sent; `None` when unknown.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Values {
    /// The customer's first name.
    pub first_name: Option<String>,
    /// Today's hours.
    pub hours: Option<DayHours>,
    /// The expected wait, in microseconds.
    pub wait: Option<i64>,
    /// When the team is back.
    pub back_at: Option<BackAt>,
}

impl Template {
    /// Parses a template (see [`validate_template`]).
    pub fn parse(text: &str) -> Result<Self, TemplateError> {
        if text.trim().is_empty() {
            return Err(TemplateError::Empty);
        }
        let mut parts = Vec::new();
        let mut literal = String::new();
        let mut chars = text.chars().enumerate().peekable();
        while let Some((i, c)) = chars.next() {
            match c {
                '{' if chars.peek().is_some_and(|&(_, n)| n == '{') => {
                    chars.next();
                    literal.push('{');
                }
                '}' if chars.peek().is_some_and(|&(_, n)| n == '}') => {
                    chars.next();
                    literal.push('}');
                }
                '}' => return Err(TemplateError::Unmatched { position: i + 1 }),
                '{' => {
                    let mut name = String::new();
                    loop {
                        match chars.next() {
                            Some((_, '}')) => break,
                            Some((_, '{')) | None => {
                                return Err(TemplateError::Unclosed { position: i + 1 });
                            }
                            Some((_, n)) => name.push(n),
                        }
                    }
                    let var =
                        Variable::parse(name.trim()).ok_or(TemplateError::UnknownVariable {
                            name,
                            position: i + 1,
                        })?;
                    if !literal.is_empty() {
                        parts.push(Part::Text(std::mem::take(&mut literal)));
                    }
                    parts.push(Part::Var(var));
                }
                _ => literal.push(c),
            }
        }
        if !literal.is_empty() {
            parts.push(Part::Text(literal));
        }
        Ok(Template {
            source: text.to_owned(),
            parts,
        })
    }

    /// The text as saved.
    pub fn as_str(&self) -> &str {
        &self.source
    }

    /// The variables it uses, in order of appearance.
    pub fn variables(&self) -> impl Iterator<Item = Variable> + '_ {
        self.parts.iter().filter_map(|p| match p {
            Part::Var(v) => Some(*v),
            Part::Text(_) => None,
        })
    }

    /// The message, with unknown values left out (see the module's documentation).
    pub fn render(&self, values: &Values) -> String {
        let mut out = String::new();
        for (i, part) in self.parts.iter().enumerate() {
            match part {
                Part::Text(t) => out.push_str(t),
                Part::Var(v) => {
                    let value = match v {
                        Variable::FirstName => values
                            .first_name
                            .as_deref()
                            .map(str::trim)
                            .map(str::to_owned),
                        Variable::Hours => values.hours.as_ref().map(ToString::to_string),
                        Variable::Wait => values.wait.map(|w| WaitText(w).to_string()),
                        Variable::BackAt => values.back_at.as_ref().map(ToString::to_string),
                    }
                    .unwrap_or_default();
                    if value.is_empty() {
                        let next = match self.parts.get(i + 1) {
                            Some(Part::Text(t)) => t.chars().next(),
                            _ => None,
                        };
                        drop_space_before_empty(&mut out, next);
                    }
                    out.push_str(&value);
                }
            }
        }
        out
    }
}

impl fmt::Display for Template {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.source)
    }
}

/// An expected wait in English words: "less than a minute", "about 5 minutes",
/// "about 2 hours", "about 3 days" (rounded up to the unit).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WaitText(pub i64);

impl fmt::Display for WaitText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let us = self.0.max(0);
        let (n, unit) = if us < MINUTE {
            return f.write_str("less than a minute");
        } else if us < HOUR {
            ((us + MINUTE - 1) / MINUTE, "minute")
        } else if us < DAY {
            ((us + HOUR - 1) / HOUR, "hour")
        } else {
            ((us + DAY - 1) / DAY, "day")
        };
        write!(f, "about {n} {unit}{}", if n == 1 { "" } else { "s" })
    }
}

/// Where a variable turned out empty, drops the space written before it when
/// punctuation, a space or the end follows (`next`), so that "Hello {first_name},"
/// reads "Hello," and not "Hello ,". Saved replies follow the same rule.
pub fn drop_space_before_empty(out: &mut String, next: Option<char>) {
    let tight = next.is_none_or(|c| c.is_whitespace() || (c.is_ascii_punctuation() && c != '('));
    if tight && out.ends_with(' ') {
        out.pop();
    }
}
