//! WhatsApp's Cloud API on the same fake Graph API: business numbers with their
//! token and templates, customers whose last message opens the 24-hour window, the
//! Send API's checks (free text outside the window refused with 131047, at once or
//! in a later `failed` status; templates approved, in that language, with as many
//! parameters as placeholders), statuses sent back as signed webhooks (`sent` with
//! its pricing, then `delivered`), read receipts, the template list.

use std::collections::BTreeMap;

use axum::http::HeaderMap;
use serde_json::{Value, json};

use crate::api::appsecret_proof;
use crate::error::GraphError;
use crate::sandbox::{LoggedRequest, Sandbox};
use crate::state::{Pending, State};
use crate::webhook::escape_unicode;
use crate::{DAY, SandboxError};

/// A WhatsApp business number registered in the sandbox.
#[derive(Debug, Clone)]
pub struct WhatsAppNumber {
    /// The number's id (`POST /{phone_number_id}/messages`).
    pub phone_number_id: String,
    /// The business account's id (its templates).
    pub waba_id: String,
    /// The number as customers see it.
    pub display_phone_number: String,
    /// The app's secret: signs webhooks, checks `appsecret_proof`.
    pub app_secret: String,
    /// The access token the Cloud API accepts (as a bearer token).
    pub token: String,
    /// Where webhooks go: Pronto's `/webhooks/meta/{channel_id}`.
    pub callback_url: Option<String>,
    /// Free text outside the window is accepted, then fails in a `failed` status
    /// (131047) instead of being refused at once, as WhatsApp sometimes does.
    pub async_window_errors: bool,
    /// The account's templates, as `message_templates` lists them.
    pub templates: Vec<Value>,
}

impl WhatsAppNumber {
    /// A number with no callback yet, synchronous window errors and no templates.
    pub fn new(phone_number_id: &str, waba_id: &str, app_secret: &str, token: &str) -> Self {
        WhatsAppNumber {
            phone_number_id: phone_number_id.to_owned(),
            waba_id: waba_id.to_owned(),
            display_phone_number: "15550783881".to_owned(),
            app_secret: app_secret.to_owned(),
            token: token.to_owned(),
            callback_url: None,
            async_window_errors: false,
            templates: Vec::new(),
        }
    }

    /// Adds an approved template (`{{1}}`-style placeholders in `body`).
    pub fn with_template(self, name: &str, language: &str, category: &str, body: &str) -> Self {
        self.with_template_components(
            name,
            language,
            category,
            json!([{"type": "BODY", "text": body}]),
        )
    }

    /// Adds an approved positional template with its `components` as Meta lists
    /// them (a header, a body, a footer, buttons).
    pub fn with_template_components(
        mut self,
        name: &str,
        language: &str,
        category: &str,
        components: Value,
    ) -> Self {
        let id = format!("{}", 1_000_000 + self.templates.len());
        self.templates.push(json!({
            "name": name, "language": language, "status": "APPROVED", "category": category,
            "parameter_format": "POSITIONAL", "id": id, "components": components,
        }));
        self
    }
}

