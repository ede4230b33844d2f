//! The account's message templates as `GET /{waba-id}/message_templates` lists them:
//! one page read at a time, each template's placeholders (`{{1}}` or `{{name}}`),
//! its header (a variable, or a file), footer and buttons (a dynamic link's end, a
//! quick reply's payload), and the text the customer will see once they are filled.

use serde_json::Value;

use super::outgoing::{
    ButtonParameter, HeaderParameter, Parameters, TemplateMessage, parameter_text,
};

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

/// One of a template's buttons.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateButton {
    /// `URL`, `QUICK_REPLY`, `PHONE_NUMBER`, `COPY_CODE`...
    pub kind: String,
    /// Its label.
    pub text: String,
    /// A URL button's link (with `{{1}}` when its end is a parameter).
    pub url: Option<String>,
}

impl TemplateButton {
    /// A URL button whose link ends with a parameter.
    pub fn dynamic_url(&self) -> bool {
        self.kind.eq_ignore_ascii_case("URL")
            && self.url.as_deref().is_some_and(|u| u.contains("{{"))
    }

    /// A quick-reply button.
    pub fn quick_reply(&self) -> bool {
        self.kind.eq_ignore_ascii_case("QUICK_REPLY")
    }
}

impl Template {
    fn component(&self, kind: &str) -> Option<&Value> {
        self.components.as_array()?.iter().find(|c| {
            c["type"]
                .as_str()
                .is_some_and(|t| t.eq_ignore_ascii_case(kind))
        })
    }

    /// The body's text, if it has one.
    pub fn body(&self) -> Option<&str> {
        self.component("body")?["text"].as_str()
    }

    /// The header's format (`TEXT`, `IMAGE`, `VIDEO`, `DOCUMENT`, `LOCATION`), in
    /// capitals, if it has a header.
    pub fn header_format(&self) -> Option<String> {
        let h = self.component("header")?;
        Some(h["format"].as_str().unwrap_or("TEXT").to_uppercase())
    }

    /// A text header's text.
    pub fn header_text(&self) -> Option<&str> {
        self.component("header")?["text"].as_str()
    }

    /// A text header's placeholder (it has at most one).
    pub fn header_placeholder(&self) -> Option<String> {
        placeholders(self.header_text().unwrap_or_default())
            .into_iter()
            .next()
    }

    /// The footer's text.
    pub fn footer(&self) -> Option<&str> {
        self.component("footer")?["text"].as_str()
    }

    /// Its buttons, in order.
    pub fn buttons(&self) -> Vec<TemplateButton> {
        let Some(list) = self
            .component("buttons")
            .and_then(|c| c["buttons"].as_array())
        else {
            return Vec::new();
        };
        list.iter()
            .map(|b| TemplateButton {
                kind: b["type"].as_str().unwrap_or_default().to_uppercase(),
                text: b["text"].as_str().unwrap_or_default().to_owned(),
                url: b["url"].as_str().map(str::to_owned),
            })
            .collect()
    }

