//! Reading a response's body within the client's limits: the bounded, decompressed body of a
//! success, or the [`Error`] an error response amounts to.

use std::time::Duration;

use crate::decode::error_messages;
use crate::encoding;
use crate::error::{Error, ErrorKind};
use crate::rate_limit::RateLimit;
use crate::transport::Target;
use crate::transport_error::{is_timeout, transport_error};

/// Error bodies are read only this far: enough for Datadog's messages or an HTML error page.
const MAX_ERROR_BODY: u64 = 64 * 1024;

type HttpResponse = ureq::http::Response<ureq::Body>;

/// The limits a body is read within, and whom failures name.
pub(crate) struct BodyRules<'a> {
    pub(crate) max_body_size: u64,
    /// The call's overall deadline, for timeout messages.
    pub(crate) overall: Duration,
    pub(crate) target: &'a Target,
}

impl BodyRules<'_> {
    /// The error a non-2xx response amounts to: Datadog's messages from its (bounded) body, or
    /// a refused redirect naming its location.
    pub(crate) fn error_of(
        &self,
        response: &mut HttpResponse,
        status: u16,
        rate_limit: Option<RateLimit>,
        location: Option<&str>,
        content_encoding: Option<&str>,
    ) -> Error {
        let limit = MAX_ERROR_BODY.min(self.max_body_size);
        let body = match response.body_mut().with_config().limit(limit).read_to_vec() {
            Ok(body) => body,
            // The deadline passed while the error body trickled in: that is a timeout (the
            // status says what had begun to arrive), not a server error without messages.
            Err(e) if is_timeout(&e) => {
                return transport_error(e, self.overall, self.target)
                    .with_status(status)
                    .with_rate_limit(rate_limit);
            }
            // Otherwise the status alone is the answer; a damaged error body adds nothing.
            Err(_) => Vec::new(),
        };
        let body = encoding::decode(body, content_encoding, limit).unwrap_or_default();
        match (status, location) {
            // A redirect names where it goes; say why it was not followed.
            (301 | 302 | 303 | 307 | 308, Some(location)) => Error::new(
                ErrorKind::UnexpectedStatus,
                format!(
                    "refused to follow a redirect (HTTP {status}) to {location}: keys are never sent to another location"
                ),
            )
            .with_status(status)
            .with_rate_limit(rate_limit),
            _ => Error::from_response(status, error_messages(&body), rate_limit),
        }
    }

    /// A 2xx body, decompressed, never more than the size limit (before or after decompressing).
    pub(crate) fn success_body(
        &self,
        response: &mut HttpResponse,
        content_encoding: Option<&str>,
    ) -> Result<Vec<u8>, Error> {
        let too_large = |what: &str| {
            Error::new(
                ErrorKind::ResponseTooLarge,
                format!(
                    "response body is larger than the {} byte limit{what}",
                    self.max_body_size
                ),
            )
        };
        let raw = response
            .body_mut()
            .with_config()
            .limit(self.max_body_size)
            .read_to_vec()
            .map_err(|e| match e {
                ureq::Error::BodyExceedsLimit(_) => too_large(""),
                other => transport_error(other, self.overall, self.target),
            })?;
        encoding::decode(raw, content_encoding, self.max_body_size).map_err(|failure| match failure
        {
            encoding::DecodeFailure::Invalid(e) => e,
            encoding::DecodeFailure::TooLarge => too_large(" once decompressed"),
        })
    }
}
