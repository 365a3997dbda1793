//! The boundary every exported function goes through: the panic guard and the argument checks.

use std::any::Any;
use std::ffi::{c_char, CStr};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::ptr;

use ddorg_core::{Error, ErrorKind};

use crate::error::ddorg_error;
use crate::status::ddorg_status;

/// Runs `f` and returns its value, or `on_panic` if it panicked: no panic unwinds into C.
pub(crate) fn guard<R>(on_panic: R, f: impl FnOnce() -> R) -> R {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or(on_panic)
}

/// The body of every function that returns a [`ddorg_status`].
///
/// Sets `*err` to NULL, runs `f` under the panic guard, and turns its error (or a caught panic)
/// into the returned status and, when `err` is not NULL, a new [`ddorg_error`] in `*err`.
///
/// # Safety
/// `err` is NULL or valid for writes.
pub(crate) unsafe fn fallible(
    err: *mut *mut ddorg_error,
    f: impl FnOnce() -> Result<(), Error>,
) -> ddorg_status {
    guard(ddorg_status::DDORG_ERR_PANIC, || {
        if !err.is_null() {
            // SAFETY: the caller's contract: `err` is NULL or writable.
            unsafe { err.write(ptr::null_mut()) };
        }
        let error = match catch_unwind(AssertUnwindSafe(f)) {
            Ok(Ok(())) => return ddorg_status::DDORG_OK,
            Ok(Err(e)) => ddorg_error::from_core(&e),
            Err(payload) => ddorg_error::from_panic(panic_message(payload.as_ref())),
        };
        let status = error.status();
        if !err.is_null() {
            // SAFETY: as above.
            unsafe { err.write(Box::into_raw(Box::new(error))) };
        }
        status
    })
}

/// The body of every function that makes a handle: [`fallible`] with the out-pointer checked
/// first and set to NULL at once (so that it is NULL on every failure), then set to the handle
/// made of `f`'s value.
///
/// # Safety
/// `out` and `err` are NULL or valid for writes.
pub(crate) unsafe fn fallible_out<T>(
    out: *mut *mut T,
    err: *mut *mut ddorg_error,
    f: impl FnOnce() -> Result<T, Error>,
) -> ddorg_status {
    unsafe {
        fallible(err, || {
            let out = arg_out(out, "out")?;
            *out = into_handle(f()?);
            Ok(())
        })
    }
}

/// The body of every getter: `f` applied to the handle, or `default` when the handle is NULL or
/// `f` panicked.
///
/// # Safety
/// `handle` is NULL or a live handle of type `T`.
pub(crate) unsafe fn getter<T, R: Copy>(
    handle: *const T,
    default: R,
    f: impl FnOnce(&T) -> R,
) -> R {
    guard(default, || {
        // SAFETY: the caller's contract.
        match unsafe { handle.as_ref() } {
            Some(h) => f(h),
            None => default,
        }
    })
}

/// The body of every `*_free`: drops a handle made by [`into_handle`]; NULL is a no-op.
///
/// # Safety
/// `handle` is NULL or came from [`into_handle`] with the same `T` and was not freed yet.
pub(crate) unsafe fn free<T>(handle: *mut T) {
    guard((), || {
        if !handle.is_null() {
            // SAFETY: the caller's contract: a live box we handed out.
            drop(unsafe { Box::from_raw(handle) });
        }
    })
}

/// Moves a value to the heap and hands ownership to C.
pub(crate) fn into_handle<T>(value: T) -> *mut T {
    Box::into_raw(Box::new(value))
}

/// The error for a bad argument, naming it (never its value).
pub(crate) fn invalid(message: String) -> Error {
    Error::new(ErrorKind::InvalidArgument, message)
}

/// A required handle argument.
///
/// # Safety
/// `p` is NULL or a live handle of type `T`.
pub(crate) unsafe fn arg_ref<'a, T>(p: *const T, name: &str) -> Result<&'a T, Error> {
    // SAFETY: the caller's contract.
    unsafe { p.as_ref() }.ok_or_else(|| invalid(format!("{name} is NULL")))
}

/// A required handle argument the function changes.
///
/// # Safety
/// `p` is NULL or a live handle of type `T` that nothing else uses during the call.
pub(crate) unsafe fn arg_mut<'a, T>(p: *mut T, name: &str) -> Result<&'a mut T, Error> {
    // SAFETY: the caller's contract.
    unsafe { p.as_mut() }.ok_or_else(|| invalid(format!("{name} is NULL")))
}