    /// Checks a template message against this template (the body's parameters, the
    /// header's, the buttons') and returns what the customer will see: the header
    /// (its text, or `[image]`), the body, the footer, the buttons' labels.
    pub fn preview(&self, m: &TemplateMessage) -> Result<String, String> {
        let body = self.fill(&m.parameters)?;
        let name = &self.name;
        let header = match (self.header_format().as_deref(), &m.header) {
            (None, None) => None,
            (None, Some(_)) => return Err(format!("the template {name} has no header to fill")),
            (Some("TEXT"), h) => {
                let text = self.header_text().unwrap_or_default();
                match (self.header_placeholder(), h) {
                    (None, None) => Some(text.to_owned()),
                    (Some(p), Some(HeaderParameter::Text { text: value, .. })) => {
                        Some(text.replace(&format!("{{{{{p}}}}}"), value))
                    }
                    (Some(p), _) => {
                        return Err(format!(
                            "the template {name}'s header needs a text for {{{{{p}}}}}"
                        ));
                    }
                    (None, Some(_)) => {
                        return Err(format!("the template {name}'s header has no variable"));
                    }
                }
            }
            (Some(format @ ("IMAGE" | "VIDEO" | "DOCUMENT")), h) => {
                let kind = format.to_lowercase();
                match h {
                    Some(HeaderParameter::Media { kind: given, .. }) if *given == kind => {
                        Some(format!("[{kind}]"))
                    }
                    _ => {
                        return Err(format!(
                            "the template {name} has a {kind} header: give its https link"
                        ));
                    }
                }
            }
            (Some(other), _) => {
                return Err(format!(
                    "the template {name} has a {} header, which Pronto cannot fill yet",
                    other.to_lowercase()
                ));
            }
        };
        let buttons = self.buttons();
        let mut filled = vec![false; buttons.len()];
        for p in &m.buttons {
            let i = p.index();
            let Some(b) = buttons.get(i) else {
                return Err(format!(
                    "the template {name} has {} buttons; there is no button {i}",
                    buttons.len()
                ));
            };
            let fits = match p {
                ButtonParameter::Url { .. } => b.dynamic_url(),
                ButtonParameter::QuickReply { .. } => b.quick_reply(),
            };
            if !fits || filled[i] {
                return Err(format!(
                    "the template {name}'s button {i} ({}) takes {}",
                    b.text,
                    if b.dynamic_url() {
                        "one link end"
                    } else if b.quick_reply() {
                        "one payload"
                    } else {
                        "no parameter"
                    }
                ));
            }
            filled[i] = true;
        }
        if let Some((i, b)) = buttons
            .iter()
            .enumerate()
            .find(|(i, b)| b.dynamic_url() && !filled[*i])
        {
            return Err(format!(
                "the template {name}'s button {i} ({}) needs the end of its link",
                b.text
            ));
        }
        let labels: Vec<String> = buttons.iter().map(|b| format!("[{}]", b.text)).collect();
        let lines: Vec<String> = header
            .into_iter()
            .chain([body])
            .chain(self.footer().map(str::to_owned))
            .chain((!labels.is_empty()).then(|| labels.join(" ")))
            .collect();
        Ok(lines.join("\n"))
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

    fn shipped() -> Template {
        read(
            &json!({"id": "9", "name": "order_shipped", "language": "en_US", "status": "APPROVED",
            "category": "UTILITY", "components": [
            {"type": "HEADER", "format": "TEXT", "text": "Order {{1}}"},
            {"type": "BODY", "text": "It ships {{1}}."},
            {"type": "FOOTER", "text": "Pronto Shop"},
            {"type": "BUTTONS", "buttons": [
                {"type": "URL", "text": "Track", "url": "https://shop.example/track/{{1}}"},
                {"type": "QUICK_REPLY", "text": "Stop updates"}]}]}),
        )
        .unwrap()
    }

    fn message(header: Option<HeaderParameter>, buttons: Vec<ButtonParameter>) -> TemplateMessage {
        TemplateMessage {
            name: "order_shipped".into(),
            language: "en_US".into(),
            parameters: Parameters::Positional(vec!["today".into()]),
            header,
            buttons,
        }
    }

    #[test]
    fn headers_and_buttons_are_checked_and_shown_in_the_preview() {
        let t = shipped();
        let header = Some(HeaderParameter::Text {
            text: "A-1".into(),
            name: None,
        });
        let track = ButtonParameter::Url {
            index: 0,
            suffix: "A-1".into(),
        };
        let stop = ButtonParameter::QuickReply {
            index: 1,
            payload: "STOP_A1".into(),
        };
        let m = message(header.clone(), vec![track.clone(), stop.clone()]);
        assert_eq!(
            t.preview(&m).unwrap(),
            "Order A-1\nIt ships today.\nPronto Shop\n[Track] [Stop updates]"
        );
        // The quick reply's payload is optional; the link's end is not.
        assert!(
            t.preview(&message(header.clone(), vec![track.clone()]))
                .is_ok()
        );
        let e = t.preview(&message(header.clone(), vec![])).unwrap_err();
        assert!(e.contains("needs the end of its link"), "{e}");
        let e = t.preview(&message(None, vec![track.clone()])).unwrap_err();
        assert!(e.contains("header needs a text"), "{e}");
        let wrong = ButtonParameter::Url {
            index: 1,
            suffix: "x".into(),
        };
        let e = t
            .preview(&message(header.clone(), vec![track.clone(), wrong]))
            .unwrap_err();
        assert!(
            e.contains("button 1 (Stop updates) takes one payload"),
            "{e}"
        );
        let far = ButtonParameter::QuickReply {
            index: 5,
            payload: "x".into(),
        };
        assert!(
            t.preview(&message(header, vec![track, far]))
                .unwrap_err()
                .contains("no button 5")
        );

        // A media header takes a link of its kind; a body-only template nothing more.
        let mut photo = shipped();
        photo.components = json!([{"type": "HEADER", "format": "IMAGE"}, {"type": "BODY", "text": "It ships {{1}}."}]);
        let image = Some(HeaderParameter::Media {
            kind: "image".into(),
            link: "https://x/p.png".into(),
            filename: None,
        });
        assert_eq!(
            photo.preview(&message(image, vec![])).unwrap(),
            "[image]\nIt ships today."
        );
        assert!(
            photo
                .preview(&message(None, vec![]))
                .unwrap_err()
                .contains("image header")
        );
        let mut plain = shipped();
        plain.components = json!([{"type": "BODY", "text": "It ships {{1}}."}]);
        assert_eq!(
            plain.preview(&message(None, vec![])).unwrap(),
            "It ships today."
        );
        let text = Some(HeaderParameter::Text {
            text: "x".into(),
            name: None,
        });
        assert!(
            plain
                .preview(&message(text, vec![]))
                .unwrap_err()
                .contains("no header")
        );
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
