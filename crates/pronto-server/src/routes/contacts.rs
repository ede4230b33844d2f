//! Contacts found by name, email or phone (`GET /api/v1/contacts?q=`, to pick the
//! one to merge); a contact: `GET /api/v1/contacts/{id}` (with where their profile stands),
//! `PATCH /api/v1/contacts/{id}` (the card: name, email, phone, language, time
//! zone, notes, the workspace's attributes), `GET /api/v1/contacts/{id}/picture`
//! (the picture copied from their profile), to the workspace's people only; and the
//! workspace's attribute definitions (`/api/v1/contact-attributes`, admins write).

use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use pronto_core::contact::{self as rules, AttributeKind};
use pronto_store::{AttributeDefinition, Contact, ContactChange, ContactMatch};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::auth::Auth;
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::state::AppState;

/// A contact with the state of their profile.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ContactDetail {
    #[serde(flatten)]
    contact: Contact,
    /// Where asking the platform for their profile stands: `waiting`, `fetched`,
    /// `none` (the platform has none to give) or `failed`; absent on channels
    /// without profiles.
    profile: Option<ProfileState>,
}

/// Where asking for a profile stands.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ProfileState {
    /// `waiting`, `fetched`, `none` or `failed`.
    state: String,
    /// The platform's last error, if any.
    error: Option<String>,
}

/// The query string of a contact lookup.
#[derive(Deserialize, Default, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct FindParams {
    /// What the name, email or phone contains (2 characters at least).
    q: String,
    /// A contact to leave out (the one being merged into).
    except: Option<i64>,
    /// At most this many (1 to 50; 20 by default).
    limit: Option<i64>,
}

/// `GET /api/v1/contacts?q=`.
#[utoipa::path(get, path = "/api/v1/contacts", tag = "conversations", params(FindParams), responses((status = 200, description = "The contacts whose name, email or phone contains `q` (case ignored), by name, each with the channels it is known on", body = Vec<ContactMatch>), (status = 400, description = "`q` is shorter than 2 characters", body = crate::openapi::ErrorBody)))]
pub async fn find(
    State(state): State<AppState>,
    auth: Auth,
    ApiQuery(p): ApiQuery<FindParams>,
) -> ApiResult<Json<Vec<ContactMatch>>> {
    if p.q.trim().chars().count() < 2 {
        return Err(ApiError::invalid("q needs 2 characters at least").on_field("q"));
    }
    let limit = p.limit.unwrap_or(20).clamp(1, 50);
    Ok(Json(
        state
            .store
            .find_contacts(auth.workspace(), &p.q, p.except, limit)
            .await?,
    ))
}

/// `GET /api/v1/contacts/{id}`.
#[utoipa::path(get, path = "/api/v1/contacts/{id}", tag = "conversations", params(("id" = i64, Path, description = "The contact")), responses((status = 200, description = "The contact", body = ContactDetail), (status = 404, description = "No such contact in this workspace", body = crate::openapi::ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<ContactDetail>> {
    let ws = auth.workspace();
    let contact = state.store.contact(ws, id).await?;
    let profile = state
        .store
        .profile_state(ws, id)
        .await?
        .map(|(state, error)| ProfileState { state, error });
    Ok(Json(ContactDetail { contact, profile }))
}

/// `GET /api/v1/contacts/{id}/picture`.
#[utoipa::path(get, path = "/api/v1/contacts/{id}/picture", tag = "conversations", params(("id" = i64, Path, description = "The contact")), responses((status = 200, description = "The picture's bytes (JPEG, PNG, WebP or GIF)"), (status = 404, description = "No such contact in this workspace, or no picture", body = crate::openapi::ErrorBody)))]
pub async fn picture(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<impl IntoResponse> {
    let (bytes, mime) = state
        .store
        .contact_picture(auth.workspace(), id)
        .await?
        .ok_or_else(|| ApiError::not_found("picture"))?;
    Ok((
        [
            (header::CONTENT_TYPE, mime),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_owned()),
            (header::CACHE_CONTROL, "private, max-age=3600".to_owned()),
            (
                header::CONTENT_SECURITY_POLICY,
                "default-src 'none'; sandbox".to_owned(),
            ),
        ],
        bytes,
    ))
}

