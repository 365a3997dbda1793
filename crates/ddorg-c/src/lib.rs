//! libddorg: the C ABI of ddorg (`include/ddorg.h`), a client for Datadog's organization endpoints.
//!
//! Nothing here decides how to talk to Datadog: that is `ddorg-core`. This crate only wraps it in
//! opaque handles, converts strings and maps every failure to a stable [`ddorg_status`].
//!
//! # Conventions (the README's "C API conventions" says the same for C readers)
//!
//! - Opaque handles only. A constructor writes the new handle through an out-pointer and returns
//!   a status; each handle has exactly one `*_free` function, which accepts NULL.
//! - Every fallible function returns a [`ddorg_status`] and takes a last `ddorg_error **err`,
//!   which may be NULL. On success `*err` is set to NULL; on failure it receives a new
//!   [`ddorg_error`] that the caller frees with [`ddorg_error_free`]. Out-pointers are set to NULL
//!   on failure.
//! - `const char *` results are borrowed from the handle they came from and live until it is
//!   freed; `char *` results are owned by the caller and freed with [`ddorg_string_free`].
//! - String inputs must be NUL-terminated UTF-8, else [`ddorg_status::DDORG_ERR_INVALID_ARGUMENT`].
//!   NULL handles or out-pointers give the same status, never a crash; getters that cannot return
//!   a status return NULL, -1 or 0 for a NULL handle. No Rust panic ever unwinds into C: one that
//!   is caught at the boundary becomes [`ddorg_status::DDORG_ERR_PANIC`] (a bug: please report it).
//! - A text field holding a NUL byte cannot be a C string: its getter returns NULL (as if absent)
//!   rather than a truncated value, and `*_to_json` still has it (as `\u0000`). Diagnostic text
//!   (error messages and Datadog's `errors` strings) shows U+FFFD in its place instead.
//! - A client may be shared by any number of threads; response and error handles are immutable
//!   and may be read from any thread. Options are not synchronized: set them from one thread.
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

mod salesforce;

mod audit;

mod logging;

pub use audit::*;
pub use client::*;
pub use error::*;
pub use logging::*;
pub use options::*;
pub use org::*;
pub use rate_limit::*;
pub use salesforce::*;
pub use status::*;
pub use strings::*;
