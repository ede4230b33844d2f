//! The live engine: the same report as [`crate::analysis`], kept up to date one event
//! at a time without re-reading history.
//!
//! The server calls [`LiveEngine::push`] for every stored event and
//! [`LiveEngine::report_at`] whenever a figure is shown. Each event costs a constant
//! amount of work plus a few operations on the window's sorted multiset of response
//! times; moving a conversation into or out of spam touches that conversation's
//! opportunities only.
//!
//! The window is kept as an index range `[start, end]` over the opportunities (which
//! are in stream order, hence sorted by time), with every counted opportunity in that
//! range, and only those, in the aggregates.
//!
//! Late events. An engine made with [`LiveEngine::with_lateness`] keeps an undo
//! journal of its recent steps (each push, each move of the clock): an event older
//! than the engine's latest, but within the bound, is taken by undoing the steps
//! after its instant, applying it, and replaying those steps' events, so the result
//! is exactly that of the sorted stream, without a rebuild. Such an engine also
//! keeps the report at the end of each day (the daily series), which late events
//! correct the same way. The journal holds at most `steps` steps, none older than
//! `within` before the latest, and at most [`UNDO_PER_STEP`] undo records per step
//! on average; an event older than that is refused with [`OutOfOrder`].
//!
//! Memory: about 56 bytes per opportunity (a new message), 32 per conversation, 8
//! per answered opportunity in the window (the multiset), 104 per day of the daily
//! series, and the journal (bounded as above). The events themselves are not kept.

use std::collections::VecDeque;

use crate::analysis::{
    AWAY_LIMIT, Analysis, Exclusion, MIN_WINDOW, Opportunity, Reply, Status, WINDOW,
    counts_as_response, opens_opportunity,
};
use crate::daily::DailyPoint;
use crate::event::{AgentId, Author, Event, EventKind, Folder, MessageRef, Presence, Sender};
use crate::forecast::{AgentFigures, Forecast};
use crate::multiset::SumMultiset;
use crate::report::{Counts, FastestSum, Report, Settings, WindowSpan};
use crate::time::{DAY, Date, Timestamp};

/// An event older than the engine takes: for an engine without a journal, older than
/// one already pushed, or older than the end of the 24 hours of an opportunity the
/// engine already counted as missed; for one with a journal, older than its
/// journal reaches back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("event at {at} is older than the engine takes ({latest}); rebuild from the stored stream")]
pub struct OutOfOrder {
    /// The refused event's time.
    pub at: Timestamp,
    /// The earliest time the engine still takes.
    pub latest: Timestamp,
}

/// The undo records a journal keeps per step, on average, at most.
pub const UNDO_PER_STEP: usize = 8;

const NONE: u32 = u32::MAX;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    /// Less than 24 h old and neither answered nor closed: pending.
    Open,
    /// Answered within 24 h by its reply.
    Answered,
    Missed,
    /// Arrived while the channel was away.
    Away,
    /// Moved to done (false) or spam (true) within 24 h, before a response.
    Closed {
        spam: bool,
    },
}

/// The first counting reply after an opportunity.
#[derive(Clone, Copy, Debug)]
struct ReplyRef {
    at: Timestamp,
    event: u32,
    author: Author,
    agent: Option<AgentId>,
    id: Option<MessageRef>,
}

#[derive(Clone, Copy, Debug)]
struct Opp {
    at: Timestamp,
    reply: Option<ReplyRef>,
    conv: u32,
    prev_in_conv: u32,
    event: u32,
    state: State,
    /// Whether it is in the window's aggregates.
    in_window: bool,
}

impl Opp {
    fn response_us(&self) -> u64 {
        self.reply
            .map_or(0, |r| r.at.micros_since(self.at).max(0) as u64)
    }
}

#[derive(Clone, Copy, Debug)]
struct Conv {
    last_message: Option<Timestamp>,
    open: u32,
    latest_opp: u32,
    in_spam: bool,
}

const NEW_CONV: Conv = Conv {
    last_message: None,
    open: NONE,
    latest_opp: NONE,
    in_spam: false,
};

