//! `Router`: the queue, the agents' availability, and the pick.
//!
//! Conversations are filed by their need (`Class`: a language, if the mode matches
//! languages, and a label set). Each class keeps its own queue, in routing order, and
//! a pool of the available agents who qualify for it, by load. `ready` lists the
//! classes that have both a waiting conversation and an available agent, keyed by
//! their first conversation, so the next pick is the first entry of `ready`: a class
//! no one can take is not listed and blocks nothing behind it. In the modes without
//! skills every conversation is in class 0, which needs nothing and which every
//! agent qualifies for, so its pool is all available agents.

use std::collections::{BTreeSet, HashMap};
use std::ops::Bound;
use std::sync::Arc;

use super::{
    Agent, AgentId, Assignment, Conversation, ConversationId, Event, Language, Load, Mode, Reason,
    Settings, Skills, UnassignReason, Unassigned,
};
use crate::time::Timestamp;

type Map<K, V> = HashMap<K, V, foldhash::fast::RandomState>;

/// The routing state machine of one pool. See the module documentation.
#[derive(Debug)]
pub struct Router {
    settings: Settings,
    agents: Vec<AgentState>,
    slots: Map<AgentId, usize>,
    classes: Vec<Class>,
    class_of: Map<(Option<Language>, Box<[u32]>), usize>,
    labels: Map<Box<str>, u32>,
    waiting: Map<ConversationId, (usize, QueueKey)>,
    held: Map<ConversationId, Held>,
    /// Classes with a waiting conversation and an available agent, by first conversation.
    ready: BTreeSet<(QueueKey, usize)>,
    /// Classes with a waiting conversation, by first conversation (for fallback).
    pending: BTreeSet<(QueueKey, usize)>,
    /// Available agents by id, for round robin.
    turn: BTreeSet<(AgentId, usize)>,
    /// The agent round robin served last.
    cursor: Option<AgentId>,
}

impl Router {
    /// An empty pool: add agents with `Event::AgentUpdated` and conversations with
    /// `Event::Arrived` (and `Event::Taken` for those already assigned).
    ///
    /// The mode is fixed for the router's life: the queue is filed by what the mode
    /// matches on, so a pool whose mode changes is rebuilt from the store.
    pub fn new(settings: Settings) -> Router {
        let any = Class::new(None, Box::new([]), Arc::new(Skills::default()));
        let mut class_of = Map::default();
        class_of.insert((None, Box::from([])), 0);
        Router {
            settings,
            agents: Vec::new(),
            slots: Map::default(),
            classes: vec![any],
            class_of,
            labels: Map::default(),
            waiting: Map::default(),
            held: Map::default(),
            ready: BTreeSet::new(),
            pending: BTreeSet::new(),
            turn: BTreeSet::new(),
            cursor: None,
        }
    }

    /// Round robin continues after `agent`, as if it had just served them: a pool
    /// rebuilt from the store resumes the turn where the last one left it.
    pub fn resume_after(&mut self, agent: AgentId) {
        self.cursor = Some(agent);
    }

    /// The pool's settings.
    pub fn settings(&self) -> Settings {
        self.settings
    }

    /// Applies one change. Returns the conversations taken back from an agent who
    /// went away or signed out (with `reassign_on_away`), now queued again.
    pub fn apply(&mut self, now: Timestamp, event: Event) -> Vec<Unassigned> {
        match event {
            Event::Arrived(conversation) => self.arrive(&conversation),
            Event::Taken {
                conversation,
                agent,
            } => self.take(now, conversation, agent),
            Event::Answered(conversation) => {
                if let Some(held) = self.held.get_mut(&conversation) {
                    held.requeue = None;
                    self.agents[held.agent].unanswered.remove(&conversation);
                }
            }
            Event::Closed(conversation) => {
                self.unqueue(conversation);
                self.release(conversation);
            }
            Event::AgentUpdated(agent) => self.update_agent(agent),
            Event::SignedIn(id) => self.set(id, |a| a.signed_in = true),
            Event::Back(id) => self.set(id, |a| a.away = false),
            Event::CapacityChanged { agent, capacity } => {
                self.set(agent, |a| a.capacity = capacity)
            }
            Event::SignedOut(id) => {
                self.set(id, |a| a.signed_in = false);
                return self.hand_back(id, UnassignReason::AgentSignedOut);
            }
            Event::Away(id) => {
                self.set(id, |a| a.away = true);
                return self.hand_back(id, UnassignReason::AgentAway);
            }
        }
        Vec::new()
    }

