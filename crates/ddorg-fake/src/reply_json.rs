//! The JSON form of a [`Reply`] (what the control API's `POST /_fake/enqueue` takes).

use std::time::Duration;

use serde_json::Value;

use crate::base64::base64_decode;
use crate::reply::{errors_body, Fault, Reply};

impl Reply {
    /// Parses the control API's JSON form of a reply, so the HTTP control API
    /// and Rust callers share one definition. All fields are optional:
    ///
    /// ```json
    /// {"status": 429, "headers": {"x-ratelimit-reset": "1"},
    ///  "body": "text", "json": {"any": "value"}, "body_base64": "aGk=",
    ///  "errors": ["msg"], "content_type": "text/html", "gzip": true,
    ///  "delay_ms": 1500, "body_delay_ms": 1500, "fault": "reset_mid_body", "repeat": 3,
    ///  "redirect": "http://127.0.0.1:1234/x"}
    /// ```
    ///
    /// `{"raw": "HTTP/1.1 200 OK\r\n..."}` is a [`Reply::raw`]: the string's characters
    /// (each at most U+00FF, written as one byte) are the whole response; only `delay_ms` and
    /// `repeat` may go with it.
    ///
    /// `status` defaults to 200, or to 302 when `redirect` (which sets
    /// `location`) is given. A reply with no `status`, no body (`body`, `json`,
    /// `body_base64`, `errors`) and no `redirect` is a [`Reply::passthrough`]:
    /// `{"delay_ms": 500}` delays the answer the request would have got anyway
    /// (there `content_type` and `gzip` are errors: they need a body).
    /// `headers` is an object or an array of `[name, value]` pairs. At most
    /// one of `body`, `json` (serialized compactly, with
    /// `content-type: application/json`), `body_base64` and `errors`
    /// (Datadog's error body, with `content-type: application/json`) may be
    /// given; `content_type` overrides the implied content type. Unknown
    /// fields are rejected, so typos fail loudly.
    ///
    /// ```
    /// use ddorg_fake::Reply;
    /// let r = Reply::from_json(r#"{"status":503,"errors":["down"],"repeat":2}"#).unwrap();
    /// # let _ = r;
    /// assert!(Reply::from_json(r#"{"stauts":503}"#).is_err());
    /// ```
    pub fn from_json(text: &str) -> Result<Reply, String> {
        let value: Value =
            serde_json::from_str(text).map_err(|e| format!("reply is not valid JSON: {e}"))?;
        Reply::from_value(&value)
    }

