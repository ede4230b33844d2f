//! The automations' decisions, and their messages as the engine sees them.

use pronto_core::automation::{
    Automation, Decision, Facts, KeywordRules, Outgoing, Skip, away_message, instant_reply,
    keyword_reply, words,
};
use pronto_core::hours::{Schedule, ScheduleSpec, Zone};
use pronto_core::presence::{AwayReason, ManualAway};
use pronto_core::template::{Template, TemplateError, Texts, Values, Variable, validate_template};
use pronto_core::time::{DAY, HOUR, MICROS_PER_SECOND, MINUTE};
use pronto_core::{
    Analysis, Author, Event, EventKind, EventLog, LiveEngine, Sender, Settings, Timestamp,
};

fn ts(s: &str) -> Timestamp {
    Timestamp::parse(s).unwrap()
}

fn paris_office() -> Schedule {
    let spec: ScheduleSpec = serde_json::from_str(
        r#"{"timezone":"Europe/Paris","weekly":{
            "monday":["09:00-18:00"],"tuesday":["09:00-18:00"],"wednesday":["09:00-18:00"],
            "thursday":["09:00-18:00"],"friday":["09:00-12:00","14:00-18:00"]}}"#,
    )
    .unwrap();
    Schedule::parse(&spec).unwrap()
}

fn sent(d: Decision) -> Outgoing {
    match d {
        Decision::Send(o) => o,
        other => panic!("expected a message, got {other:?}"),
    }
}

fn skipped(d: Decision) -> Skip {
    match d {
        Decision::Skip(s) => s,
        other => panic!("expected a skip, got {other:?}"),
    }
}

#[test]
fn instant_reply_once_per_opportunity() {
    let t: Texts =
        validate_template("Hi {first_name}! We're open {hours} today; expect an answer in {wait}.")
            .unwrap()
            .into();
    let s = paris_office();
    let at = ts("2026-03-27T09:00:00Z"); // Friday 10:00 in Paris
    let mut facts = Facts {
        message_at: at,
        first_name: Some("Léa".into()),
        expected_wait: Some(12 * MINUTE),
        ..Default::default()
    };
    let first = sent(instant_reply(&t, &facts, Some(&s), at));
    assert_eq!(first.automation, Automation::InstantReply);
    assert_eq!(first.author(), Author::Automation);
    assert_eq!(
        first.text,
        "Hi Léa! We're open 09:00–12:00, 14:00–18:00 today; expect an answer in about 12 minutes."
    );
    // A retried job after the reply went: not twice for the same opportunity.
    facts.instant_reply_at = Some(at.add_micros(MICROS_PER_SECOND));
    assert_eq!(
        skipped(instant_reply(
            &t,
            &facts,
            Some(&s),
            at.add_micros(2 * MICROS_PER_SECOND)
        )),
        Skip::InstantReplySent {
            at: at.add_micros(MICROS_PER_SECOND)
        }
    );
    // The customer's next message, a minute later, is not a new opportunity.
    let next = Facts {
        message_at: at.add_micros(MINUTE),
        previous_message_at: facts.instant_reply_at,
        instant_reply_at: facts.instant_reply_at,
        ..Default::default()
    };
    let skip = skipped(instant_reply(&t, &next, Some(&s), next.message_at));
    assert_eq!(skip.code(), "not_new_opportunity");
    // After 24 h of silence, a new opportunity gets its own instant reply.
    let later = Facts {
        message_at: at.add_micros(DAY + MINUTE),
        previous_message_at: Some(at.add_micros(MINUTE)),
        instant_reply_at: facts.instant_reply_at,
        ..Default::default()
    };
    let again = sent(instant_reply(&t, &later, None, later.message_at));
    assert_eq!(again.text, "Hi! We're open today; expect an answer in.");
}

