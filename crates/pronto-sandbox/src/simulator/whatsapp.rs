//! Simulated customers of a WhatsApp number: a seeded stream of signed
//! `whatsapp_business_account` webhooks of every inbound type (text, image, video,
//! audio, document, sticker, location, contacts, button and list replies, template
//! quick-reply taps, reactions, Click-to-WhatsApp ad referrals, number changes,
//! unsupported messages), in English, French and Italian. Their files wait in the
//! sandbox at media ids whose download URLs expire; the Send API's statuses for
//! the business's replies go out as the sandbox's own webhooks.

use std::time::{Duration, Instant};

use serde_json::json;

use super::personas::{self, Persona};
use super::{Pace, Summary, paced};
use crate::SandboxError;
use crate::ids::Rng;
use crate::sandbox::Sandbox;

/// The kinds of message WhatsApp customers send.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WaKind {
    Text,
    Image,
    Video,
    Audio,
    Document,
    Sticker,
    Location,
    Contacts,
    ButtonReply,
    ListReply,
    TemplateButton,
    Reaction,
    AdReferral,
    NumberChange,
    Unsupported,
}

/// How often the mix picks each kind (out of 100).
const MIX: [(WaKind, u64); 15] = [
    (WaKind::Text, 38),
    (WaKind::Image, 8),
    (WaKind::Video, 3),
    (WaKind::Audio, 5),
    (WaKind::Document, 4),
    (WaKind::Sticker, 3),
    (WaKind::Location, 4),
    (WaKind::Contacts, 2),
    (WaKind::ButtonReply, 7),
    (WaKind::ListReply, 5),
    (WaKind::TemplateButton, 5),
    (WaKind::Reaction, 7),
    (WaKind::AdReferral, 5),
    (WaKind::NumberChange, 1),
    (WaKind::Unsupported, 3),
];

/// One customer message, recorded in the sandbox, ready to be sent.
#[derive(Debug, Clone)]
pub struct WaMessage {
    pub kind: WaKind,
    /// The customer's `wa_id`.
    pub from: String,
    pub wamid: String,
    /// What the customer wrote, for the kinds that carry text.
    pub text: Option<String>,
    url: String,
    signature: String,
    body: Vec<u8>,
}

/// One delivered message and what the callback answered.
#[derive(Debug, Clone)]
pub struct WaSent {
    pub message: WaMessage,
    pub status: u16,
    pub latency: Duration,
}

/// Customers of one WhatsApp number.
pub struct WhatsAppSimulator {
    sandbox: Sandbox,
    number: String,
    seed: u64,
    rng: Rng,
    n: u64,
    customers: Vec<Persona>,
}

/// A phone number in the customer's country, as WhatsApp writes it (no `+`).
fn phone(rng: &mut Rng, locale: &str) -> String {
    let code = match locale {
        "en_GB" => "44",
        "fr_FR" => "33",
        "it_IT" => "39",
        _ => "1",
    };
    format!("{code}{}", rng.digits(10))
}

impl WhatsAppSimulator {
    /// Twelve customers of the number `phone_number_id` (registered in `sandbox`),
    /// chosen by `seed`.
    pub fn new(
        sandbox: &Sandbox,
        phone_number_id: &str,
        seed: u64,
    ) -> Result<WhatsAppSimulator, SandboxError> {
        if !sandbox.is_whatsapp(phone_number_id) {
            return Err(SandboxError::UnknownPage(phone_number_id.to_owned()));
        }
        let mut rng = Rng::new(seed);
        let mut customers = personas::cast(&mut rng, 12);
        for c in &mut customers {
            c.id = phone(&mut rng, c.locale);
        }
        Ok(WhatsAppSimulator {
            sandbox: sandbox.clone(),
            number: phone_number_id.to_owned(),
            seed,
            rng,
            n: 0,
            customers,
        })
    }

    /// The customers as (wa_id, name, locale).
    pub fn customers(&self) -> Vec<(String, String, String)> {
        self.customers
            .iter()
            .map(|c| (c.id.clone(), c.name.clone(), c.locale.to_owned()))
            .collect()
    }

