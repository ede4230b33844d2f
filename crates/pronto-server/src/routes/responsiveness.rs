//! `GET /api/v1/channels/{id}/responsiveness`: the spec's report, live, with the
//! explanation, the forecast, per-agent figures and the daily series on request.

use axum::Json;
use axum::extract::State;
use axum::response::IntoResponse;
use pronto_core::{Date, Settings, Threshold, Timestamp, view};
use serde::Deserialize;

use crate::auth::Auth;
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiPath, ApiQuery};
use crate::state::AppState;

/// The query string.
#[derive(Deserialize, Default, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct Params {
    /// Present (`?explain`): every opportunity explained.
    explain: Option<String>,
    /// Present: the pending opportunities' deadlines.
    forecast: Option<String>,
    /// Present: per-agent figures.
    agents: Option<String>,
    /// `FROM..TO` (UTC dates): the report at the end of each day.
    daily: Option<String>,
    /// Present: only agents' replies count.
    human_only: Option<String>,
    /// The badge threshold in minutes (default 15).
    badge_minutes: Option<String>,
}

fn flag(v: &Option<String>) -> bool {
    v.as_deref().is_some_and(|s| s != "false" && s != "0")
}

/// The report, and what was asked for beside it.
#[utoipa::path(get, path = "/api/v1/channels/{id}/responsiveness", tag = "responsiveness", params(("id" = i64, Path, description = "The channel"), Params), responses((status = 200, description = "The spec's report, live; with explain, forecast, agents and daily when asked for", body = crate::openapi::ResponsivenessReport)))]
pub async fn get(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(channel_id): ApiPath<i64>,
    ApiQuery(p): ApiQuery<Params>,
) -> ApiResult<impl IntoResponse> {
    let ws = auth.workspace();
    let minutes = p.badge_minutes.clone().unwrap_or_else(|| "15".to_owned());
    let threshold =
        Threshold::parse_minutes(&minutes).map_err(|e| ApiError::invalid(e.to_string()))?;
    let settings = Settings {
        human_only: flag(&p.human_only),
        threshold,
    };
    let now = Timestamp::from_micros(state.now());
    let daily_range = p.daily.as_deref().map(parse_range).transpose()?;
    let (explain, forecast, agents) = (flag(&p.explain), flag(&p.forecast), flag(&p.agents));
    // The report and whatever was asked for beside it, from the channel's live
    // engine (the explanation is one pass over its opportunities; the forecast and
    // the per-agent figures read the window; the daily series is kept).
    let out = state
        .engines
        .read(&state.store, ws, channel_id, settings, minutes, |entry| {
            let (engine, names) = entry.parts();
            let report = engine.report_at(now);
            let mut out = serde_json::to_value(report)?;
            let Some(obj) = out.as_object_mut() else {
                return Ok(out);
            };
            if explain {
                let analysis = engine.analysis();
                obj.insert(
                    "explain".into(),
                    serde_json::to_value(view::explain(&analysis, names))?,
                );
            }
            if forecast {
                obj.insert(
                    "forecast".into(),
                    serde_json::to_value(view::forecast(&engine.forecast(), names))?,
                );
            }
            if agents {
                obj.insert(
                    "agents".into(),
                    serde_json::to_value(view::agent_views(&engine.per_agent(), names))?,
                );
            }
            if let Some((from, to)) = daily_range {
                let series: Vec<view::DailyView> =
                    engine.daily(from, to, now).iter().map(Into::into).collect();
                obj.insert("daily".into(), serde_json::to_value(&series)?);
            }
            Ok::<_, serde_json::Error>(out)
        })
        .await?
        .map_err(|e| ApiError::internal(&e))?;
    Ok(Json(out))
}

fn parse_range(text: &str) -> ApiResult<(Date, Date)> {
    let bad = || {
        ApiError::invalid(format!(
            "daily={text:?}: expected FROM..TO, such as 2026-01-01..2026-03-31"
        ))
    };
    let (a, b) = text.split_once("..").ok_or_else(bad)?;
    let (from, to) = (
        Date::parse(a).ok_or_else(bad)?,
        Date::parse(b).ok_or_else(bad)?,
    );
    if from > to || to.days_since_epoch() - from.days_since_epoch() > 366 {
        return Err(ApiError::invalid(
            "daily: FROM must come before TO, at most 367 days apart",
        ));
    }
    Ok((from, to))
}