    /// The next assignment, if a waiting conversation has an available agent; `None`
    /// in manual mode. The store writes it, then asks again.
    pub fn next_assignment(&mut self, now: Timestamp) -> Option<Assignment> {
        let (class, key, slot, reason) = match self.settings.mode {
            Mode::Manual => return None,
            Mode::RoundRobin => {
                let key = *self.classes[0].queue.first()?;
                let after = self
                    .cursor
                    .map_or(Bound::Unbounded, |id| Bound::Excluded((id, usize::MAX)));
                let &(_, slot) = self
                    .turn
                    .range((after, Bound::Unbounded))
                    .next()
                    .or_else(|| self.turn.first())?;
                let load = self.agents[slot].load();
                (0, key, slot, Reason::NextInTurn { load })
            }
            Mode::LeastLoaded => {
                let key = *self.classes[0].queue.first()?;
                let slot = self.classes[0].pool.first()?.slot;
                let load = self.agents[slot].load();
                (0, key, slot, Reason::LeastLoaded { load })
            }
            Mode::Skills { fallback: false } => {
                let &(key, class) = self.ready.first()?;
                let slot = self.classes[class].pool.first()?.slot;
                let load = self.agents[slot].load();
                let skills = Arc::clone(&self.classes[class].skills);
                (class, key, slot, Reason::Skilled { load, skills })
            }
            Mode::Skills { fallback: true } => {
                // Anyone available can take the first conversation, so the queue's
                // head goes first, to a skilled agent if one is available.
                let any = self.classes[0].pool.first()?.slot;
                let &(key, class) = self.pending.first()?;
                let skills = Arc::clone(&self.classes[class].skills);
                match self.classes[class].pool.first() {
                    Some(skilled) => {
                        let load = self.agents[skilled.slot].load();
                        (class, key, skilled.slot, Reason::Skilled { load, skills })
                    }
                    None => {
                        let load = self.agents[any].load();
                        let wanted = skills;
                        (class, key, any, Reason::Fallback { load, wanted })
                    }
                }
            }
        };
        Some(self.assign(now, class, key, slot, reason))
    }

    /// Every assignment possible now, in order.
    pub fn dispatch(&mut self, now: Timestamp) -> Vec<Assignment> {
        std::iter::from_fn(|| self.next_assignment(now)).collect()
    }

    /// How many conversations wait.
    pub fn waiting(&self) -> usize {
        self.waiting.len()
    }

    /// Whether the conversation waits in the queue.
    pub fn is_waiting(&self, conversation: ConversationId) -> bool {
        self.waiting.contains_key(&conversation)
    }

    /// Who holds the conversation, if anyone.
    pub fn holder(&self, conversation: ConversationId) -> Option<AgentId> {
        self.held
            .get(&conversation)
            .map(|h| self.agents[h.agent].id)
    }

    /// An agent's open conversations and capacity.
    pub fn load(&self, agent: AgentId) -> Option<Load> {
        self.slots.get(&agent).map(|&s| self.agents[s].load())
    }

    /// Whether an agent is signed in, not away and under capacity.
    pub fn is_available(&self, agent: AgentId) -> bool {
        self.slots
            .get(&agent)
            .is_some_and(|&s| self.agents[s].filed.is_some())
    }
}

/// Routing order: VIP first (`rank` 0), then oldest waiting, then id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct QueueKey {
    rank: u8,
    since: Timestamp,
    id: ConversationId,
}

/// Pool order: fewest open, then idle longest, then id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct LoadKey {
    open: u32,
    idle_since: Timestamp,
    id: AgentId,
    slot: usize,
}

#[derive(Debug)]
struct AgentState {
    id: AgentId,
    name: Arc<str>,
    signed_in: bool,
    away: bool,
    capacity: u32,
    open: u32,
    languages: Vec<Language>,
    labels: Box<[u32]>,
    last_assigned: Timestamp,
    /// The classes they qualify for, 0 among them.
    classes: Vec<usize>,
    /// Their key in the pools while available.
    filed: Option<LoadKey>,
    /// Conversations they hold that no one answered, which `reassign_on_away` hands back.
    unanswered: BTreeSet<ConversationId>,
}

#[derive(Debug)]
struct Class {
    language: Option<Language>,
    labels: Box<[u32]>,
    skills: Arc<Skills>,
    queue: BTreeSet<QueueKey>,
    pool: BTreeSet<LoadKey>,
    /// The key this class is listed under in `ready` and in `pending`.
    in_ready: Option<QueueKey>,
    in_pending: Option<QueueKey>,
}

#[derive(Debug)]
struct Held {
    agent: usize,
    /// Where it waited, while unanswered: handing it back restores its place.
    requeue: Option<(usize, QueueKey)>,
}

