//! The User Profile API: `GET /{PSID}` (Messenger: first and last name, picture,
//! locale, time zone) and `GET /{IGSID}` (Instagram: name, username, picture) for
//! the page's customers, with only the fields asked; and the pictures themselves,
//! served at `/profile_pictures/{id}` (`crate::avatar`) as Meta's CDN would.

use serde_json::{Map, Value, json};

use crate::api::Call;
use crate::error::GraphError;
use crate::sandbox::Platform;
use crate::state::State;

/// The profile of customer `call.node` of the calling page, when it is one.
pub(crate) fn profile(s: &State, call: &Call<'_>) -> Option<Result<Value, GraphError>> {
    let customer = s
        .customers
        .get(&(call.page.id.clone(), call.node.to_owned()))?;
    let name = customer.name.trim();
    let (first, last) = name.split_once(' ').unwrap_or((name, ""));
    let host = call
        .base
        .trim_end_matches(&format!("/{}", crate::GRAPH_VERSION))
        .to_owned();
    let picture = format!("{host}/profile_pictures/{}", call.node);
    let some = |v: &str| {
        if v.is_empty() { Value::Null } else { json!(v) }
    };
    let username = customer.username.clone().unwrap_or_else(|| {
        name.to_lowercase()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(".")
    });
    let known: Map<String, Value> = match call.page.platform {
        Platform::Messenger => [
            ("first_name", some(first)),
            ("last_name", some(last)),
            ("profile_pic", json!(picture)),
            ("locale", some(customer.locale.as_deref().unwrap_or(""))),
            ("timezone", json!(customer.utc_offset)),
            ("name", some(name)),
        ],
        Platform::Instagram => [
            ("name", some(name)),
            ("username", some(&username)),
            ("profile_pic", json!(picture)),
            ("is_verified_user", json!(false)),
            ("follower_count", json!(12)),
            ("is_user_follow_business", json!(true)),
        ],
    }
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    let mut answer = Map::new();
    for field in call.param("fields").unwrap_or("id").split(',') {
        let field = field.trim();
        if field == "id" {
            continue;
        }
        match known.get(field) {
            Some(v) => {
                answer.insert(field.to_owned(), v.clone());
            }
            None => {
                return Some(Err(GraphError::param(format!(
                    "(#100) Tried accessing nonexisting field ({field})"
                ))));
            }
        }
    }
    answer.insert("id".into(), json!(call.node));
    Some(Ok(Value::Object(answer)))
}
