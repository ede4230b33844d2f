//! The batch engine: classifies every opportunity of a stream at a moment `now`, picks
//! the window, and derives the report, its explanation, the forecast and the per-agent
//! figures from that one classification.
//!
//! This is the reference implementation of the spec, written to be read beside it;
//! [`crate::live::LiveEngine`] computes the same report incrementally and is tested
//! against this one.

use crate::event::{
    AgentId, Author, ConvId, Event, EventKind, Folder, MessageRef, Presence, Sender, Stream,
};
use crate::report::{Counts, FastestSum, Report, Settings, WindowSpan};
use crate::time::{DAY, HOUR, Timestamp};

/// 30 days, the length of the window.
pub const WINDOW: i64 = 30 * DAY;
/// An away status ends by itself this long after it was set.
pub const AWAY_LIMIT: i64 = 12 * HOUR;
/// When fewer than this many counted opportunities fall in 30 days, the window holds
/// the latest this many instead.
pub const MIN_WINDOW: usize = 10;

/// Whether a customer message at `at` is an opportunity (a "new message"): the first
/// message of its conversation, or one after at least 24 h of silence since the
/// conversation's previous message (`previous`, from either side, automated included).
///
/// Both engines and the automations (the instant reply) decide with this one function.
pub fn opens_opportunity(previous: Option<Timestamp>, at: Timestamp) -> bool {
    previous.is_none_or(|last| at.micros_since(last) >= DAY)
}

/// Why an opportunity is left out of the figures.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Exclusion {
    /// The channel was away when it arrived.
    Away,
    /// Its conversation is in spam.
    Spam,
    /// Its conversation was moved to done within 24 h and before any response.
    MovedToDone,
    /// Its conversation was moved to spam within 24 h and before any response (and has
    /// since left spam).
    MovedToSpam,
}

impl Exclusion {
    /// A sentence for a person.
    pub fn describe(self) -> &'static str {
        match self {
            Exclusion::Away => "the channel was away when it arrived",
            Exclusion::Spam => "the conversation is in spam",
            Exclusion::MovedToDone => "moved to done within 24 h, before any reply",
            Exclusion::MovedToSpam => "moved to spam within 24 h, before any reply",
        }
    }
}

/// An opportunity's classification at `now`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// A counting response came within 24 h.
    Answered {
        /// Microseconds from the opportunity to the response.
        response_us: u64,
    },
    /// No counting response within 24 h, and 24 h have passed.
    Missed,
    /// Less than 24 h old, not answered yet.
    Pending,
    /// Left out of the figures.
    Excluded(Exclusion),
}

impl Status {
    /// Whether the rate counts it (answered or missed).
    pub fn is_counted(self) -> bool {
        matches!(self, Status::Answered { .. } | Status::Missed)
    }

    /// The spec's word for it.
    pub fn word(self) -> &'static str {
        match self {
            Status::Answered { .. } => "answered",
            Status::Missed => "missed",
            Status::Pending => "pending",
            Status::Excluded(_) => "excluded",
        }
    }
}

/// The business message that answered (or first counted as a response to) an
/// opportunity.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Reply {
    /// When it was sent.
    pub at: Timestamp,
    /// Its index in the stream.
    pub event: usize,
    /// Who wrote it.
    pub author: Author,
    /// The agent, when the message names one.
    pub agent: Option<AgentId>,
    /// Its own id, when the input has one.
    pub id: Option<MessageRef>,
}

/// A new message: the first of its conversation, or the first after 24 h of silence.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Opportunity {
    /// Its conversation.
    pub conversation: ConvId,
    /// When it arrived.
    pub at: Timestamp,
    /// Its index in the stream.
    pub event: usize,
    /// Its classification at `now`.
    pub status: Status,
    /// The first counting response after it, however late.
    pub reply: Option<Reply>,
    /// Whether it is one of the window's counted opportunities.
    pub in_window: bool,
}

