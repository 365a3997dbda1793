//! Fuzzes what ddorg-core does with a response body: the 2xx decoders of both endpoints and the
//! error-body reader. Any panic is a bug; so is a decoded model that does not survive
//! encode → decode unchanged.
#![no_main]

use ddorg_core::fuzzing;
use libfuzzer_sys::fuzz_target;
use serde::{de::DeserializeOwned, Serialize};

fn round_trips<T: Serialize + DeserializeOwned + PartialEq + std::fmt::Debug>(model: &T) {
    let text = serde_json::to_vec(model).expect("a decoded model encodes");
    let again: T = serde_json::from_slice(&text).expect("an encoded model decodes");
    assert_eq!(&again, model);
}

fuzz_target!(|body: &[u8]| {
    for content_type in [Some("application/json"), None] {
        match fuzzing::decode_org(body, content_type) {
            Ok(model) => round_trips(&model),
            // The message is built from the body: it must render without panicking.
            Err(e) => drop(format!("{e} {e:?}")),
        }
        match fuzzing::decode_salesforce(body, content_type) {
            Ok(model) => round_trips(&model),
            Err(e) => drop(format!("{e} {e:?}")),
        }
    }
    drop(fuzzing::error_messages(body));
});
