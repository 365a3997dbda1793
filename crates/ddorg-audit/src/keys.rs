//! [`KeySource`]: where a fleet org's key is read from (a variable or a file), and the checks
//! made when it is read, such as refusing a key file others can read (as ssh does).

use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};

use ddorg_core::{Error, ErrorKind};

/// Where an org's key is read from, when its client is built. Never the key itself.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum KeySource {
    /// An environment variable, by name.
    Env(String),
    /// A file holding the key (surrounding whitespace ignored), e.g. `/run/secrets/dd-api-key`.
    File(PathBuf),
}

impl fmt::Display for KeySource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeySource::Env(name) => write!(f, "environment variable {name}"),
            KeySource::File(path) => write!(f, "file {}", path.display()),
        }
    }
}

impl KeySource {
    /// Reads the key. A variable not set, a file that cannot be read, a file that group or
    /// others may read or write (on Unix; the message gives the `chmod 600` that fixes it), or
    /// an empty key is a [`ErrorKind::Config`] error naming the source (never the key).
    pub fn read(&self, what: &str) -> Result<String, Error> {
        let value = match self {
            KeySource::Env(name) => std::env::var(name).map_err(|e| {
                let why = match e {
                    std::env::VarError::NotPresent => "is not set",
                    std::env::VarError::NotUnicode(_) => "is not valid UTF-8",
                };
                Error::new(
                    ErrorKind::Config,
                    format!("the {what} variable {name} {why}"),
                )
            })?,
            KeySource::File(path) => read_private_file(path, what)?,
        };
        let key = value.trim();
        if key.is_empty() {
            return Err(Error::new(
                ErrorKind::Config,
                format!("the {what} from the {self} is empty"),
            ));
        }
        Ok(key.to_string())
    }
}

/// A key file's content, refused when its permissions let group or others read or change it:
/// a key anyone on the machine can read is a leaked key, and one they can write lets them
/// redirect the audit to an org of theirs. The mode is read from the open file, so a file
/// swapped after the check is not read.
fn read_private_file(path: &Path, what: &str) -> Result<String, Error> {
    let cannot = |e: std::io::Error| {
        Error::new(
            ErrorKind::Config,
            format!("cannot read the {what} file {}: {e}", path.display()),
        )
    };
    let mut file = std::fs::File::open(path).map_err(cannot)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = file.metadata().map_err(cannot)?.permissions().mode() & 0o7777;
        if mode & 0o066 != 0 {
            return Err(Error::new(
                ErrorKind::Config,
                format!(
                    "the {what} file {} is readable or writable by group or others (mode \
                     {mode:04o}); keys must be private to their owner: chmod 600 {}",
                    path.display(),
                    path.display()
                ),
            ));
        }
    }
    let mut text = String::new();
    file.read_to_string(&mut text).map_err(cannot)?;
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str, mode: u32, content: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("ddorg-keys-{}-{name}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("key");
        std::fs::write(&path, content).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
        }
        let _ = mode;
        path
    }

    #[test]
    fn a_private_key_file_is_read_without_surrounding_whitespace() {
        let path = scratch("private", 0o600, "  key-0123\n");
        assert_eq!(KeySource::File(path).read("API key").unwrap(), "key-0123");
    }

    #[cfg(unix)]
    #[test]
    fn a_key_file_group_or_others_can_read_or_write_is_refused_with_the_chmod_fix() {
        for mode in [0o644, 0o640, 0o604, 0o620, 0o602, 0o666] {
            let path = scratch(&format!("open-{mode:o}"), mode, "secret-key-0123\n");
            let e = KeySource::File(path.clone()).read("API key").unwrap_err();
            assert_eq!(e.kind(), ErrorKind::Config);
            let m = e.message();
            assert!(m.contains(&format!("mode {mode:04o}")), "{m}");
            assert!(m.contains(&format!("chmod 600 {}", path.display())), "{m}");
            assert!(!m.contains("secret-key"), "never the key: {m}");
        }
        // Execute bits alone and the owner's own bits are no exposure.
        for mode in [0o400, 0o700, 0o611] {
            let path = scratch(&format!("ok-{mode:o}"), mode, "k\n");
            assert_eq!(KeySource::File(path).read("API key").unwrap(), "k");
        }
    }
}