    /// The next message of the mix, recorded in the sandbox (not sent).
    pub fn next_message(&mut self) -> Result<WaMessage, SandboxError> {
        let kind = super::pick(&MIX, self.rng.below(100)).unwrap_or(WaKind::Text);
        self.message(kind)
    }

    /// A message of `kind` from a customer of the mix, recorded in the sandbox. A
    /// kind that refers to one of the business's messages (a reaction, a button or
    /// list reply, a template button) becomes a text while the customer has none.
    pub fn message(&mut self, kind: WaKind) -> Result<WaMessage, SandboxError> {
        self.n += 1;
        let i = usize::try_from(self.rng.below(self.customers.len() as u64)).unwrap_or(0);
        let who = self.customers[i].clone();
        let lines = personas::lines(who.locale);
        let now = self.sandbox.now();
        let replied_to = self.sandbox.whatsapp_last_sent(&self.number, &who.id);
        let kind = match (kind, &replied_to) {
            (
                WaKind::Reaction | WaKind::ButtonReply | WaKind::ListReply | WaKind::TemplateButton,
                None,
            ) => WaKind::Text,
            (k, _) => k,
        };
        let context = replied_to
            .as_ref()
            .map(|id| json!({"from": "15550783881", "id": id}));
        let mut name = Some(who.name.as_str());
        let mut text = None;
        let message = match kind {
            WaKind::Text => {
                let t = self.rng.pick(lines.texts).to_string();
                text = Some(t.clone());
                json!({"type": "text", "text": {"body": t}})
            }
            WaKind::Image | WaKind::Video | WaKind::Audio | WaKind::Document | WaKind::Sticker => {
                let (field, mime, bytes) = file(kind, self.n);
                let (_, mut payload) = self.sandbox.whatsapp_store_media(&self.number, mime, bytes);
                match kind {
                    WaKind::Image | WaKind::Video => {
                        let t = self.rng.pick(lines.texts).to_string();
                        text = Some(t.clone());
                        payload["caption"] = json!(t);
                    }
                    WaKind::Document => {
                        payload["filename"] = json!(format!("order-{}.pdf", self.n));
                    }
                    WaKind::Audio => payload["voice"] = json!(true),
                    _ => {}
                }
                json!({"type": field, field: payload})
            }
            WaKind::Location => {
                let (place, address, lat, lon) = *self.rng.pick(&PLACES);
                json!({"type": "location", "location": {"latitude": lat, "longitude": lon,
                    "name": place, "address": address}})
            }
            WaKind::Contacts => {
                let friend = self.rng.pick(&self.customers).clone();
                json!({"type": "contacts", "contacts": [{
                    "name": {"formatted_name": friend.name, "first_name":
                        friend.name.split(' ').next().unwrap_or_default()},
                    "phones": [{"phone": format!("+{}", friend.id), "type": "CELL", "wa_id": friend.id}]}]})
            }
            WaKind::ButtonReply => {
                let (title, id) = *self.rng.pick(lines.quick_replies);
                text = Some(title.to_owned());
                json!({"type": "interactive", "context": context,
                    "interactive": {"type": "button_reply", "button_reply": {"id": id, "title": title}}})
            }
            WaKind::ListReply => {
                let (title, id) = *self.rng.pick(lines.postbacks);
                text = Some(title.to_owned());
                json!({"type": "interactive", "context": context,
                    "interactive": {"type": "list_reply", "list_reply": {"id": id, "title": title,
                        "description": lines.ad_title}}})
            }
            WaKind::TemplateButton => {
                let (title, payload) = *self.rng.pick(lines.quick_replies);
                text = Some(title.to_owned());
                json!({"type": "button", "context": context,
                    "button": {"payload": payload, "text": title}})
            }
            WaKind::Reaction => {
                let (_, emoji) = *self.rng.pick(&personas::REACTIONS);
                json!({"type": "reaction", "reaction": {"message_id": replied_to, "emoji": emoji}})
            }
            WaKind::AdReferral => {
                let t = self.rng.pick(lines.texts).to_string();
                text = Some(t.clone());
                let ad = self.rng.digits(17);
                json!({"type": "text", "text": {"body": t}, "referral": {
                    "source_url": format!("https://fb.me/{ad}"), "source_id": ad, "source_type": "ad",
                    "headline": lines.ad_title, "body": lines.ad_title, "media_type": "image",
                    "image_url": format!("https://sandbox.pronto.invalid/ads/{ad}.jpg"),
                    "ctwa_clid": format!("CLID{:x}{}", self.seed, self.n)}})
            }
            WaKind::NumberChange => {
                // System messages carry no `contacts`; later messages come from
                // the new number.
                name = None;
                let new = phone(&mut self.rng, who.locale);
                let body = format!("{} changed from {} to {}", who.name, who.id, new);
                self.customers[i].id = new.clone();
                json!({"type": "system", "system": {"body": body, "new_wa_id": new,
                    "type": "user_changed_number"}})
            }
            WaKind::Unsupported => json!({"type": "unsupported",
                "unsupported": {"type": "poll_creation"},
                "errors": [{"code": 131051, "title": "Message type unknown",
                    "message": "Message type unknown",
                    "error_data": {"details": "Message type is currently not supported."}}]}),
        };
        let (url, signature, body, wamid) =
            self.sandbox
                .whatsapp_customer_delivery(&self.number, &who.id, name, message, now)?;
        if kind == WaKind::NumberChange {
            self.sandbox
                .whatsapp_number_changed(&self.number, &who.id, &self.customers[i].id);
        }
        Ok(WaMessage {
            kind,
            from: who.id,
            wamid,
            text,
            url,
            signature,
            body,
        })
    }

