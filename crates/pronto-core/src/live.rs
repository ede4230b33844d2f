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

use std::collections::VecDeque;

use crate::analysis::{AWAY_LIMIT, MIN_WINDOW, WINDOW, counts_as_response, opens_opportunity};
use crate::event::{ConvId, Event, EventKind, Folder, Presence, Sender};
use crate::multiset::SumMultiset;
use crate::report::{Counts, FastestSum, Report, Settings, WindowSpan};
use crate::time::{DAY, Timestamp};

/// An event older than one already pushed, or older than the end of the 24 hours
/// of an opportunity the engine already counted as missed: the live engine only
/// moves forward.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("event at {at} is older than the engine takes ({latest}); rebuild from the stored stream")]
pub struct OutOfOrder {
    /// The refused event's time.
    pub at: Timestamp,
    /// The earliest time the engine still takes.
    pub latest: Timestamp,
}

const NONE: u32 = u32::MAX;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    /// Less than 24 h old and neither answered nor closed: pending.
    Open,
    Answered(u64),
    Missed,
    /// Arrived while the channel was away.
    Away,
    /// Moved to done or spam within 24 h, before a response.
    Closed,
}

#[derive(Clone, Copy, Debug)]
struct Opp {
    at: Timestamp,
    conv: u32,
    prev_in_conv: u32,
    state: State,
    /// Whether it is in the window's aggregates.
    in_window: bool,
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

/// The incremental responsiveness engine of one channel.
#[derive(Debug, Clone)]
pub struct LiveEngine {
    settings: Settings,
    now: Timestamp,
    latest_event: Option<Timestamp>,
    /// The end of the 24 hours of the latest opportunity that advancing the clock
    /// turned into a miss: an event before it could have answered that one.
    expired_until: Option<Timestamp>,
    away_since: Option<Timestamp>,
    convs: Vec<Conv>,
    opps: Vec<Opp>,
    /// Opportunities that were open when created, oldest first; closed ones are
    /// skipped when they reach the front.
    expiring: VecDeque<u32>,
    pending: u64,
    excluded: u64,
    total_counted: u64,
    start: usize,
    end: Option<usize>,
    window_counted: u64,
    times: SumMultiset,
}

impl LiveEngine {
    /// An engine with no events, at the beginning of time.
    pub fn new(settings: Settings) -> Self {
        LiveEngine {
            settings,
            now: Timestamp::from_micros(i64::MIN),
            latest_event: None,
            expired_until: None,
            away_since: None,
            convs: Vec::new(),
            opps: Vec::new(),
            expiring: VecDeque::new(),
            pending: 0,
            excluded: 0,
            total_counted: 0,
            start: 0,
            end: None,
            window_counted: 0,
            times: SumMultiset::new(),
        }
    }

    /// The settings it computes with.
    pub fn settings(&self) -> Settings {
        self.settings
    }

    /// The latest moment it was advanced to.
    pub fn now(&self) -> Timestamp {
        self.now
    }