impl WhatsAppNumber {
    /// The templates of a small shop, approved in English, French and Italian
    /// (an order update with two parameters, a marketing one without), and one
    /// paused, so that the composer's refusal shows too: what `pronto sandbox` and
    /// the demo give their number.
    pub fn with_sample_templates(self) -> Self {
        let mut n = self
            .with_template(
                "order_update",
                "en_US",
                "UTILITY",
                "Hi! Your order {{1}} ships on {{2}}.",
            )
            .with_template(
                "order_update",
                "fr",
                "UTILITY",
                "Bonjour ! Votre commande {{1}} part le {{2}}.",
            )
            .with_template(
                "order_update",
                "it",
                "UTILITY",
                "Ciao! Il tuo ordine {{1}} parte il {{2}}.",
            )
            .with_template(
                "back_in_stock",
                "en_US",
                "MARKETING",
                "Good news: it is back in stock!",
            )
            .with_template(
                "back_in_stock",
                "fr",
                "MARKETING",
                "Bonne nouvelle : il est de retour en stock !",
            )
            .with_template(
                "back_in_stock",
                "it",
                "MARKETING",
                "Buone notizie: è di nuovo disponibile!",
            )
            .with_template_components(
                "order_shipped",
                "en_US",
                "UTILITY",
                json!([
                {"type": "HEADER", "format": "TEXT", "text": "Order {{1}}"},
                {"type": "BODY", "text": "Good news: it left our warehouse {{1}}."},
                {"type": "FOOTER", "text": "Pronto Demo Shop"},
                {"type": "BUTTONS", "buttons": [
                    {"type": "URL", "text": "Track it", "url": "https://shop.example/track/{{1}}"},
                    {"type": "QUICK_REPLY", "text": "Stop updates"}]}]),
            )
            .with_template_components(
                "new_arrivals",
                "en_US",
                "MARKETING",
                json!([
                {"type": "HEADER", "format": "IMAGE"},
                {"type": "BODY", "text": "New arrivals are in, {{1}}!"}]),
            )
            .with_template(
                "winter_sale",
                "en_US",
                "MARKETING",
                "Winter sale: 30% off this week.",
            );
        if let Some(last) = n.templates.last_mut() {
            last["status"] = json!("PAUSED");
        }
        n
    }
}

/// A customer's message for [`Sandbox::whatsapp_customer_batch`]: one `messages[]`
/// item without `from`, `id` and `timestamp`, which are added.
#[derive(Debug, Clone)]
pub struct WaCustomerMessage {
    /// The customer's `wa_id`.
    pub wa_id: String,
    /// Their profile name; `None` for a system message (no `contacts`).
    pub name: Option<String>,
    pub message: Value,
    /// When they sent it.
    pub at: i64,
}

/// What the sandbox keeps of WhatsApp, beside the Pages.
#[derive(Default)]
pub(crate) struct WaState {
    pub numbers: BTreeMap<String, WhatsAppNumber>,
    /// The customers' last messages, by (number, wa_id): what opens the window.
    pub last_message: BTreeMap<(String, String), i64>,
    /// The business's messages, by wamid: (number, customer).
    pub sent: BTreeMap<String, (String, String)>,
    /// The business's latest message to each customer, by (number, wa_id).
    pub last_sent: BTreeMap<(String, String), String>,
    /// Customers who came from an ad, by (number, wa_id): when, and the end of the
    /// free entry point once the business answered within 24 hours.
    pub entry_points: BTreeMap<(String, String), (i64, Option<i64>)>,
    /// Files customers sent, by media id: (number, MIME type, bytes).
    pub media: BTreeMap<String, (String, String, Vec<u8>)>,
    /// Download URLs handed out, by their key: (media id, when they stop working).
    pub urls: BTreeMap<String, (String, i64)>,
}

/// The exact bytes of a WhatsApp webhook with one customer text, as Meta sends it
/// (unicode escaped): for benchmarks and tests that post deliveries themselves.
#[allow(clippy::too_many_arguments)]
pub fn text_body(
    waba_id: &str,
    phone_number_id: &str,
    wa_id: &str,
    name: &str,
    wamid: &str,
    text: &str,
    at: i64,
) -> Vec<u8> {
    let body = json!({"object": "whatsapp_business_account", "entry": [{"id": waba_id, "changes": [
        {"field": "messages", "value": {"messaging_product": "whatsapp",
         "metadata": {"display_phone_number": "15550783881", "phone_number_id": phone_number_id},
         "contacts": [{"profile": {"name": name}, "wa_id": wa_id}],
         "messages": [{"from": wa_id, "id": wamid, "timestamp": (at / 1_000_000).to_string(),
                       "type": "text", "text": {"body": text}}]}}]}]});
    escape_unicode(&body.to_string()).into_bytes()
}

/// How long a media download URL works.
pub const MEDIA_URL_LIFETIME: i64 = 5 * 60_000_000;

impl Sandbox {
    /// Registers (or replaces) a WhatsApp number.
    pub fn add_whatsapp(&self, number: WhatsAppNumber) {
        self.lock()
            .whatsapp
            .numbers
            .insert(number.phone_number_id.clone(), number);
    }

