//! libddorg: the C ABI of ddorg (`include/ddorg.h`), a client for Datadog's organization endpoints.
//!
//! Nothing here decides how to talk to Datadog: that is `ddorg-core`. This crate only wraps it in
//! opaque handles, converts strings and maps every failure to a stable [`ddorg_status`].
//!
//! # Conventions
//!
//! The C API's conventions (opaque handles and their one `*_free`, the `ddorg_error **err`
//! out-pointer, borrowed `const char *` and owned `char *` results, NUL-terminated UTF-8 inputs
//! and text holding NUL bytes, NULL arguments, stable [`ddorg_status`] numbers, threads and
//! options) are written once, in docs/c.md's "C API conventions" section, for C readers; the
//! header points there. This crate implements them with one helper per rule in `ffi.rs`.
//!
//! # Safety
//!
//! Every exported function is `unsafe` to call from Rust and shares one contract: each pointer
//! argument is NULL or valid for what the function does with it (a handle returned by this
//! library and not yet freed; a NUL-terminated string; a writable out-pointer), and no handle is
//! freed while another thread still uses it.
#![deny(missing_docs)]
#![deny(unsafe_op_in_unsafe_fn)]
// The C names (`ddorg_client`, `DDORG_OK`) are the API; Rust's naming conventions do not apply.
#![allow(non_camel_case_types)]
// The shared safety contract above is written once rather than as a `# Safety` section on each
// of some eighty functions, which cbindgen would copy into every declaration of the header.
#![allow(clippy::missing_safety_doc)]

// cbindgen writes the header in the order it reads these modules: keep them in reading order,
// one group per line so that rustfmt does not sort them.
mod ffi;

mod strings;

mod status;

mod rate_limit;

mod error;

mod options;

mod client;

mod org;

mod org_list;

mod salesforce;

mod audit;

mod logging;

pub use audit::*;
pub use client::*;
pub use error::*;
pub use logging::*;
pub use options::*;
pub use org::*;
pub use org_list::*;
pub use rate_limit::*;
pub use salesforce::*;
pub use status::*;
pub use strings::*;
