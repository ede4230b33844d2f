//! `/api/v1/rules` (admins): automation rules, checked by
//! `pronto_core::rules::validate` when saved, kept in evaluation order. What they do
//! when they fire is `crate::rules`.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use pronto_core::rules::{self, Action, Rule};
use pronto_store::StoredRule;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::auth::Auth;
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiJson, ApiPath};
use crate::state::AppState;

/// Reads and checks a rule from a request body; 400 says which part is wrong.
fn check(state: &AppState, body: Value) -> ApiResult<Value> {
    let rule: Rule =
        serde_json::from_value(body).map_err(|e| ApiError::invalid(format!("not a rule: {e}")))?;
    rules::validate(&rule).map_err(|e| ApiError::invalid(e.to_string()).on_field(e.part))?;
    for (i, action) in rule.then.iter().enumerate() {
        if let Action::CallWebhook { url } = action {
            crate::outgoing::check_url(
                url,
                &format!("then[{i}].url"),
                state.config.allow_private_webhook_urls,
            )
            .map_err(|e| ApiError::invalid(e).on_field(format!("then[{i}].url")))?;
        }
    }
    let mut value = serde_json::to_value(&rule).map_err(|e| ApiError::internal(&e))?;
    if let Some(o) = value.as_object_mut() {
        o.remove("id");
    }
    Ok(value)
}

fn view(stored: StoredRule) -> Value {
    let mut v = stored.body;
    if let Some(o) = v.as_object_mut() {
        o.insert("id".into(), json!(stored.id));
    }
    v
}

/// `GET /api/v1/rules` (admins): in evaluation order.
#[utoipa::path(get, path = "/api/v1/rules", tag = "rules", responses((status = 200, description = "The rules, in the order they are evaluated", body = Vec<crate::openapi::RuleBody>)))]
pub async fn list(State(state): State<AppState>, auth: Auth) -> ApiResult<impl IntoResponse> {
    auth.require_admin()?;
    let rules = state.store.rules(auth.workspace()).await?;
    Ok(Json(rules.into_iter().map(view).collect::<Vec<_>>()))
}

/// `POST /api/v1/rules` (admins): added after the others.
#[utoipa::path(post, path = "/api/v1/rules", tag = "rules", request_body = crate::openapi::RuleBody, responses((status = 201, description = "The rule", body = crate::openapi::RuleBody), (status = 400, description = "Which part of the rule is wrong", body = crate::openapi::ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    auth: Auth,
    ApiJson(body): ApiJson<Value>,
) -> ApiResult<impl IntoResponse> {
    auth.require_admin()?;
    let body = check(&state, body)?;
    let stored = state
        .store
        .create_rule(auth.workspace(), &body, state.now())
        .await?;
    state.rules.forget(&auth.workspace());
    Ok((StatusCode::CREATED, Json(view(stored))))
}

/// `PUT /api/v1/rules/{id}` (admins): replaces the rule, keeping its place.
#[utoipa::path(put, path = "/api/v1/rules/{id}", tag = "rules", params(("id" = i64, Path, description = "The rule")), request_body = crate::openapi::RuleBody, responses((status = 200, description = "The rule", body = crate::openapi::RuleBody), (status = 400, description = "Which part of the rule is wrong", body = crate::openapi::ErrorBody)))]
pub async fn update(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<Value>,
) -> ApiResult<impl IntoResponse> {
    auth.require_admin()?;
    let body = check(&state, body)?;
    let stored = state
        .store
        .update_rule(auth.workspace(), id, &body, state.now())
        .await?;
    state.rules.forget(&auth.workspace());
    Ok(Json(view(stored)))
}

/// `DELETE /api/v1/rules/{id}` (admins).
#[utoipa::path(delete, path = "/api/v1/rules/{id}", tag = "rules", params(("id" = i64, Path, description = "The rule")), responses((status = 204, description = "Deleted"), (status = 404, description = "No such rule", body = crate::openapi::ErrorBody)))]
pub async fn delete(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<impl IntoResponse> {
    auth.require_admin()?;
    state.store.delete_rule(auth.workspace(), id).await?;
    state.rules.forget(&auth.workspace());
    Ok(StatusCode::NO_CONTENT)
}

/// The request body.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RuleOrder {
    /// Every rule of the workspace, once, in the order they are to be evaluated.
    ids: Vec<i64>,
}

/// `PUT /api/v1/rules/order` (admins): the order in which the rules are evaluated.
#[utoipa::path(put, path = "/api/v1/rules/order", tag = "rules", request_body = RuleOrder, responses((status = 200, description = "The rules, in their new order", body = Vec<crate::openapi::RuleBody>), (status = 409, description = "`ids` is not each of the workspace's rules once", body = crate::openapi::ErrorBody)))]
pub async fn order(
    State(state): State<AppState>,
    auth: Auth,
    ApiJson(body): ApiJson<RuleOrder>,
) -> ApiResult<impl IntoResponse> {
    auth.require_admin()?;
    state.store.order_rules(auth.workspace(), &body.ids).await?;
    state.rules.forget(&auth.workspace());
    let rules = state.store.rules(auth.workspace()).await?;
    Ok(Json(rules.into_iter().map(view).collect::<Vec<_>>()))
}