impl AgentState {
    fn load(&self) -> Load {
        Load {
            open: self.open,
            capacity: self.capacity,
        }
    }

    fn qualifies(&self, class: &Class) -> bool {
        class.language.is_none_or(|l| self.languages.contains(&l))
            && is_subset(&class.labels, &self.labels)
    }
}

impl Class {
    fn new(language: Option<Language>, labels: Box<[u32]>, skills: Arc<Skills>) -> Class {
        Class {
            language,
            labels,
            skills,
            queue: BTreeSet::new(),
            pool: BTreeSet::new(),
            in_ready: None,
            in_pending: None,
        }
    }
}

impl Router {
    fn arrive(&mut self, conversation: &Conversation) {
        self.release(conversation.id);
        self.unqueue(conversation.id);
        let class = match self.settings.mode {
            Mode::Skills { .. } => self.class_for(conversation.language, &conversation.labels),
            _ => 0,
        };
        let key = QueueKey {
            rank: if conversation.vip { 0 } else { 1 },
            since: conversation.waiting_since,
            id: conversation.id,
        };
        self.enqueue(class, key);
    }

    fn take(&mut self, now: Timestamp, conversation: ConversationId, agent: AgentId) {
        let Some(&slot) = self.slots.get(&agent) else {
            return;
        };
        let requeue = match self.unqueue(conversation) {
            Some(place) => Some(place),
            None => self.release(conversation).flatten(),
        };
        self.hold(now, conversation, slot, requeue);
    }

    fn assign(
        &mut self,
        now: Timestamp,
        class: usize,
        key: QueueKey,
        slot: usize,
        reason: Reason,
    ) -> Assignment {
        self.unqueue(key.id);
        self.hold(now, key.id, slot, Some((class, key)));
        let agent = &self.agents[slot];
        self.cursor = Some(agent.id);
        Assignment {
            conversation: key.id,
            agent: agent.id,
            agent_name: Arc::clone(&agent.name),
            reason,
        }
    }

    fn hold(
        &mut self,
        now: Timestamp,
        conversation: ConversationId,
        slot: usize,
        requeue: Option<(usize, QueueKey)>,
    ) {
        self.unfile(slot);
        let agent = &mut self.agents[slot];
        agent.open += 1;
        agent.last_assigned = agent.last_assigned.max(now);
        if requeue.is_some() {
            agent.unanswered.insert(conversation);
        }
        self.held.insert(
            conversation,
            Held {
                agent: slot,
                requeue,
            },
        );
        self.file(slot);
    }

    /// Frees the conversation's agent, if it had one; returns where it waited.
    fn release(&mut self, conversation: ConversationId) -> Option<Option<(usize, QueueKey)>> {
        let held = self.held.remove(&conversation)?;
        self.unfile(held.agent);
        let agent = &mut self.agents[held.agent];
        agent.open -= 1;
        agent.unanswered.remove(&conversation);
        self.file(held.agent);
        Some(held.requeue)
    }

    fn hand_back(&mut self, id: AgentId, why: UnassignReason) -> Vec<Unassigned> {
        let Some(&slot) = self.slots.get(&id) else {
            return Vec::new();
        };
        if !self.settings.reassign_on_away || self.agents[slot].unanswered.is_empty() {
            return Vec::new();
        }
        let unanswered = std::mem::take(&mut self.agents[slot].unanswered);
        let mut out = Vec::with_capacity(unanswered.len());
        for conversation in unanswered {
            if let Some(Some((class, key))) = self.release(conversation) {
                self.enqueue(class, key);
                out.push(Unassigned {
                    conversation,
                    agent: id,
                    why,
                });
            }
        }
        out
    }

    fn enqueue(&mut self, class: usize, key: QueueKey) {
        self.classes[class].queue.insert(key);
        self.waiting.insert(key.id, (class, key));
        self.relist(class);
    }

    fn unqueue(&mut self, conversation: ConversationId) -> Option<(usize, QueueKey)> {
        let (class, key) = self.waiting.remove(&conversation)?;
        self.classes[class].queue.remove(&key);
        self.relist(class);
        Some((class, key))
    }

    fn set(&mut self, id: AgentId, change: impl FnOnce(&mut AgentState)) {
        if let Some(&slot) = self.slots.get(&id) {
            self.unfile(slot);
            change(&mut self.agents[slot]);
            self.file(slot);
        }
    }