    /// POSTs `message`, signed, to the number's callback URL.
    pub async fn deliver(&self, message: WaMessage) -> Result<WaSent, SandboxError> {
        let started = Instant::now();
        let answer = self
            .sandbox
            .http
            .post(&message.url)
            .header("content-type", "application/json")
            .header("x-hub-signature-256", &message.signature)
            .body(message.body.clone())
            .send()
            .await
            .map_err(|source| SandboxError::Http {
                url: message.url.clone(),
                source,
            })?;
        Ok(WaSent {
            message,
            status: answer.status().as_u16(),
            latency: started.elapsed(),
        })
    }

    /// Builds, records and sends the next message of the mix.
    pub async fn step(&mut self) -> Result<WaSent, SandboxError> {
        let message = self.next_message()?;
        self.deliver(message).await
    }

    /// Builds, records and sends one message of `kind`.
    pub async fn step_kind(&mut self, kind: WaKind) -> Result<WaSent, SandboxError> {
        let message = self.message(kind)?;
        self.deliver(message).await
    }

    /// Sends messages at `pace`, calling `on_sent` after each.
    pub async fn run(
        &mut self,
        pace: Pace,
        on_sent: impl FnMut(&WaSent),
    ) -> Result<Summary, SandboxError> {
        paced(pace, async || self.step().await, |s| s.status, on_sent).await
    }
}

/// Places customers share.
const PLACES: [(&str, &str, f64, f64); 3] = [
    (
        "Pronto Demo Shop",
        "12 rue de la Paix, Paris",
        48.8686,
        2.3316,
    ),
    ("Home", "221B Baker Street, London", 51.5238, -0.1586),
    ("Ufficio", "Via Roma 1, Milano", 45.4642, 9.19),
];

/// A small file of `kind`: its webhook field, MIME type and bytes (a real PNG for
/// images; the others start as their format does).
fn file(kind: WaKind, n: u64) -> (&'static str, &'static str, Vec<u8>) {
    match kind {
        WaKind::Image => (
            "image",
            "image/png",
            crate::avatar::picture(&format!("photo{n}")),
        ),
        WaKind::Video => ("video", "video/mp4", b"\0\0\0\x18ftypmp42demo".to_vec()),
        WaKind::Audio => ("audio", "audio/ogg", b"OggS\0\x02demo-voice-note".to_vec()),
        WaKind::Sticker => ("sticker", "image/webp", b"RIFF\x10\0\0\0WEBPVP8 ".to_vec()),
        _ => (
            "document",
            "application/pdf",
            format!("%PDF-1.4\n% Order {n}\n%%EOF\n").into_bytes(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_mix_adds_up_to_a_hundred() {
        assert_eq!(MIX.iter().map(|(_, w)| w).sum::<u64>(), 100);
    }
}
