//! Where the remote commands find Tandem and their token: `--url`/`--token` (or `TANDEM_URL`
//! and `TANDEM_TOKEN`), else a profile of the settings file
//! (`$XDG_CONFIG_HOME/tandem/cli.toml`, by default `~/.config/tandem/cli.toml`):
//!
//! ```toml
//! default = "prod"
//!
//! [profiles.prod]
//! url = "https://tandem.example.org"
//! token = "tdm_…"
//!
//! [profiles.lab]
//! url = "http://127.0.0.1:3000"
//! token = "tdm_…"
//! ```
//!
//! `--profile NAME` (or `TANDEM_PROFILE`) picks one, else `default`. A file that holds a token
//! must be readable by its owner alone (mode 0600): any other is refused, saying so.

use super::Failure;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    /// The profile used when none is named.
    default: Option<String>,
    #[serde(default)]
    profiles: BTreeMap<String, Profile>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Profile {
    url: Option<String>,
    token: Option<String>,
}

/// The settings file's path: under `XDG_CONFIG_HOME`, else `~/.config`.
pub fn path() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_CONFIG_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")))?;
    Some(base.join("tandem").join("cli.toml"))
}

/// Tandem's address and the token: those given, the rest from the profile.
pub fn resolve(
    url: Option<String>,
    token: Option<String>,
    profile: Option<&str>,
) -> Result<(String, String), Failure> {
    let (url, token) = match (url, token) {
        (Some(url), Some(token)) if profile.is_none() => (Some(url), Some(token)),
        (url, token) => {
            let chosen = match path() {
                Some(file) => from_file(&file, profile)?,
                None if profile.is_some() => {
                    return Err(Failure::Usage(
                        "no settings file: neither XDG_CONFIG_HOME nor HOME is set".into(),
                    ));
                }
                None => Profile::default(),
            };
            (url.or(chosen.url), token.or(chosen.token))
        }
    };
    let where_ = path().map_or_else(String::new, |p| {
        format!(", or a profile in {}", p.display())
    });
    let url = url.ok_or_else(|| {
        Failure::Usage(format!(
            "give Tandem's address: --url or TANDEM_URL{where_}"
        ))
    })?;
    let token = token.ok_or_else(|| {
        Failure::Usage(format!(
            "give an API token: --token or TANDEM_TOKEN{where_}"
        ))
    })?;
    Ok((url.trim_end_matches('/').to_string(), token))
}

/// The profile named (or the file's default) from `file`; none when the file does not exist
/// and no profile is named.
fn from_file(file: &Path, name: Option<&str>) -> Result<Profile, Failure> {
    let text = match std::fs::read_to_string(file) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && name.is_none() => {
            return Ok(Profile::default());
        }
        Err(e) => {
            return Err(Failure::Usage(format!(
                "cannot read {}: {e}",
                file.display()
            )));
        }
    };
    let parsed: File = toml::from_str(&text)
        .map_err(|e| Failure::Usage(format!("{} is not a settings file: {e}", file.display())))?;
    let name = match name.or(parsed.default.as_deref()) {
        Some(name) => name,
        None => return Ok(Profile::default()),
    };
    let profile = parsed.profiles.get(name).cloned().ok_or_else(|| {
        let known: Vec<&str> = parsed.profiles.keys().map(String::as_str).collect();
        Failure::Usage(format!(
            "{} has no profile '{name}' (it has: {})",
            file.display(),
            if known.is_empty() {
                "none".to_string()
            } else {
                known.join(", ")
            }
        ))
    })?;
    if profile.token.is_some() {
        private(file)?;
    }
    Ok(profile)
}

/// Refuses a file holding a token that others than its owner may read.
#[cfg(unix)]
fn private(file: &Path) -> Result<(), Failure> {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(file)
        .map_err(|e| Failure::Usage(format!("cannot read {}: {e}", file.display())))?
        .permissions()
        .mode();
    if mode & 0o077 != 0 {
        return Err(Failure::Usage(format!(
            "{} holds a token but others may read it (mode {:o}): chmod 600 {0}",
            file.display(),
            mode & 0o777
        )));
    }
    Ok(())
}

#[cfg(not(unix))]
fn private(_: &Path) -> Result<(), Failure> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn file(text: &str, mode: u32) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cli.toml");
        std::fs::write(&path, text).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
        (dir, path)
    }

    const TWO: &str = r#"
default = "lab"
[profiles.lab]
url = "http://127.0.0.1:3000"
token = "tdm_lab"
[profiles.prod]
url = "https://tandem.example.org"
token = "tdm_prod"
"#;

    #[test]
    fn a_profile_is_named_or_the_default() {
        let (_dir, path) = file(TWO, 0o600);
        assert_eq!(
            from_file(&path, None).unwrap().token.as_deref(),
            Some("tdm_lab")
        );
        let prod = from_file(&path, Some("prod")).unwrap();
        assert_eq!(prod.url.as_deref(), Some("https://tandem.example.org"));
        let missing = from_file(&path, Some("staging")).unwrap_err();
        assert!(
            missing
                .message()
                .contains("has no profile 'staging' (it has: lab, prod)")
        );
    }

    #[test]
    fn a_token_others_may_read_is_refused() {
        let (_dir, path) = file(TWO, 0o644);
        let refused = from_file(&path, None).unwrap_err();
        assert!(
            refused.message().contains("chmod 600"),
            "{}",
            refused.message()
        );
        assert_eq!(refused.exit_code(), 2);
    }

    #[test]
    fn a_file_that_is_not_settings_is_refused_and_a_missing_one_is_none() {
        let (_dir, path) = file("[profiles.lab]\nurl = 3\n", 0o600);
        assert!(
            from_file(&path, None)
                .unwrap_err()
                .message()
                .contains("not a settings file")
        );
        let (_dir, path) = file("colour = \"blue\"\n", 0o600);
        assert!(from_file(&path, None).is_err(), "unknown keys are refused");
        let absent = PathBuf::from("/nonexistent/tandem/cli.toml");
        assert!(from_file(&absent, None).unwrap().url.is_none());
        assert!(from_file(&absent, Some("lab")).is_err());
    }
}
