//! The cost of decoding one organization body (with unknown fields holding numbers) and
//! encoding it back: `cargo run --release -p ddorg-core --example decode_cost`. Prints
//! microseconds per decode and per encode, to compare serde_json feature settings.

use std::time::Instant;

use ddorg_core::OrganizationResponse;

const BODY: &str = r#"{"org":{"billing":{"type":"parent-billing"},"created":"2019-09-26T17:28:28Z","description":"some description","name":"New child org","public_id":"abcdef12345","settings":{"private_widget_share":false,"saml":{"enabled":false},"saml_autocreate_access_role":"ro","saml_autocreate_users_domains":{"domains":["example.com"],"enabled":false},"saml_can_be_enabled":false,"saml_idp_endpoint":"https://my.saml.endpoint","saml_idp_initiated_login":{"enabled":false},"saml_idp_metadata_uploaded":false,"saml_login_url":"https://my.saml.login.url","saml_strict_mode":{"enabled":false}},"subscription":{"type":"pro"},"trial":false,"usage":{"hosts":1234,"ratio":0.25,"counts":[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16],"big":18446744073709551615}}}"#;

fn main() {
    const N: u32 = 50_000;
    let mut last = None;
    let started = Instant::now();
    for _ in 0..N {
        last = Some(ddorg_core::from_json::<OrganizationResponse>(BODY).expect("decodes"));
    }
    let decode = started.elapsed().as_secs_f64() * 1e6 / f64::from(N);
    let value = last.expect("one decode");
    let started = Instant::now();
    let mut len = 0;
    for _ in 0..N {
        len += serde_json::to_string(&value).expect("encodes").len();
    }
    let encode = started.elapsed().as_secs_f64() * 1e6 / f64::from(N);
    println!("decode {decode:.2} µs, encode {encode:.2} µs per body ({len} bytes written)");
}
