//! Turning JSON into models (response bodies and callers' text), and error bodies into messages.

use serde::de::DeserializeOwned;

use crate::error::{Error, ErrorKind};

/// How much of a body that is not JSON an error keeps, in characters.
const SNIPPET_CHARS: usize = 200;

/// Decodes JSON text into a model: what `from_json` does in every language (Rust, Python's
/// `Model.from_json`/`from_dict`), with the same checks and messages as a response body.
///
/// A mismatch is an [`ErrorKind::Decode`] error naming the JSON path (e.g. `data[0].id`).
///
/// ```
/// use ddorg_core::{ErrorKind, OrganizationResponse, SalesforceIncidentsOrganizationsResponse};
/// let resp: OrganizationResponse = ddorg_core::from_json(r#"{"org": {"name": "Acme"}}"#)?;
/// assert_eq!(resp.org.unwrap().name.as_deref(), Some("Acme"));
/// let err = ddorg_core::from_json::<SalesforceIncidentsOrganizationsResponse>(r#"{"data": [{}]}"#)
///     .unwrap_err();
/// assert_eq!(err.kind(), ErrorKind::Decode);
/// assert!(err.message().contains("data[0]"), "{err}");
/// # Ok::<(), ddorg_core::Error>(())
/// ```
pub fn from_json<T: DeserializeOwned>(json: &str) -> Result<T, Error> {
    from_slice(json.as_bytes())
}

/// [`from_json`] for bytes (which must be UTF-8 JSON).
pub fn from_slice<T: DeserializeOwned>(json: &[u8]) -> Result<T, Error> {
    decode(json, "JSON", String::new)
}

/// Decodes a success body into `T`. A failure is a [`ErrorKind::Decode`] error naming the JSON
/// path (e.g. `data[0].id`) and, for a body that is not JSON at all, a snippet of it.
pub(crate) fn decode_body<T: DeserializeOwned>(
    body: &[u8],
    content_type: Option<&str>,
) -> Result<T, Error> {
    decode(body, "response body", || match content_type {
        Some(ct) => format!(" (content-type {ct})"),
        None => String::new(),
    })
}

/// The one decoder: `what` names the input in messages, `describe_type` adds its content type.
fn decode<T: DeserializeOwned>(
    body: &[u8],
    what: &str,
    describe_type: impl Fn() -> String,
) -> Result<T, Error> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(Error::new(
            ErrorKind::Decode,
            format!("empty {what}{}", describe_type()),
        ));
    }
    // Fast path: plain serde_json. Path tracking allocates a String per object key (about 30 per
    // organization), so it only runs again, on the same bytes, when the body does not decode.
    if let Ok(value) = serde_json::from_slice::<T>(body) {
        return Ok(value);
    }
    let mut de = serde_json::Deserializer::from_slice(body);
    let result: Result<T, _> = serde_path_to_error::deserialize(&mut de);
    let (path, inner) = match result {
        Ok(value) => match de.end() {
            Ok(()) => return Ok(value),
            Err(e) => (String::new(), e),
        },
        Err(e) => (e.path().to_string(), e.into_inner()),
    };
    let at = if path.is_empty() || path == "." {
        String::new()
    } else {
        format!(" at `{path}`")
    };
    let mut err = Error::new(
        ErrorKind::Decode,
        format!("invalid {what}{at}: {inner}{}", describe_type()),
    );
    if inner.is_syntax() || inner.is_eof() {
        err = err.with_errors(snippet(body).into_iter().collect());
    }
    Err(err.with_source(inner))
}

/// Datadog's `errors` strings from an error body. Handles the v1 shape (`["msg"]`), the v2
/// JSON:API shape (`[{"title": …, "detail": …}]`) and a body that is not JSON at all (a short,
/// tag-stripped snippet, e.g. of a load balancer's HTML 502 page).
pub(crate) fn error_messages(body: &[u8]) -> Vec<String> {
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(body) else {
        return snippet(body).into_iter().collect();
    };
    if let Some(errors) = value.get("errors").and_then(|e| e.as_array()) {
        return errors.iter().map(error_text).collect();
    }
    for key in ["error", "message"] {
        if let Some(text) = value.get(key).and_then(|v| v.as_str()) {
            return vec![text.to_string()];
        }
    }
    snippet(body).into_iter().collect()
}

