//! Each mode through the public API, and the sentences.

use super::*;

pub(super) fn lang(code: &str) -> Language {
    Language::from_locale(code).expect("a language")
}

fn agent(id: i64, name: &str, capacity: u32, languages: &[&str], labels: &[&str]) -> Agent {
    Agent {
        id: AgentId(id),
        name: name.to_owned(),
        signed_in: true,
        away: false,
        capacity,
        languages: languages.iter().map(|l| lang(l)).collect(),
        labels: labels.iter().map(|&l| l.to_owned()).collect(),
        last_assigned: None,
    }
}

fn conv(id: i64, minute: i64, vip: bool, locale: Option<&str>, labels: &[&str]) -> Conversation {
    Conversation {
        id: ConversationId(id),
        waiting_since: at(minute),
        vip,
        language: locale.and_then(Language::from_locale),
        labels: labels.iter().map(|&l| l.to_owned()).collect(),
    }
}

fn at(minute: i64) -> Timestamp {
    Timestamp::from_micros(minute * crate::time::MINUTE)
}

fn router(mode: Mode, reassign_on_away: bool, agents: Vec<Agent>) -> Router {
    let mut router = Router::new(Settings {
        mode,
        reassign_on_away,
    });
    for a in agents {
        router.apply(at(0), Event::AgentUpdated(a));
    }
    router
}

fn arrive(router: &mut Router, c: Conversation) {
    router.apply(at(0), Event::Arrived(c));
}

fn pairs(assignments: &[Assignment]) -> Vec<(i64, i64)> {
    assignments
        .iter()
        .map(|a| (a.conversation.0, a.agent.0))
        .collect()
}

#[test]
fn manual_mode_assigns_nothing_but_counts_what_is_taken() {
    let mut r = router(Mode::Manual, false, vec![agent(1, "Ana", 1, &[], &[])]);
    arrive(&mut r, conv(10, 0, false, None, &[]));
    assert!(r.dispatch(at(1)).is_empty());
    r.apply(
        at(1),
        Event::Taken {
            conversation: ConversationId(10),
            agent: AgentId(1),
        },
    );
    assert_eq!(r.holder(ConversationId(10)), Some(AgentId(1)));
    assert_eq!(
        r.load(AgentId(1)),
        Some(Load {
            open: 1,
            capacity: 1
        })
    );
    assert!(!r.is_available(AgentId(1)));
    assert_eq!(r.waiting(), 0);
}

#[test]
fn round_robin_is_fair_over_1000_conversations() {
    let agents = (1..=7).map(|i| agent(i, "A", 1000, &[], &[])).collect();
    let mut r = router(Mode::RoundRobin, false, agents);
    for i in 0..1000 {
        arrive(&mut r, conv(i, i, i % 20 == 0, None, &[]));
    }
    let out = r.dispatch(at(2000));
    assert_eq!(out.len(), 1000);
    let mut counts = [0u32; 8];
    for a in &out {
        counts[a.agent.0 as usize] += 1;
    }
    let (min, max) = (counts[1..].iter().min(), counts[1..].iter().max());
    assert!(max.unwrap() - min.unwrap() <= 1, "{counts:?}");
    // Turns go by id and wrap around.
    let turns: Vec<i64> = out.iter().take(9).map(|a| a.agent.0).collect();
    assert_eq!(turns, [1, 2, 3, 4, 5, 6, 7, 1, 2]);
    assert_eq!(
        out[0].to_string(),
        "assigned to A: next in turn (0 of 1000 open)"
    );
}

#[test]
fn round_robin_skips_agents_who_are_full_or_away() {
    let agents = vec![
        agent(1, "Ana", 1, &[], &[]),
        agent(2, "Ben", 5, &[], &[]),
        agent(3, "Cy", 5, &[], &[]),
    ];
    let mut r = router(Mode::RoundRobin, false, agents);
    r.apply(at(0), Event::Away(AgentId(3)));
    for i in 0..4 {
        arrive(&mut r, conv(i, i, false, None, &[]));
    }
    assert_eq!(pairs(&r.dispatch(at(5))), [(0, 1), (1, 2), (2, 2), (3, 2)]);
}

#[test]
fn least_loaded_picks_fewest_open_then_idle_longest_then_id() {
    let mut ana = agent(1, "Ana", 5, &[], &[]);
    ana.last_assigned = Some(at(3));
    let mut ben = agent(2, "Ben", 5, &[], &[]);
    ben.last_assigned = Some(at(1));
    let cy = agent(3, "Cy", 5, &[], &[]);
    let dee = agent(4, "Dee", 5, &[], &[]);
    let mut r = router(Mode::LeastLoaded, false, vec![ana, ben, cy, dee]);
    for (c, a) in [(100, 3), (101, 3), (102, 1), (103, 4)] {
        arrive(&mut r, conv(c, 0, false, None, &[]));
        r.apply(
            at(0),
            Event::Taken {
                conversation: ConversationId(c),
                agent: AgentId(a),
            },
        );
    }
    // Open: Ana 1, Ben 0, Cy 2, Dee 1. Ben first; then Ana and Dee at 1: Dee took
    // hers at minute 0 (Taken), Ana's last assignment is minute 3, so Dee.
    for i in 0..3 {
        arrive(&mut r, conv(i, i, false, None, &[]));
    }
    let out = r.dispatch(at(10));
    assert_eq!(pairs(&out), [(0, 2), (1, 4), (2, 1)]);
    assert_eq!(
        out[2].to_string(),
        "assigned to Ana: least loaded (1 of 5 open)"
    );
    assert_eq!(out[2].reason.code(), "least_loaded");
}