/// The engine's small state, saved whole at each journaled step.
#[derive(Clone, Copy, Debug)]
struct Scalars {
    now: Timestamp,
    latest_event: Option<Timestamp>,
    /// The end of the 24 hours of the latest opportunity that advancing the clock
    /// turned into a miss: an event before it could have answered that one.
    expired_until: Option<Timestamp>,
    away_since: Option<Timestamp>,
    pending: u64,
    excluded: u64,
    total_counted: u64,
    start: usize,
    end: Option<usize>,
    window_counted: u64,
    /// Events applied (the next event's index in the stream).
    pushed: u32,
    /// The first day of the daily series (journaled engines only): that of the
    /// first moment the engine reached.
    first_day: Option<Date>,
    /// The first day whose end-of-day report is not recorded yet.
    next_day: Option<Date>,
    /// How many end-of-day reports are recorded.
    days: usize,
}

/// How to undo one change.
#[derive(Clone, Copy, Debug)]
enum Undo {
    Conv(u32, Conv),
    ConvsLen(u32),
    Opp(u32, Opp),
    OppsLen(u32),
    ExpiringPushed,
    ExpiringPopped(u32),
    Inserted(u64),
    Removed(u64),
}

/// One journaled step: a push or a move of the clock.
#[derive(Clone, Copy, Debug)]
struct Step {
    /// The latest instant of this step and every one before it.
    high: Timestamp,
    /// The event pushed, if the step is a push.
    event: Option<Event>,
    /// The state before it.
    before: Scalars,
    /// The absolute index of its first undo record.
    undo_from: usize,
}

#[derive(Clone, Debug)]
struct Journal {
    within: i64,
    max_steps: usize,
    steps: VecDeque<Step>,
    undo: VecDeque<Undo>,
    /// The absolute index of `undo[0]`.
    undo_base: usize,
    /// The highest `high` of a step dropped from the journal: events before it are
    /// refused.
    trimmed: Option<Timestamp>,
}

/// The incremental responsiveness engine of one channel.
#[derive(Debug, Clone)]
pub struct LiveEngine {
    settings: Settings,
    s: Scalars,
    convs: Vec<Conv>,
    opps: Vec<Opp>,
    /// Opportunities that were open when created, oldest first; closed ones are
    /// skipped when they reach the front.
    expiring: VecDeque<u32>,
    times: SumMultiset,
    /// End-of-day reports from `s.first_day` on (journaled engines only).
    days: Vec<Report>,
    journal: Option<Journal>,
}

impl LiveEngine {
    /// An engine with no events, at the beginning of time. It refuses events older
    /// than its latest (see [`LiveEngine::push`]).
    pub fn new(settings: Settings) -> Self {
        LiveEngine {
            settings,
            s: Scalars {
                now: Timestamp::from_micros(i64::MIN),
                latest_event: None,
                expired_until: None,
                away_since: None,
                pending: 0,
                excluded: 0,
                total_counted: 0,
                start: 0,
                end: None,
                window_counted: 0,
                pushed: 0,
                first_day: None,
                next_day: None,
                days: 0,
            },
            convs: Vec::new(),
            opps: Vec::new(),
            expiring: VecDeque::new(),
            times: SumMultiset::new(),
            days: Vec::new(),
            journal: None,
        }
    }

    /// An engine that takes events up to `within` microseconds older than its latest
    /// step (and its last `steps` steps at most) without a rebuild, and keeps the
    /// daily series.
    pub fn with_lateness(settings: Settings, within: i64, steps: usize) -> Self {
        let mut engine = LiveEngine::new(settings);
        engine.journal = Some(Journal {
            within: within.max(0),
            max_steps: steps.max(1),
            steps: VecDeque::new(),
            undo: VecDeque::new(),
            undo_base: 0,
            trimmed: None,
        });
        engine
    }

    /// The settings it computes with.
    pub fn settings(&self) -> Settings {
        self.settings
    }

    /// The latest moment it was advanced to.
    pub fn now(&self) -> Timestamp {
        self.s.now
    }