    /// Changes a registered number (its callback, its templates, how it fails).
    pub fn with_whatsapp(&self, phone_number_id: &str, f: impl FnOnce(&mut WhatsAppNumber)) {
        if let Some(n) = self.lock().whatsapp.numbers.get_mut(phone_number_id) {
            f(n);
        }
    }

    /// A customer writes to the number at `at`: the window opens and a signed
    /// `messages` webhook is queued (deliver it with `deliver_pending`). Returns the
    /// message's wamid.
    pub fn whatsapp_customer_text(
        &self,
        phone_number_id: &str,
        wa_id: &str,
        name: &str,
        text: &str,
        at: i64,
    ) -> String {
        let mut s = self.lock();
        let wamid = format!("wamid.SBXIN{:06}", s.next_id());
        let message = json!({"from": wa_id, "id": wamid, "timestamp": (at / 1_000_000).to_string(),
            "type": "text", "text": {"body": text}});
        queue_message(&mut s, phone_number_id, wa_id, name, message, at);
        wamid
    }

    /// A customer's message of any type (`message` is one `messages[]` item without
    /// `from`, `id` and `timestamp`, which are added), queued like
    /// [`Sandbox::whatsapp_customer_text`]. Returns its wamid.
    pub fn whatsapp_customer_message(
        &self,
        phone_number_id: &str,
        wa_id: &str,
        name: &str,
        mut message: Value,
        at: i64,
    ) -> String {
        let mut s = self.lock();
        let wamid = format!("wamid.SBXIN{:06}", s.next_id());
        message["from"] = json!(wa_id);
        message["id"] = json!(wamid);
        message["timestamp"] = json!((at / 1_000_000).to_string());
        queue_message(&mut s, phone_number_id, wa_id, name, message, at);
        wamid
    }

    /// A customer sends a file (`kind`: image, video, audio, document, sticker) with
    /// an optional caption; its bytes wait at a media id, downloadable with the
    /// number's token. Returns the wamid and the media id.
    #[allow(clippy::too_many_arguments)]
    pub fn whatsapp_customer_media(
        &self,
        phone_number_id: &str,
        wa_id: &str,
        name: &str,
        kind: &str,
        mime_type: &str,
        bytes: Vec<u8>,
        caption: Option<&str>,
        at: i64,
    ) -> (String, String) {
        let (media_id, mut payload) = self.whatsapp_store_media(phone_number_id, mime_type, bytes);
        if let Some(c) = caption {
            payload["caption"] = json!(c);
        }
        let message = json!({"type": kind, kind: payload});
        let wamid = self.whatsapp_customer_message(phone_number_id, wa_id, name, message, at);
        (wamid, media_id)
    }

    /// Keeps a customer's file at a new media id of the number, downloadable with its
    /// token; returns the id and the webhook's media object (`id`, `mime_type`,
    /// `sha256`).
    pub fn whatsapp_store_media(
        &self,
        phone_number_id: &str,
        mime_type: &str,
        bytes: Vec<u8>,
    ) -> (String, Value) {
        use sha2::Digest;
        let sha = hex::encode(sha2::Sha256::digest(&bytes));
        let mut s = self.lock();
        let media_id = format!("{}", 9_000_000_000u64 + s.next_id());
        s.whatsapp.media.insert(
            media_id.clone(),
            (phone_number_id.to_owned(), mime_type.to_owned(), bytes),
        );
        let payload = json!({"id": media_id, "mime_type": mime_type, "sha256": sha});
        (media_id, payload)
    }

    /// A customer's message (`message` as in [`Sandbox::whatsapp_customer_message`])
    /// recorded (it opens the window) and returned as a signed delivery instead of
    /// queued: (callback URL, signature, body, wamid). `name` is `None` for the
    /// changes that carry no `contacts` (system messages).
    pub(crate) fn whatsapp_customer_delivery(
        &self,
        phone_number_id: &str,
        wa_id: &str,
        name: Option<&str>,
        message: Value,
        at: i64,
    ) -> Result<(String, String, Vec<u8>, String), SandboxError> {
        let item = WaCustomerMessage {
            wa_id: wa_id.to_owned(),
            name: name.map(str::to_owned),
            message,
            at,
        };
        let (url, signature, body, mut wamids) =
            self.whatsapp_customer_batch(phone_number_id, vec![item])?;
        Ok((url, signature, body, wamids.remove(0)))
    }

