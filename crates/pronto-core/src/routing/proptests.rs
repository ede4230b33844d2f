//! Random interleavings of every event against a plain model of the rules: no agent
//! is given a conversation at or over capacity, or while unavailable, or without the
//! skills; a conversation is assigned at most once while waiting; nothing ahead in
//! the queue that the chosen agent could take is left behind; and after `dispatch`,
//! nothing waits that an available agent could take.

use std::collections::BTreeMap;

use proptest::prelude::*;

use super::tests::lang;
use super::*;

const LANGS: [&str; 3] = ["en", "fr", "de"];
const LABELS: [&str; 2] = ["billing", "tech"];
const AGENTS: i64 = 4;

#[derive(Clone, Debug)]
enum Op {
    Arrive {
        id: i64,
        minute: i64,
        vip: bool,
        lang: usize,
        labels: u8,
    },
    Take {
        id: i64,
        agent: i64,
    },
    Answer(i64),
    Close(i64),
    SignIn(i64),
    SignOut(i64),
    Away(i64),
    Back(i64),
    Capacity(i64, u32),
    Dispatch,
}

fn op() -> impl Strategy<Value = Op> {
    let id = 0i64..24;
    // One agent id beyond those added, to exercise unknown ids.
    let agent = 0..=AGENTS;
    prop_oneof![
        4 => (id.clone(), 0i64..50, proptest::bool::weighted(0.2), 0usize..4, 0u8..4)
            .prop_map(|(id, minute, vip, lang, labels)| Op::Arrive { id, minute, vip, lang, labels }),
        1 => (id.clone(), agent.clone()).prop_map(|(id, agent)| Op::Take { id, agent }),
        1 => id.clone().prop_map(Op::Answer),
        2 => id.prop_map(Op::Close),
        1 => agent.clone().prop_map(Op::SignIn),
        1 => agent.clone().prop_map(Op::SignOut),
        1 => agent.clone().prop_map(Op::Away),
        1 => agent.clone().prop_map(Op::Back),
        1 => (agent, 0u32..4).prop_map(|(a, c)| Op::Capacity(a, c)),
        3 => Just(Op::Dispatch),
    ]
}

fn mode() -> impl Strategy<Value = Mode> {
    prop_oneof![
        Just(Mode::Manual),
        Just(Mode::RoundRobin),
        Just(Mode::LeastLoaded),
        Just(Mode::Skills { fallback: false }),
        Just(Mode::Skills { fallback: true }),
    ]
}

/// Where a conversation waits: (rank, minute, id), and its need (language, labels).
type Place = ((u8, i64, i64), (Option<usize>, u8));

/// The rules written plainly, with scans instead of indexes.
#[derive(Default)]
struct Model {
    mode: Option<Mode>,
    reassign: bool,
    agents: BTreeMap<i64, ModelAgent>,
    /// Waiting: (rank, minute, id) -> (language, labels).
    waiting: BTreeMap<(u8, i64, i64), (Option<usize>, u8)>,
    /// Held: id -> (agent, the waiting entry while unanswered).
    held: BTreeMap<i64, (i64, Option<Place>)>,
}

#[derive(Clone, Debug)]
struct ModelAgent {
    signed_in: bool,
    away: bool,
    capacity: u32,
    langs: u8,
    labels: u8,
    /// Set when a person's decision (taking by hand, lowering capacity) left the agent
    /// over capacity: only then may open exceed capacity.
    forced: bool,
}

impl Model {
    fn open(&self, agent: i64) -> u32 {
        self.held.values().filter(|(a, _)| *a == agent).count() as u32
    }

    fn available(&self, agent: i64) -> bool {
        let a = &self.agents[&agent];
        a.signed_in && !a.away && self.open(agent) < a.capacity
    }

    fn qualifies(&self, agent: i64, need: (Option<usize>, u8)) -> bool {
        let a = &self.agents[&agent];
        match self.mode {
            Some(Mode::Skills { .. }) => {
                need.0.is_none_or(|l| a.langs & (1 << l) != 0) && need.1 & !a.labels == 0
            }
            _ => true,
        }
    }

