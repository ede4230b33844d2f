//! `GET /api/v1/channels/{id}/responsiveness`: the spec's report, live, with the
//! explanation, the forecast, per-agent figures and the daily series on request.

use axum::Json;
use axum::extract::State;
use axum::response::IntoResponse;
use pronto_core::{Analysis, Date, Settings, Threshold, Timestamp, daily, view};
use serde::Deserialize;
use serde_json::Value;

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
    let now = state.now();
    let report = state
        .engines
        .report(&state.store, ws, channel_id, settings, minutes, now)
        .await?;
    let mut out = serde_json::to_value(report).map_err(|e| ApiError::internal(&e))?;
    let wants_batch = flag(&p.explain) || flag(&p.forecast) || flag(&p.agents) || p.daily.is_some();
    if wants_batch {
        let stream = state.store.engine_stream(ws, channel_id).await?;
        let now = Timestamp::from_micros(now);
        let analysis = Analysis::new(&stream, now, settings);
        let obj = out.as_object_mut().expect("a report is an object");
        if flag(&p.explain) {
            obj.insert(
                "explain".into(),
                to_json(&view::explain(&analysis, &stream))?,
            );
        }
        if flag(&p.forecast) {
            obj.insert(
                "forecast".into(),
                to_json(&view::forecast(&analysis.forecast(), &stream))?,
            );
        }
        if flag(&p.agents) {
            obj.insert("agents".into(), to_json(&view::agents(&analysis, &stream))?);
        }
        if let Some(range) = &p.daily {
            let (from, to) = parse_range(range)?;
            let series: Vec<view::DailyView> = daily::daily(&stream, from, to, now, settings)
                .iter()
                .map(Into::into)
                .collect();
            obj.insert("daily".into(), to_json(&series)?);
        }
    }
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

fn to_json<T: serde::Serialize>(v: &T) -> ApiResult<Value> {
    serde_json::to_value(v).map_err(|e| ApiError::internal(&e))
}