    /// Customers' messages (of the past, say) recorded like
    /// [`Sandbox::whatsapp_customer_message`] and returned as one signed delivery,
    /// as Meta batches them: (callback URL, signature, body, their wamids in order).
    pub fn whatsapp_customer_batch(
        &self,
        phone_number_id: &str,
        items: Vec<WaCustomerMessage>,
    ) -> Result<(String, String, Vec<u8>, Vec<String>), SandboxError> {
        let mut s = self.lock();
        let n = s
            .whatsapp
            .numbers
            .get(phone_number_id)
            .cloned()
            .ok_or_else(|| SandboxError::UnknownPage(phone_number_id.to_owned()))?;
        let url = n
            .callback_url
            .clone()
            .ok_or_else(|| SandboxError::NoCallback(phone_number_id.to_owned()))?;
        let (mut contacts, mut messages, mut wamids) = (Vec::new(), Vec::new(), Vec::new());
        for mut item in items {
            let wamid = format!("wamid.SBXIN{:06}", s.next_id());
            item.message["from"] = json!(item.wa_id);
            item.message["id"] = json!(wamid);
            item.message["timestamp"] = json!((item.at / 1_000_000).to_string());
            let value = customer_value(
                &mut s,
                phone_number_id,
                &item.wa_id,
                item.name.as_deref(),
                item.message,
                item.at,
            );
            for c in value["contacts"].as_array().into_iter().flatten() {
                if !contacts.contains(c) {
                    contacts.push(c.clone());
                }
            }
            messages.extend(value["messages"].as_array().into_iter().flatten().cloned());
            wamids.push(wamid);
        }
        let value = if contacts.is_empty() {
            json!({"messages": messages})
        } else {
            json!({"contacts": contacts, "messages": messages})
        };
        let body = envelope(&n, value);
        let signature = crate::webhook::sign(&n.app_secret, &body);
        Ok((url, signature, body, wamids))
    }

    /// The business's latest message to the customer (what a reaction or a button
    /// tap refers to).
    pub fn whatsapp_last_sent(&self, phone_number_id: &str, wa_id: &str) -> Option<String> {
        self.lock()
            .whatsapp
            .last_sent
            .get(&(phone_number_id.to_owned(), wa_id.to_owned()))
            .cloned()
    }

    /// The customer writes from `to` now, their number having changed: what the
    /// window and the replies are keyed on moves with them.
    pub(crate) fn whatsapp_number_changed(&self, phone_number_id: &str, from: &str, to: &str) {
        let mut s = self.lock();
        let old = (phone_number_id.to_owned(), from.to_owned());
        let new = (phone_number_id.to_owned(), to.to_owned());
        if let Some(at) = s.whatsapp.last_message.remove(&old) {
            s.whatsapp.last_message.insert(new.clone(), at);
        }
        if let Some(w) = s.whatsapp.last_sent.remove(&old) {
            s.whatsapp.last_sent.insert(new, w);
        }
    }

    /// The number a media id belongs to.
    pub(crate) fn media_number(&self, media_id: &str) -> Option<String> {
        self.lock()
            .whatsapp
            .media
            .get(media_id)
            .map(|(n, _, _)| n.clone())
    }

    /// The bytes behind a download URL's key, if the URL still works and `token` is
    /// the number's.
    pub(crate) fn media_download(&self, key: &str, token: &str) -> Result<(String, Vec<u8>), u16> {
        let now = self.now();
        let s = self.lock();
        let Some((media_id, until)) = s.whatsapp.urls.get(key) else {
            return Err(404);
        };
        if now >= *until {
            return Err(404);
        }
        let Some((number, mime, bytes)) = s.whatsapp.media.get(media_id) else {
            return Err(404);
        };
        let owner = s.whatsapp.numbers.get(number);
        if !owner.is_some_and(|n| !token.is_empty() && n.token == token) {
            return Err(401);
        }
        Ok((mime.clone(), bytes.clone()))
    }