    fn find_waiting(&self, id: i64) -> Option<(u8, i64, i64)> {
        self.waiting.keys().find(|k| k.2 == id).copied()
    }

    fn release(&mut self, id: i64) -> Option<Option<Place>> {
        self.held.remove(&id).map(|(_, place)| place)
    }
}

fn need_of(lang: usize, labels: u8) -> (Option<usize>, u8) {
    ((lang < 3).then_some(lang), labels)
}

fn label_names(mask: u8) -> Vec<String> {
    (0..2)
        .filter(|i| mask & (1 << i) != 0)
        .map(|i| LABELS[i].to_owned())
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn routing_keeps_its_rules(
        mode in mode(),
        reassign in any::<bool>(),
        agents in proptest::collection::vec((any::<bool>(), any::<bool>(), 0u32..4, 0u8..8, 0u8..4), AGENTS as usize),
        ops in proptest::collection::vec(op(), 0..150),
    ) {
        let mut router = Router::new(Settings { mode, reassign_on_away: reassign });
        let mut model = Model { mode: Some(mode), reassign, ..Model::default() };
        let now = Timestamp::from_micros(0);
        for (i, &(signed_in, away, capacity, langs, labels)) in agents.iter().enumerate() {
            let id = i as i64;
            router.apply(now, Event::AgentUpdated(Agent {
                id: AgentId(id),
                name: format!("agent {id}"),
                signed_in,
                away,
                capacity,
                languages: (0..3).filter(|l| langs & (1 << l) != 0).map(|l| lang(LANGS[l])).collect(),
                labels: label_names(labels),
                last_assigned: None,
            }));
            model.agents.insert(id, ModelAgent { signed_in, away, capacity, langs, labels, forced: false });
        }
        let mut ops = ops;
        ops.push(Op::Dispatch);
        for (step, op) in ops.into_iter().enumerate() {
            let now = Timestamp::from_micros(step as i64);
            let known = |a: i64| a < AGENTS;
            let mut expected_back = Vec::new();
            let event = match op.clone() {
                Op::Dispatch => {
                    check_dispatch(&mut router, &mut model, now)?;
                    None
                }
                Op::Arrive { id, minute, vip, lang: l, labels } => {
                    model.release(id);
                    if let Some(k) = model.find_waiting(id) {
                        model.waiting.remove(&k);
                    }
                    model.waiting.insert((u8::from(!vip), minute, id), need_of(l, labels));
                    Some(Event::Arrived(Conversation {
                        id: ConversationId(id),
                        waiting_since: Timestamp::from_micros(minute),
                        vip,
                        language: (l < 3).then(|| lang(LANGS[l])),
                        labels: label_names(labels),
                    }))
                }
                Op::Take { id, agent } => {
                    if known(agent) {
                        let place = match model.find_waiting(id) {
                            Some(k) => Some((k, model.waiting.remove(&k).unwrap())),
                            None => model.release(id).flatten(),
                        };
                        model.held.insert(id, (agent, place));
                        let over = model.open(agent) > model.agents[&agent].capacity;
                        model.agents.get_mut(&agent).unwrap().forced |= over;
                    }
                    Some(Event::Taken { conversation: ConversationId(id), agent: AgentId(agent) })
                }
                Op::Answer(id) => {
                    if let Some(h) = model.held.get_mut(&id) {
                        h.1 = None;
                    }
                    Some(Event::Answered(ConversationId(id)))
                }
                Op::Close(id) => {
                    if let Some(k) = model.find_waiting(id) {
                        model.waiting.remove(&k);
                    }
                    model.release(id);
                    Some(Event::Closed(ConversationId(id)))
                }
                Op::SignIn(a) => {
                    if let Some(m) = model.agents.get_mut(&a) {
                        m.signed_in = true;
                    }
                    Some(Event::SignedIn(AgentId(a)))
                }
                Op::Back(a) => {
                    if let Some(m) = model.agents.get_mut(&a) {
                        m.away = false;
                    }
                    Some(Event::Back(AgentId(a)))
                }
                Op::SignOut(a) | Op::Away(a) => {
                    let signed_out = matches!(op, Op::SignOut(_));
                    if known(a) {
                        let m = model.agents.get_mut(&a).unwrap();
                        if signed_out { m.signed_in = false } else { m.away = true }
                        if model.reassign {
                            let mine: Vec<i64> = model.held.iter()
                                .filter(|(_, (h, place))| *h == a && place.is_some())
                                .map(|(&id, _)| id)
                                .collect();
                            for id in mine {
                                let (k, need) = model.release(id).flatten().unwrap();
                                model.waiting.insert(k, need);
                                expected_back.push(Unassigned {
                                    conversation: ConversationId(id),
                                    agent: AgentId(a),
                                    why: if signed_out { UnassignReason::AgentSignedOut } else { UnassignReason::AgentAway },
                                });
                            }
                        }
                    }
                    Some(if signed_out { Event::SignedOut(AgentId(a)) } else { Event::Away(AgentId(a)) })
                }
                Op::Capacity(a, capacity) => {
                    if known(a) {
                        model.agents.get_mut(&a).unwrap().capacity = capacity;
                        let over = model.open(a) > capacity;
                        model.agents.get_mut(&a).unwrap().forced |= over;
                    }
                    Some(Event::CapacityChanged { agent: AgentId(a), capacity })
                }
            };
            if let Some(event) = event {
                let back = router.apply(now, event);
                prop_assert_eq!(back, expected_back, "step {}: {:?}", step, op);
            }
            // The router's view equals the model's, and no one is over capacity
            // except by a person's decision.
            prop_assert_eq!(router.waiting(), model.waiting.len());
            for (&id, a) in model.agents.iter_mut() {
                let open = model.held.values().filter(|(h, _)| *h == id).count() as u32;
                prop_assert_eq!(router.load(AgentId(id)), Some(Load { open, capacity: a.capacity }));
                if open <= a.capacity {
                    a.forced = false;
                }
                prop_assert!(open <= a.capacity || a.forced, "agent {} over capacity at step {}", id, step);
            }
        }
    }
}