#[test]
fn vip_first_then_oldest_then_id() {
    let mut r = router(Mode::LeastLoaded, false, vec![]);
    arrive(&mut r, conv(5, 10, false, None, &[]));
    arrive(&mut r, conv(4, 10, false, None, &[]));
    arrive(&mut r, conv(3, 5, false, None, &[]));
    arrive(&mut r, conv(9, 30, true, None, &[]));
    arrive(&mut r, conv(8, 20, true, None, &[]));
    assert!(r.dispatch(at(40)).is_empty(), "no agent yet");
    r.apply(at(40), Event::AgentUpdated(agent(1, "Ana", 10, &[], &[])));
    let order: Vec<i64> = r
        .dispatch(at(40))
        .iter()
        .map(|a| a.conversation.0)
        .collect();
    assert_eq!(order, [8, 9, 3, 4, 5]);
}

#[test]
fn capacity_frees_oldest_waiting_first() {
    let mut r = router(Mode::LeastLoaded, false, vec![agent(1, "Ana", 2, &[], &[])]);
    for i in 0..4 {
        arrive(&mut r, conv(i, 10 - i, false, None, &[]));
    }
    assert_eq!(pairs(&r.dispatch(at(20))), [(3, 1), (2, 1)]);
    assert!(r.dispatch(at(20)).is_empty(), "at capacity");
    r.apply(at(21), Event::Closed(ConversationId(2)));
    assert_eq!(pairs(&r.dispatch(at(21))), [(1, 1)]);
    r.apply(
        at(22),
        Event::CapacityChanged {
            agent: AgentId(1),
            capacity: 1,
        },
    );
    r.apply(at(22), Event::Closed(ConversationId(1)));
    assert!(
        r.dispatch(at(22)).is_empty(),
        "still at the lowered capacity"
    );
    r.apply(
        at(23),
        Event::CapacityChanged {
            agent: AgentId(1),
            capacity: 3,
        },
    );
    assert_eq!(pairs(&r.dispatch(at(23))), [(0, 1)]);
}

#[test]
fn skills_match_language_and_every_label() {
    let agents = vec![
        agent(1, "Ana", 5, &["fr", "en"], &["billing"]),
        agent(2, "Ben", 5, &["en"], &["billing", "tech"]),
        agent(3, "Cy", 5, &["en"], &[]),
    ];
    let mut r = router(Mode::Skills { fallback: false }, false, agents);
    arrive(&mut r, conv(1, 0, false, Some("fr_FR"), &["billing"]));
    arrive(
        &mut r,
        conv(2, 1, false, Some("en_US"), &["tech", "billing"]),
    );
    arrive(&mut r, conv(3, 2, false, Some("en_GB"), &[]));
    arrive(&mut r, conv(4, 3, false, None, &[]));
    let out = r.dispatch(at(5));
    assert_eq!(pairs(&out), [(1, 1), (2, 2), (3, 3), (4, 1)]);
    assert_eq!(
        out[0].to_string(),
        "assigned to Ana: least loaded (0 of 5 open), speaks French, handles billing"
    );
    assert_eq!(
        out[1].to_string(),
        "assigned to Ben: least loaded (0 of 5 open), speaks English, handles billing and tech"
    );
    assert_eq!(
        out[3].to_string(),
        "assigned to Ana: least loaded (1 of 5 open)"
    );
}

#[test]
fn a_conversation_no_one_can_take_blocks_nothing_behind_it() {
    let agents = vec![agent(1, "Ana", 5, &["en"], &[])];
    let mut r = router(Mode::Skills { fallback: false }, false, agents);
    arrive(&mut r, conv(1, 0, true, Some("ja_JP"), &[]));
    arrive(&mut r, conv(2, 1, false, Some("en"), &["refunds"]));
    arrive(&mut r, conv(3, 2, false, Some("en"), &[]));
    assert_eq!(pairs(&r.dispatch(at(5))), [(3, 1)]);
    assert_eq!(r.waiting(), 2);
    // A Japanese speaker signs in: the VIP conversation goes to them at once.
    let mut yui = agent(2, "Yui", 5, &["ja"], &[]);
    yui.signed_in = false;
    r.apply(at(6), Event::AgentUpdated(yui));
    assert!(r.dispatch(at(6)).is_empty());
    r.apply(at(7), Event::SignedIn(AgentId(2)));
    assert_eq!(pairs(&r.dispatch(at(7))), [(1, 2)]);
    assert!(r.is_waiting(ConversationId(2)));
}