    /// Adds the next event of the stream.
    ///
    /// Without a journal, events must come in stream order (by time, ties in the
    /// order they happened); an older event is refused, and so is one from before
    /// the end of the 24 hours of an opportunity that reading the engine later
    /// already turned into a miss. With a journal, an older event within the bound
    /// is put in its place (after the events of the same instant already pushed).
    pub fn push(&mut self, event: &Event) -> Result<(), OutOfOrder> {
        // Beyond time order, reading the engine at a later moment may have turned
        // opportunities into misses; an event from before the end of such an
        // opportunity's 24 hours (a reply that arrived late) could have answered
        // it. Any other event from before the reading moment is safe: a webhook's
        // platform time is always a little behind the server's clock, and refusing
        // those would rebuild the engine at nearly every message.
        let mut limit = match (self.s.latest_event, self.s.expired_until) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
        // A recorded end-of-day report must not miss an event of its day.
        if let Some(day) = self.s.next_day {
            limit = Some(limit.map_or(day.start(), |l| l.max(day.start())));
        }
        let late = limit.filter(|&l| event.at < l);
        match (late, &self.journal) {
            (None, _) => {
                self.begin_step(event.at, Some(*event));
                self.apply(event);
                Ok(())
            }
            (Some(latest), None) => Err(OutOfOrder {
                at: event.at,
                latest,
            }),
            (Some(_), Some(j)) => match j.trimmed {
                Some(latest) if event.at < latest => Err(OutOfOrder {
                    at: event.at,
                    latest,
                }),
                _ => {
                    self.insert_late(event);
                    Ok(())
                }
            },
        }
    }

    /// Moves the clock forward to `now` (never back): opportunities reaching 24 h
    /// unanswered become missed.
    pub fn advance(&mut self, now: Timestamp) {
        if now <= self.s.now {
            return;
        }
        self.begin_step(now, None);
        self.advance_to(now);
    }

    /// The report at `now` (advancing the clock to it first).
    pub fn report_at(&mut self, now: Timestamp) -> Report {
        self.advance(now);
        self.report()
    }

    /// The report at the latest moment the engine was advanced to.
    pub fn report(&self) -> Report {
        let answered = self.times.len() as u64;
        let counts = Counts {
            counted: self.s.window_counted,
            answered,
            missed: self.s.window_counted - answered,
            pending: self.s.pending,
            excluded: self.s.excluded,
        };
        let window = self.s.end.map(|end| {
            let first = (self.s.start..=end)
                .find(|&i| self.opps[i].in_window)
                .unwrap_or(end);
            WindowSpan {
                start: self.opps[first].at,
                end: self.opps[end].at,
            }
        });
        let fastest = (answered > 0).then(|| {
            let k = FastestSum::k_for(answered);
            FastestSum {
                sum_us: self.times.sum_smallest(k as usize),
                k,
            }
        });
        Report::new(self.s.now, window, counts, fastest, self.settings.threshold)
    }

    /// How many opportunities it knows (every one up to its latest moment).
    pub fn opportunity_count(&self) -> usize {
        self.opps.len()
    }

    /// The `i`-th opportunity in stream order, classified as at the engine's latest
    /// moment: the same as [`Analysis::new`]'s at that moment. `None` past the end.
    pub fn opportunity(&self, i: usize) -> Option<Opportunity> {
        let o = self.opps.get(i)?;
        let in_spam = self.convs[o.conv as usize].in_spam;
        let status = match o.state {
            State::Away => Status::Excluded(Exclusion::Away),
            _ if in_spam => Status::Excluded(Exclusion::Spam),
            State::Closed { spam: true } => Status::Excluded(Exclusion::MovedToSpam),
            State::Closed { spam: false } => Status::Excluded(Exclusion::MovedToDone),
            State::Answered => Status::Answered {
                response_us: o.response_us(),
            },
            State::Missed => Status::Missed,
            State::Open => Status::Pending,
        };
        Some(Opportunity {
            conversation: crate::event::ConvId(o.conv),
            at: o.at,
            event: o.event as usize,
            status,
            reply: o.reply.map(|r| Reply {
                at: r.at,
                event: r.event as usize,
                author: r.author,
                agent: r.agent,
                id: r.id,
            }),
            in_window: o.in_window,
        })
    }

