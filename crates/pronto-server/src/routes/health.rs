//! Liveness, readiness and metrics.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use serde_json::json;

use crate::state::AppState;

/// `GET /healthz`: the process answers.
#[utoipa::path(get, path = "/healthz", tag = "health", responses((status = 200, description = "The process answers", body = Object)))]
pub async fn healthz() -> impl IntoResponse {
    Json(json!({"status": "ok"}))
}

/// `GET /readyz`: the database answers too.
#[utoipa::path(get, path = "/readyz", tag = "health", responses((status = 200, description = "The database answers", body = Object), (status = 503, description = "The database does not answer", body = Object)))]
pub async fn readyz(State(state): State<AppState>) -> impl IntoResponse {
    match state.store.ping().await {
        Ok(()) => (StatusCode::OK, Json(json!({"status": "ready"}))),
        Err(e) => {
            tracing::warn!("readyz: {e}");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(json!({"status": "database unavailable"})),
            )
        }
    }
}

/// `GET /metrics` (on its own listener): Prometheus text.
pub async fn metrics(State(state): State<AppState>) -> impl IntoResponse {
    let mut out = String::from("# TYPE pronto_events_total counter\n");
    let counters = state.counters.lock().map(|c| {
        let mut v: Vec<_> = c.iter().map(|(k, v)| (*k, *v)).collect();
        v.sort();
        v
    });
    for (name, value) in counters.unwrap_or_default() {
        out.push_str(&format!("pronto_events_total{{kind=\"{name}\"}} {value}\n"));
    }
    out.push_str(&format!(
        "# TYPE pronto_password_verifications_total counter\npronto_password_verifications_total {}\n",
        state.passwords.verifications()
    ));
    let pending = state.store.pending_deliveries().await.unwrap_or(-1);
    out.push_str(&format!(
        "# TYPE pronto_outbox_pending gauge\npronto_outbox_pending {pending}\n"
    ));
    ([("content-type", "text/plain; version=0.0.4")], out)
}