#[test]
fn away_message_not_repeated_within_a_day() {
    let t: Texts = validate_template("Thanks {first_name}, we're away. We'll be back {back_at}.")
        .unwrap()
        .into();
    let s = paris_office();
    let now = ts("2026-03-27T18:00:00Z"); // Friday 19:00 in Paris: closed
    let mut facts = Facts {
        message_at: now,
        first_name: Some("Sam".into()),
        ..Default::default()
    };
    let msg = sent(away_message(&t, &facts, Some(&s), None, now));
    assert_eq!(
        msg.text,
        "Thanks Sam, we're away. We'll be back Monday at 09:00."
    );
    assert_eq!(
        msg.automation,
        Automation::AwayMessage {
            reason: AwayReason::OutsideHours
        }
    );
    assert_eq!(msg.author(), Author::Automation);
    // The customer's zone, when known.
    facts.customer_zone = Some(Zone::parse("America/New_York").unwrap());
    let msg = sent(away_message(&t, &facts, Some(&s), None, now));
    assert_eq!(
        msg.text,
        "Thanks Sam, we're away. We'll be back Monday at 03:00."
    );
    assert_eq!(msg.back_at.unwrap().zone, "America/New_York");
    // Sent 23 h 59 min ago: not again; 24 h ago: again.
    let sunday = now.add_micros(DAY);
    facts.away_message_at = Some(now.add_micros(MINUTE));
    assert_eq!(
        skipped(away_message(&t, &facts, Some(&s), None, sunday)),
        Skip::AwayMessageSent {
            at: now.add_micros(MINUTE),
            next_allowed: sunday.add_micros(MINUTE)
        }
    );
    facts.away_message_at = Some(now);
    assert!(matches!(
        away_message(&t, &facts, Some(&s), None, sunday),
        Decision::Send(_)
    ));
    // Open and not away: nothing.
    let monday = ts("2026-03-30T08:00:00Z");
    assert_eq!(
        skipped(away_message(&t, &facts, Some(&s), None, monday)),
        Skip::ChannelAvailable
    );
}

#[test]
fn away_message_waits_5_minutes_after_an_agent_reply() {
    let t: Texts = validate_template("Away until {back_at}").unwrap().into();
    let set = ts("2026-03-30T08:00:00Z"); // Monday 10:00 in Paris, open
    let manual = Some(ManualAway::new(set));
    let now = set.add_micros(HOUR);
    let mut facts = Facts {
        message_at: now,
        agent_reply_at: Some(now.add_micros(-4 * MINUTE)),
        ..Default::default()
    };
    assert_eq!(
        skipped(away_message(&t, &facts, None, manual, now)),
        Skip::AgentReplied {
            at: now.add_micros(-4 * MINUTE)
        }
    );
    facts.agent_reply_at = Some(now.add_micros(-5 * MINUTE));
    let msg = sent(away_message(&t, &facts, None, manual, now));
    assert_eq!(
        msg.automation,
        Automation::AwayMessage {
            reason: AwayReason::Manual
        }
    );
    // Without hours, back when the manual away ends (12 h), rendered in UTC.
    assert_eq!(msg.text, "Away until today at 20:00");
    // With hours: the manual away ends at 20:00 UTC, after closing, so back Tuesday.
    let s = paris_office();
    assert_eq!(
        sent(away_message(&t, &facts, Some(&s), manual, now)).text,
        "Away until tomorrow at 09:00"
    );
    // 12 hours after it was set, the manual away is over.
    let open_day = Facts {
        message_at: set.add_micros(24 * HOUR),
        ..Default::default()
    };
    assert_eq!(
        skipped(away_message(
            &t,
            &open_day,
            Some(&s),
            manual,
            open_day.message_at
        )),
        Skip::ChannelAvailable
    );
}

fn faq() -> KeywordRules {
    let mut rules = KeywordRules::new(2);
    rules
        .add(
            &["opening hours", "horaires", "orari"],
            Template::parse("We're open {hours} today.").unwrap(),
        )
        .unwrap();
    rules
        .add(
            &["livraison", "expédition", "spedizione", "shipping"],
            Template::parse("Shipping takes 2 days.").unwrap(),
        )
        .unwrap();
    rules
        .add(
            &["return", "retour", "reso"],
            Template::parse("Returns are free.").unwrap(),
        )
        .unwrap();
    rules
}