    pub(crate) fn from_value(value: &Value) -> Result<Reply, String> {
        let obj = value
            .as_object()
            .ok_or_else(|| "reply must be a JSON object".to_string())?;
        const KNOWN: &[&str] = &[
            "status",
            "headers",
            "body",
            "json",
            "body_base64",
            "errors",
            "content_type",
            "gzip",
            "delay_ms",
            "body_delay_ms",
            "fault",
            "repeat",
            "redirect",
            "raw",
        ];
        for key in obj.keys() {
            if !KNOWN.contains(&key.as_str()) {
                return Err(format!(
                    "unknown reply field {key:?} (known: {})",
                    KNOWN.join(", ")
                ));
            }
        }
        let get = |k: &str| obj.get(k).filter(|v| !v.is_null());
        if let Some(raw) = get("raw") {
            return raw_reply(obj, raw);
        }

        let redirect = match get("redirect") {
            None => None,
            Some(v) => Some(v.as_str().ok_or("\"redirect\" must be a string")?),
        };
        let status = match get("status") {
            None if redirect.is_some() => 302,
            None => 200,
            Some(v) => {
                let n = v
                    .as_u64()
                    .filter(|n| (100..=999).contains(n))
                    .ok_or("\"status\" must be an integer from 100 to 999")?;
                n as u16
            }
        };
        // Neither a status nor a body: a passthrough (`{"delay_ms": 500}` delays the usual
        // answer instead of serving an empty one).
        let scripted = [
            "status",
            "body",
            "json",
            "body_base64",
            "errors",
            "redirect",
        ]
        .iter()
        .any(|k| get(k).is_some());
        if !scripted {
            for k in ["content_type", "gzip"] {
                if get(k).is_some() {
                    return Err(format!(
                        "{k:?} needs a body (body, json, body_base64 or errors): without a \
                         status or a body the reply passes the usual answer through"
                    ));
                }
            }
        }
        let mut reply = Reply::status(status);
        reply.passthrough = !scripted;
        if let Some(loc) = redirect {
            check_header_text("redirect", loc)?;
            reply = reply.header("location", loc);
        }

        let sources: Vec<&str> = ["body", "json", "body_base64", "errors"]
            .into_iter()
            .filter(|k| get(k).is_some())
            .collect();
        if sources.len() > 1 {
            return Err(format!(
                "give at most one of body, json, body_base64, errors (got {})",
                sources.join(", ")
            ));
        }
        if let Some(v) = get("body") {
            reply.body = v
                .as_str()
                .ok_or("\"body\" must be a string")?
                .as_bytes()
                .to_vec();
        }
        if let Some(v) = get("json") {
            reply.body = serde_json::to_vec(v).map_err(|e| e.to_string())?;
            reply.content_type = Some("application/json".to_string());
        }
        if let Some(v) = get("body_base64") {
            let text = v.as_str().ok_or("\"body_base64\" must be a string")?;
            reply.body = base64_decode(text)?;
        }
        if let Some(v) = get("errors") {
            let arr = v
                .as_array()
                .ok_or("\"errors\" must be an array of strings")?;
            let mut msgs = Vec::with_capacity(arr.len());
            for m in arr {
                msgs.push(m.as_str().ok_or("\"errors\" must be an array of strings")?);
            }
            reply.body = errors_body(&msgs).into_bytes();
            reply.content_type = Some("application/json".to_string());
        }

        if let Some(v) = get("headers") {
            let mut pairs: Vec<(&str, &str)> = Vec::new();
            if let Some(map) = v.as_object() {
                for (k, v) in map {
                    let v = v
                        .as_str()
                        .ok_or_else(|| format!("header {k:?} must have a string value"))?;
                    pairs.push((k, v));
                }
            } else if let Some(list) = v.as_array() {
                for item in list {
                    let pair = item
                        .as_array()
                        .filter(|p| p.len() == 2)
                        .and_then(|p| Some((p[0].as_str()?, p[1].as_str()?)))
                        .ok_or("\"headers\" array items must be [name, value] string pairs")?;
                    pairs.push(pair);
                }
            } else {
                return Err(
                    "\"headers\" must be an object or an array of [name, value] pairs".into(),
                );
            }
            for (k, v) in pairs {
                if k.is_empty() || k.contains([':', ' ', '\t']) {
                    return Err(format!("invalid header name {k:?}"));
                }
                check_header_text(k, k)?;
                check_header_text(k, v)?;
                reply = reply.header(k, v);
            }
        }
        if let Some(v) = get("content_type") {
            let ct = v.as_str().ok_or("\"content_type\" must be a string")?;
            check_header_text("content_type", ct)?;
            reply.content_type = Some(ct.to_string());
        }
        if let Some(v) = get("gzip") {
            reply.gzip = v.as_bool().ok_or("\"gzip\" must be true or false")?;
        }
        if let Some(v) = get("delay_ms") {
            let ms = v
                .as_u64()
                .ok_or("\"delay_ms\" must be a non-negative integer")?;
            reply.delay = Some(Duration::from_millis(ms));
        }
        if let Some(v) = get("body_delay_ms") {
            let ms = v
                .as_u64()
                .ok_or("\"body_delay_ms\" must be a non-negative integer")?;
            reply.body_delay = Some(Duration::from_millis(ms));
        }
        if let Some(v) = get("fault") {
            let name = v.as_str().ok_or("\"fault\" must be a string")?;
            reply.fault = Some(Fault::from_name(name).ok_or_else(|| {
                let known: Vec<&str> = Fault::ALL.iter().map(|f| f.name()).collect();
                format!("unknown fault {name:?} (known: {})", known.join(", "))
            })?);
        }
        if let Some(v) = get("repeat") {
            let n = v
                .as_u64()
                .filter(|n| *n >= 1)
                .ok_or("\"repeat\" must be a positive integer")?;
            reply.repeat = usize::try_from(n).unwrap_or(usize::MAX);
        }
        Ok(reply)
    }
}

