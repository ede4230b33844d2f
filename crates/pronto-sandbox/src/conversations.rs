//! The Conversations API over the sandbox's own history: conversations newest
//! first, each conversation's messages newest first, and single messages.
//!
//! Cursors are keys, not offsets: `after` names the last item returned (its time
//! and id), so a message arriving during a walk moves no item across a page
//! boundary and a walk sees every older item exactly once.

use serde_json::{Value, json};

use crate::api::{Call, no_object};
use crate::error::GraphError;
use crate::ids::graph_time;
use crate::sandbox::Platform;
use crate::state::{Customer, State};

/// `GET /{page}/conversations?platform&user_id&fields&limit&after`.
pub(crate) fn list(s: &State, call: &Call<'_>) -> Result<Value, GraphError> {
    let page = &call.page;
    if let Some(p) = call.param("platform")
        && p != page.platform.as_str()
    {
        return Err(GraphError::param(format!(
            "platform={p} does not match this {} account",
            page.platform.as_str()
        )));
    }
    let fields = fields(call);
    let user = call.param("user_id");
    let mut items: Vec<(i64, String, &str, &Customer)> = s
        .customers
        .iter()
        .filter(|((p, id), c)| {
            *p == page.id && !c.history.is_empty() && user.is_none_or(|u| u == id)
        })
        .map(|((_, id), c)| {
            let last = c.history.last().map_or(0, |m| m.at);
            (last, conversation_id(&page.id, id), id.as_str(), c)
        })
        .collect();
    items.sort_by(|a, b| (b.0, &b.1).cmp(&(a.0, &a.1)));
    let keys: Vec<(i64, String)> = items.iter().map(|i| (i.0, i.1.clone())).collect();
    let (range, paging) = paginate(
        call,
        &keys,
        &format!("{}/{}/conversations", call.base, call.node),
    )?;
    let data: Vec<Value> = items[range]
        .iter()
        .map(|(at, id, customer, c)| {
            let mut v = json!({"id": id, "updated_time": graph_time(*at)});
            if fields.contains(&"participants") {
                v["participants"] = json!({"data": [person(page.platform, customer, &c.name), person(page.platform, &page.id, &page.name)]});
            }
            v
        })
        .collect();
    Ok(json!({"data": data, "paging": paging}))
}

/// `GET /{conversation}?fields=messages` (nested) or `GET /{conversation}/messages`.
pub(crate) fn messages(s: &State, call: &Call<'_>, edge: bool) -> Result<Value, GraphError> {
    let (page, customer) = parse_conversation(call.node).ok_or_else(|| no_object(call.node))?;
    if page != call.page.id {
        return Err(no_object(call.node));
    }
    let c = s
        .customers
        .get(&(page.clone(), customer))
        .ok_or_else(|| no_object(call.node))?;
    let mut msgs: Vec<&crate::state::Msg> = c.history.iter().collect();
    msgs.sort_by(|a, b| (b.at, &b.mid).cmp(&(a.at, &a.mid)));
    let keys: Vec<(i64, String)> = msgs.iter().map(|m| (m.at, m.mid.clone())).collect();
    let next = format!("{}/{}/messages", call.base, call.node);
    let (range, paging) = paginate(call, &keys, &next)?;
    let data: Vec<Value> = msgs[range]
        .iter()
        .map(|m| json!({"id": m.mid, "created_time": graph_time(m.at)}))
        .collect();
    let list = json!({"data": data, "paging": paging});
    if edge {
        return Ok(list);
    }
    let mut out = json!({"id": call.node});
    if fields(call).contains(&"messages") {
        out["messages"] = list;
    }
    Ok(out)
}

