//! The reference's examples (meta-platform.md §3.3, meta-platform-more.md §2), read
//! and built.

use serde_json::{Value, json};

use super::outgoing::{Content, MediaSource, Parameters, mark_read};
use super::webhook::{Change, Content as In, MediaKind, MessagesValue, StatusKind};
use super::*;

/// A `messages` change around `value`, as Meta sends it.
fn envelope(value: Value) -> Vec<u8> {
    json!({"object": "whatsapp_business_account", "entry": [{"id": "WABA", "changes": [
        {"field": "messages", "value": value}]}]})
    .to_string()
    .into_bytes()
}

fn messages_value(bytes: &[u8]) -> MessagesValue {
    let body = parse_body(bytes).unwrap();
    match &body.entries[0].changes[0] {
        Change::Messages(v) => (**v).clone(),
        other => panic!("not a messages change: {other:?}"),
    }
}

fn one(message: Value) -> super::webhook::Message {
    let mut m = json!({"from": "16505551234", "id": "wamid.X", "timestamp": "1749416383"});
    m.as_object_mut()
        .unwrap()
        .extend(message.as_object().unwrap().clone());
    let v = messages_value(&envelope(json!({
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "15550783881", "phone_number_id": "106540352242922"},
        "contacts": [{"profile": {"name": "Sheena Nelson"}, "wa_id": "16505551234"}],
        "messages": [m]})));
    v.messages[0].clone()
}

#[test]
fn the_inbound_text_of_the_reference() {
    let bytes = br#"{"object":"whatsapp_business_account","entry":[{"id":"<WABA_ID>","changes":[{"field":"messages","value":{
 "messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881","phone_number_id":"106540352242922"},
 "contacts":[{"profile":{"name":"Sheena Nelson"},"wa_id":"16505551234"}],
 "messages":[{"from":"16505551234","id":"wamid.HBgL...","timestamp":"1749416383","type":"text","text":{"body":"Another color?"}}]}}]}]}"#;
    let body = parse_body(bytes).unwrap();
    assert_eq!(body.entries[0].waba_id.as_deref(), Some("<WABA_ID>"));
    let v = messages_value(bytes);
    assert_eq!(v.phone_number_id.as_deref(), Some("106540352242922"));
    assert_eq!(v.display_phone_number.as_deref(), Some("15550783881"));
    assert_eq!(v.profile_name("16505551234"), Some("Sheena Nelson"));
    let m = &v.messages[0];
    assert_eq!(m.id.as_deref(), Some("wamid.HBgL..."));
    assert_eq!(m.sender(), Some("16505551234"));
    assert_eq!(m.timestamp, Some(1_749_416_383));
    assert_eq!(
        m.content,
        In::Text {
            body: "Another color?".into()
        }
    );
}

#[test]
fn the_failed_status_of_the_reference() {
    let v = messages_value(&envelope(json!(
        {"statuses":[{"id":"wamid...","status":"failed","timestamp":"1750030073","recipient_id":"16505551234",
         "errors":[{"code":131047,"title":"Re-engagement message","message":"Re-engagement message",
           "error_data":{"details":"Message failed to send because more than 24 hours have passed since the customer last replied to this number."},"href":"..."}]}]})));
    let s = &v.statuses[0];
    assert_eq!(s.status, StatusKind::Failed);
    assert_eq!(s.status.stored(), Some("failed"));
    assert_eq!(s.timestamp, Some(1_750_030_073));
    assert_eq!(s.recipient_id.as_deref(), Some("16505551234"));
    assert_eq!(s.errors[0].code, Some(131047));
    assert!(
        s.errors[0].reason().starts_with(
            "WhatsApp error 131047: Message failed to send because more than 24 hours"
        )
    );
}