    /// Adds the next event of the stream. Events must come in stream order (by time,
    /// ties in the order they happened); an older event is refused.
    pub fn push(&mut self, event: &Event) -> Result<(), OutOfOrder> {
        // Events come in time order. Beyond that, reading the engine at a later
        // moment may have turned opportunities into misses; an event from before
        // the end of such an opportunity's 24 hours (a reply that arrived late)
        // could have answered it, so it is refused too. Any other event from
        // before the reading moment is safe: a webhook's platform time is always a
        // little behind the server's clock, and refusing those would rebuild the
        // engine at nearly every message.
        let limit = match (self.latest_event, self.expired_until) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
        if let Some(latest) = limit
            && event.at < latest
        {
            return Err(OutOfOrder {
                at: event.at,
                latest,
            });
        }
        self.latest_event = Some(event.at);
        self.advance(event.at);
        let at = event.at;
        match event.kind {
            EventKind::Status(Presence::Away) => self.away_since = Some(at),
            EventKind::Status(Presence::Available) => self.away_since = None,
            EventKind::Message {
                conversation,
                sender,
                ..
            } => {
                let c = self.conv(conversation);
                match sender {
                    Sender::Customer => {
                        if opens_opportunity(self.convs[c].last_message, at) {
                            self.open_opportunity(c, at);
                        }
                    }
                    Sender::Business(author) => {
                        if counts_as_response(author, self.settings) {
                            self.reply(c, at);
                        }
                    }
                }
                self.convs[c].last_message = Some(at);
            }
            EventKind::Folder {
                conversation,
                folder,
            } => {
                let c = self.conv(conversation);
                if folder != Folder::Inbox {
                    self.close(c);
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
        Ok(())
    }

    /// Moves the clock forward to `now` (never back): opportunities reaching 24 h
    /// unanswered become missed.
    pub fn advance(&mut self, now: Timestamp) {
        if now <= self.now {
            return;
        }
        self.now = now;
        self.expire();
    }

    /// Turns the open opportunities whose 24 hours ended by `self.now` into misses.
    fn expire(&mut self) {
        let now = self.now;
        while let Some(&front) = self.expiring.front() {
            let opp = self.opps[front as usize];
            if opp.state == State::Open {
                if now.micros_since(opp.at) < DAY {
                    break;
                }
                self.opps[front as usize].state = State::Missed;
                let end = opp.at.add_micros(DAY);
                if self.expired_until.is_none_or(|e| e < end) {
                    self.expired_until = Some(end);
                }
                if !self.convs[opp.conv as usize].in_spam {
                    self.pending -= 1;
                    self.became_counted(front as usize);
                    self.settle();
                }
            }
            self.expiring.pop_front();
        }
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
            counted: self.window_counted,
            answered,
            missed: self.window_counted - answered,
            pending: self.pending,
            excluded: self.excluded,
        };
        let window = self.end.map(|end| {
            let first = (self.start..=end)
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
        Report::new(self.now, window, counts, fastest, self.settings.threshold)
    }

    fn conv(&mut self, id: ConvId) -> usize {
        let c = id.0 as usize;
        if c >= self.convs.len() {
            self.convs.resize(c + 1, NEW_CONV);
        }
        c
    }

    fn open_opportunity(&mut self, c: usize, at: Timestamp) {
        let index = u32::try_from(self.opps.len()).expect("more than 4 billion opportunities");
        let away = self
            .away_since
            .is_some_and(|a| at.micros_since(a) < AWAY_LIMIT);
        let conv = &mut self.convs[c];
        self.opps.push(Opp {
            at,
            conv: c as u32,
            prev_in_conv: conv.latest_opp,
            state: if away { State::Away } else { State::Open },
            in_window: false,
        });
        conv.latest_opp = index;
        conv.open = index;
        if away {
            self.excluded += 1;
        } else {
            self.expiring.push_back(index);
            if conv.in_spam {
                self.excluded += 1;
            } else {
                self.pending += 1;
            }
        }
    }

    /// A counting response in conversation `c`.
    fn reply(&mut self, c: usize, at: Timestamp) {
        let open = std::mem::replace(&mut self.convs[c].open, NONE);
        if open == NONE {
            return;
        }
        let opp = &mut self.opps[open as usize];
        // `advance(at)` ran first, so an open opportunity is less than 24 h old.
        if opp.state == State::Open {
            opp.state = State::Answered(at.micros_since(opp.at) as u64);
            if !self.convs[c].in_spam {
                self.pending -= 1;
                self.became_counted(open as usize);
                self.settle();
            }
        }
    }

    /// A move of conversation `c` to done or spam.
    fn close(&mut self, c: usize) {
        let open = std::mem::replace(&mut self.convs[c].open, NONE);
        if open == NONE {
            return;
        }
        let opp = &mut self.opps[open as usize];
        if opp.state == State::Open {
            opp.state = State::Closed;
            if !self.convs[c].in_spam {
                self.pending -= 1;
                self.excluded += 1;
            }
        }
    }

    fn toggle_spam(&mut self, c: usize, spam: bool) {
        self.convs[c].in_spam = spam;
        let mut i = self.convs[c].latest_opp;
        while i != NONE {
            let opp = self.opps[i as usize];
            match opp.state {
                State::Away | State::Closed => {}
                State::Open if spam => {
                    self.pending -= 1;
                    self.excluded += 1;
                }
                State::Open => {
                    self.pending += 1;
                    self.excluded -= 1;
                }
                State::Answered(_) | State::Missed if spam => {
                    self.excluded += 1;
                    self.became_uncounted(i as usize);
                }
                State::Answered(_) | State::Missed => {
                    self.excluded -= 1;
                    self.became_counted(i as usize);
                }
            }
            i = opp.prev_in_conv;
        }
        self.settle();
    }

    fn is_counted(&self, i: usize) -> bool {
        let opp = &self.opps[i];
        matches!(opp.state, State::Answered(_) | State::Missed)
            && !self.convs[opp.conv as usize].in_spam
    }

    fn add(&mut self, i: usize) {
        let opp = &mut self.opps[i];
        if opp.in_window {
            return;
        }
        opp.in_window = true;
        self.window_counted += 1;
        if let State::Answered(t) = opp.state {
            self.times.insert(t);
        }
    }

    fn remove(&mut self, i: usize) {
        let opp = &mut self.opps[i];
        if !opp.in_window {
            return;
        }
        opp.in_window = false;
        self.window_counted -= 1;
        if let State::Answered(t) = opp.state {
            self.times.remove(t);
        }
    }

    fn became_counted(&mut self, i: usize) {
        self.total_counted += 1;
        match self.end {
            None => {
                self.start = i;
                self.end = Some(i);
                self.add(i);
            }
            Some(end) if i > end => {
                self.end = Some(i);
                self.add(i);
            }
            Some(_) if i >= self.start => self.add(i),
            // Older than the window: `settle` takes it in if the window is short.
            Some(_) => {}
        }
    }

    fn became_uncounted(&mut self, i: usize) {
        self.total_counted -= 1;
        self.remove(i);
    }

    /// Restores the window's definition after counted opportunities came or went.
    fn settle(&mut self) {
        let Some(mut end) = self.end else { return };
        if !self.is_counted(end) {
            match (0..end).rev().find(|&i| self.is_counted(i)) {
                Some(e) => end = e,
                None => {
                    self.end = None;
                    self.start = 0;
                    debug_assert_eq!(self.window_counted, 0);
                    return;
                }
            }
            self.end = Some(end);
            if self.start > end {
                self.start = end;
                self.add(end);
            }
        }
        let t = self.opps[end].at;
        let boundary = self.opps[..=end].partition_point(|o| o.at.micros_since(t) <= -WINDOW);
        // Drop what fell out of the 30 days, keeping at least the latest ten.
        while self.start < boundary {
            if self.opps[self.start].in_window {
                if self.window_counted <= MIN_WINDOW as u64 {
                    break;
                }
                self.remove(self.start);
            }
            self.start += 1;
        }
        // Take in what is within the 30 days, and older ones while fewer than ten.
        while self.start > 0 {
            let j = self.start - 1;
            let wanted = j >= boundary
                || (self.window_counted < MIN_WINDOW as u64
                    && self.window_counted < self.total_counted);
            if !wanted {
                break;
            }
            if self.is_counted(j) {
                self.add(j);
            }
            self.start = j;
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
}
