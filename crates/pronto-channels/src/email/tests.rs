//! The parser over a corpus of real-shaped messages (`corpus/`), and a property:
//! no bytes make it panic.

use super::*;
use proptest::prelude::*;

fn mail(name: &str) -> Mail {
    let path = format!("{}/src/email/corpus/{name}", env!("CARGO_MANIFEST_DIR"));
    let raw = std::fs::read(&path).unwrap();
    parse(&raw).unwrap_or_else(|e| panic!("{name}: {e}"))
}

#[test]
fn multipart_mail_gives_its_plain_text_sender_and_attachment() {
    let m = mail("multipart.eml");
    assert_eq!(m.message_id, "m1@customer.test");
    assert_eq!(m.from, "ann@customer.test");
    assert_eq!(m.from_name.as_deref(), Some("Ann Example"));
    assert_eq!(m.subject, "Order 42 — where is it?");
    assert_eq!(m.text, "Hello, where is my order?");
    assert_eq!(m.date, Some(1_796_637_600_000_000));
    assert_eq!(m.files.len(), 1);
    assert_eq!(m.files[0].name, "invoice.pdf");
    assert_eq!(m.files[0].content_type, "application/pdf");
    assert_eq!(m.files[0].bytes, b"%PDF-1.4\n");
    assert!(!m.files[0].inline);
    assert_eq!(m.automated, Automated::No);
}

#[test]
fn legacy_charsets_are_decoded() {
    let m = mail("latin1.eml");
    assert_eq!(m.from_name.as_deref(), Some("José García"));
    assert_eq!(m.subject, "Café");
    assert_eq!(m.text, "Le café est froid, désolé.");
    let m = mail("shiftjis.eml");
    assert_eq!(m.subject, "注文");
    assert_eq!(m.text, "注文はどこですか");
}

#[test]
fn html_only_mail_becomes_text_without_markup_or_script() {
    let m = mail("html_only.eml");
    assert!(
        m.text.contains("Please") && m.text.contains("call"),
        "{}",
        m.text
    );
    assert!(m.text.contains("me & thanks"), "{}", m.text);
    assert!(
        !m.text.contains('<') && !m.text.contains("alert"),
        "{}",
        m.text
    );
}

#[test]
fn replies_keep_their_threading_and_lose_their_quotes() {
    let m = mail("gmail_reply.eml");
    assert_eq!(m.in_reply_to, ["pronto.abc@example.test"]);
    assert_eq!(
        m.references,
        ["m1@customer.test", "pronto.abc@example.test"]
    );
    assert_eq!(m.text, "Great, thank you!");
    assert!(m.full_text.contains("It ships tomorrow."));
    let m = mail("outlook_reply.eml");
    assert_eq!(m.in_reply_to, ["pronto.def@example.test"]);
    assert_eq!(
        m.text,
        "I still have not received it.\n\nBob Smith\nACME Corp"
    );
}

#[test]
fn robots_are_recognised() {
    assert_eq!(mail("auto_reply.eml").automated, Automated::AutoReply);
    assert_eq!(mail("list.eml").automated, Automated::Bulk);
    let m = mail("dsn.eml");
    let Automated::Bounce(b) = &m.automated else {
        panic!("{:?}", m.automated)
    };
    assert_eq!(b.original_id.as_deref(), Some("pronto.xyz@example.test"));
    assert_eq!(b.recipient.as_deref(), Some("nobody@customer.test"));
    assert_eq!(b.status.as_deref(), Some("5.1.1"));
    assert!(b.is_permanent());
    assert!(
        b.reason().contains("550 5.1.1") && b.reason().contains("User unknown"),
        "{}",
        b.reason()
    );
    assert_eq!(m.from, "mailer-daemon@mail.example.test");
    assert_eq!(mail("multipart.eml").automated.as_str(), "no");
}

#[test]
fn inline_images_keep_their_content_id() {
    let m = mail("inline_image.eml");
    assert_eq!(m.files.len(), 1);
    let f = &m.files[0];
    assert_eq!(f.content_id.as_deref(), Some("shot1@customer.test"));
    assert!(f.inline);
    assert_eq!(f.content_type, "image/png");
    assert_eq!(f.name, "shot.png");
}

#[test]
fn a_mail_without_message_id_gets_a_stable_one() {
    let a = mail("no_message_id.eml");
    let b = mail("no_message_id.eml");
    assert!(a.message_id.ends_with("@no-message-id.invalid"));
    assert_eq!(a.message_id, b.message_id);
    assert_eq!(a.text, "Hello without id");
}

#[test]
fn what_is_not_mail_is_refused() {
    assert_eq!(parse(b""), Err(ParseError::NotMail));
    assert_eq!(parse(b"Subject: hi\r\n\r\nbody"), Err(ParseError::NoSender));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn arbitrary_bytes_never_panic(raw in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let _ = parse(&raw);
    }

    #[test]
    fn mail_shaped_bytes_never_panic(
        headers in proptest::collection::vec(
            ("(From|To|Subject|Message-ID|In-Reply-To|References|Content-Type|Auto-Submitted|Return-Path)", "[ -~]{0,60}"),
            0..8,
        ),
        body in "(?s).{0,400}",
    ) {
        let mut raw = String::new();
        for (k, v) in headers {
            raw.push_str(&format!("{k}: {v}\r\n"));
        }
        raw.push_str("\r\n");
        raw.push_str(&body);
        if let Ok(m) = parse(raw.as_bytes()) {
            prop_assert!(!m.message_id.is_empty());
            prop_assert!(!m.from.is_empty());
        }
    }

    #[test]
    fn trimming_never_panics_and_never_empties(text in "(?s).{0,400}") {
        let shown = trim::visible(&text);
        prop_assert!(shown.is_empty() == text.trim().is_empty());
    }
}