    /// The analysis at the engine's latest moment, every opportunity included: the
    /// same as [`Analysis::new`] over the events pushed. Costs one pass over the
    /// opportunities; [`LiveEngine::forecast`] and [`LiveEngine::per_agent`] read
    /// only the window.
    pub fn analysis(&self) -> Analysis {
        self.analysis_from(0)
    }

    /// The analysis holding only the opportunities from the `from`-th on (the
    /// report is the whole engine's).
    fn analysis_from(&self, from: usize) -> Analysis {
        Analysis {
            now: self.s.now,
            settings: self.settings,
            opportunities: (from..self.opps.len())
                .filter_map(|i| self.opportunity(i))
                .collect(),
            report: self.report(),
        }
    }

    /// The forecast at the engine's latest moment, equal to
    /// [`Analysis::forecast`]'s, from the window and the pending opportunities only.
    pub fn forecast(&self) -> Forecast {
        let first_pending = self
            .expiring
            .iter()
            .map(|&i| i as usize)
            .find(|&i| {
                let o = &self.opps[i];
                o.state == State::Open && !self.convs[o.conv as usize].in_spam
            })
            .unwrap_or(self.opps.len());
        // With the pending ones counted (answered or missed), the window can only
        // end later and so start no earlier than it does now: the opportunities
        // before the window's start cannot be in it.
        let from = match self.s.end {
            Some(_) => self.s.start.min(first_pending),
            None => first_pending,
        };
        let part = self.analysis_from(from);
        let excluded_in_part = part
            .opportunities
            .iter()
            .filter(|o| matches!(o.status, Status::Excluded(_)))
            .count() as u64;
        let mut forecast = part.into_forecast();
        let before = self.s.excluded - excluded_in_part;
        for r in [
            &mut forecast.if_all_answered_now,
            &mut forecast.if_all_missed,
        ] {
            r.opportunities.excluded += before;
        }
        forecast
    }

    /// Each responder's figures within the window, equal to
    /// [`Analysis::per_agent`]'s, from the window only.
    pub fn per_agent(&self) -> Vec<AgentFigures> {
        match self.s.end {
            Some(end) => {
                crate::forecast::per_agent((self.s.start..=end).filter_map(|i| self.opportunity(i)))
            }
            None => Vec::new(),
        }
    }

    /// The report at the end of each day from `from` to `to` (inclusive, UTC), equal
    /// to [`crate::daily::daily`] over the events pushed: days that start after
    /// `now` are left out, and the day holding `now` is reported as of `now`
    /// (advancing the clock to it). Only an engine with a journal keeps the days;
    /// without one, this is empty.
    pub fn daily(&mut self, from: Date, to: Date, now: Timestamp) -> Vec<DailyPoint> {
        if self.journal.is_none() {
            return Vec::new();
        }
        self.advance(now);
        let mut points = Vec::new();
        let mut date = from;
        while date <= to && date.start() <= now {
            let report = if date.end() >= self.s.now {
                self.report()
            } else {
                match self.s.first_day {
                    Some(first) if date >= first => {
                        let i = (date.days_since_epoch() - first.days_since_epoch()) as usize;
                        match self.days.get(i) {
                            Some(r) => *r,
                            None => self.report(),
                        }
                    }
                    _ => Report::new(
                        date.end(),
                        None,
                        Counts::default(),
                        None,
                        self.settings.threshold,
                    ),
                }
            };
            points.push(DailyPoint { date, report });
            date = date.succ();
        }
        points
    }