/// A required NUL-terminated UTF-8 string argument. The error names the argument, never its
/// content (it may be a key).
///
/// # Safety
/// `p` is NULL or points to a NUL-terminated string.
pub(crate) unsafe fn arg_str<'a>(p: *const c_char, name: &str) -> Result<&'a str, Error> {
    if p.is_null() {
        return Err(invalid(format!("{name} is NULL")));
    }
    // SAFETY: non-NULL, and NUL-terminated by the caller's contract.
    let c = unsafe { CStr::from_ptr(p) };
    c.to_str().map_err(|e| {
        invalid(format!(
            "{name} is not valid UTF-8 (bad byte at offset {})",
            e.valid_up_to()
        ))
    })
}

/// A required out-pointer, set to NULL at once so that it is NULL on every failure.
///
/// # Safety
/// `p` is NULL or valid for writes.
pub(crate) unsafe fn arg_out<'a, T>(p: *mut *mut T, name: &str) -> Result<&'a mut *mut T, Error> {
    // SAFETY: the caller's contract.
    let slot = unsafe { p.as_mut() }.ok_or_else(|| invalid(format!("{name} is NULL")))?;
    *slot = ptr::null_mut();
    Ok(slot)
}

/// The text of a panic payload, for the error a caught panic becomes.
fn panic_message(payload: &(dyn Any + Send)) -> String {
    let what = payload
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("no message");
    format!("internal error: a Rust panic was caught at the C boundary ({what}); please report this bug")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_status_99_with_an_error_saying_so() {
        let mut err: *mut ddorg_error = ptr::null_mut();
        let status = unsafe { fallible(&mut err, || panic!("boom")) };
        assert_eq!(status, ddorg_status::DDORG_ERR_PANIC);
        assert!(!err.is_null());
        let e = unsafe { &*err };
        assert_eq!(e.status(), ddorg_status::DDORG_ERR_PANIC);
        let msg = e.message().to_str().unwrap();
        assert!(msg.contains("panic") && msg.contains("boom"), "{msg}");
        unsafe { free(err) };
    }

    #[test]
    fn a_panic_with_no_err_pointer_still_returns_99() {
        let status = unsafe { fallible(ptr::null_mut(), || panic!("{}", String::from("x"))) };
        assert_eq!(status, ddorg_status::DDORG_ERR_PANIC);
    }

    #[test]
    fn success_clears_err() {
        let mut err = ptr::dangling_mut::<ddorg_error>();
        let status = unsafe { fallible(&mut err, || Ok(())) };
        assert_eq!(status, ddorg_status::DDORG_OK);
        assert!(err.is_null());
    }

    #[test]
    fn fallible_out_sets_out_to_the_handle_only_on_success() {
        let mut out = ptr::dangling_mut::<u8>();
        let failed =
            unsafe { fallible_out(&mut out, ptr::null_mut(), || Err(invalid("no".into()))) };
        assert_eq!(failed, ddorg_status::DDORG_ERR_INVALID_ARGUMENT);
        assert!(out.is_null());
        let made = unsafe { fallible_out(&mut out, ptr::null_mut(), || Ok(7u8)) };
        assert_eq!(made, ddorg_status::DDORG_OK);
        assert_eq!(unsafe { *out }, 7);
        unsafe { free(out) };
        let no_out = unsafe { fallible_out(ptr::null_mut(), ptr::null_mut(), || Ok(7u8)) };
        assert_eq!(no_out, ddorg_status::DDORG_ERR_INVALID_ARGUMENT);
    }

    #[test]
    fn getters_return_their_default_on_null_and_on_panic() {
        let null: *const u8 = ptr::null();
        assert_eq!(unsafe { getter(null, -1, |_| 5) }, -1);
        let one = 1u8;
        assert_eq!(unsafe { getter(&one, -1, |_| panic!("bug")) }, -1);
        assert_eq!(unsafe { getter(&one, -1, |v| i32::from(*v)) }, 1);
    }

    #[test]
    fn bad_strings_are_invalid_arguments_naming_the_argument_not_the_value() {
        let bad = c"sekrit\xff";
        let e = unsafe { arg_str(bad.as_ptr(), "api_key") }.unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidArgument);
        assert!(e.message().contains("api_key") && !e.message().contains("sekrit"));
        let e = unsafe { arg_str(ptr::null(), "site") }.unwrap_err();
        assert_eq!(e.message(), "site is NULL");
    }
}
