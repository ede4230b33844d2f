use serde_json::json;

use super::*;

#[test]
fn meta_offsets_without_a_colon_are_read() {
    let a = parse_time("2022-07-12T19:11:07+0000").unwrap();
    assert_eq!(a, parse_time("2022-07-12T19:11:07Z").unwrap());
    assert_eq!(a, parse_time("2022-07-12T19:11:07+00:00").unwrap());
    assert_eq!(a, parse_time("2022-07-12T21:11:07+0200").unwrap());
    assert_eq!(a, parse_time("2022-07-12T17:11:07-0200").unwrap());
    assert!(parse_time("2022-07-12 19:11").is_err());
    assert!(parse_time("+0000").is_err());
}

#[test]
fn messages_are_read_or_say_what_is_wrong() {
    let m = parse_message(
        &json!({"id": "m1", "created_time": "2022-07-12T19:11:07+0000",
        "from": {"id": "1", "username": "kitty"}, "to": {"data": [{"id": "2", "name": "Page"}]},
        "message": "Hi"}),
    )
    .unwrap();
    assert_eq!(m.from.name.as_deref(), Some("kitty"));
    assert_eq!(m.to.unwrap().id, "2");
    assert_eq!(m.text, "Hi");
    let sticker = parse_message(
        &json!({"id": "m2", "created_time": "2022-07-12T19:11:07Z", "from": {"id": "1"}}),
    );
    assert_eq!(sticker.unwrap().text, "");
    assert_eq!(
        parse_message(&json!({"id": "m3"})),
        Err(MessageError::NoDetails("m3".into()))
    );
    assert_eq!(
        parse_message(&json!({"message": "x"})),
        Err(MessageError::NoId)
    );
    let bad = parse_message(&json!({"id": "m4", "created_time": "yesterday", "from": {"id": "1"}}));
    assert!(
        matches!(bad, Err(MessageError::Bad { ref id, .. }) if id == "m4"),
        "{bad:?}"
    );
    let no_from = parse_message(&json!({"id": "m5", "created_time": "2022-07-12T19:11:07Z"}));
    assert!(
        matches!(no_from, Err(MessageError::Bad { ref reason, .. }) if reason.contains("from"))
    );
}

#[test]
fn exports_in_every_shape_keep_the_good_parts() {
    let page = json!({"data": [{"id": "t_1"}], "paging": {"cursors": {"after": "A"}, "next": "http://x/next"}});
    let (pages, errors) = parse_export(&page.to_string());
    assert_eq!((pages.len(), errors.len()), (1, 0));
    assert_eq!(Paging::of(&pages[0]).after.as_deref(), Some("A"));
    let (pages, _) = parse_export(&json!([page, page]).to_string());
    assert_eq!(pages.len(), 2);
    let lines = format!("{page}\n\n{{broken\n{page}\n{{\"error\": 1}}\n");
    let (pages, errors) = parse_export(&lines);
    assert_eq!(pages.len(), 2);
    assert_eq!(errors.iter().map(|e| e.line).collect::<Vec<_>>(), [3, 5]);
    let (pages, errors) = parse_export("{nope");
    assert!(pages.is_empty() && errors.len() == 1);
}

#[test]
fn the_customer_is_the_participant_that_is_not_the_page() {
    let c = Conversation::of(
        &json!({"id": "t_1", "updated_time": "2022-07-12T19:11:07+0000",
        "participants": {"data": [{"id": "P", "name": "Shop"}, {"id": "C", "name": "Ana"}]},
        "messages": {"data": [], "paging": {"next": "http://x"}}}),
    )
    .unwrap();
    assert_eq!(
        c.customer(&[], |id| id == "P").unwrap().name.as_deref(),
        Some("Ana")
    );
    assert!(c.raw_messages.is_some() && c.messages_paging.next.is_some());
    let bare = Conversation::of(&json!({"id": "t_2"})).unwrap();
    assert!(bare.raw_messages.is_none());
    let reply = HistoryMessage {
        id: "m".into(),
        at: Timestamp::from_micros(0),
        from: Party {
            id: "P".into(),
            name: None,
        },
        to: Some(Party {
            id: "C".into(),
            name: None,
        }),
        text: String::new(),
    };
    assert_eq!(bare.customer(&[reply], |id| id == "P").unwrap().id, "C");
}

#[test]
fn messages_come_out_oldest_first() {
    let m = |id: &str, at: i64| HistoryMessage {
        id: id.into(),
        at: Timestamp::from_micros(at),
        from: Party {
            id: "C".into(),
            name: None,
        },
        to: None,
        text: String::new(),
    };
    let out = oldest_first(vec![m("c", 3), m("b2", 2), m("b1", 2), m("a", 1)]);
    assert_eq!(
        out.iter().map(|m| m.id.as_str()).collect::<Vec<_>>(),
        ["a", "b1", "b2", "c"]
    );
}