#[test]
fn statuses_carry_pricing() {
    let v = messages_value(&envelope(json!({"statuses": [
        {"id": "wamid.A", "status": "sent", "timestamp": "1750030000", "recipient_id": "1",
         "pricing": {"billable": false, "pricing_model": "PMP", "type": "free_customer_service", "category": "service"},
         "biz_opaque_callback_data": "pronto:7"},
        {"id": "wamid.B", "status": "delivered", "timestamp": "1750030001", "recipient_id": "1",
         "pricing": {"billable": true, "pricing_model": "PMP", "type": "regular", "category": "marketing"}},
        {"id": "wamid.C", "status": "read", "timestamp": "1750030002", "recipient_id": "1",
         "pricing": {"billable": false, "pricing_model": "PMP", "type": "free_entry_point", "category": "utility"}},
        {"id": "wamid.D", "status": "played", "timestamp": "1750030003"},
        {"id": "wamid.E", "status": "deleted", "timestamp": "1750030003"},
        {"id": "wamid.F", "status": "sent", "timestamp": "soon"}]})));
    let s = &v.statuses;
    let p = s[0].pricing.as_ref().unwrap();
    assert_eq!(
        (p.billable, p.kind.as_deref(), p.category.as_deref()),
        (Some(false), Some("free_customer_service"), Some("service"))
    );
    assert_eq!(s[0].callback_data.as_deref(), Some("pronto:7"));
    assert_eq!(s[1].pricing.as_ref().unwrap().billable, Some(true));
    assert_eq!(
        s[2].pricing.as_ref().unwrap().kind.as_deref(),
        Some("free_entry_point")
    );
    assert_eq!(s[3].status.stored(), Some("read"));
    assert_eq!(s[4].status, StatusKind::Other("deleted".into()));
    // One bad status is confined to itself and keeps its id.
    assert!(
        matches!(&s[5].status, StatusKind::Invalid(e) if e.contains("timestamp")),
        "{:?}",
        s[5]
    );
    assert_eq!(s[5].id.as_deref(), Some("wamid.F"));
}