    /// Applies an event at or after every event pushed and the recorded days.
    fn apply(&mut self, event: &Event) {
        let at = event.at;
        if self.s.latest_event.is_none_or(|l| l < at) {
            self.s.latest_event = Some(at);
        }
        self.advance_to(at);
        let index = self.s.pushed;
        self.s.pushed = self.s.pushed.saturating_add(1);
        match event.kind {
            EventKind::Status(Presence::Away) => self.s.away_since = Some(at),
            EventKind::Status(Presence::Available) => self.s.away_since = None,
            EventKind::Message {
                conversation,
                sender,
                agent,
                id,
            } => {
                let c = self.conv(conversation.0);
                match sender {
                    Sender::Customer => {
                        if opens_opportunity(self.convs[c].last_message, at) {
                            self.open_opportunity(c, at, index);
                        }
                    }
                    Sender::Business(author) => {
                        if counts_as_response(author, self.settings) {
                            let reply = ReplyRef {
                                at,
                                event: index,
                                author,
                                agent,
                                id,
                            };
                            self.reply(c, reply);
                        }
                    }
                }
                self.touch_conv(c);
                self.convs[c].last_message = Some(at);
            }
            EventKind::Folder {
                conversation,
                folder,
            } => {
                let c = self.conv(conversation.0);
                if folder != Folder::Inbox {
                    self.close(c, folder == Folder::Spam);
                }
                let spam = folder == Folder::Spam;
                if spam != self.convs[c].in_spam {
                    self.toggle_spam(c, spam);
                }
            }
        }
        // The engine may have been read past this event's time already: what
        // expired by then expires now.
        self.expire();
    }

    /// Moves the clock to `now` (if later), recording the ends of the days it
    /// passes.
    fn advance_to(&mut self, now: Timestamp) {
        if now <= self.s.now {
            return;
        }
        // The days are recorded from the first moment the engine reaches on; an
        // event before it is late, and replayed from the start.
        if self.journal.is_some() && self.s.first_day.is_none() {
            self.s.first_day = Some(now.date());
            self.s.next_day = Some(now.date());
        }
        if let Some(mut day) = self.s.next_day {
            while day.end() < now {
                if day.end() > self.s.now {
                    self.s.now = day.end();
                    self.expire();
                }
                let report = self.report();
                self.days.truncate(self.s.days);
                self.days.push(report);
                self.s.days += 1;
                day = day.succ();
            }
            self.s.next_day = Some(day);
        }
        self.s.now = now;
        self.expire();
    }

    /// Takes an event older than the latest: undoes the steps after its instant,
    /// applies it, and replays the undone steps' events and the clock.
    fn insert_late(&mut self, event: &Event) {
        let old_now = self.s.now;
        let mut replay = Vec::new();
        let Some(journal) = self.journal.as_mut() else {
            return;
        };
        let mut undone = Vec::new();
        let mut restore = None;
        while let Some(step) = journal.steps.back().copied() {
            if step.high <= event.at {
                break;
            }
            journal.steps.pop_back();
            while journal.undo_base + journal.undo.len() > step.undo_from {
                if let Some(u) = journal.undo.pop_back() {
                    undone.push(u);
                }
            }
            restore = Some(step.before);
            if let Some(e) = step.event {
                replay.push(e);
            }
        }
        for u in undone {
            self.undo(u);
        }
        if let Some(before) = restore {
            self.s = before;
            self.days.truncate(self.s.days);
        }
        // The undone pushes were in time order, newest first; the late event goes
        // after those of its own instant (the sort is stable).
        replay.reverse();
        replay.push(*event);
        replay.sort_by_key(|e| e.at);
        for e in &replay {
            self.begin_step(e.at, Some(*e));
            self.apply(e);
        }
        self.advance(old_now);
    }

    fn undo(&mut self, u: Undo) {
        match u {
            Undo::Conv(c, old) => self.convs[c as usize] = old,
            Undo::ConvsLen(n) => self.convs.truncate(n as usize),
            Undo::Opp(i, old) => self.opps[i as usize] = old,
            Undo::OppsLen(n) => self.opps.truncate(n as usize),
            Undo::ExpiringPushed => {
                self.expiring.pop_back();
            }
            Undo::ExpiringPopped(i) => self.expiring.push_front(i),
            Undo::Inserted(t) => {
                self.times.remove(t);
            }
            Undo::Removed(t) => self.times.insert(t),
        }
    }

