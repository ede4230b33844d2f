//! Text a backend cannot store (U+0000, which PostgreSQL refuses) is stored with
//! U+FFFD in its place, whatever channel it comes through; and a webhook body that
//! keeps failing goes to the dead letters after a bounded number of attempts,
//! without holding back the events in it or the bodies after it. On SQLite, and on
//! PostgreSQL when `PRONTO_TEST_DATABASE_URL` is set.

use axum::http::StatusCode;
use pronto_server::meta::{MAX_ATTEMPTS, Processed, process_next, retry_wait};
use pronto_store::Backend;
use pronto_store::testing::{self, TestDb};
use serde_json::{Value, json};

use crate::meta::{MS0, body, customer, drain, messenger_channel, post_signed};
use crate::support::{Client, Receiver, TestApp, api_channel};

async fn texts(admin: &Client, conversation: &Value) -> Vec<String> {
    let (_, c) = admin
        .get(&format!("/api/v1/conversations/{conversation}"))
        .await;
    c["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["text"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn a_nul_is_stored_as_the_replacement_character_on_every_channel() {
    for db in testing::backends().await {
        nul_everywhere(db).await;
    }
}

async fn nul_everywhere(db: TestDb) {
    let app = TestApp::start(db.url.clone(), Some(db), false).await;
    let admin = app.admin().await;

    // Meta: a signed body holding [A, a text with U+0000, C].
    let (channel, _) = messenger_channel(&app, &admin).await;
    let events = [
        customer("psid-1", MS0, "m-a", "A"),
        customer("psid-1", MS0 + 1, "m-nul", "before\u{0}after"),
        customer("psid-1", MS0 + 2, "m-c", "C"),
    ];
    let signed = body(&events);
    assert!(signed.contains(r"\u0000"), "{signed}");
    assert_eq!(post_signed(&app, channel, &signed).await, StatusCode::OK);
    assert_eq!(drain(&app).await, vec![Processed::Done(3)]);
    assert_eq!(app.state.store.unprocessed_webhooks().await.unwrap(), 0);
    let (_, list) = admin.get("/api/v1/conversations").await;
    let conversation = &list["items"][0]["id"];
    assert_eq!(
        texts(&admin, conversation).await,
        vec!["A", "before\u{FFFD}after", "C"]
    );

    // The API channel: the message, the contact's name, and an agent's note.
    let receiver = Receiver::spawn(vec![]).await;
    let api = api_channel(&admin, &receiver).await;
    let (status, m) = admin
        .post(
            &format!("/api/v1/channels/{api}/inbound"),
            json!({"message_id": "x1", "contact_id": "c\u{0}1", "contact_name": "Ma\u{0}rie", "text": "hi\u{0}there"}),
        )
        .await;
    assert!(status.is_success(), "{status}: {m}");
    assert_eq!(m["text"], "hi\u{FFFD}there");
    let id = m["conversation_id"].clone();
    let (status, note) = admin
        .post(
            &format!("/api/v1/conversations/{id}/notes"),
            json!({"text": "call\u{0}back"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{note}");
    let (_, c) = admin.get(&format!("/api/v1/conversations/{id}")).await;
    assert_eq!(c["messages"][0]["text"], "hi\u{FFFD}there", "{c}");
    assert_eq!(c["notes"][0]["text"], "call\u{FFFD}back", "{c}");
    assert!(
        c.to_string().contains("Ma\u{FFFD}rie"),
        "the contact's name: {c}"
    );
}

/// Makes the store refuse messages whose text is `poison`, as a broken database
/// or a bug would: a failure that is not the body's fault and does not go away.
pub(crate) async fn refuse_poison(app: &TestApp) {
    let pool = app.state.store.pool();
    let statements: &[&str] = match app.state.store.backend() {
        Backend::Sqlite => &["CREATE TRIGGER refuse_poison BEFORE INSERT ON messages
             WHEN NEW.text = 'poison' BEGIN SELECT RAISE(ABORT, 'poison refused'); END"],
        Backend::Postgres => &[
            "CREATE FUNCTION refuse_poison() RETURNS trigger AS $$
             BEGIN
               IF NEW.text = 'poison' THEN RAISE EXCEPTION 'poison refused'; END IF;
               RETURN NEW;
             END $$ LANGUAGE plpgsql",
            "CREATE TRIGGER refuse_poison BEFORE INSERT ON messages
             FOR EACH ROW EXECUTE FUNCTION refuse_poison()",
        ],
    };
    for sql in statements {
        sqlx::query(sql).execute(pool).await.unwrap();
    }
}

#[tokio::test]
async fn a_body_that_keeps_failing_ends_in_the_dead_letters_without_holding_back_the_rest() {
    for db in testing::backends().await {
        keeps_failing(db).await;
    }
}

async fn keeps_failing(db: TestDb) {
    let app = TestApp::start(db.url.clone(), Some(db), false).await;
    let admin = app.admin().await;
    let (channel, _) = messenger_channel(&app, &admin).await;
    refuse_poison(&app).await;
    let poisoned = body(&[
        customer("psid-1", MS0, "m-a", "A"),
        customer("psid-1", MS0 + 1, "m-p", "poison"),
        customer("psid-1", MS0 + 2, "m-c", "C"),
    ]);
    assert_eq!(post_signed(&app, channel, &poisoned).await, StatusCode::OK);
    // The good events are stored; the body waits for its next attempt.
    let first = drain(&app).await;
    assert!(
        matches!(first.as_slice(), [Processed::Retrying(2, _)]),
        "{first:?}"
    );
    // A later body is not held back.
    let later = body(&[customer("psid-1", MS0 + 3, "m-d", "D")]);
    assert_eq!(post_signed(&app, channel, &later).await, StatusCode::OK);
    assert_eq!(drain(&app).await, vec![Processed::Done(1)]);

    // Each attempt fails again, until the last sends it to the dead letters.
    for attempt in 1..MAX_ATTEMPTS {
        app.advance(retry_wait(attempt));
        let step = process_next(&app.state).await.unwrap();
        if attempt + 1 < MAX_ATTEMPTS {
            assert!(matches!(step, Processed::Retrying(0, _)), "{step:?}");
        } else {
            assert!(
                matches!(&step, Processed::DeadLetter(r) if r.contains("poison refused")),
                "{step:?}"
            );
        }
    }
    app.advance(retry_wait(MAX_ATTEMPTS) * 10);
    assert_eq!(process_next(&app.state).await.unwrap(), Processed::Idle);
    assert_eq!(app.state.store.unprocessed_webhooks().await.unwrap(), 0);
    let (status, letters) = admin
        .get(&format!("/api/v1/channels/{channel}/dead-letters"))
        .await;
    assert_eq!(status, StatusCode::OK, "{letters}");
    assert_eq!(letters.as_array().unwrap().len(), 1, "{letters}");
    let reason = letters[0]["error"].as_str().unwrap();
    assert!(
        reason.starts_with(&format!("failed {MAX_ATTEMPTS} times")) && reason.contains("event 1"),
        "{reason}"
    );
    let (_, list) = admin.get("/api/v1/conversations").await;
    assert_eq!(
        texts(&admin, &list["items"][0]["id"]).await,
        vec!["A", "C", "D"]
    );
}