fn check_dispatch(
    router: &mut Router,
    model: &mut Model,
    now: Timestamp,
) -> Result<(), TestCaseError> {
    let out = router.dispatch(now);
    let mode = model.mode.unwrap();
    if mode == Mode::Manual {
        prop_assert!(out.is_empty());
    }
    for a in &out {
        let (id, agent) = (a.conversation.0, a.agent.0);
        let key = model.find_waiting(id);
        prop_assert!(
            key.is_some(),
            "conversation {} assigned but not waiting",
            id
        );
        let key = key.unwrap();
        let need = model.waiting[&key];
        prop_assert!(model.available(agent), "agent {} not available", agent);
        let fallback = matches!(a.reason, Reason::Fallback { .. });
        if fallback {
            prop_assert_eq!(mode, Mode::Skills { fallback: true });
            for &other in model.agents.keys() {
                prop_assert!(!(model.available(other) && model.qualifies(other, need)));
            }
        } else {
            prop_assert!(model.qualifies(agent, need));
        }
        // Nothing ahead that this agent could have taken is left waiting; with
        // fallback, nothing ahead is left at all.
        for (&ahead, &ahead_need) in model.waiting.range(..key) {
            prop_assert!(
                !(model.qualifies(agent, ahead_need) || mode == Mode::Skills { fallback: true }),
                "{:?} assigned while {:?} waits ahead",
                key,
                ahead
            );
        }
        // Least loaded among those who could take it.
        if mode != Mode::RoundRobin {
            let open = model.open(agent);
            prop_assert_eq!(a.reason.load().open, open);
            for &other in model.agents.keys() {
                if model.available(other) && (fallback || model.qualifies(other, need)) {
                    prop_assert!(model.open(other) >= open);
                }
            }
        }
        model.waiting.remove(&key);
        model.held.insert(id, (agent, Some((key, need))));
    }
    // Nothing waits that an available agent could take.
    for (&key, &need) in &model.waiting {
        for &agent in model.agents.keys() {
            prop_assert!(
                mode == Mode::Manual
                    || !model.available(agent)
                    || !(model.qualifies(agent, need) || mode == Mode::Skills { fallback: true }),
                "{:?} left waiting though agent {} could take it",
                key,
                agent
            );
        }
    }
    Ok(())
}
