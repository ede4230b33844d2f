use super::*;

const OUR_APP: u64 = 1517776481860111;

/// What a message event says, with names instead of ids.
#[derive(Debug, PartialEq)]
struct Seen {
    at_ms: i64,
    conversation: String,
    sender: Sender,
    agent: Option<String>,
    mid: String,
}

fn read(lines: &[&str]) -> Result<Vec<Seen>, String> {
    let mut reader = CaptureReader::new(Some(OUR_APP));
    let mut log = EventLog::new();
    for (i, line) in lines.iter().enumerate() {
        reader
            .push_line(&mut log, i + 1, line.as_bytes())
            .map_err(|e| e.to_string())?;
    }
    let stream = log.into_stream();
    Ok(stream
        .events()
        .iter()
        .map(|e| match e.kind {
            EventKind::Message {
                conversation,
                sender,
                agent,
                id,
            } => Seen {
                at_ms: e.at.micros() / 1000,
                conversation: stream.conversation_name(conversation).to_owned(),
                sender,
                agent: agent.map(|a| stream.agent_name(a).to_owned()),
                mid: stream
                    .message_id(id.expect("every message has its mid"))
                    .to_owned(),
            },
            other => panic!("unexpected event {other:?}"),
        })
        .collect())
}

/// A body with `events` in `messaging` of one Page entry.
fn page(events: &[String]) -> String {
    format!(
        r#"{{"object":"page","entry":[{{"id":"PAGE","time":1458692752478,"messaging":[{}]}}]}}"#,
        events.join(",")
    )
}

fn customer(mid: &str, ts: i64) -> String {
    format!(
        r#"{{"sender":{{"id":"PSID"}},"recipient":{{"id":"PAGE"}},"timestamp":{ts},"message":{{"mid":"{mid}","text":"hello, world!"}}}}"#
    )
}

/// An echo; `extra` goes into the message object (app id, metadata).
fn echo(mid: &str, extra: &str) -> String {
    format!(
        r#"{{"sender":{{"id":"PAGE"}},"recipient":{{"id":"PSID"}},"timestamp":1457764197627,"message":{{"is_echo":true,{extra}"mid":"{mid}","text":"hello, world!"}}}}"#
    )
}

fn seen(at_ms: i64, sender: Sender, agent: Option<&str>, mid: &str) -> Seen {
    Seen {
        at_ms,
        conversation: "PSID".to_owned(),
        sender,
        agent: agent.map(str::to_owned),
        mid: mid.to_owned(),
    }
}

fn business(author: Author, agent: Option<&str>, mid: &str) -> Seen {
    seen(1457764197627, Sender::Business(author), agent, mid)
}

#[test]
fn reads_a_customer_message() {
    let got = read(&[&page(&[customer("m_1", 1458692752478)])]).unwrap();
    assert_eq!(got, [seen(1458692752478, Sender::Customer, None, "m_1")]);
}