/// Every opportunity of a stream classified at `now`, and the report they make.
#[derive(Debug, Clone)]
pub struct Analysis {
    /// The moment of evaluation.
    pub now: Timestamp,
    /// How it was computed.
    pub settings: Settings,
    /// Every opportunity up to `now`, in stream order.
    pub opportunities: Vec<Opportunity>,
    /// The report.
    pub report: Report,
}

impl Analysis {
    /// Classifies `stream` at `now`.
    pub fn new(stream: &Stream, now: Timestamp, settings: Settings) -> Self {
        let mut opportunities = classify(stream, now, settings);
        let report = summarize(&mut opportunities, now, settings);
        Analysis {
            now,
            settings,
            opportunities,
            report,
        }
    }

    /// Recomputes the window and the report after statuses were changed.
    pub(crate) fn resummarize(&mut self) -> Report {
        self.report = summarize(&mut self.opportunities, self.now, self.settings);
        self.report
    }

    /// The report if every pending opportunity were missed.
    pub fn if_pending_missed(&self) -> Report {
        let mut opps = self.opportunities.clone();
        for o in &mut opps {
            if o.status == Status::Pending {
                o.status = Status::Missed;
            }
        }
        summarize(&mut opps, self.now, self.settings)
    }
}

/// Computes the report of `stream` at `now`.
pub fn report(stream: &Stream, now: Timestamp, settings: Settings) -> Report {
    Analysis::new(stream, now, settings).report
}

/// How the first response or close after an opportunity went.
#[derive(Clone, Copy)]
enum Resolution {
    /// Neither a counting response nor a move to done or spam yet.
    Open,
    /// A counting response came first.
    Replied(Reply),
    /// A move to done or spam came first.
    Closed(Timestamp, Folder),
}

const NONE: u32 = u32::MAX;

struct ConvState {
    last_message: Option<Timestamp>,
    /// The latest opportunity, while no response or close has followed it.
    open: u32,
    folder: Folder,
}

/// Whether a business message by `author` counts as a response.
pub fn counts_as_response(author: Author, settings: Settings) -> bool {
    match author {
        Author::Agent => true,
        Author::Bot => !settings.human_only,
        Author::Automation => false,
    }
}

fn classify(stream: &Stream, now: Timestamp, settings: Settings) -> Vec<Opportunity> {
    let events = stream.until(now);
    let mut convs: Vec<ConvState> = (0..stream.conversation_count())
        .map(|_| ConvState {
            last_message: None,
            open: NONE,
            folder: Folder::Inbox,
        })
        .collect();
    // (opportunity, conversation, whether away, resolution)
    let mut found: Vec<(Timestamp, ConvId, usize, bool, Resolution)> = Vec::new();
    let mut away_since: Option<Timestamp> = None;
    for (index, event) in events.iter().enumerate() {
        let Event { at, kind } = *event;
        match kind {
            EventKind::Status(Presence::Away) => away_since = Some(at),
            EventKind::Status(Presence::Available) => away_since = None,
            EventKind::Message {
                conversation,
                sender,
                agent,
                id,
            } => {
                let conv = &mut convs[conversation.0 as usize];
                match sender {
                    Sender::Customer => {
                        if opens_opportunity(conv.last_message, at) {
                            let away = away_since.is_some_and(|a| at.micros_since(a) < AWAY_LIMIT);
                            conv.open = found.len() as u32;
                            found.push((at, conversation, index, away, Resolution::Open));
                        }
                    }
                    Sender::Business(author) => {
                        if counts_as_response(author, settings) && conv.open != NONE {
                            found[conv.open as usize].4 = Resolution::Replied(Reply {
                                at,
                                event: index,
                                author,
                                agent,
                                id,
                            });
                            conv.open = NONE;
                        }
                    }
                }
                conv.last_message = Some(at);
            }
            EventKind::Folder {
                conversation,
                folder,
            } => {
                let conv = &mut convs[conversation.0 as usize];
                conv.folder = folder;
                if folder != Folder::Inbox && conv.open != NONE {
                    found[conv.open as usize].4 = Resolution::Closed(at, folder);
                    conv.open = NONE;
                }
            }
        }
    }
    found
        .into_iter()
        .map(|(at, conversation, event, away, resolution)| {
            let in_spam = convs[conversation.0 as usize].folder == Folder::Spam;
            let status = if away {
                Status::Excluded(Exclusion::Away)
            } else if in_spam {
                Status::Excluded(Exclusion::Spam)
            } else {
                match resolution {
                    Resolution::Closed(t, folder) if t.micros_since(at) < DAY => {
                        Status::Excluded(match folder {
                            Folder::Spam => Exclusion::MovedToSpam,
                            _ => Exclusion::MovedToDone,
                        })
                    }
                    Resolution::Replied(r) if r.at.micros_since(at) < DAY => Status::Answered {
                        response_us: r.at.micros_since(at) as u64,
                    },
                    _ if now.micros_since(at) < DAY => Status::Pending,
                    _ => Status::Missed,
                }
            };
            let reply = match resolution {
                Resolution::Replied(r) => Some(r),
                _ => None,
            };
            Opportunity {
                conversation,
                at,
                event,
                status,
                reply,
                in_window: false,
            }
        })
        .collect()
}