#[test]
fn skills_fallback_prefers_skill_then_anyone() {
    let agents = vec![
        agent(1, "Ana", 5, &["fr"], &[]),
        agent(2, "Ben", 5, &["en"], &[]),
    ];
    let mut r = router(Mode::Skills { fallback: true }, false, agents);
    r.apply(
        at(0),
        Event::Taken {
            conversation: ConversationId(50),
            agent: AgentId(2),
        },
    );
    arrive(&mut r, conv(1, 0, false, Some("fr"), &[]));
    arrive(&mut r, conv(2, 1, false, Some("de_DE"), &["billing"]));
    arrive(&mut r, conv(3, 2, false, Some("ja"), &[]));
    let out = r.dispatch(at(5));
    // Ana speaks French though Ben is as loaded; then no one speaks German: the least
    // loaded (Ben 1, Ana 1, Ben idle longer) takes it, and the reason says why.
    assert_eq!(pairs(&out), [(1, 1), (2, 2), (3, 1)]);
    assert_eq!(
        out[1].to_string(),
        "assigned to Ben: least loaded (1 of 5 open); no available agent speaks German and handles billing"
    );
    assert_eq!(out[1].reason.code(), "skills_fallback");
    assert_eq!(
        out[2].to_string(),
        "assigned to Ana: least loaded (1 of 5 open); no available agent speaks Japanese"
    );
}

#[test]
fn going_away_hands_back_unanswered_conversations_in_their_place() {
    let agents = vec![agent(1, "Ana", 5, &[], &[]), agent(2, "Ben", 1, &[], &[])];
    let mut r = router(Mode::LeastLoaded, true, agents);
    arrive(&mut r, conv(1, 0, false, None, &[]));
    arrive(&mut r, conv(2, 1, false, None, &[]));
    arrive(&mut r, conv(3, 2, false, None, &[]));
    assert_eq!(pairs(&r.dispatch(at(3))), [(1, 1), (2, 2), (3, 1)]);
    r.apply(at(4), Event::Answered(ConversationId(1)));
    arrive(&mut r, conv(4, 3, false, None, &[]));
    let back = r.apply(at(5), Event::Away(AgentId(1)));
    let expected = Unassigned {
        conversation: ConversationId(3),
        agent: AgentId(1),
        why: UnassignReason::AgentAway,
    };
    assert_eq!(back, [expected]);
    assert_eq!(
        r.load(AgentId(1)),
        Some(Load {
            open: 1,
            capacity: 5
        })
    );
    // Conversation 3 waited since minute 2, before 4: it is first when Ben is free.
    r.apply(at(6), Event::Closed(ConversationId(2)));
    assert_eq!(pairs(&r.dispatch(at(6))), [(3, 2)]);
    assert!(r.is_waiting(ConversationId(4)));
}

#[test]
fn without_the_setting_away_agents_keep_their_conversations() {
    let mut r = router(Mode::LeastLoaded, false, vec![agent(1, "Ana", 5, &[], &[])]);
    arrive(&mut r, conv(1, 0, false, None, &[]));
    r.dispatch(at(1));
    assert!(r.apply(at(2), Event::SignedOut(AgentId(1))).is_empty());
    assert_eq!(r.holder(ConversationId(1)), Some(AgentId(1)));
}

#[test]
fn unknown_ids_change_nothing() {
    let mut r = router(Mode::LeastLoaded, true, vec![agent(1, "Ana", 5, &[], &[])]);
    for event in [
        Event::Closed(ConversationId(7)),
        Event::Answered(ConversationId(7)),
        Event::Taken {
            conversation: ConversationId(7),
            agent: AgentId(9),
        },
        Event::Away(AgentId(9)),
        Event::CapacityChanged {
            agent: AgentId(9),
            capacity: 0,
        },
    ] {
        assert!(r.apply(at(0), event).is_empty());
    }
    assert_eq!(
        r.load(AgentId(1)),
        Some(Load {
            open: 0,
            capacity: 5
        })
    );
    assert_eq!(r.waiting(), 0);
}

#[test]
fn round_robin_resumes_after_the_agent_served_last() {
    let agents = || {
        vec![
            agent(1, "Ana", 9, &[], &[]),
            agent(2, "Bo", 9, &[], &[]),
            agent(3, "Cy", 9, &[], &[]),
        ]
    };
    let mut r = router(Mode::RoundRobin, false, agents());
    r.resume_after(AgentId(2));
    arrive(&mut r, conv(10, 0, false, None, &[]));
    arrive(&mut r, conv(11, 1, false, None, &[]));
    assert_eq!(pairs(&r.dispatch(at(2))), [(10, 3), (11, 1)]);
    // After the last agent, the turn wraps to the first.
    let mut r = router(Mode::RoundRobin, false, agents());
    r.resume_after(AgentId(3));
    arrive(&mut r, conv(10, 0, false, None, &[]));
    assert_eq!(pairs(&r.dispatch(at(2))), [(10, 1)]);
}
