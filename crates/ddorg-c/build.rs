//! Gives libddorg.so its SONAME, `libddorg.so.<major>`, so programs record that name and a
//! compatible newer library can replace the file under them.
//!
//! The major number comes from the crate version, the one home of the version (0.1.0 gives
//! `libddorg.so.0`). Within one major number the C ABI only grows: status numbers, types and
//! function signatures never change, so 0.x releases share `libddorg.so.0`. `scripts/install-c` installs
//! `libddorg.so.<version>` with the `libddorg.so.<major>` and `libddorg.so` symlinks.

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    // ELF targets only: Mach-O has install names and Windows DLLs have neither.
    if matches!(
        os.as_str(),
        "linux" | "android" | "freebsd" | "netbsd" | "openbsd" | "dragonfly"
    ) {
        let major = env!("CARGO_PKG_VERSION_MAJOR");
        println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libddorg.so.{major}");
    }
}