    /// Starts a journaled step at `at`, dropping the steps the journal no longer
    /// keeps.
    fn begin_step(&mut self, at: Timestamp, event: Option<Event>) {
        let before = self.s;
        let Some(j) = self.journal.as_mut() else {
            return;
        };
        let previous = j.steps.back().map(|s| s.high).or(j.trimmed);
        let high = previous.map_or(at, |p| p.max(at));
        j.steps.push_back(Step {
            high,
            event,
            before,
            undo_from: j.undo_base + j.undo.len(),
        });
        let horizon = high.add_micros(-j.within);
        while j.steps.len() > 1
            && (j.steps.len() > j.max_steps
                || j.undo.len() > UNDO_PER_STEP.saturating_mul(j.max_steps)
                || j.steps.front().is_some_and(|s| s.high < horizon))
        {
            let Some(dropped) = j.steps.pop_front() else {
                break;
            };
            j.trimmed = Some(j.trimmed.map_or(dropped.high, |t| t.max(dropped.high)));
            let keep_from = j.steps.front().map_or(j.undo_base, |s| s.undo_from);
            while j.undo_base < keep_from {
                j.undo.pop_front();
                j.undo_base += 1;
            }
        }
    }

    fn log(&mut self, u: Undo) {
        if let Some(j) = self.journal.as_mut() {
            j.undo.push_back(u);
        }
    }

    fn touch_conv(&mut self, c: usize) {
        if self.journal.is_some() {
            self.log(Undo::Conv(c as u32, self.convs[c]));
        }
    }

    fn touch_opp(&mut self, i: usize) {
        if self.journal.is_some() {
            self.log(Undo::Opp(i as u32, self.opps[i]));
        }
    }

    /// Turns the open opportunities whose 24 hours ended by `self.s.now` into misses.
    fn expire(&mut self) {
        let now = self.s.now;
        while let Some(&front) = self.expiring.front() {
            let opp = self.opps[front as usize];
            if opp.state == State::Open {
                if now.micros_since(opp.at) < DAY {
                    break;
                }
                self.touch_opp(front as usize);
                self.opps[front as usize].state = State::Missed;
                let end = opp.at.add_micros(DAY);
                if self.s.expired_until.is_none_or(|e| e < end) {
                    self.s.expired_until = Some(end);
                }
                if !self.convs[opp.conv as usize].in_spam {
                    self.s.pending -= 1;
                    self.became_counted(front as usize);
                    self.settle();
                }
            }
            self.expiring.pop_front();
            self.log(Undo::ExpiringPopped(front));
        }
    }

    fn conv(&mut self, id: u32) -> usize {
        let c = id as usize;
        if c >= self.convs.len() {
            self.log(Undo::ConvsLen(self.convs.len() as u32));
            self.convs.resize(c + 1, NEW_CONV);
        }
        c
    }

    fn open_opportunity(&mut self, c: usize, at: Timestamp, event: u32) {
        // At most u32::MAX - 1 opportunities: beyond, new ones are not tracked.
        let Ok(index) = u32::try_from(self.opps.len()) else {
            return;
        };
        if index == NONE {
            return;
        }
        let away = self
            .s
            .away_since
            .is_some_and(|a| at.micros_since(a) < AWAY_LIMIT);
        self.log(Undo::OppsLen(index));
        self.touch_conv(c);
        let conv = &mut self.convs[c];
        self.opps.push(Opp {
            at,
            reply: None,
            conv: c as u32,
            prev_in_conv: conv.latest_opp,
            event,
            state: if away { State::Away } else { State::Open },
            in_window: false,
        });
        conv.latest_opp = index;
        conv.open = index;
        let in_spam = conv.in_spam;
        if away {
            self.s.excluded += 1;
        } else {
            self.expiring.push_back(index);
            self.log(Undo::ExpiringPushed);
            if in_spam {
                self.s.excluded += 1;
            } else {
                self.s.pending += 1;
            }
        }
    }

    /// A counting response in conversation `c`.
    fn reply(&mut self, c: usize, reply: ReplyRef) {
        let open = self.convs[c].open;
        if open == NONE {
            return;
        }
        self.touch_conv(c);
        self.convs[c].open = NONE;
        self.touch_opp(open as usize);
        let opp = &mut self.opps[open as usize];
        opp.reply = Some(reply);
        // `advance(at)` ran first, so an open opportunity is less than 24 h old.
        if opp.state == State::Open {
            opp.state = State::Answered;
            if !self.convs[c].in_spam {
                self.s.pending -= 1;
                self.became_counted(open as usize);
                self.settle();
            }
        }
    }

