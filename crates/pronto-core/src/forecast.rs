//! What the pending opportunities can still do to the badge, and who answered what.

use crate::analysis::{Analysis, Opportunity, Status, select_window};
use crate::event::{AgentId, Author, ConvId};
use crate::report::{FastestSum, Report};
use crate::time::{DAY, Timestamp};

/// The deadline of one pending opportunity.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Deadline {
    /// The opportunity's conversation.
    pub conversation: ConvId,
    /// When it arrived.
    pub at: Timestamp,
    /// When it stops being answerable: 24 h after it arrived (exclusive).
    pub expires: Timestamp,
    /// The latest instant at which a counting reply keeps (or wins) the badge,
    /// assuming every other pending opportunity is answered at once; `None` when no
    /// reply from now on earns the badge.
    pub deadline: Option<Timestamp>,
    /// Whether the badge would hold even if this one were missed (the others being
    /// answered at once).
    pub badge_if_missed: bool,
}

/// The forecast of a channel at `now`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Forecast {
    /// Every pending opportunity, soonest deadline first (those without one last,
    /// by expiry).
    pub deadlines: Vec<Deadline>,
    /// The report if every pending opportunity were answered right now.
    pub if_all_answered_now: Report,
    /// The report if every pending opportunity were missed.
    pub if_all_missed: Report,
}

impl Analysis {
    /// Forecasts the badge from the pending opportunities.
    pub fn forecast(&self) -> Forecast {
        self.clone().into_forecast()
    }

    /// [`Analysis::forecast`], reusing this analysis's memory (its opportunities'
    /// statuses are changed).
    pub fn into_forecast(mut self) -> Forecast {
        let now = self.now;
        let threshold = self.settings.threshold;
        // The pending ones, before their statuses change.
        let pending: Vec<usize> = (0..self.opportunities.len())
            .filter(|&i| self.opportunities[i].status == Status::Pending)
            .collect();
        // Every pending one missed.
        for &i in &pending {
            self.opportunities[i].status = Status::Missed;
        }
        let if_all_missed = self.resummarize();
        // Every pending one answered now: their response times are `now - at`.
        for &i in &pending {
            let o = &mut self.opportunities[i];
            o.status = Status::Answered {
                response_us: now.micros_since(o.at) as u64,
            };
        }
        let mut answered_now = self;
        let if_all_answered_now = answered_now.resummarize();
        let window = select_window(&answered_now.opportunities);
        let rate_ok = if_all_answered_now.opportunities.counted > 0
            && 10 * if_all_answered_now.opportunities.answered
                >= 9 * if_all_answered_now.opportunities.counted;
        // The window's response times, sorted, with prefix sums.
        let mut times: Vec<u64> = Vec::new();
        if let Some((start, end)) = window {
            for o in &answered_now.opportunities[start..=end] {
                if let (true, Status::Answered { response_us }) = (o.in_window, o.status) {
                    times.push(response_us);
                }
            }
        }
        times.sort_unstable();
        let mut prefix = Vec::with_capacity(times.len() + 1);
        prefix.push(0u64);
        for &t in &times {
            prefix.push(prefix.last().copied().unwrap_or(0) + t);
        }
        let n = times.len();
        let k = FastestSum::k_for(n as u64) as usize;
        let max_sum = threshold.max_sum(k as u64);

        let mut deadlines = Vec::new();
        for &i in &pending {
            let o = &answered_now.opportunities[i];
            let expires = o.at.add_micros(DAY);
            let last_chance = expires.add_micros(-1);
            let in_window = answered_now.opportunities[i].in_window;
            let deadline = if !rate_ok {
                None
            } else if !in_window {
                if_all_answered_now.badge.then_some(last_chance)
            } else {
                // Take this one's time out of the sorted list: `without(j)` is the
                // j-th smallest of the others, `sum_without(j)` the sum of the j
                // smallest of the others.
                let mine = now.micros_since(o.at) as u64;
                let pos = times.partition_point(|&t| t < mine);
                let sum_without = |j: usize| {
                    if pos < j {
                        prefix[j + 1] - mine
                    } else {
                        prefix[j]
                    }
                };
                let without = |j: usize| if j < pos { times[j] } else { times[j + 1] };
                let others_k_minus_1 = sum_without(k - 1);
                let limit = if n > k && others_k_minus_1 + without(k - 1) <= max_sum {
                    // The k fastest of the others already keep the mean low enough:
                    // any reply within 24 h keeps the badge.
                    Some(u64::MAX)
                } else {
                    max_sum.checked_sub(others_k_minus_1)
                };
                limit
                    .map(|x| {
                        o.at.add_micros(i64::try_from(x).unwrap_or(i64::MAX))
                            .min(last_chance)
                    })
                    .filter(|&d| d >= now)
            };
            let badge_if_missed = if !in_window {
                if_all_answered_now.badge
            } else {
                // This one missed: one fewer answered, its time out of the mean.
                let c = if_all_answered_now.opportunities;
                let rate_ok = 10 * (c.answered - 1) >= 9 * c.counted;
                let mine = now.micros_since(o.at) as u64;
                let pos = times.partition_point(|&t| t < mine);
                let k = FastestSum::k_for(n as u64 - 1) as usize;
                let sum = if pos < k {
                    prefix[k + 1] - mine
                } else {
                    prefix[k]
                };
                rate_ok && k > 0 && threshold.admits(sum, k as u64)
            };
            deadlines.push(Deadline {
                conversation: o.conversation,
                at: o.at,
                expires,
                deadline,
                badge_if_missed,
            });
        }
        deadlines.sort_by_key(|d| (d.deadline.is_none(), d.deadline.unwrap_or(d.expires)));
        Forecast {
            deadlines,
            if_all_answered_now,
            if_all_missed,
        }
    }

    /// Each responder's answered count and mean response time within the window.
    pub fn per_agent(&self) -> Vec<AgentFigures> {
        per_agent(self.opportunities.iter().copied())
    }
}

/// Each responder's figures over `opportunities` (in stream order): those in the
/// window and answered count.
pub(crate) fn per_agent(opportunities: impl Iterator<Item = Opportunity>) -> Vec<AgentFigures> {
    let mut figures: Vec<AgentFigures> = Vec::new();
    for o in opportunities {
        let (true, Status::Answered { response_us }, Some(reply)) =
            (o.in_window, o.status, o.reply)
        else {
            continue;
        };
        let key = (reply.author, reply.agent);
        let entry = match figures.iter_mut().position(|f| (f.author, f.agent) == key) {
            Some(i) => &mut figures[i],
            None => {
                figures.push(AgentFigures {
                    author: reply.author,
                    agent: reply.agent,
                    answered: 0,
                    total_response_us: 0,
                });
                figures.last_mut().expect("just pushed")
            }
        };
        entry.answered += 1;
        entry.total_response_us += response_us;
    }
    figures.sort_by(|a, b| b.answered.cmp(&a.answered).then(a.agent.cmp(&b.agent)));
    figures
}

/// One responder's figures within the window.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AgentFigures {
    /// Agent or bot.
    pub author: Author,
    /// The agent id the replies carried, if any.
    pub agent: Option<AgentId>,
    /// Opportunities in the window this responder answered first.
    pub answered: u64,
    /// The sum of those response times, in microseconds.
    pub total_response_us: u64,
}

impl AgentFigures {
    /// The plain mean response time, in seconds.
    pub fn mean_seconds(&self) -> f64 {
        self.total_response_us as f64 / self.answered as f64 / 1e6
    }
}