#[test]
fn every_inbound_type_of_the_reference() {
    let m = one(
        json!({"type": "image", "image": {"id": "MEDIA1", "mime_type": "image/jpeg", "sha256": "abc", "caption": "look",
        "url": "https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=1"}}),
    );
    let In::Media(media) = m.content else {
        panic!()
    };
    assert_eq!(
        (media.kind, media.id.as_str(), media.caption.as_deref()),
        (MediaKind::Image, "MEDIA1", Some("look"))
    );
    for kind in ["video", "audio", "document", "sticker"] {
        let m = one(
            json!({"type": kind, kind: {"id": "M", "mime_type": "x/y", "filename": "a.pdf", "voice": true}}),
        );
        let In::Media(media) = m.content else {
            panic!("{kind}")
        };
        assert_eq!(media.kind.as_str(), kind);
        assert_eq!(media.filename.as_deref(), Some("a.pdf"));
        assert!(media.voice);
    }
    let m = one(
        json!({"type": "location", "location": {"latitude": 37.4, "longitude": "-122.1", "name": "HQ", "address": "1 Hacker Way"}}),
    );
    let In::Location(l) = m.content else { panic!() };
    assert_eq!((l.latitude, l.longitude), (37.4, -122.1));
    assert_eq!(l.name.as_deref(), Some("HQ"));
    let m = one(
        json!({"type": "contacts", "contacts": [{"name": {"formatted_name": "Ann"}, "phones": [{"phone": "+1"}]}]}),
    );
    assert!(matches!(m.content, In::Contacts(c) if c.len() == 1));
    let m = one(
        json!({"type": "interactive", "context": {"from": "15550783881", "id": "wamid.BUTTONS"},
        "interactive": {"type": "button_reply", "button_reply": {"id": "yes", "title": "Yes"}}}),
    );
    assert_eq!(
        m.content,
        In::ButtonReply {
            id: "yes".into(),
            title: "Yes".into()
        }
    );
    assert_eq!(m.context.unwrap().id.as_deref(), Some("wamid.BUTTONS"));
    let m = one(
        json!({"type": "interactive", "interactive": {"type": "list_reply",
        "list_reply": {"id": "priority_express", "title": "Priority Mail Express", "description": "Next Day to 2 Days"}}}),
    );
    assert!(
        matches!(m.content, In::ListReply { ref id, ref description, .. } if id == "priority_express" && description.as_deref() == Some("Next Day to 2 Days"))
    );
    let m = one(
        json!({"type": "button", "context": {"from": "1", "id": "wamid.TPL"},
        "button": {"payload": "CANCEL_12345", "text": "Cancel"}}),
    );
    assert_eq!(
        m.content,
        In::TemplateButton {
            payload: Some("CANCEL_12345".into()),
            text: "Cancel".into()
        }
    );
    let m = one(
        json!({"type": "reaction", "reaction": {"message_id": "wamid.OURS", "emoji": "\u{1F600}"}}),
    );
    assert_eq!(
        m.content,
        In::Reaction {
            message_id: "wamid.OURS".into(),
            emoji: Some("\u{1F600}".into())
        }
    );
    // Removing a reaction omits the emoji.
    let m = one(json!({"type": "reaction", "reaction": {"message_id": "wamid.OURS"}}));
    assert!(matches!(m.content, In::Reaction { emoji: None, .. }));
    let m = one(json!({"type": "text", "text": {"body": "about this"},
        "context": {"from": "15550783881", "id": "wamid.Q", "forwarded": true}}));
    let c = m.context.unwrap();
    assert!(c.forwarded && !c.frequently_forwarded);
    let m = one(json!({"type": "text", "text": {"body": "hi from the ad"},
        "referral": {"source_url": "https://fb.me/ad", "source_id": "AD1", "source_type": "ad", "headline": "Sale",
                     "body": "50% off", "media_type": "image", "image_url": "https://img", "ctwa_clid": "CLID"}}));
    let r = m.referral.unwrap();
    assert_eq!(
        (r.source_type.as_deref(), r.ctwa_clid.as_deref()),
        (Some("ad"), Some("CLID"))
    );
    let m = one(
        json!({"type": "system", "system": {"body": "changed", "type": "user_changed_number", "wa_id": "16505559999"}}),
    );
    let In::System(s) = m.content else { panic!() };
    assert_eq!(
        (s.kind.as_deref(), s.new_wa_id.as_deref()),
        (Some("user_changed_number"), Some("16505559999"))
    );
    let m = one(
        json!({"type": "system", "system": {"type": "user_changed_user_id", "user_id": "US.2", "previous_user_id": "US.1"}}),
    );
    let In::System(s) = m.content else { panic!() };
    assert_eq!(s.previous_user_id.as_deref(), Some("US.1"));
    let m = one(
        json!({"type": "unsupported", "unsupported": {"type": "poll_creation"},
        "errors": [{"code": 131051, "title": "Message type unknown", "error_data": {"details": "Message type is not currently supported"}}]}),
    );
    assert_eq!(
        m.content,
        In::Unsupported {
            kind: Some("poll_creation".into())
        }
    );
    assert_eq!(m.errors[0].code, Some(131051));
    let m = one(json!({"type": "order", "order": {"catalog_id": "C"}}));
    assert!(matches!(m.content, In::Order(_)));
    let m = one(json!({"type": "ephemeral"}));
    assert_eq!(
        m.content,
        In::Other {
            kind: "ephemeral".into()
        }
    );
}

#[test]
fn business_scoped_ids_and_errors_of_the_change() {
    let v = messages_value(&envelope(json!({
        "contacts": [{"profile": {"name": "Uma"}, "user_id": "US.13491208655302741918"}],
        "messages": [{"user_id": "US.13491208655302741918", "id": "wamid.U", "timestamp": 1749416383, "type": "text", "text": {"body": "hi"}}],
        "errors": [{"code": 131052, "title": "Media download error", "error_data": {"details": "too big"}}]})));
    let m = &v.messages[0];
    assert_eq!(m.sender(), Some("US.13491208655302741918"));
    assert_eq!(v.profile_name("US.13491208655302741918"), Some("Uma"));
    assert_eq!(v.errors[0].code, Some(131052));
    assert_eq!(v.errors[0].details.as_deref(), Some("too big"));
}