    /// A move of conversation `c` to done or spam.
    fn close(&mut self, c: usize, spam: bool) {
        let open = self.convs[c].open;
        if open == NONE {
            return;
        }
        self.touch_conv(c);
        self.convs[c].open = NONE;
        if self.opps[open as usize].state == State::Open {
            self.touch_opp(open as usize);
            self.opps[open as usize].state = State::Closed { spam };
            if !self.convs[c].in_spam {
                self.s.pending -= 1;
                self.s.excluded += 1;
            }
        }
    }

    fn toggle_spam(&mut self, c: usize, spam: bool) {
        self.touch_conv(c);
        self.convs[c].in_spam = spam;
        let mut i = self.convs[c].latest_opp;
        while i != NONE {
            let opp = self.opps[i as usize];
            match opp.state {
                State::Away | State::Closed { .. } => {}
                State::Open if spam => {
                    self.s.pending -= 1;
                    self.s.excluded += 1;
                }
                State::Open => {
                    self.s.pending += 1;
                    self.s.excluded -= 1;
                }
                State::Answered | State::Missed if spam => {
                    self.s.excluded += 1;
                    self.became_uncounted(i as usize);
                }
                State::Answered | State::Missed => {
                    self.s.excluded -= 1;
                    self.became_counted(i as usize);
                }
            }
            i = opp.prev_in_conv;
        }
        self.settle();
    }

    fn is_counted(&self, i: usize) -> bool {
        let opp = &self.opps[i];
        matches!(opp.state, State::Answered | State::Missed)
            && !self.convs[opp.conv as usize].in_spam
    }

    fn add(&mut self, i: usize) {
        if self.opps[i].in_window {
            return;
        }
        self.touch_opp(i);
        let opp = &mut self.opps[i];
        opp.in_window = true;
        self.s.window_counted += 1;
        if opp.state == State::Answered {
            let t = opp.response_us();
            self.times.insert(t);
            self.log(Undo::Inserted(t));
        }
    }

    fn remove(&mut self, i: usize) {
        if !self.opps[i].in_window {
            return;
        }
        self.touch_opp(i);
        let opp = &mut self.opps[i];
        opp.in_window = false;
        self.s.window_counted -= 1;
        if opp.state == State::Answered {
            let t = opp.response_us();
            if self.times.remove(t) {
                self.log(Undo::Removed(t));
            }
        }
    }

    fn became_counted(&mut self, i: usize) {
        self.s.total_counted += 1;
        match self.s.end {
            None => {
                self.s.start = i;
                self.s.end = Some(i);
                self.add(i);
            }
            Some(end) if i > end => {
                self.s.end = Some(i);
                self.add(i);
            }
            Some(_) if i >= self.s.start => self.add(i),
            // Older than the window: `settle` takes it in if the window is short.
            Some(_) => {}
        }
    }

    fn became_uncounted(&mut self, i: usize) {
        self.s.total_counted -= 1;
        self.remove(i);
    }