    /// The customer's last message to the number.
    pub fn whatsapp_last_message(&self, phone_number_id: &str, wa_id: &str) -> Option<i64> {
        self.lock()
            .whatsapp
            .last_message
            .get(&(phone_number_id.to_owned(), wa_id.to_owned()))
            .copied()
    }

    /// Whether `node` is a registered WhatsApp number.
    pub(crate) fn is_whatsapp(&self, node: &str) -> bool {
        self.lock().whatsapp.numbers.contains_key(node)
    }

    /// Runs one Cloud API call: logs it, answers from the script if a scripted error
    /// waits, checks the bearer token (190) and `appsecret_proof` when given (100).
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn handle_whatsapp(
        &self,
        method: &str,
        path: &str,
        headers: &HeaderMap,
        raw_query: Option<&str>,
        node: &str,
        body: &[u8],
        f: impl FnOnce(&mut State, &WhatsAppNumber, &Value, i64) -> Result<Value, GraphError>,
    ) -> (u16, Value) {
        let query: Vec<(String, String)> =
            form_urlencoded::parse(raw_query.unwrap_or("").as_bytes())
                .into_owned()
                .collect();
        let json: Option<Value> = if body.is_empty() {
            Some(Value::Null)
        } else {
            serde_json::from_slice(body).ok()
        };
        let token = headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .unwrap_or_default()
            .to_owned();
        let proof = query
            .iter()
            .find(|(k, _)| k == "appsecret_proof")
            .map(|(_, v)| v.clone());
        let now = self.now();
        let mut s = self.lock();
        let trace = s.next_id();
        let number = s.whatsapp.numbers.get(node).cloned();
        let token_ok = number
            .as_ref()
            .is_some_and(|n| !token.is_empty() && n.token == token && !s.revoked.contains(&token));
        let proof_ok = number.as_ref().is_some_and(|n| {
            proof.as_deref() == Some(appsecret_proof(&n.app_secret, &token).as_str())
        });
        let pending_before = s.pending.len();
        let (status, response) = if let Some((status, body)) = s.script.pop_front() {
            (status, body)
        } else {
            let result = match (number, json.as_ref()) {
                (None, _) => Err(crate::api::no_object(node)),
                (Some(_), _) if !token_ok => Err(GraphError::token()),
                (Some(_), _) if proof.is_some() && !proof_ok => Err(GraphError::param(
                    "Invalid appsecret_proof provided in the API argument",
                )),
                (Some(_), None) => Err(GraphError::param("The request body is not valid JSON")),
                (Some(n), Some(body)) => f(&mut s, &n, body, now),
            };
            match result {
                Ok(v) => (200, v),
                Err(e) => (e.status, whatsapp_error(&e, trace)),
            }
        };
        s.log.push(LoggedRequest {
            method: method.to_owned(),
            path: path.to_owned(),
            query,
            body: json.unwrap_or(Value::Null),
            proof_ok,
            status,
            response: response.clone(),
            at: now,
        });
        let queued = s.pending.len() > pending_before;
        drop(s);
        if queued {
            self.wake.notify_one();
        }
        (status, response)
    }
}

/// A Cloud API error as WhatsApp writes it: Meta's shape with `error_data.details`.
fn whatsapp_error(e: &GraphError, trace: u64) -> Value {
    let mut body = e.body(trace);
    if e.code >= 130_000 {
        body["error"]["error_data"] =
            json!({"messaging_product": "whatsapp", "details": e.message.clone()});
    }
    body
}

/// Queues a customer's message as a signed webhook and opens the window.
fn queue_message(
    s: &mut State,
    phone_number_id: &str,
    wa_id: &str,
    name: &str,
    message: Value,
    at: i64,
) {
    let value = customer_value(s, phone_number_id, wa_id, Some(name), message, at);
    let Some(n) = s.whatsapp.numbers.get(phone_number_id).cloned() else {
        return;
    };
    queue(s, &n, value);
}