fn keyword_of(d: Decision) -> Option<String> {
    match d {
        Decision::Send(Outgoing {
            automation: Automation::KeywordReply { keyword, .. },
            ..
        }) => Some(keyword),
        Decision::Skip(Skip::NoKeyword) => None,
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn keywords_match_whole_words_ignoring_case_accents_and_punctuation() {
    let rules = faq();
    let facts = Facts::default();
    let now = ts("2026-03-27T09:00:00Z");
    let kw = |text: &str| keyword_of(keyword_reply(&rules, text, &facts, None, now));
    assert_eq!(kw("Quand arrive ma LIVRAISON ?"), Some("livraison".into()));
    assert_eq!(kw("Spedizione?!"), Some("spedizione".into()));
    assert_eq!(kw("date d'expédition"), Some("expédition".into()));
    assert_eq!(kw("date d'expedition"), Some("expédition".into()));
    // The same word with a decomposed accent (e + U+0301).
    assert_eq!(kw("Expe\u{301}dition"), Some("expédition".into()));
    assert_eq!(
        kw("what are your opening   hours?"),
        Some("opening hours".into())
    );
    assert_eq!(kw("(return)"), Some("return".into()));
    assert_eq!(kw("I'm returning a gift"), None);
    assert_eq!(kw("returns"), None);
    assert_eq!(kw("hours opening"), None);
    assert_eq!(kw("livraisons"), None);
    assert_eq!(kw(""), None);
    // The first rule in order wins.
    assert_eq!(kw("horaires et livraison"), Some("horaires".into()));
    assert_eq!(
        words("L'ÉTÉ, à Montréal: 20°C!"),
        ["l", "ete", "a", "montreal", "20", "c"]
    );
}

#[test]
fn keyword_replies_are_limited_per_conversation() {
    let rules = faq();
    let s = paris_office();
    let now = ts("2026-03-27T09:00:00Z");
    let mut facts = Facts {
        keyword_replies: 1,
        ..Default::default()
    };
    let msg = sent(keyword_reply(&rules, "horaires ?", &facts, Some(&s), now));
    assert_eq!(msg.text, "We're open 09:00–12:00, 14:00–18:00 today.");
    assert_eq!(msg.author(), Author::Automation);
    facts.keyword_replies = 2;
    assert_eq!(
        skipped(keyword_reply(&rules, "horaires ?", &facts, Some(&s), now)),
        Skip::KeywordLimit { limit: 2 }
    );
}

#[test]
fn asking_for_a_person_hands_over() {
    let mut rules = faq();
    let facts = Facts {
        keyword_replies: 5,
        ..Default::default()
    };
    let now = ts("2026-03-27T09:00:00Z");
    let word =
        |rules: &KeywordRules, text: &str| match keyword_reply(rules, text, &facts, None, now) {
            Decision::HandOver { word } => Some(word),
            _ => None,
        };
    assert_eq!(
        word(&rules, "Je veux parler à un CONSEILLER pour ma livraison"),
        Some("conseiller".into())
    );
    assert_eq!(word(&rules, "a human, please!"), Some("human".into()));
    assert_eq!(
        word(&rules, "Vorrei un operatore"),
        Some("operatore".into())
    );
    assert_eq!(word(&rules, "humanity"), None);
    rules
        .set_handover_words(&["real person", "mensch"])
        .unwrap();
    assert_eq!(word(&rules, "a human, please!"), None);
    assert_eq!(word(&rules, "a REAL person"), Some("real person".into()));
    assert!(rules.set_handover_words(&["?!"]).is_err());
    rules.set_handover_words(&[]).unwrap();
    assert_eq!(word(&rules, "a real person"), None);
}

#[test]
fn templates_refuse_unknown_variables_when_saved() {
    assert_eq!(
        validate_template("Hello {firstname}!"),
        Err(TemplateError::UnknownVariable {
            name: "firstname".into(),
            position: 7
        })
    );
    assert_eq!(
        validate_template("Hello {first_name}!")
            .unwrap()
            .variables()
            .collect::<Vec<_>>(),
        vec![Variable::FirstName]
    );
    assert_eq!(
        validate_template("Hé {first_name"),
        Err(TemplateError::Unclosed { position: 4 })
    );
    assert_eq!(
        validate_template("a } b"),
        Err(TemplateError::Unmatched { position: 3 })
    );
    assert_eq!(validate_template("  "), Err(TemplateError::Empty));
    assert!(
        validate_template("{nope}")
            .unwrap_err()
            .to_string()
            .contains("{first_name}, {hours}, {wait} and {back_at}")
    );
    let t = validate_template("{{literal}} {wait}, {first_name} (ok)").unwrap();
    let values = Values {
        wait: Some(90 * MINUTE),
        first_name: Some(" Ana ".into()),
        ..Default::default()
    };
    assert_eq!(t.render(&values), "{literal} about 2 hours, Ana (ok)");
    assert_eq!(t.render(&Values::default()), "{literal}, (ok)");
    let w = |us: i64| {
        Template::parse("{wait}").unwrap().render(&Values {
            wait: Some(us),
            ..Default::default()
        })
    };
    assert_eq!(w(30 * MICROS_PER_SECOND), "less than a minute");
    assert_eq!(w(MINUTE), "about 1 minute");
    assert_eq!(w(61 * MICROS_PER_SECOND), "about 2 minutes");
    assert_eq!(w(3 * DAY), "about 3 days");
}

/// Customer at 0, the instant reply 1 second later, an agent 10 minutes later: the
/// response time is 10 minutes, since the automated reply is not a response.
#[test]
fn the_engine_does_not_count_an_instant_reply() {
    let t: Texts = validate_template("Thanks, we'll answer in {wait}.")
        .unwrap()
        .into();
    let at = ts("2026-03-01T09:00:00Z");
    let reply_at = at.add_micros(MICROS_PER_SECOND);
    let facts = Facts {
        message_at: at,
        expected_wait: Some(10 * MINUTE),
        ..Default::default()
    };
    let reply = sent(instant_reply(&t, &facts, None, reply_at));
    let mut log = EventLog::new();
    let c = log.conversation("c1");
    let message = |at: Timestamp, sender: Sender| Event {
        at,
        kind: EventKind::Message {
            conversation: c,
            sender,
            agent: None,
            id: None,
        },
    };
    log.push(message(at, Sender::Customer));
    log.push(message(reply_at, Sender::Business(reply.author())));
    log.push(message(
        at.add_micros(10 * MINUTE),
        Sender::Business(Author::Agent),
    ));
    let stream = log.into_stream();
    let now = at.add_micros(HOUR);
    let batch = Analysis::new(&stream, now, Settings::default()).report;
    let mut live = LiveEngine::new(Settings::default());
    for e in stream.events() {
        live.push(e).unwrap();
    }
    let live = live.report_at(now);
    assert_eq!(batch, live);
    assert_eq!(batch.response_time_seconds(), Some(600.0));
    assert_eq!(batch.response_rate(), Some(1.0));
}

/// The schedule's status changes fed to the engine: a message after closing is
/// excluded as away; one more than 12 hours after closing is not (the spec's limit).
#[test]
fn scheduled_away_feeds_the_engine() {
    let s = paris_office();
    let from = ts("2026-03-27T00:00:00Z");
    let mut log = EventLog::new();
    let c = log.conversation("c1");
    let d = log.conversation("c2");
    let mut events: Vec<Event> = s
        .status_changes(from, ts("2026-03-31T00:00:00Z"))
        .into_iter()
        .map(|(at, p)| Event {
            at,
            kind: EventKind::Status(p),
        })
        .collect();
    let customer = |at: Timestamp, conversation| Event {
        at,
        kind: EventKind::Message {
            conversation,
            sender: Sender::Customer,
            agent: None,
            id: None,
        },
    };
    events.push(customer(ts("2026-03-27T19:00:00Z"), c)); // 2 h after closing
    events.push(customer(ts("2026-03-28T06:00:00Z"), d)); // 13 h after closing
    events.sort_by_key(|e| e.at);
    for e in events {
        log.push(e);
    }
    let a = Analysis::new(
        &log.into_stream(),
        ts("2026-03-28T07:00:00Z"),
        Settings::default(),
    );
    let words: Vec<_> = a.opportunities.iter().map(|o| o.status.word()).collect();
    assert_eq!(words, ["excluded", "pending"]);
}
