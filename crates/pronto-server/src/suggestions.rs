//! Reply suggestions: up to three answers for the conversation an agent opens,
//! drawn from the team's saved replies and its own past answers, all on this
//! machine.
//!
//! The customer's messages since the team last answered are the question. Saved
//! replies whose name or text shares enough of its words come first. Then past
//! answers: the customer messages most like the question (BM25 over its longest
//! words, reading a bounded part of the index; `Store::reply_pairs`), each with the first reply
//! a person sent after it (never an automated one), from customers who write in
//! the same language when it is known. Each reply is abstracted (the customer's
//! first name becomes `{first_name}`, long numbers `{number}`), the same abstract
//! reply's matches add up, and the best are filled for this customer.

use std::collections::HashMap;

use pronto_core::search::{self, Query};
use pronto_core::template::{first_name, saved_reply};
use pronto_store::{MessageAuthor, Result, Store};
use serde::Serialize;

/// The most suggestions given.
pub const MAX: usize = 3;

/// The question's longest words kept for the query.
const KEYWORDS: usize = 8;

/// Past customer messages read for the answers after them.
const CANDIDATES: i64 = 60;

/// Where a suggestion comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// One of the team's saved replies.
    SavedReply,
    /// An answer a person of the team sent to a similar message.
    PastReply,
}

/// A reply to offer the agent, filled for this customer; never sent by itself.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Suggestion {
    /// Where it comes from.
    pub source: Source,
    /// The text, filled for this customer (a placeholder such as `{number}` is left
    /// when there is nothing to fill it with).
    pub text: String,
    /// The saved reply.
    pub saved_reply_id: Option<i64>,
    /// The past conversation it was sent in (the best match's).
    pub conversation_id: Option<i64>,
    /// The customer message it answered there.
    pub message_id: Option<i64>,
    /// How many similar past messages got this answer.
    pub uses: usize,
}

/// Up to `MAX` suggestions for conversation `conversation` of the workspace, for
/// `viewer` (whose personal saved replies count, and whose name fills
/// `{agent_name}`).
pub async fn suggest(
    store: &Store,
    workspace: i64,
    conversation: i64,
    viewer: Option<i64>,
    agent_name: &str,
) -> Result<Vec<Suggestion>> {
    let c = store.conversation(workspace, conversation).await?;
    let contact = store.contact(workspace, c.contact_id).await?;
    let recent = store.messages(workspace, conversation, 30).await?;
    // The customer's messages since a person last answered (latest first).
    let mut question: Vec<&str> = Vec::new();
    for m in &recent {
        match m.author {
            MessageAuthor::Customer => question.push(&m.text),
            MessageAuthor::Agent => break,
            _ => {}
        }
    }
    question.reverse();
    let question = question.join("\n");
    let Some(query) = Query::keywords(&question, KEYWORDS) else {
        return Ok(Vec::new());
    };
    let greeting = contact.greeting_name();
    let mut out: Vec<Suggestion> = Vec::new();

    let mut saved: Vec<(usize, Suggestion)> = Vec::new();
    for r in store.saved_replies(workspace, viewer).await? {
        let words = pronto_core::automation::words(&format!("{} {}", r.name, r.text));
        let shared = query
            .terms()
            .iter()
            .filter(|t| words.iter().any(|w| t.matches(w)))
            .count();
        // A third of the question's words at least, and one.
        if shared >= 1 && shared * 3 >= query.terms().len() {
            saved.push((
                shared,
                Suggestion {
                    source: Source::SavedReply,
                    text: saved_reply::render(&r.text, greeting, &contact.name, agent_name),
                    saved_reply_id: Some(r.id),
                    conversation_id: None,
                    message_id: None,
                    uses: 0,
                },
            ));
        }
    }
    saved.sort_by_key(|(shared, s)| (std::cmp::Reverse(*shared), s.saved_reply_id));
    out.extend(saved.into_iter().map(|(_, s)| s));

    let pairs = store
        .reply_pairs(
            workspace,
            &query,
            conversation,
            contact.language.as_deref(),
            CANDIDATES,
        )
        .await?;
    // The same answer (abstracted) to several similar messages adds their scores.
    let mut by_reply: HashMap<String, (f64, usize, usize)> = HashMap::new();
    let mut order: Vec<(String, i64, i64)> = Vec::new();
    for p in &pairs {
        let name = first_name(p.first_name.as_deref(), &p.contact_name);
        let template = search::abstract_reply(p.reply.trim(), Some(name));
        if template.is_empty() {
            continue;
        }
        let entry = by_reply.entry(template.clone()).or_insert_with(|| {
            order.push((template, p.conversation_id, p.message_id));
            (0.0, 0, order.len() - 1)
        });
        entry.0 += p.score.max(0.0);
        entry.1 += 1;
    }
    let mut ranked: Vec<(f64, usize, usize)> = by_reply.into_values().collect();
    ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.2.cmp(&b.2)));
    let number = search::first_number(&question);
    for (_, uses, i) in ranked {
        let (template, conversation_id, message_id) = &order[i];
        let text = search::fill(template, Some(greeting), number);
        if out.iter().any(|s| s.text == text) {
            continue;
        }
        out.push(Suggestion {
            source: Source::PastReply,
            text,
            saved_reply_id: None,
            conversation_id: Some(*conversation_id),
            message_id: Some(*message_id),
            uses,
        });
        if out.len() >= MAX {
            break;
        }
    }
    out.truncate(MAX);
    Ok(out)
}