/// The fields a card change may have.
const CARD_FIELDS: [&str; 7] = [
    "name",
    "email",
    "phone",
    "language",
    "timezone",
    "notes",
    "attributes",
];

/// A refusal about `field`, named in the message and in the answer's `field` (the
/// page marks that input).
fn refused(field: &str, what: impl std::fmt::Display) -> ApiError {
    ApiError::invalid(format!("{field}: {what}")).on_field(field)
}

/// A field's new value: absent (unchanged), null (cleared) or text.
fn text_field(body: &Map<String, Value>, field: &str) -> Result<Option<Option<String>>, ApiError> {
    match body.get(field) {
        None => Ok(None),
        Some(Value::Null) => Ok(Some(None)),
        Some(Value::String(s)) if s.trim().is_empty() => Ok(Some(None)),
        Some(Value::String(s)) => Ok(Some(Some(s.trim().to_owned()))),
        Some(_) => Err(refused(field, "must be text or null")),
    }
}

/// Checks a change to a card against the rules and the workspace's attributes,
/// naming the field at fault.
fn check_change(
    body: &Map<String, Value>,
    definitions: &[AttributeDefinition],
) -> Result<ContactChange, ApiError> {
    if let Some(unknown) = body.keys().find(|k| !CARD_FIELDS.contains(&k.as_str())) {
        return Err(refused(
            unknown,
            format!(
                "not a field of a contact; the fields are {}",
                CARD_FIELDS.join(", ")
            ),
        ));
    }
    fn at(field: &'static str) -> impl Fn(String) -> ApiError {
        move |e| refused(field, e)
    }
    let name = match text_field(body, "name")? {
        None => None,
        Some(Some(n)) if n.chars().count() <= 200 => Some(n),
        Some(Some(_)) => return Err(refused("name", "longer than 200 characters")),
        Some(None) => Some(String::new()),
    };
    let email = text_field(body, "email")?;
    if let Some(Some(e)) = &email {
        rules::check_email(e).map_err(at("email"))?;
    }
    let phone = text_field(body, "phone")?;
    if let Some(Some(p)) = &phone {
        rules::check_phone(p).map_err(at("phone"))?;
    }
    let language = text_field(body, "language")?;
    if let Some(Some(l)) = &language {
        rules::check_language(l).map_err(at("language"))?;
    }
    let timezone = match text_field(body, "timezone")? {
        Some(Some(z)) => Some(Some(rules::check_timezone(&z).map_err(at("timezone"))?)),
        other => other,
    };
    let notes = match text_field(body, "notes")? {
        None => None,
        Some(n) => {
            let n = n.unwrap_or_default();
            if n.chars().count() > rules::MAX_NOTES {
                return Err(refused(
                    "notes",
                    format!("longer than {} characters", rules::MAX_NOTES),
                ));
            }
            Some(n)
        }
    };
    let mut attributes = Map::new();
    match body.get("attributes") {
        None | Some(Value::Null) => {}
        Some(Value::Object(given)) => {
            for (key, value) in given {
                let field = format!("attributes.{key}");
                let definition = definitions.iter().find(|d| &d.key == key).ok_or_else(|| {
                    refused(
                        &field,
                        "not an attribute of this workspace (define it first)",
                    )
                })?;
                if !value.is_null() {
                    let kind =
                        AttributeKind::parse(&definition.kind).unwrap_or(AttributeKind::Text);
                    kind.check(value).map_err(|e| refused(&field, e))?;
                }
                attributes.insert(key.clone(), value.clone());
            }
        }
        Some(_) => return Err(refused("attributes", "must be an object")),
    }
    Ok(ContactChange {
        name,
        email,
        phone,
        language,
        timezone,
        notes,
        attributes,
    })
}