/// Opens the customer's window at `at` and returns the `messages` change's value
/// holding `message` (with the customer's profile when `name` is given).
fn customer_value(
    s: &mut State,
    phone_number_id: &str,
    wa_id: &str,
    name: Option<&str>,
    message: Value,
    at: i64,
) -> Value {
    let key = (phone_number_id.to_owned(), wa_id.to_owned());
    if message.get("referral").is_some() {
        s.whatsapp.entry_points.insert(key.clone(), (at, None));
    }
    let last = s.whatsapp.last_message.entry(key).or_insert(at);
    *last = (*last).max(at);
    match name {
        Some(name) => json!({"contacts": [{"profile": {"name": name}, "wa_id": wa_id}],
            "messages": [message]}),
        None => json!({"messages": [message]}),
    }
}

/// Queues a `messages` change of the number as a signed webhook (when it has a
/// callback).
fn queue(s: &mut State, n: &WhatsAppNumber, value: Value) {
    let Some(url) = &n.callback_url else { return };
    s.pending.push_back(Pending {
        url: url.clone(),
        secret: n.app_secret.clone(),
        body: envelope(n, value),
        attempts: 0,
    });
}

/// The exact bytes of a `whatsapp_business_account` body with one `messages`
/// change of the number, as Meta sends them (unicode escaped).
fn envelope(n: &WhatsAppNumber, mut value: Value) -> Vec<u8> {
    value["messaging_product"] = json!("whatsapp");
    value["metadata"] = json!({"display_phone_number": n.display_phone_number,
        "phone_number_id": n.phone_number_id});
    let body = json!({"object": "whatsapp_business_account", "entry": [{"id": n.waba_id,
        "changes": [{"field": "messages", "value": value}]}]});
    escape_unicode(&body.to_string()).into_bytes()
}

fn status(wamid: &str, status: &str, to: &str, at: i64) -> Value {
    json!({"id": wamid, "status": status, "timestamp": (at / 1_000_000).to_string(), "recipient_id": to})
}