    fn update_agent(&mut self, agent: Agent) {
        let mut labels: Vec<u32> = agent.labels.iter().map(|l| self.intern(l)).collect();
        labels.sort_unstable();
        labels.dedup();
        let slot = match self.slots.get(&agent.id) {
            Some(&slot) => {
                self.unfile(slot);
                slot
            }
            None => {
                self.agents.push(AgentState {
                    id: agent.id,
                    name: Arc::from(""),
                    signed_in: false,
                    away: false,
                    capacity: 0,
                    open: 0,
                    languages: Vec::new(),
                    labels: Box::new([]),
                    last_assigned: Timestamp::from_micros(i64::MIN),
                    classes: Vec::new(),
                    filed: None,
                    unanswered: BTreeSet::new(),
                });
                self.slots.insert(agent.id, self.agents.len() - 1);
                self.agents.len() - 1
            }
        };
        let state = &mut self.agents[slot];
        state.name = Arc::from(agent.name);
        state.signed_in = agent.signed_in;
        state.away = agent.away;
        state.capacity = agent.capacity;
        state.languages = agent.languages;
        state.labels = labels.into();
        if let Some(t) = agent.last_assigned {
            state.last_assigned = state.last_assigned.max(t);
        }
        // Skills may have changed: O(classes), as for any new agent.
        state.classes = (0..self.classes.len())
            .filter(|&c| state.qualifies(&self.classes[c]))
            .collect();
        self.file(slot);
    }

    /// The class for a need, made on first sight: `O(agents)` once per distinct need.
    fn class_for(&mut self, language: Option<Language>, labels: &[String]) -> usize {
        let mut ids: Vec<u32> = labels.iter().map(|l| self.intern(l)).collect();
        ids.sort_unstable();
        ids.dedup();
        let key = (language, ids.into_boxed_slice());
        if let Some(&class) = self.class_of.get(&key) {
            return class;
        }
        let mut names: Vec<String> = labels.to_vec();
        names.sort();
        names.dedup();
        let skills = Arc::new(Skills {
            language,
            labels: names,
        });
        let class = self.classes.len();
        self.classes
            .push(Class::new(language, key.1.clone(), skills));
        self.class_of.insert(key, class);
        for slot in 0..self.agents.len() {
            if self.agents[slot].qualifies(&self.classes[class]) {
                self.agents[slot].classes.push(class);
                if let Some(k) = self.agents[slot].filed {
                    self.classes[class].pool.insert(k);
                }
            }
        }
        class
    }

    fn intern(&mut self, label: &str) -> u32 {
        if let Some(&id) = self.labels.get(label) {
            return id;
        }
        let id = u32::try_from(self.labels.len()).expect("fewer than 4 billion labels");
        self.labels.insert(label.into(), id);
        id
    }

    /// Takes an agent out of every pool (before their load or status changes).
    fn unfile(&mut self, slot: usize) {
        let Some(key) = self.agents[slot].filed.take() else {
            return;
        };
        self.turn.remove(&(key.id, slot));
        for i in 0..self.agents[slot].classes.len() {
            let class = self.agents[slot].classes[i];
            self.classes[class].pool.remove(&key);
            if self.classes[class].pool.is_empty() {
                self.relist(class);
            }
        }
    }

    /// Puts an agent back in their pools if they are available.
    fn file(&mut self, slot: usize) {
        let agent = &self.agents[slot];
        if !(agent.signed_in && !agent.away && agent.open < agent.capacity) {
            return;
        }
        let key = LoadKey {
            open: agent.open,
            idle_since: agent.last_assigned,
            id: agent.id,
            slot,
        };
        self.agents[slot].filed = Some(key);
        self.turn.insert((key.id, slot));
        for i in 0..self.agents[slot].classes.len() {
            let class = self.agents[slot].classes[i];
            self.classes[class].pool.insert(key);
            if self.classes[class].pool.len() == 1 {
                self.relist(class);
            }
        }
    }

    /// Lists a class in `ready` and `pending` under its first conversation, or not.
    fn relist(&mut self, c: usize) {
        let class = &mut self.classes[c];
        let head = class.queue.first().copied();
        let ready = head.filter(|_| !class.pool.is_empty());
        if class.in_ready != ready {
            if let Some(k) = class.in_ready {
                self.ready.remove(&(k, c));
            }
            if let Some(k) = ready {
                self.ready.insert((k, c));
            }
            class.in_ready = ready;
        }
        if class.in_pending != head {
            if let Some(k) = class.in_pending {
                self.pending.remove(&(k, c));
            }
            if let Some(k) = head {
                self.pending.insert((k, c));
            }
            class.in_pending = head;
        }
    }
}

/// Whether every element of sorted `small` is in sorted `big`.
fn is_subset(small: &[u32], big: &[u32]) -> bool {
    let mut big = big.iter();
    small.iter().all(|s| big.any(|b| b == s))
}
