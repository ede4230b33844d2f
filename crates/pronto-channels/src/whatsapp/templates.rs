//! The account's message templates as `GET /{waba-id}/message_templates` lists them:
//! one page read at a time, each template's placeholders (`{{1}}` or `{{name}}`),
//! and the text the customer will see once they are filled.

use serde_json::Value;

use super::outgoing::{Parameters, parameter_text};

/// A template of the account.
#[derive(Debug, Clone, PartialEq)]
pub struct Template {
    /// Meta's id.
    pub id: String,
    /// Its name (`order_update`).
    pub name: String,
    /// Its language code (`en_US`).
    pub language: String,
    /// `APPROVED`, `PENDING`, `REJECTED`, `PAUSED`, `DISABLED`...
    pub status: String,
    /// `MARKETING`, `UTILITY` or `AUTHENTICATION`.
    pub category: String,
    /// `POSITIONAL` or `NAMED`.
    pub parameter_format: String,
    /// Its components (header, body, footer, buttons), as Meta gives them.
    pub components: Value,
}

/// A page of the list: its templates and the next page's URL.
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    /// The templates; an item of the wrong shape is skipped, and named in `skipped`.
    pub templates: Vec<Template>,
    /// Why items were skipped (index and reason).
    pub skipped: Vec<String>,
    /// The next page's URL, absent on the last page.
    pub next: Option<String>,
}

/// Reads one page of `message_templates`.
pub fn parse_page(bytes: &[u8]) -> Result<Page, String> {
    let value: Value = serde_json::from_slice(bytes).map_err(|e| format!("not valid JSON: {e}"))?;
    let data = value["data"]
        .as_array()
        .ok_or("the answer has no \"data\" list")?;
    let mut templates = Vec::new();
    let mut skipped = Vec::new();
    for (i, item) in data.iter().enumerate() {
        match read(item) {
            Ok(t) => templates.push(t),
            Err(e) => skipped.push(format!("template {i}: {e}")),
        }
    }
    let next = value["paging"]["next"].as_str().map(str::to_owned);
    Ok(Page {
        templates,
        skipped,
        next,
    })
}

/// Reads one template object (from the list API, or stored).
pub fn read(item: &Value) -> Result<Template, String> {
    let text = |key: &str| -> Result<String, String> {
        match &item[key] {
            Value::String(s) if !s.is_empty() => Ok(s.clone()),
            Value::Number(n) => Ok(n.to_string()),
            _ => Err(format!("missing \"{key}\"")),
        }
    };
    let components = match &item["components"] {
        Value::Null => Value::Array(Vec::new()),
        c @ Value::Array(_) => c.clone(),
        _ => return Err("\"components\" must be a list".into()),
    };
    Ok(Template {
        id: text("id")?,
        name: text("name")?,
        language: text("language")?,
        status: text("status")?,
        category: text("category").unwrap_or_default(),
        parameter_format: text("parameter_format").unwrap_or_else(|_| "POSITIONAL".into()),
        components,
    })
}

impl Template {
    /// The body's text, if it has one.
    pub fn body(&self) -> Option<&str> {
        self.components.as_array()?.iter().find(|c| {
            c["type"]
                .as_str()
                .is_some_and(|t| t.eq_ignore_ascii_case("body"))
        })?["text"]
            .as_str()
    }

    /// Whether it can be sent (only `APPROVED` templates can).
    pub fn sendable(&self) -> Result<(), String> {
        match self.status.as_str() {
            "APPROVED" => Ok(()),
            "PAUSED" => Err(format!(
                "the template {} is paused by WhatsApp for low quality; pick another",
                self.name
            )),
            "DISABLED" => Err(format!(
                "the template {} is disabled for good; create a new one",
                self.name
            )),
            "REJECTED" => Err(format!(
                "the template {} was rejected by WhatsApp",
                self.name
            )),
            other => Err(format!(
                "the template {} is {}, not approved",
                self.name,
                other.to_lowercase()
            )),
        }
    }

    /// The body's placeholders, in order of first appearance: `1`, `2`... or names.
    pub fn placeholders(&self) -> Vec<String> {
        placeholders(self.body().unwrap_or_default())
    }