/// `POST /{phone_number_id}/messages`: a send, or a read receipt.
pub(crate) fn send(
    s: &mut State,
    n: &WhatsAppNumber,
    body: &Value,
    now: i64,
) -> Result<Value, GraphError> {
    if body["messaging_product"] != "whatsapp" {
        return Err(GraphError::new(
            100,
            None,
            "The parameter messaging_product is required.",
        ));
    }
    if body["status"] == "read" {
        let id = body["message_id"].as_str().unwrap_or_default();
        if !id.starts_with("wamid.") {
            return Err(GraphError::new(
                131009,
                None,
                "Parameter value is not valid",
            ));
        }
        return Ok(json!({"success": true}));
    }
    let to = body["to"].as_str().unwrap_or_default();
    let wa_id = to.trim_start_matches('+').to_owned();
    if wa_id.is_empty() {
        return Err(GraphError::new(100, None, "The parameter to is required."));
    }
    let kind = body["type"].as_str().unwrap_or("text");
    if !known_media(s, n, kind, body) {
        return Err(GraphError::new(
            131053,
            None,
            "Media upload error: the media id is not one of this number's",
        ));
    }
    let key = (n.phone_number_id.clone(), wa_id.clone());
    let open = s
        .whatsapp
        .last_message
        .get(&key)
        .is_some_and(|last| now - last < DAY);
    // An answer within 24 hours of an ad's message opens 72 free hours.
    let free_entry = match s.whatsapp.entry_points.get_mut(&key) {
        Some((referred, until)) => {
            if until.is_none() && now - *referred < DAY {
                *until = Some(now + 3 * DAY);
            }
            until.is_some_and(|u| now < u)
        }
        None => false,
    };
    let mut category = "service";
    let mut billable = false;
    if kind == "template" {
        let t = &body["template"];
        let name = t["name"].as_str().unwrap_or_default();
        let language = t["language"]["code"].as_str().unwrap_or_default();
        let Some(found) = n
            .templates
            .iter()
            .find(|x| x["name"] == name && x["language"] == language)
        else {
            return Err(GraphError::new(
                132001,
                None,
                format!("Template name does not exist in the translation: {name} ({language})"),
            ));
        };
        match found["status"].as_str() {
            Some("APPROVED") => {}
            Some("PAUSED") => return Err(GraphError::new(132015, None, "Template is paused")),
            Some("DISABLED") => return Err(GraphError::new(132016, None, "Template is disabled")),
            _ => {
                return Err(GraphError::new(
                    132001,
                    None,
                    "Template name does not exist in the translation",
                ));
            }
        }
        let part = |list: &Value, kind: &str| -> Option<Value> {
            list.as_array()?
                .iter()
                .find(|c| {
                    c["type"]
                        .as_str()
                        .is_some_and(|k| k.eq_ignore_ascii_case(kind))
                })
                .cloned()
        };
        let count = |c: Option<Value>| c.and_then(|c| c["parameters"].as_array().map(Vec::len));
        let text = |kind| {
            part(&found["components"], kind)
                .and_then(|c| c["text"].as_str().map(str::to_owned))
                .unwrap_or_default()
        };
        let wanted = placeholders(&text("BODY"));
        let given = count(part(&t["components"], "body")).unwrap_or(0);
        let header = part(&found["components"], "HEADER");
        let media_header = header
            .as_ref()
            .is_some_and(|h| matches!(h["format"].as_str(), Some("IMAGE" | "VIDEO" | "DOCUMENT")));
        let header_wanted = placeholders(&text("HEADER")) + usize::from(media_header);
        let header_given = count(part(&t["components"], "header")).unwrap_or(0);
        let dynamic_urls = part(&found["components"], "BUTTONS")
            .and_then(|b| b["buttons"].as_array().cloned())
            .unwrap_or_default()
            .iter()
            .filter(|b| b["type"] == "URL" && b["url"].as_str().is_some_and(|u| u.contains("{{")))
            .count();
        let url_given = t["components"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|c| c["type"] == "button" && c["sub_type"] == "url")
            .count();
        if header_given != header_wanted || url_given != dynamic_urls {
            return Err(GraphError::new(
                132018,
                None,
                format!(
                    "Template parameter validation failed: the header takes {header_wanted} parameters ({header_given} given), the URL buttons {dynamic_urls} ({url_given} given)"
                ),
            ));
        }
        if given != wanted {
            return Err(GraphError::new(
                132000,
                None,
                format!(
                    "Number of parameters does not match the expected number of params ({given} given, {wanted} expected)"
                ),
            ));
        }
        category = match found["category"].as_str() {
            Some("MARKETING") => "marketing",
            Some("AUTHENTICATION") => "authentication",
            _ => "utility",
        };
        // Utility templates inside an open window are free, and everything inside
        // a free entry point.
        billable = !(free_entry || (open && category == "utility"));
    } else if !open && !n.async_window_errors {
        return Err(GraphError::new(
            131047,
            None,
            "Message failed to send because more than 24 hours have passed since the customer last replied to this number.",
        ));
    }
    let wamid = format!("wamid.SBX{:06}", s.next_id());
    s.whatsapp.last_sent.insert(key.clone(), wamid.clone());
    s.whatsapp.sent.insert(wamid.clone(), key);
    if kind != "template" && !open {
        // Accepted, then failed: the error comes in a status.
        let mut failed = status(&wamid, "failed", &wa_id, now);
        failed["errors"] = json!([{"code": 131047, "title": "Re-engagement message",
            "message": "Re-engagement message",
            "error_data": {"details": "Message failed to send because more than 24 hours have passed since the customer last replied to this number."}}]);
        queue(s, n, json!({"statuses": [failed]}));
    } else {
        let mut sent = status(&wamid, "sent", &wa_id, now);
        let pricing_type = match (billable, free_entry) {
            (true, _) => "regular",
            (false, true) => "free_entry_point",
            (false, false) => "free_customer_service",
        };
        sent["pricing"] = json!({"billable": billable, "pricing_model": "PMP",
            "type": pricing_type, "category": category});
        let delivered = status(&wamid, "delivered", &wa_id, now);
        // Reactions get only `sent`.
        let statuses = if kind == "reaction" {
            vec![sent]
        } else {
            vec![sent, delivered]
        };
        queue(s, n, json!({"statuses": statuses}));
    }
    Ok(
        json!({"messaging_product": "whatsapp", "contacts": [{"input": to, "wa_id": wa_id}],
        "messages": [{"id": wamid}]}),
    )
}