/// A `{"raw": ...}` reply, with its `delay_ms` and `repeat`.
fn raw_reply(obj: &serde_json::Map<String, Value>, raw: &Value) -> Result<Reply, String> {
    if let Some(k) = obj
        .keys()
        .find(|k| !["raw", "delay_ms", "repeat"].contains(&k.as_str()))
    {
        return Err(format!(
            "{k:?} cannot go with \"raw\" (only delay_ms and repeat can)"
        ));
    }
    let text = raw.as_str().ok_or("\"raw\" must be a string")?;
    let bytes = text
        .chars()
        .map(|c| {
            u8::try_from(u32::from(c)).map_err(|_| format!("\"raw\" holds {c:?}, above U+00FF"))
        })
        .collect::<Result<Vec<u8>, String>>()?;
    let mut reply = Reply::raw(bytes);
    if let Some(ms) = obj.get("delay_ms").and_then(Value::as_u64) {
        reply = reply.delay(Duration::from_millis(ms));
    }
    if let Some(n) = obj.get("repeat").and_then(Value::as_u64) {
        reply = reply.repeat(usize::try_from(n).unwrap_or(usize::MAX));
    }
    Ok(reply)
}

/// Refuses CR and LF, which would let a header value start another header.
fn check_header_text(what: &str, v: &str) -> Result<(), String> {
    if v.contains(['\r', '\n']) {
        Err(format!("{what:?} must not contain CR or LF"))
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn from_json_covers_every_field() {
        let r = Reply::from_json(
            r#"{"status":429,"headers":[["x-a","1"],["Content-Type","text/x"]],
                "body":"hi","gzip":true,"delay_ms":5,"fault":"truncated_body","repeat":3}"#,
        )
        .unwrap();
        assert_eq!(r.status, 429);
        assert_eq!(r.headers, vec![("x-a".to_string(), "1".to_string())]);
        assert_eq!(r.content_type.as_deref(), Some("text/x"));
        assert_eq!(r.body, b"hi");
        assert!(r.gzip);
        assert_eq!(r.delay, Some(Duration::from_millis(5)));
        assert_eq!(r.fault, Some(Fault::TruncatedBody));
        assert_eq!(r.repeat, 3);

        let r =
            Reply::from_json(r#"{"raw":"HTTP/1.1 200 OK\r\n\u0001\u00ff","repeat":2}"#).unwrap();
        assert_eq!(r.raw.as_deref(), Some(&b"HTTP/1.1 200 OK\r\n\x01\xff"[..]));
        assert_eq!(r.repeat, 2);

        let r = Reply::from_json(r#"{"redirect":"http://x/y"}"#).unwrap();
        assert_eq!(r.status, 302);
        assert_eq!(r.headers, vec![("location".into(), "http://x/y".into())]);

        let r = Reply::from_json(r#"{"json":{"a":[1]},"content_type":"text/plain"}"#).unwrap();
        assert_eq!(r.body, br#"{"a":[1]}"#);
        assert_eq!(r.content_type.as_deref(), Some("text/plain"));

        let r = Reply::from_json(r#"{"errors":["x\"y"]}"#).unwrap();
        assert_eq!(r.body, br#"{"errors":["x\"y"]}"#);
        assert_eq!(r.status, 200);

        for bad in [
            "[]",
            "{",
            r#"{"status":99}"#,
            r#"{"status":"200"}"#,
            r#"{"body":"a","json":1}"#,
            r#"{"fault":"explode"}"#,
            r#"{"repeat":0}"#,
            r#"{"headers":{"x":"a\r\nb"}}"#,
            r#"{"headers":[["x"]]}"#,
            r#"{"body_base64":"!!"}"#,
            r#"{"unknown":1}"#,
            r#"{"raw":"x","status":200}"#,
            r#"{"raw":"\u0100"}"#,
        ] {
            assert!(Reply::from_json(bad).is_err(), "{bad} should be rejected");
        }
    }
}
