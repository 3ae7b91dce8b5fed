//! What the handlers share to read a request: page sizes, cursors, free
//! text within its limits, the answer language, and bodies (JSON merge
//! patches and typed bodies).

use actix_web::HttpRequest;
use matcher::domain::ValidationError;
use matcher::taxonomy::Lang;
use serde_json::Value;

use crate::error::ApiError;

/// How deep a vacancy search pages: its first 10,000 results (an offset
/// cursor beyond is refused, as in search engines' result windows).
pub const MAX_SEARCH_OFFSET: i64 = 9_999;

/// Largest page of a listing.
pub const MAX_PAGE: usize = 100;
/// Longest free-text query, in characters.
pub const MAX_QUERY_CHARS: usize = 200;

/// `lang` if given (400 when unknown), else the first of fi/sv/en in
/// `Accept-Language`, else Finnish.
pub fn language(request: &HttpRequest, lang: Option<&str>) -> Result<Lang, ApiError> {
    if let Some(l) = lang {
        return l
            .parse()
            .map_err(|_| ApiError::bad_request("invalid_lang", "lang must be fi, sv or en"));
    }
    let accept = request
        .headers()
        .get("accept-language")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    Ok(accept
        .split(',')
        .filter_map(|part| part.split(';').next())
        .filter_map(|tag| tag.trim().get(..2))
        .find_map(|code| code.to_ascii_lowercase().parse().ok())
        .unwrap_or(Lang::Fi))
}

/// A page size from the query: default 20, at most [`MAX_PAGE`].
pub fn page_size(limit: Option<usize>, max: usize) -> Result<usize, ApiError> {
    match limit {
        None => Ok(20.min(max)),
        Some(n) if (1..=max).contains(&n) => Ok(n),
        Some(n) => Err(ApiError::bad_request(
            "invalid_limit",
            format!("limit must be 1–{max}, not {n}"),
        )),
    }
}

/// A free-text query within the limits.
pub fn check_query(q: &str) -> Result<(), ApiError> {
    if q.chars().count() > MAX_QUERY_CHARS {
        return Err(ApiError::bad_request(
            "query_too_long",
            format!("q is longer than {MAX_QUERY_CHARS} characters"),
        ));
    }
    Ok(())
}

/// A cursor that is a plain non-negative number (an id or an offset).
pub fn cursor(text: Option<&str>) -> Result<i64, ApiError> {
    match text {
        None | Some("") => Ok(0),
        Some(t) if t.len() > 18 || !t.bytes().all(|b| b.is_ascii_digit()) => Err(
            ApiError::bad_request("invalid_cursor", "the cursor is not valid"),
        ),
        Some(t) => t
            .parse::<i64>()
            .ok()
            .filter(|n| *n >= 0)
            .ok_or_else(|| ApiError::bad_request("invalid_cursor", "the cursor is not valid")),
    }
}

pub use matcher::domain::integral_numbers;

/// 422 with `code`: a request well-formed but refused by a rule; the
/// problem names the field.
pub fn unprocessable(code: &'static str, e: ValidationError) -> ApiError {
    ApiError {
        field: Some(e.field.clone()),
        ..ApiError::new(
            actix_web::http::StatusCode::UNPROCESSABLE_ENTITY,
            code,
            e.to_string(),
        )
    }
}

/// A JSON body read as `T` (400 `invalid_body` when it is not one).
pub fn typed_body<T: serde::de::DeserializeOwned>(mut body: Value) -> Result<T, ApiError> {
    integral_numbers(&mut body);
    serde_json::from_value(body).map_err(|e| ApiError::bad_request("invalid_body", e.to_string()))
}

/// RFC 7386 JSON merge patch of `patch` onto `target`. Keys `target` does
/// not have are refused (`unknown_field`), and so are keys in `fixed`.
pub fn merge_patch(target: &mut Value, patch: &Value, fixed: &[&str]) -> Result<(), ApiError> {
    let (Some(t), Some(p)) = (target.as_object_mut(), patch.as_object()) else {
        return Err(ApiError::bad_request(
            "invalid_body",
            "the body must be a JSON object",
        ));
    };
    for (key, value) in p {
        if fixed.contains(&key.as_str()) {
            return Err(ApiError::bad_request(
                "field_not_writable",
                format!("{key} cannot be set"),
            ));
        }
        let Some(slot) = t.get_mut(key) else {
            return Err(ApiError::bad_request(
                "unknown_field",
                format!("unknown field {key:?}"),
            ));
        };
        if value.is_object() && slot.is_object() && key == "contact" {
            merge_patch(slot, value, &[])?;
        } else {
            let mut value = value.clone();
            integral_numbers(&mut value);
            *slot = value;
        }
    }
    Ok(())
}

/// `current` with the merge patch `body` applied, and the `version` the
/// patch was written against (required: optimistic concurrency).
pub fn patched<T: serde::Serialize + serde::de::DeserializeOwned>(
    current: &T,
    mut body: Value,
    fixed: &[&str],
) -> Result<(T, i64), ApiError> {
    integral_numbers(&mut body);
    let version = body
        .as_object_mut()
        .and_then(|o| o.remove("version"))
        .and_then(|v| v.as_i64())
        .ok_or_else(|| ApiError::bad_request("version_required", "send the current `version`"))?;
    let mut value = serde_json::to_value(current).unwrap_or(Value::Null);
    merge_patch(&mut value, &body, fixed)?;
    let patched = serde_json::from_value(value)
        .map_err(|e| ApiError::bad_request("invalid_body", e.to_string()))?;
    Ok((patched, version))
}
