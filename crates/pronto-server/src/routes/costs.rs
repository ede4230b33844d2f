//! What a WhatsApp channel's month of conversations cost: its messages counted by
//! pricing category, billable or free, as WhatsApp's status webhooks priced each
//! (`pricing`, kept per message). WhatsApp bills in the business's currency at
//! rates Pronto does not know; these are the counts it bills on.

use axum::Json;
use axum::extract::State;
use axum::response::IntoResponse;
use pronto_core::time::{Date, Timestamp};
use pronto_store::{ChannelKind, CostLine};
use serde::{Deserialize, Serialize};

use crate::auth::Auth;
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiPath, ApiQuery};
use crate::state::AppState;

/// The query string.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct Params {
    /// The month, `YYYY-MM` (UTC); default: the current one.
    month: Option<String>,
}

/// A month's costs.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Costs {
    /// `YYYY-MM`.
    pub month: String,
    /// Its first instant (UTC, RFC 3339).
    pub from: String,
    /// The next month's first instant.
    pub to: String,
    /// By pricing category.
    pub categories: Vec<CostLine>,
    /// Billable messages in all.
    pub billable: i64,
    /// Free messages in all.
    pub free: i64,
}

/// The first day of `YYYY-MM`, or of the month holding `now`.
fn month_start(month: Option<&str>, now: i64) -> Option<Date> {
    match month {
        None => {
            let today = Timestamp::from_micros(now).date();
            Date::new(today.year(), today.month(), 1)
        }
        Some(m) => {
            let (y, m) = m.split_once('-')?;
            if y.len() != 4 || m.len() != 2 {
                return None;
            }
            Date::new(y.parse().ok()?, m.parse().ok()?, 1)
        }
    }
}

/// The first day of the month after `start`'s.
fn next_month(start: Date) -> Date {
    let (y, m) = match start.month() {
        12 => (start.year() + 1, 1),
        m => (start.year(), m + 1),
    };
    Date::new(y, m, 1).unwrap_or(start)
}

/// A month's costs of channel `channel_id` in the workspace.
pub async fn month(
    state: &AppState,
    workspace_id: i64,
    channel_id: i64,
    month: Option<&str>,
) -> ApiResult<Costs> {
    let start = month_start(month, state.now()).ok_or_else(|| {
        ApiError::invalid("month: a month is written YYYY-MM, like 2026-12").on_field("month")
    })?;
    let (from, to) = (start.start(), next_month(start).start());
    let categories = state
        .store
        .whatsapp_costs(workspace_id, channel_id, from.micros(), to.micros())
        .await?;
    Ok(Costs {
        month: format!("{:04}-{:02}", start.year(), start.month()),
        from: from.to_string(),
        to: to.to_string(),
        billable: categories.iter().map(|c| c.billable).sum(),
        free: categories.iter().map(|c| c.free).sum(),
        categories,
    })
}

/// `GET /api/v1/channels/{id}/costs[?month=YYYY-MM]` (admins): a WhatsApp channel's
/// messages of that month by pricing category, billable and free.
#[utoipa::path(get, path = "/api/v1/channels/{id}/costs", tag = "channels", params(("id" = i64, Path, description = "A WhatsApp channel"), Params), responses((status = 200, description = "The month's priced messages", body = Costs), (status = 400, description = "Not a WhatsApp channel, or not a month", body = crate::openapi::ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(p): ApiQuery<Params>,
) -> ApiResult<impl IntoResponse> {
    auth.require_admin()?;
    let channel = state.store.channel(auth.workspace(), id).await?;
    if channel.kind != ChannelKind::WhatsApp {
        return Err(ApiError::invalid(
            "only a whatsapp channel has priced messages",
        ));
    }
    Ok(Json(
        month(&state, auth.workspace(), id, p.month.as_deref()).await?,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_are_read_and_followed() {
        let d = month_start(Some("2026-12"), 0).unwrap();
        assert_eq!((d.year(), d.month(), d.day()), (2026, 12, 1));
        let n = next_month(d);
        assert_eq!((n.year(), n.month()), (2027, 1));
        for bad in ["2026-13", "26-12", "2026-1", "december", "2026-12-01"] {
            assert!(month_start(Some(bad), 0).is_none(), "{bad}");
        }
        let now = Timestamp::parse("2026-03-15T10:00:00Z").unwrap().micros();
        let d = month_start(None, now).unwrap();
        assert_eq!((d.year(), d.month()), (2026, 3));
    }
}