#[test]
fn the_template_status_webhook_of_the_reference() {
    let bytes = br#"{"object":"whatsapp_business_account","entry":[{"id":"<WABA_ID>","time":1751247548,"changes":[{"field":"message_template_status_update",
 "value":{"event":"REJECTED","message_template_id":1689556908129835,"message_template_name":"abandoned_cart","message_template_language":"en",
  "reason":"INVALID_FORMAT","message_template_category":"MARKETING","rejection_info":{"reason":"x","recommendation":"y"}}}]}]}"#;
    let body = parse_body(bytes).unwrap();
    let Change::TemplateStatus(t) = &body.entries[0].changes[0] else {
        panic!()
    };
    assert_eq!(t.event.as_deref(), Some("REJECTED"));
    assert_eq!(t.template_id.as_deref(), Some("1689556908129835"));
    assert_eq!(t.name.as_deref(), Some("abandoned_cart"));
    assert_eq!(t.reason.as_deref(), Some("INVALID_FORMAT"));
}

#[test]
fn errors_name_the_place_and_stay_confined() {
    assert_eq!(
        parse_body(br#"{"object":"page","entry":[]}"#)
            .unwrap_err()
            .to_string(),
        "\"object\" is \"page\", expected \"whatsapp_business_account\""
    );
    assert_eq!(
        parse_body(b"[]").unwrap_err(),
        WebhookError::NotAnObject("an array")
    );
    assert!(matches!(
        parse_body(b"{").unwrap_err(),
        WebhookError::Json(_)
    ));
    assert_eq!(
        parse_body(br#"{"object":"whatsapp_business_account","entry":{}}"#)
            .unwrap_err()
            .to_string(),
        "\"entry\" must be an array, found an object"
    );
    let body = parse_body(&envelope(json!({"messages": [
        {"id": "wamid.BAD", "type": "text", "text": "not an object"},
        {"id": "wamid.OK", "from": "1", "type": "text", "text": {"body": "fine"}}]})))
    .unwrap();
    let Change::Messages(v) = &body.entries[0].changes[0] else {
        panic!()
    };
    assert!(
        matches!(&v.messages[0].content, In::Invalid(e) if e == "message 0: \"text\": expected an object, found a string"),
        "{:?}",
        v.messages[0]
    );
    assert_eq!(v.messages[0].id.as_deref(), Some("wamid.BAD"));
    assert!(matches!(v.messages[1].content, In::Text { .. }));
    let body = parse_body(
        br#"{"object":"whatsapp_business_account","entry":[{"id":"W","changes":[{"field":"messages","value":{"messages":7}},{"field":"account_update","value":{}}]}]}"#,
    )
    .unwrap();
    assert_eq!(
        body.entries[0].changes[0],
        Change::Invalid("entry 0, change 0: \"messages\" must be an array, found a number".into())
    );
    assert_eq!(
        body.entries[0].changes[1],
        Change::Other {
            field: "account_update".into()
        }
    );
}

fn send(text: &str, attachments: Value) -> Value {
    Outgoing::from_reply(text, &attachments)
        .unwrap()
        .body("16505551234")
}

#[test]
fn send_bodies_match_the_reference() {
    assert_eq!(
        send("hello", json!([])),
        json!({"messaging_product":"whatsapp","recipient_type":"individual","to":"+16505551234","type":"text","text":{"preview_url":false,"body":"hello"}})
    );
    assert_eq!(
        send("see https://example.com", Value::Null)["text"]["preview_url"],
        true
    );
    assert_eq!(
        send(
            "",
            json!([{"type": "template", "name": "order_update", "language": "en_US", "parameters": ["12345"]}])
        ),
        json!({"messaging_product":"whatsapp","recipient_type":"individual","to":"+16505551234","type":"template",
         "template":{"name":"order_update","language":{"policy":"deterministic","code":"en_US"},"components":[{"type":"body","parameters":[{"type":"text","text":"12345"}]}]}})
    );
    assert_eq!(
        send(
            "",
            json!([{"type": "template", "name": "reservation_confirmation", "language": "en_US",
                "parameters": {"number_of_guests": "4"}}])
        )["template"]["components"][0]["parameters"][0],
        json!({"type": "text", "parameter_name": "number_of_guests", "text": "4"})
    );
    let image = send("a caption", json!([{"type": "image", "media_id": "MEDIA"}]));
    assert_eq!(image["type"], "image");
    assert_eq!(
        image["image"],
        json!({"id": "MEDIA", "caption": "a caption"})
    );
    let doc = send(
        "",
        json!([{"type": "document", "url": "https://x/a.pdf", "filename": "a.pdf"}]),
    );
    assert_eq!(
        doc["document"],
        json!({"link": "https://x/a.pdf", "filename": "a.pdf"})
    );
    assert_eq!(
        send(
            "",
            json!([{"type": "reaction", "message_id": "wamid.1", "emoji": "\u{1F600}"}])
        )["reaction"],
        json!({"message_id": "wamid.1", "emoji": "\u{1F600}"})
    );
    let quoted = send(
        "yes",
        json!([{"type": "reply_to", "message_id": "wamid.Q"}]),
    );
    assert_eq!(quoted["context"], json!({"message_id": "wamid.Q"}));
    let buttons = send(
        "Cancel the order?",
        json!([{"type": "buttons", "header": "Order 5", "footer": "Shop",
            "buttons": [{"id": "cancel-button", "title": "Cancel"}, {"title": "Keep"}]}]),
    );
    assert_eq!(
        buttons["interactive"],
        json!({"type": "button", "header": {"type": "text", "text": "Order 5"}, "body": {"text": "Cancel the order?"},
            "footer": {"text": "Shop"}, "action": {"buttons": [
                {"type": "reply", "reply": {"id": "cancel-button", "title": "Cancel"}},
                {"type": "reply", "reply": {"id": "Keep", "title": "Keep"}}]}})
    );
    let list = send(
        "Pick one",
        json!([{"type": "list", "button": "Options", "sections": [{"title": "Shipping", "rows": [
            {"id": "priority_express", "title": "Priority Mail Express", "description": "Next Day to 2 Days"}]}]}]),
    );
    assert_eq!(
        list["interactive"],
        json!({"type": "list", "body": {"text": "Pick one"}, "action": {"button": "Options", "sections": [
            {"title": "Shipping", "rows": [{"id": "priority_express", "title": "Priority Mail Express", "description": "Next Day to 2 Days"}]}]}})
    );
    assert_eq!(
        mark_read("wamid.1", false),
        json!({"messaging_product":"whatsapp","status":"read","message_id":"wamid.1"})
    );
    assert_eq!(
        mark_read("wamid.1", true)["typing_indicator"],
        json!({"type": "text"})
    );
    // A business-scoped id is not a number: no `+`.
    let o = Outgoing::from_reply("hi", &Value::Null).unwrap();
    assert_eq!(o.body("US.1349")["to"], "US.1349");
    assert_eq!(o.body("+44700")["to"], "+44700");
    assert!(!o.is_template());
}

#[test]
fn send_limits_are_checked_before_storing() {
    let err = |text: &str, a: Value| Outgoing::from_reply(text, &a).unwrap_err().to_string();
    let four: Vec<Value> = (0..4).map(|i| json!({"title": format!("b{i}")})).collect();
    assert_eq!(
        err("q", json!([{"type": "buttons", "buttons": four}])),
        "attachment 0: 4 buttons; WhatsApp takes at most 3"
    );
    assert!(
        err(
            "q",
            json!([{"type": "buttons", "buttons": [{"title": "x".repeat(21)}]}])
        )
        .contains("at most 20")
    );
    assert!(
        err(
            "q",
            json!([{"type": "buttons", "buttons": [{"title": "A"}, {"title": "A"}]}])
        )
        .contains("used twice")
    );
    assert!(
        err(
            "",
            json!([{"type": "buttons", "buttons": [{"title": "A"}]}])
        )
        .contains("empty")
    );
    let rows: Vec<Value> = (0..11)
        .map(|i| json!({"id": format!("r{i}"), "title": "t"}))
        .collect();
    assert!(
        err(
            "q",
            json!([{"type": "list", "button": "Go", "sections": [{"title": "s", "rows": rows}]}])
        )
        .contains("11 rows")
    );
    assert!(
        err(
            "q",
            json!([{"type": "list", "button": "Go", "sections": [{"rows": [{"id": "a", "title": "b"}]}, {"rows": [{"id": "c", "title": "d"}]}]}])
        )
        .contains("needs each one's \"title\"")
    );
    assert_eq!(err("", json!([])), ContentError::Empty.to_string());
    assert!(
        err(
            "hi",
            json!([{"type": "reaction", "message_id": "w", "emoji": "x"}])
        )
        .contains("reaction carries no text")
    );
    assert!(err("", json!([{"type": "image", "url": "ftp://x"}])).contains("media_id"));
    assert!(err("cap", json!([{"type": "audio", "media_id": "M"}])).contains("no caption"));
    assert!(
        err(
            "",
            json!([{"type": "image", "media_id": "M"}, {"type": "video", "media_id": "N"}])
        )
        .contains("a file and a file")
    );
    assert!(
        err(
            "",
            json!([{"type": "template", "name": "t", "language": "en", "parameters": ["a\tb"]}])
        )
        .contains("tab")
    );
    assert!(err("", json!([{"type": "fax"}])).contains("unknown type \"fax\""));
    // A template's text is Pronto's preview of it, not sent.
    let t = Outgoing::from_reply(
        "Your order shipped",
        &json!([{"type": "template", "name": "t", "language": "en"}]),
    )
    .unwrap();
    assert!(t.is_template());
    assert!(matches!(
        t.content,
        Content::Template(ref m) if m.parameters == Parameters::Positional(vec![])
    ));
    let m =
        Outgoing::from_reply("", &json!([{"type": "sticker", "url": "https://s/x.webp"}])).unwrap();
    assert!(matches!(
        m.content,
        Content::Media {
            source: MediaSource::Link(_),
            caption: None,
            ..
        }
    ));
}

#[test]
fn template_headers_and_buttons_are_sent_as_the_reference_shows() {
    let body = send(
        "",
        json!([{"type": "template", "name": "order_update", "language": "en_US",
            "parameters": ["12345"],
            "header": {"type": "image", "link": "https://shop.example/p.png"},
            "buttons": [{"index": 0, "payload": "CANCEL_12345"}, {"index": 1, "url": "order/12345"}]}]),
    );
    assert_eq!(
        body["template"]["components"],
        json!([
            {"type":"header","parameters":[{"type":"image","image":{"link":"https://shop.example/p.png"}}]},
            {"type":"body","parameters":[{"type":"text","text":"12345"}]},
            {"type":"button","sub_type":"quick_reply","index":"0","parameters":[{"type":"payload","payload":"CANCEL_12345"}]},
            {"type":"button","sub_type":"url","index":"1","parameters":[{"type":"text","text":"order/12345"}]}])
    );
    let text = send(
        "",
        json!([{"type": "template", "name": "t", "language": "en",
            "header": {"type": "text", "text": "A-1", "parameter_name": "order"}}]),
    );
    assert_eq!(
        text["template"]["components"][0],
        json!({"type":"header","parameters":[{"type":"text","text":"A-1","parameter_name":"order"}]})
    );
    for (bad, why) in [
        (json!({"type": "image", "link": "http://x"}), "https"),
        (json!({"type": "location"}), "the header is"),
        (json!({"type": "text", "text": "a\nb"}), "newline"),
    ] {
        let e = Outgoing::from_reply(
            "",
            &json!([{"type": "template", "name": "t", "language": "en", "header": bad}]),
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains(why), "{e}");
    }
    for (bad, why) in [
        (json!([{"url": "x"}]), "index"),
        (json!([{"index": 0}]), "give a"),
        (json!([{"index": 0, "url": "x", "payload": "y"}]), "give a"),
        (json!({"index": 0}), "a list"),
    ] {
        let e = Outgoing::from_reply(
            "",
            &json!([{"type": "template", "name": "t", "language": "en", "buttons": bad}]),
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains(why), "{e}");
    }
}