#[test]
fn tells_authors_of_echoes_apart_by_app() {
    let ours = SendMetadata {
        author: Author::Agent,
        agent: Some("ana".to_owned()),
        message: Some("msg_1".to_owned()),
    };
    let ours = serde_json::to_string(&ours.encode()).unwrap();
    let automation = serde_json::to_string(
        &SendMetadata {
            author: Author::Automation,
            agent: None,
            message: None,
        }
        .encode(),
    )
    .unwrap();
    let lines = [
        page(&[echo("e1", r#""app_id":263902037430900,"#)]),
        page(&[echo(
            "e2",
            &format!(r#""app_id":{OUR_APP},"metadata":{ours},"#),
        )]),
        page(&[echo(
            "e3",
            &format!(r#""app_id":{OUR_APP},"metadata":{automation},"#),
        )]),
        page(&[echo(
            "e4",
            &format!(r#""app_id":{OUR_APP},"metadata":"<STRING>","#),
        )]),
        page(&[echo("e5", &format!(r#""app_id":{OUR_APP},"#))]),
        page(&[echo("e6", r#""app_id":999,"metadata":"<STRING>","#)]),
        page(&[echo("e7", "")]),
        page(&[echo("e8", r#""app_id":"263902037430900","#)]),
    ];
    let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
    assert_eq!(
        read(&lines).unwrap(),
        [
            business(Author::Agent, None, "e1"),
            business(Author::Agent, Some("ana"), "e2"),
            business(Author::Automation, None, "e3"),
            business(Author::Bot, None, "e4"),
            business(Author::Bot, None, "e5"),
            business(Author::Bot, None, "e6"),
            business(Author::Agent, None, "e7"),
            business(Author::Agent, None, "e8"),
        ]
    );
}

#[test]
fn metadata_counts_only_on_our_own_echoes() {
    let meta = serde_json::to_string(
        &SendMetadata {
            author: Author::Agent,
            agent: Some("ana".to_owned()),
            message: None,
        }
        .encode(),
    )
    .unwrap();
    let line = page(&[echo(
        "e",
        &format!(r#""app_id":{OUR_APP},"metadata":{meta},"#),
    )]);
    let mut log = EventLog::new();
    CaptureReader::new(None)
        .push_line(&mut log, 1, line.as_bytes())
        .unwrap();
    let stream = log.into_stream();
    assert!(matches!(
        stream.events()[0].kind,
        EventKind::Message {
            sender: Sender::Business(Author::Bot),
            agent: None,
            ..
        }
    ));
}

#[test]
fn skips_duplicate_mids_across_and_within_lines() {
    let first = page(&[customer("m_1", 1), customer("m_1", 1), customer("m_2", 2)]);
    let retry = page(&[customer("m_2", 2), customer("m_3", 3)]);
    let got = read(&[&first, &retry, &first]).unwrap();
    let mids: Vec<&str> = got.iter().map(|s| s.mid.as_str()).collect();
    assert_eq!(mids, ["m_1", "m_2", "m_3"]);
}

#[test]
fn reads_standby_events_and_several_entries() {
    let line = format!(
        r#"{{"object":"page","entry":[{{"id":"PAGE","time":1,"standby":[{}]}},{{"id":"PAGE","time":1,"messaging":[{}]}}]}}"#,
        customer("s_1", 5),
        echo("e_1", r#""app_id":263902037430900,"#),
    );
    let got = read(&[&line]).unwrap();
    assert_eq!(
        got,
        // The stream is in time order, so the standby message (at 5 ms) is first.
        [
            seen(5, Sender::Customer, None, "s_1"),
            business(Author::Agent, None, "e_1"),
        ]
    );
}

#[test]
fn reads_instagram_messages_and_echoes() {
    let line = r#"{"object":"instagram","entry":[{"id":"IG","time":1569262486134,"messaging":[
        {"sender":{"id":"IGSID"},"recipient":{"id":"IG"},"timestamp":1569262485349,"message":{"mid":"i1","text":"Hi","reply_to":{"story":{"url":"<CDN_URL>","id":"S"}}}},
        {"sender":{"id":"IG"},"recipient":{"id":"IGSID"},"timestamp":1569262490000,"message":{"mid":"i2","text":"Hello","is_echo":true}},
        {"sender":{"id":"IGSID"},"recipient":{"id":"IG"},"timestamp":1569262495000,"message":{"mid":"i1","is_deleted":true}}]}]}"#;
    let got = read(&["", line.replace('\n', " ").as_str()]).unwrap();
    let summary: Vec<_> = got
        .iter()
        .map(|s| (s.conversation.as_str(), s.sender, s.mid.as_str()))
        .collect();
    assert_eq!(
        summary,
        [
            ("IGSID", Sender::Customer, "i1"),
            ("IGSID", Sender::Business(Author::Agent), "i2"),
        ]
    );
}

#[test]
fn ignores_other_event_kinds_and_blank_lines() {
    let others = [
        r#"{"sender":{"id":"PSID"},"recipient":{"id":"PAGE"},"timestamp":1,"read":{"watermark":1458668856253}}"#,
        r#"{"sender":{"id":"PSID"},"recipient":{"id":"PAGE"},"timestamp":1,"delivery":{"mids":["m"],"watermark":1}}"#,
        r#"{"sender":{"id":"PSID"},"recipient":{"id":"PAGE"},"timestamp":1,"reaction":{"reaction":"love","action":"react","mid":"m"}}"#,
        r#"{"sender":{"id":"PSID"},"recipient":{"id":"PAGE"},"timestamp":1,"postback":{"title":"T","payload":"P"}}"#,
        r#"{"sender":{"id":"PSID"},"recipient":{"id":"PAGE"},"timestamp":1,"message_edit":{"mid":"m","text":"t","num_edit":1}}"#,
        r#"{"sender":{"id":"PSID"},"recipient":{"id":"PAGE"},"timestamp":1,"pass_thread_control":{"new_owner_app_id":"1"}}"#,
        r#"{"field":"messaging_postbacks","value":{"timestamp":"1527459824"}}"#,
        // Malformed, but not a message: not this reader's concern.
        r#"{"sender":{"id":"PSID"},"timestamp":"1","read":{"watermark":"x"}}"#,
    ];
    let others: Vec<String> = others.iter().map(|s| (*s).to_owned()).collect();
    let got = read(&["", " \t", &page(&others), r#"{"object":"page","entry":[]}"#]).unwrap();
    assert!(got.is_empty());
}

#[test]
fn says_what_is_wrong_and_where() {
    let envelope = |event: &str| page(&[customer("ok", 1), event.to_owned()]);
    let cases = [
        (
            "{not json".to_owned(),
            "line 3: not valid JSON: key must be a string at column 2",
        ),
        (
            r#"{"object":"user","entry":[]}"#.to_owned(),
            "line 3: \"object\" is \"user\", expected page or instagram",
        ),
        (
            envelope(r#"{"recipient":{"id":"PAGE"},"timestamp":1,"message":{"mid":"m"}}"#),
            "line 3: entry 0, messaging 1: message without a sender",
        ),
        (
            envelope(
                r#"{"sender":{"user_ref":"U"},"recipient":{"id":"PAGE"},"timestamp":1,"message":{"mid":"m"}}"#,
            ),
            "line 3: entry 0, messaging 1: message whose sender has no id",
        ),
        (
            envelope(r#"{"sender":{"id":"PSID"},"timestamp":1,"message":{"mid":"m"}}"#),
            "line 3: entry 0, messaging 1: message without a recipient",
        ),
        (
            envelope(r#"{"sender":{"id":"PSID"},"recipient":{"id":"PAGE"},"message":{"mid":"m"}}"#),
            "line 3: entry 0, messaging 1: message without a timestamp",
        ),
        (
            envelope(
                r#"{"sender":{"id":"PSID"},"recipient":{"id":"PAGE"},"timestamp":1,"message":{"text":"hi"}}"#,
            ),
            "line 3: entry 0, messaging 1: message without a mid",
        ),
        (
            envelope(
                r#"{"sender":{"id":"PSID"},"recipient":{"id":"PAGE"},"timestamp":1,"message":{"mid":"m","text":5}}"#,
            ),
            "line 3: entry 0, messaging 1: malformed message event: \"message.text\": invalid type: integer `5`, expected a string",
        ),
        (
            envelope(
                r#"{"sender":{"id":"PSID"},"recipient":{"id":"PAGE"},"timestamp":"1","message":{"mid":"m"}}"#,
            ),
            "line 3: entry 0, messaging 1: malformed message event: \"timestamp\": invalid type: string \"1\", expected i64",
        ),
        (
            r#"{"object":"page","entry":[{},{"standby":[{"message":{"mid":"m"}}]}]}"#.to_owned(),
            "line 3: entry 1, standby 0: message without a sender",
        ),
    ];
    for (line, expected) in cases {
        let mut reader = CaptureReader::new(None);
        let mut log = EventLog::new();
        let err = reader.push_line(&mut log, 3, line.as_bytes()).unwrap_err();
        assert_eq!(err.line, 3);
        assert_eq!(err.to_string(), expected);
        // A bad line adds nothing, not even the good event before the bad one.
        assert!(log.is_empty(), "{line}");
    }
}

#[test]
fn a_bad_line_does_not_mark_its_mids_as_seen() {
    let bad = page(&[
        customer("m_1", 1),
        r#"{"sender":{"id":"PSID"},"message":{"mid":"m_2"}}"#.to_owned(),
    ]);
    let good = page(&[customer("m_1", 1)]);
    let mut reader = CaptureReader::new(None);
    let mut log = EventLog::new();
    assert!(reader.push_line(&mut log, 1, bad.as_bytes()).is_err());
    reader.push_line(&mut log, 2, good.as_bytes()).unwrap();
    assert_eq!(log.len(), 1);
}