/// `PATCH /api/v1/contacts/{id}`.
#[utoipa::path(patch, path = "/api/v1/contacts/{id}", tag = "conversations", params(("id" = i64, Path, description = "The contact")), request_body(content = Object, description = "Any of name, email, phone, language (ISO 639-1), timezone (IANA), notes (null clears), and attributes: {key: value or null} of the workspace's definitions"), responses((status = 200, description = "The contact as changed", body = ContactDetail), (status = 400, description = "A field is wrong; the message names it", body = crate::openapi::ErrorBody), (status = 404, description = "No such contact in this workspace", body = crate::openapi::ErrorBody)))]
pub async fn update(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<Map<String, Value>>,
) -> ApiResult<Json<ContactDetail>> {
    let ws = auth.workspace();
    let definitions = state.store.attribute_definitions(ws).await?;
    let change = check_change(&body, &definitions)?;
    state
        .store
        .update_contact(ws, id, &change, state.now())
        .await?;
    get(State(state), auth, ApiPath(id)).await
}

/// `GET /api/v1/contact-attributes`: the workspace's attribute definitions.
#[utoipa::path(get, path = "/api/v1/contact-attributes", tag = "conversations", responses((status = 200, description = "The definitions, by key", body = [AttributeDefinition])))]
pub async fn definitions(
    State(state): State<AppState>,
    auth: Auth,
) -> ApiResult<Json<Vec<AttributeDefinition>>> {
    Ok(Json(
        state.store.attribute_definitions(auth.workspace()).await?,
    ))
}

/// `POST /api/v1/contact-attributes`: defines (or renames and retypes) one.
#[utoipa::path(post, path = "/api/v1/contact-attributes", tag = "conversations", request_body = AttributeDefinition, responses((status = 201, description = "Defined", body = AttributeDefinition), (status = 400, description = "A bad key, label or kind", body = crate::openapi::ErrorBody), (status = 403, description = "Not an admin", body = crate::openapi::ErrorBody)))]
pub async fn define(
    State(state): State<AppState>,
    auth: Auth,
    ApiJson(mut definition): ApiJson<AttributeDefinition>,
) -> ApiResult<impl IntoResponse> {
    auth.require_admin()?;
    rules::check_key(&definition.key).map_err(|e| refused("key", e))?;
    definition.label = definition.label.trim().to_owned();
    if definition.label.is_empty() || definition.label.chars().count() > 80 {
        return Err(refused("label", "1 to 80 characters"));
    }
    if AttributeKind::parse(&definition.kind).is_none() {
        return Err(refused(
            "kind",
            format!(
                "{:?} is not a kind; the kinds are text, number, date and link",
                definition.kind
            ),
        ));
    }
    state
        .store
        .define_attribute(auth.workspace(), &definition, state.now())
        .await?;
    Ok((StatusCode::CREATED, Json(definition)))
}

/// `DELETE /api/v1/contact-attributes/{key}`.
#[utoipa::path(delete, path = "/api/v1/contact-attributes/{key}", tag = "conversations", params(("key" = String, Path, description = "The attribute's key")), responses((status = 204, description = "Removed; contacts keep their values"), (status = 404, description = "No such attribute", body = crate::openapi::ErrorBody)))]
pub async fn undefine(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(key): ApiPath<String>,
) -> ApiResult<StatusCode> {
    auth.require_admin()?;
    if state.store.remove_attribute(auth.workspace(), &key).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::not_found("attribute"))
    }
}

/// The request body: the contact merged into this one.
#[derive(serde::Deserialize, utoipa::ToSchema)]
pub struct MergeBody {
    /// The contact to merge in (it is deleted).
    from: i64,
}

/// `POST /api/v1/contacts/{id}/merge`: one person known twice becomes one contact.
#[utoipa::path(post, path = "/api/v1/contacts/{id}/merge", tag = "conversations", params(("id" = i64, Path, description = "The contact that stays")), request_body = MergeBody, responses((status = 200, description = "The merged contact: the other's channels, conversations and comments are its own; what it lacked is taken from the other; the other is deleted", body = ContactDetail), (status = 404, description = "Either contact is not in this workspace", body = crate::openapi::ErrorBody), (status = 409, description = "Both are known on one channel (each keeps their conversation there), or the same contact", body = crate::openapi::ErrorBody)))]
pub async fn merge(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<MergeBody>,
) -> ApiResult<Json<ContactDetail>> {
    state
        .store
        .merge_contacts(auth.workspace(), id, body.from, state.now())
        .await?;
    get(State(state), auth, ApiPath(id)).await
}