/// `GET /{message-id}?fields=id,created_time,from,to,message`.
pub(crate) fn message(s: &State, call: &Call<'_>) -> Result<Value, GraphError> {
    let (page, customer) = s
        .messages
        .get(call.node)
        .ok_or_else(|| no_object(call.node))?;
    if *page != call.page.id {
        return Err(no_object(call.node));
    }
    let c = s
        .customers
        .get(&(page.clone(), customer.clone()))
        .ok_or_else(|| no_object(call.node))?;
    let m = c
        .history
        .iter()
        .find(|m| m.mid == call.node)
        .ok_or_else(|| no_object(call.node))?;
    let p = &call.page;
    let them = person(p.platform, customer, &c.name);
    let us = person(p.platform, &p.id, &p.name);
    let (from, to) = if m.from_customer {
        (them, us)
    } else {
        (us, them)
    };
    let mut out = json!({"id": m.mid});
    for f in fields(call) {
        match f {
            "created_time" => out["created_time"] = json!(graph_time(m.at)),
            "from" => out["from"] = from.clone(),
            "to" => out["to"] = json!({"data": [to.clone()]}),
            "message" => out["message"] = json!(m.text),
            _ => {}
        }
    }
    Ok(out)
}

/// The requested fields; Meta's default is `id` (and `updated_time`/`created_time`).
fn fields<'a>(call: &'a Call<'_>) -> Vec<&'a str> {
    match call.param("fields") {
        Some(f) => f
            .split(',')
            .map(|f| f.split(['.', '{']).next().unwrap_or(f).trim())
            .collect(),
        None => vec!["id", "created_time", "updated_time"],
    }
}

/// A participant as Messenger (name, email, id) or Instagram (username, id) shows it.
fn person(platform: Platform, id: &str, name: &str) -> Value {
    match platform {
        Platform::Messenger => {
            json!({"name": name, "email": format!("{id}@facebook.com"), "id": id})
        }
        Platform::Instagram => json!({"username": name.to_lowercase().replace(' ', "."), "id": id}),
    }
}

/// A conversation's id: opaque to clients, but it names its page and customer.
pub(crate) fn conversation_id(page: &str, customer: &str) -> String {
    format!("t_{}", hex::encode(format!("{page}:{customer}")))
}

fn parse_conversation(id: &str) -> Option<(String, String)> {
    let raw = hex::decode(id.strip_prefix("t_")?).ok()?;
    let text = String::from_utf8(raw).ok()?;
    let (page, customer) = text.split_once(':')?;
    Some((page.to_owned(), customer.to_owned()))
}

/// Which of `keys` (sorted newest first) this page holds, and the `paging` object.
fn paginate(
    call: &Call<'_>,
    keys: &[(i64, String)],
    next_base: &str,
) -> Result<(std::ops::Range<usize>, Value), GraphError> {
    let limit = match call.param("limit") {
        None => 25,
        Some(l) => l
            .parse::<usize>()
            .ok()
            .filter(|l| (1..=100).contains(l))
            .ok_or_else(|| GraphError::param("limit must be a number from 1 to 100"))?,
    };
    if call.param("before").is_some() {
        return Err(GraphError::param(
            "the sandbox pages forward only: use after",
        ));
    }
    let start = match call.param("after") {
        None => 0,
        Some(c) => {
            let key =
                decode_cursor(c).ok_or_else(|| GraphError::param("Invalid cursor in after"))?;
            // The first item strictly older than the cursor's.
            keys.partition_point(|k| (k.0, &k.1) >= (key.0, &key.1))
        }
    };
    let end = (start + limit).min(keys.len());
    let mut paging = json!({});
    if start < end {
        paging["cursors"] =
            json!({"before": encode_cursor(&keys[start]), "after": encode_cursor(&keys[end - 1])});
    }
    if end < keys.len() {
        let mut q = form_urlencoded::Serializer::new(String::new());
        for (k, v) in call.query {
            if !matches!(k.as_str(), "after" | "before" | "limit") {
                q.append_pair(k, v);
            }
        }
        q.append_pair("limit", &limit.to_string());
        q.append_pair("after", &encode_cursor(&keys[end - 1]));
        paging["next"] = json!(format!("{next_base}?{}", q.finish()));
    }
    Ok((start..end, paging))
}

fn encode_cursor(key: &(i64, String)) -> String {
    hex::encode(format!("{}:{}", key.0, key.1))
}

fn decode_cursor(c: &str) -> Option<(i64, String)> {
    let text = String::from_utf8(hex::decode(c).ok()?).ok()?;
    let (at, id) = text.split_once(':')?;
    Some((at.parse().ok()?, id.to_owned()))
}