    /// Restores the window's definition after counted opportunities came or went.
    fn settle(&mut self) {
        let Some(mut end) = self.s.end else { return };
        if !self.is_counted(end) {
            match (0..end).rev().find(|&i| self.is_counted(i)) {
                Some(e) => end = e,
                None => {
                    self.s.end = None;
                    self.s.start = 0;
                    debug_assert_eq!(self.s.window_counted, 0);
                    return;
                }
            }
            self.s.end = Some(end);
            if self.s.start > end {
                self.s.start = end;
                self.add(end);
            }
        }
        let t = self.opps[end].at;
        let boundary = self.opps[..=end].partition_point(|o| o.at.micros_since(t) <= -WINDOW);
        // Drop what fell out of the 30 days, keeping at least the latest ten.
        while self.s.start < boundary {
            if self.opps[self.s.start].in_window {
                if self.s.window_counted <= MIN_WINDOW as u64 {
                    break;
                }
                self.remove(self.s.start);
            }
            self.s.start += 1;
        }
        // Take in what is within the 30 days, and older ones while fewer than ten.
        while self.s.start > 0 {
            let j = self.s.start - 1;
            let wanted = j >= boundary
                || (self.s.window_counted < MIN_WINDOW as u64
                    && self.s.window_counted < self.s.total_counted);
            if !wanted {
                break;
            }
            if self.is_counted(j) {
                self.add(j);
            }
            self.s.start = j;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::{Author, EventLog};
    use crate::time::MINUTE;

    #[test]
    fn refuses_events_out_of_order() {
        let mut log = EventLog::new();
        let a = log.conversation("a");
        let msg = |m: i64| Event {
            at: Timestamp::from_micros(m * MINUTE),
            kind: EventKind::Message {
                conversation: a,
                sender: Sender::Business(Author::Agent),
                agent: None,
                id: None,
            },
        };
        let mut live = LiveEngine::new(Settings::default());
        live.push(&msg(5)).unwrap();
        live.push(&msg(5)).unwrap();
        let err = live.push(&msg(4)).unwrap_err();
        assert_eq!(err.latest, Timestamp::from_micros(5 * MINUTE));
    }

    /// A message `m` minutes in, by `sender`, always in the same conversation.
    fn message_in_one_conversation() -> impl Fn(i64, Sender) -> Event {
        let mut log = EventLog::new();
        let a = log.conversation("a");
        move |m, sender| Event {
            at: Timestamp::from_micros(m * MINUTE),
            kind: EventKind::Message {
                conversation: a,
                sender,
                agent: None,
                id: None,
            },
        }
    }

    /// A reply that arrives after the engine was read past its question's 24 hours
    /// would otherwise be taken while the question already counts as missed.
    #[test]
    fn refuses_events_before_the_moment_it_was_advanced_to() {
        let msg = message_in_one_conversation();
        let mut live = LiveEngine::new(Settings::default());
        live.push(&msg(0, Sender::Customer)).unwrap();
        let later = Timestamp::from_micros(2 * DAY);
        assert_eq!(live.report_at(later).opportunities.missed, 1);
        let err = live
            .push(&msg(5, Sender::Business(Author::Agent)))
            .unwrap_err();
        assert_eq!(
            err.latest,
            Timestamp::from_micros(DAY),
            "the miss's 24 hours"
        );
        // After that miss's 24 hours, an event from before the reading moment is
        // taken: it cannot change a decision already made.
        live.push(&msg(25 * 60, Sender::Customer)).unwrap();
        live.push(&msg(3 * 24 * 60, Sender::Customer)).unwrap();
    }

    /// A webhook's platform time is a little behind the moment the engine was last
    /// read: that must not force a rebuild at every message.
    #[test]
    fn takes_events_slightly_older_than_its_last_reading() {
        let msg = message_in_one_conversation();
        let mut live = LiveEngine::new(Settings::default());
        live.push(&msg(0, Sender::Customer)).unwrap();
        live.report_at(Timestamp::from_micros(10 * MINUTE));
        live.push(&msg(9, Sender::Business(Author::Agent))).unwrap();
        assert_eq!(
            live.report_at(Timestamp::from_micros(11 * MINUTE))
                .opportunities
                .answered,
            1
        );
    }

    /// The memory the module's documentation states: per opportunity, per
    /// conversation, per day of the daily series.
    #[test]
    fn memory_per_item_is_as_documented() {
        assert!(
            std::mem::size_of::<Opp>() <= 56,
            "{}",
            std::mem::size_of::<Opp>()
        );
        assert!(
            std::mem::size_of::<Conv>() <= 32,
            "{}",
            std::mem::size_of::<Conv>()
        );
        assert!(
            std::mem::size_of::<Report>() <= 104,
            "{}",
            std::mem::size_of::<Report>()
        );
        // The journal: at most 20,000 steps and 160,000 undo records in the
        // server's engines, so at most about 14 MB.
        assert!(
            std::mem::size_of::<Step>() <= 208,
            "{}",
            std::mem::size_of::<Step>()
        );
        assert!(
            std::mem::size_of::<Undo>() <= 64,
            "{}",
            std::mem::size_of::<Undo>()
        );
    }
}