fn error_text(e: &serde_json::Value) -> String {
    if let Some(s) = e.as_str() {
        return s.to_string();
    }
    let field = |k: &str| e.get(k).and_then(|v| v.as_str()).filter(|s| !s.is_empty());
    match (field("title"), field("detail")) {
        (Some(t), Some(d)) => format!("{t}: {d}"),
        (Some(t), None) => t.to_string(),
        (None, Some(d)) => d.to_string(),
        (None, None) => e.to_string(),
    }
}

/// A one-line, tag-stripped, bounded preview of a body, or `None` for a blank one.
pub(crate) fn snippet(body: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(&body[..body.len().min(8 * 1024)]);
    let mut out = String::new();
    let mut in_tag = false;
    let mut last_space = true;
    let mut chars = 0;
    for c in text.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            _ if in_tag => {}
            c if c.is_whitespace() || c.is_control() => {
                if !last_space {
                    out.push(' ');
                    last_space = true;
                }
            }
            c => {
                if chars == SNIPPET_CHARS {
                    out.push('…');
                    break;
                }
                out.push(c);
                chars += 1;
                last_space = false;
            }
        }
    }
    let out = out.trim().to_string();
    (!out.is_empty()).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::SalesforceIncidentsOrganizationsResponse;

    #[test]
    fn missing_required_field_names_its_json_path() {
        let body = br#"{"data":[{"attributes":{},"type":"salesforce-incidents-org"}]}"#;
        let err = decode_body::<SalesforceIncidentsOrganizationsResponse>(body, None).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Decode);
        assert!(err.to_string().contains("data[0]"), "{err}");
        assert!(err.to_string().contains("missing field `id`"), "{err}");
        let err = decode_body::<SalesforceIncidentsOrganizationsResponse>(b"{}", None).unwrap_err();
        assert!(err.to_string().contains("missing field `data`"), "{err}");
    }

    #[test]
    fn html_and_empty_bodies_are_decode_errors_with_a_snippet() {
        let err = decode_body::<SalesforceIncidentsOrganizationsResponse>(
            b"<html><body><h1>Hello</h1></body></html>",
            Some("text/html"),
        )
        .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Decode);
        assert!(err.to_string().contains("text/html"), "{err}");
        assert_eq!(err.errors(), ["Hello"]);
        let err = decode_body::<SalesforceIncidentsOrganizationsResponse>(b"  ", None).unwrap_err();
        assert!(err.to_string().contains("empty response body"));
    }

    #[test]
    fn trailing_garbage_and_deep_nesting_are_decode_errors() {
        let err =
            decode_body::<SalesforceIncidentsOrganizationsResponse>(br#"{"data":[]} x"#, None)
                .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Decode);
        let deep = format!(
            r#"{{"data":[],"x":{}{}}}"#,
            "[".repeat(100_000),
            "]".repeat(100_000)
        );
        let err = decode_body::<SalesforceIncidentsOrganizationsResponse>(deep.as_bytes(), None)
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Decode);
        assert!(err.to_string().contains("recursion limit"), "{err}");
    }

    #[test]
    fn numbers_in_unknown_fields_come_back_as_received() {
        use crate::models::OrganizationResponse;
        let body = r#"{"org":{"x":[123456789012345678901234567890,-0,1e400,-0.0,0.1,1E+2]}}"#;
        let org: OrganizationResponse = from_json(body).unwrap();
        // Every digit and sign is kept; only an exponent is written `e+N` (serde_json's form).
        let kept = r#"{"org":{"x":[123456789012345678901234567890,-0,1e+400,-0.0,0.1,1e+2]}}"#;
        assert_eq!(serde_json::to_string(&org).unwrap(), kept);
    }

    #[test]
    fn error_bodies_in_every_known_shape() {
        assert_eq!(
            error_messages(br#"{"errors":["Forbidden","x"]}"#),
            ["Forbidden", "x"]
        );
        assert_eq!(
            error_messages(
                br#"{"errors":[{"status":"404","title":"Not found","detail":"no org"}]}"#
            ),
            ["Not found: no org"]
        );
        assert_eq!(error_messages(br#"{"error":"boom"}"#), ["boom"]);
        assert_eq!(
            error_messages(b"<html>\n<head><title>502 Bad Gateway</title></head>\n</html>"),
            ["502 Bad Gateway"]
        );
        assert!(error_messages(b"").is_empty());
        let long = "x".repeat(5000);
        assert!(error_messages(long.as_bytes())[0].chars().count() <= SNIPPET_CHARS + 1);
    }
}
