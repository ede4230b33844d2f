//! Serializable views of an analysis, with names resolved: the shapes that
//! `pronto report --format json` prints and the server's API returns.

use serde::Serialize;

use crate::analysis::{Analysis, Exclusion, Opportunity, Status};
use crate::daily::DailyPoint;
use crate::event::{AgentId, Author, ConvId, MessageRef, Stream};
use crate::forecast::{AgentFigures, Forecast};
use crate::report::Report;
use crate::time::{Date, Timestamp};

/// One opportunity, explained.
#[derive(Debug, Clone, Serialize)]
pub struct ExplainRow<'a> {
    /// The conversation's id.
    pub conversation: &'a str,
    /// When the new message arrived.
    pub at: Timestamp,
    /// answered, missed, pending or excluded.
    pub status: &'static str,
    /// Why it is excluded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<Exclusion>,
    /// The response time, when answered.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub response_time_seconds: Option<f64>,
    /// The first counting reply after it (even a late one).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reply: Option<ReplyView<'a>>,
    /// Whether it is counted in the window.
    pub in_window: bool,
}

/// The message that answered an opportunity.
#[derive(Debug, Clone, Serialize)]
pub struct ReplyView<'a> {
    /// When it was sent.
    pub at: Timestamp,
    /// agent or bot.
    pub author: Author,
    /// The agent's id, when the message carried one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agent: Option<&'a str>,
    /// The message's own id, when the input had one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<&'a str>,
}

/// Where the views find the names behind the engine's ids: a [`Stream`], or a
/// server's table of a live engine's names.
pub trait Lookup {
    /// The name of a conversation.
    fn conversation_name(&self, id: ConvId) -> &str;
    /// The name of an agent.
    fn agent_name(&self, id: AgentId) -> &str;
    /// A message's own id.
    fn message_id(&self, id: MessageRef) -> &str;
}

impl Lookup for Stream {
    fn conversation_name(&self, id: ConvId) -> &str {
        Stream::conversation_name(self, id)
    }

    fn agent_name(&self, id: AgentId) -> &str {
        Stream::agent_name(self, id)
    }

    fn message_id(&self, id: MessageRef) -> &str {
        Stream::message_id(self, id)
    }
}

/// Every opportunity of an analysis, explained, in stream order.
pub fn explain<'a, L: Lookup + ?Sized>(analysis: &Analysis, names: &'a L) -> Vec<ExplainRow<'a>> {
    analysis
        .opportunities
        .iter()
        .map(|o| explain_one(o, names))
        .collect()
}

/// One opportunity, explained.
pub fn explain_one<'a, L: Lookup + ?Sized>(o: &Opportunity, names: &'a L) -> ExplainRow<'a> {
    ExplainRow {
        conversation: names.conversation_name(o.conversation),
        at: o.at,
        status: o.status.word(),
        reason: match o.status {
            Status::Excluded(r) => Some(r),
            _ => None,
        },
        response_time_seconds: match o.status {
            Status::Answered { response_us } => Some(response_us as f64 / 1e6),
            _ => None,
        },
        reply: o.reply.map(|r| ReplyView {
            at: r.at,
            author: r.author,
            agent: r.agent.map(|a| names.agent_name(a)),
            id: r.id.map(|i| names.message_id(i)),
        }),
        in_window: o.in_window,
    }
}

/// A pending opportunity's deadline.
#[derive(Debug, Clone, Serialize)]
pub struct DeadlineView<'a> {
    /// The conversation's id.
    pub conversation: &'a str,
    /// When the new message arrived.
    pub at: Timestamp,
    /// The latest reply that keeps (or wins) the badge, if any.
    pub deadline: Option<Timestamp>,
    /// When it can no longer be answered in time (24 h after it arrived).
    pub expires: Timestamp,
    /// Whether the badge survives missing it.
    pub badge_if_missed: bool,
}

/// The forecast, with names.
#[derive(Debug, Clone, Serialize)]
pub struct ForecastView<'a> {
    /// Pending opportunities, soonest deadline first.
    pub at_risk: Vec<DeadlineView<'a>>,
    /// The report if every pending one were answered right now.
    pub if_all_answered_now: Report,
    /// The report if every pending one were missed.
    pub if_all_missed: Report,
}

/// Resolves a forecast's names.
pub fn forecast<'a, L: Lookup + ?Sized>(forecast: &Forecast, stream: &'a L) -> ForecastView<'a> {
    ForecastView {
        at_risk: forecast
            .deadlines
            .iter()
            .map(|d| DeadlineView {
                conversation: stream.conversation_name(d.conversation),
                at: d.at,
                deadline: d.deadline,
                expires: d.expires,
                badge_if_missed: d.badge_if_missed,
            })
            .collect(),
        if_all_answered_now: forecast.if_all_answered_now,
        if_all_missed: forecast.if_all_missed,
    }
}

/// One responder's figures, with names.
#[derive(Debug, Clone, Serialize)]
pub struct AgentView<'a> {
    /// agent or bot.
    pub author: Author,
    /// The agent id the replies carried (`null`: replies without one).
    pub agent: Option<&'a str>,
    /// Opportunities in the window answered first by this responder.
    pub answered: u64,
    /// Their plain mean response time.
    pub mean_response_time_seconds: f64,
}

/// The per-agent figures of an analysis, with names.
pub fn agents<'a>(analysis: &Analysis, stream: &'a Stream) -> Vec<AgentView<'a>> {
    agent_views(&analysis.per_agent(), stream)
}

/// Per-agent figures (from an analysis or a live engine), with names.
pub fn agent_views<'a, L: Lookup + ?Sized>(
    figures: &[AgentFigures],
    stream: &'a L,
) -> Vec<AgentView<'a>> {
    figures
        .iter()
        .map(|f| AgentView {
            author: f.author,
            agent: f.agent.map(|a| stream.agent_name(a)),
            answered: f.answered,
            mean_response_time_seconds: f.mean_seconds(),
        })
        .collect()
}

/// One day of the daily series, flattened: the date beside the report's fields.
#[derive(Debug, Clone, Serialize)]
pub struct DailyView {
    /// The day (UTC).
    pub date: Date,
    /// The report at the day's end.
    #[serde(flatten)]
    pub report: Report,
}

impl From<&DailyPoint> for DailyView {
    fn from(p: &DailyPoint) -> Self {
        DailyView {
            date: p.date,
            report: p.report,
        }
    }
}