/// Picks the window among classified opportunities: the index range `[start, end]`
/// whose counted members are in it, or `None` when nothing is counted.
pub fn select_window(opps: &[Opportunity]) -> Option<(usize, usize)> {
    let end = opps.iter().rposition(|o| o.status.is_counted())?;
    let t = opps[end].at;
    let boundary = opps[..=end].partition_point(|o| o.at.micros_since(t) <= -WINDOW);
    let in_30_days = opps[boundary..=end]
        .iter()
        .filter(|o| o.status.is_counted())
        .count();
    if in_30_days >= MIN_WINDOW {
        return Some((boundary, end));
    }
    // The latest ten counted (ties at the cut: the ones later in the stream).
    let mut seen = 0;
    let mut start = end;
    for i in (0..=end).rev() {
        if opps[i].status.is_counted() {
            seen += 1;
            start = i;
            if seen == MIN_WINDOW {
                break;
            }
        }
    }
    Some((start, end))
}

/// Marks the window's members and computes the report.
fn summarize(opps: &mut [Opportunity], now: Timestamp, settings: Settings) -> Report {
    let mut counts = Counts::default();
    for o in opps.iter_mut() {
        o.in_window = false;
        match o.status {
            Status::Pending => counts.pending += 1,
            Status::Excluded(_) => counts.excluded += 1,
            _ => {}
        }
    }
    let Some((start, end)) = select_window(opps) else {
        return Report::new(now, None, counts, None, settings.threshold);
    };
    let mut times = Vec::new();
    for o in &mut opps[start..=end] {
        match o.status {
            Status::Answered { response_us } => times.push(response_us),
            Status::Missed => counts.missed += 1,
            _ => continue,
        }
        o.in_window = true;
    }
    counts.answered = times.len() as u64;
    counts.counted = counts.answered + counts.missed;
    let window = WindowSpan {
        start: opps[start..=end]
            .iter()
            .find(|o| o.in_window)
            .map_or(opps[start].at, |o| o.at),
        end: opps[end].at,
    };
    let fastest = fastest_sum(&mut times);
    Report::new(now, Some(window), counts, fastest, settings.threshold)
}

/// The sum of the fastest `ceil(9n/10)` of `times` (reordering them).
pub fn fastest_sum(times: &mut [u64]) -> Option<FastestSum> {
    if times.is_empty() {
        return None;
    }
    let k = FastestSum::k_for(times.len() as u64) as usize;
    if k < times.len() {
        times.select_nth_unstable(k - 1);
    }
    Some(FastestSum {
        sum_us: times[..k].iter().sum(),
        k: k as u64,
    })
}