/// The MIME types the Cloud API takes in an upload.
const UPLOAD_TYPES: [&str; 17] = [
    "image/jpeg",
    "image/png",
    "image/webp",
    "video/mp4",
    "video/3gpp",
    "audio/aac",
    "audio/amr",
    "audio/mpeg",
    "audio/mp4",
    "audio/ogg",
    "text/plain",
    "application/pdf",
    "application/msword",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.ms-excel",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
];

/// `POST /{phone_number_id}/media`: keeps the file under a new media id of the
/// number (what `messaging_product`, `type` and `file` parts say).
pub(crate) fn upload(
    s: &mut State,
    n: &WhatsAppNumber,
    product: Option<Vec<u8>>,
    mime: Option<Vec<u8>>,
    file: Option<Vec<u8>>,
) -> Result<Value, GraphError> {
    if product.as_deref() != Some(b"whatsapp".as_slice()) {
        return Err(GraphError::new(
            100,
            None,
            "The parameter messaging_product is required.",
        ));
    }
    let mime = String::from_utf8_lossy(&mime.unwrap_or_default()).into_owned();
    let Some(bytes) = file.filter(|f| !f.is_empty()) else {
        return Err(GraphError::new(
            100,
            None,
            "The parameter file is required.",
        ));
    };
    if !UPLOAD_TYPES.contains(&mime.as_str()) {
        return Err(GraphError::new(
            131053,
            None,
            format!("Media upload error: unsupported type {mime:?}"),
        ));
    }
    let id = format!("{}", 8_000_000_000u64 + s.next_id());
    s.whatsapp
        .media
        .insert(id.clone(), (n.phone_number_id.clone(), mime, bytes));
    Ok(json!({"id": id}))
}

/// Whether a message's file, named by media id, is one of the number's; a link or
/// a message without a file is.
fn known_media(s: &State, n: &WhatsAppNumber, kind: &str, body: &Value) -> bool {
    match body[kind]["id"].as_str() {
        Some(id) => s
            .whatsapp
            .media
            .get(id)
            .is_some_and(|(number, _, _)| *number == n.phone_number_id),
        None => true,
    }
}

/// `GET /{media_id}`: a fresh download URL for a customer's file, working for 5
/// minutes and only with the token.
pub(crate) fn media_url(
    s: &mut State,
    media_id: &str,
    host: &str,
    now: i64,
) -> Result<Value, GraphError> {
    let Some((_, mime, bytes)) = s.whatsapp.media.get(media_id).cloned() else {
        return Err(crate::api::no_object(media_id));
    };
    use sha2::Digest;
    let key = format!("k{:08}", s.next_id());
    s.whatsapp
        .urls
        .insert(key.clone(), (media_id.to_owned(), now + MEDIA_URL_LIFETIME));
    Ok(
        json!({"messaging_product": "whatsapp", "id": media_id, "mime_type": mime,
        "sha256": hex::encode(sha2::Sha256::digest(&bytes)), "file_size": bytes.len().to_string(),
        "url": format!("http://{host}/whatsapp_business/attachments/?mid={key}")}),
    )
}

/// `GET /{waba_id}/message_templates`: one page of the account's templates.
pub(crate) fn templates(n: &WhatsAppNumber, base: &str, after: usize, limit: usize) -> Value {
    let page: Vec<Value> = n
        .templates
        .iter()
        .skip(after)
        .take(limit)
        .cloned()
        .collect();
    let mut answer = json!({"data": page});
    if after + limit < n.templates.len() {
        answer["paging"] = json!({"cursors": {"after": (after + limit).to_string()},
            "next": format!("{base}/{}/message_templates?limit={limit}&after={}", n.waba_id, after + limit)});
    }
    answer
}

/// How many distinct `{{...}}` placeholders a template text has.
fn placeholders(text: &str) -> usize {
    let mut seen: Vec<&str> = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find("{{") {
        let after = &rest[i + 2..];
        let Some(j) = after.find("}}") else { break };
        let name = &after[..j];
        if !seen.contains(&name) {
            seen.push(name);
        }
        rest = &after[j + 2..];
    }
    seen.len()
}