    /// Checks `parameters` against the placeholders (count, style, names, text) and
    /// returns the body as the customer will see it.
    pub fn fill(&self, parameters: &Parameters) -> Result<String, String> {
        let wanted = self.placeholders();
        let named = self.parameter_format.eq_ignore_ascii_case("NAMED");
        let values: Vec<(String, &str)> = match parameters {
            Parameters::Positional(p) if !named || p.is_empty() => p
                .iter()
                .enumerate()
                .map(|(i, v)| ((i + 1).to_string(), v.as_str()))
                .collect(),
            Parameters::Named(p) if named => {
                p.iter().map(|(k, v)| (k.clone(), v.as_str())).collect()
            }
            _ if named => {
                return Err(format!(
                    "the template {} takes named parameters: {}",
                    self.name,
                    wanted.join(", ")
                ));
            }
            _ => {
                return Err(format!(
                    "the template {} takes {} parameters in order",
                    self.name,
                    wanted.len()
                ));
            }
        };
        if values.len() != wanted.len() {
            return Err(format!(
                "the template {} has {} placeholders; {} parameters were given",
                self.name,
                wanted.len(),
                values.len()
            ));
        }
        for (name, value) in &values {
            if !wanted.contains(name) {
                return Err(format!(
                    "the template {} has no placeholder {{{{{name}}}}}",
                    self.name
                ));
            }
            parameter_text(value).map_err(|e| format!("parameter {name} {e}"))?;
        }
        let mut text = self.body().unwrap_or_default().to_owned();
        for (name, value) in values {
            text = text.replace(&format!("{{{{{name}}}}}"), value);
        }
        Ok(text)
    }
}

/// The placeholders of a template text (`{{1}}`, `{{name}}`), each once, in order.
pub fn placeholders(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else { break };
        let name = after[..end].trim();
        let valid = !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if valid && !out.iter().any(|n| n == name) {
            out.push(name.to_owned());
        }
        rest = &after[end + 2..];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn reservation() -> Template {
        read(&json!({"name":"reservation_confirmation","parameter_format":"NAMED","language":"en_US","status":"APPROVED","category":"UTILITY","id":"1387372356726668",
         "components":[
          {"type":"HEADER","format":"IMAGE","example":{"header_handle":["https://x"]}},
          {"type":"BODY","text":"Your reservation for {{number_of_guests}} on {{day}} is confirmed.","example":{"body_text_named_params":[{"param_name":"number_of_guests","example":"4"}]}},
          {"type":"FOOTER","text":"…"},
          {"type":"BUTTONS","buttons":[{"type":"URL","text":"Change","url":"https://x"},{"type":"QUICK_REPLY","text":"Cancel"}]}]}))
        .unwrap()
    }

    #[test]
    fn the_reference_template_is_read_and_filled() {
        let t = reservation();
        assert_eq!(t.placeholders(), ["number_of_guests", "day"]);
        let p = Parameters::Named(vec![
            ("number_of_guests".into(), "4".into()),
            ("day".into(), "Friday".into()),
        ]);
        assert_eq!(
            t.fill(&p).unwrap(),
            "Your reservation for 4 on Friday is confirmed."
        );
        let wrong = Parameters::Positional(vec!["4".into(), "Friday".into()]);
        assert!(t.fill(&wrong).unwrap_err().contains("named parameters"));
        let missing = Parameters::Named(vec![("day".into(), "Friday".into())]);
        assert!(t.fill(&missing).unwrap_err().contains("2 placeholders"));
        let bad = Parameters::Named(vec![
            ("number_of_guests".into(), "4\n5".into()),
            ("day".into(), "Friday".into()),
        ]);
        assert!(t.fill(&bad).unwrap_err().contains("newline"));
    }

    #[test]
    fn positional_templates_and_statuses() {
        let mut t = read(
            &json!({"id": 7, "name": "order_update", "language": "en_US", "status": "APPROVED",
            "components": [{"type": "BODY", "text": "Order {{1}} ships {{2}}; ref {{1}}."}]}),
        )
        .unwrap();
        assert_eq!(t.id, "7");
        assert_eq!(t.placeholders(), ["1", "2"]);
        let p = Parameters::Positional(vec!["A1".into(), "today".into()]);
        assert_eq!(t.fill(&p).unwrap(), "Order A1 ships today; ref A1.");
        assert!(t.sendable().is_ok());
        t.status = "PAUSED".into();
        assert!(t.sendable().unwrap_err().contains("paused"));
        t.status = "DISABLED".into();
        assert!(t.sendable().unwrap_err().contains("disabled"));
        t.status = "PENDING".into();
        assert!(t.sendable().unwrap_err().contains("pending"));
        assert!(read(&json!({"name": "x"})).unwrap_err().contains("\"id\""));
    }

    #[test]
    fn pages_are_read_with_their_next_link() {
        let body = json!({"data": [
            {"id": "1", "name": "a", "language": "en", "status": "APPROVED", "category": "UTILITY"},
            {"name": "broken"}],
            "paging": {"cursors": {"after": "x"}, "next": "https://graph/next"}});
        let page = parse_page(body.to_string().as_bytes()).unwrap();
        assert_eq!(page.templates.len(), 1);
        assert_eq!(page.skipped.len(), 1);
        assert_eq!(page.next.as_deref(), Some("https://graph/next"));
        assert!(parse_page(b"[").is_err());
        assert!(parse_page(b"{}").is_err());
        assert_eq!(placeholders("{{1}} {{ }} {{Bad}} {{2"), ["1"]);
    }
}
