//! What the Kea test files share: where Kea 3 is, and whether this machine may run it.

use std::path::PathBuf;
use std::process::Command;

/// The Debian root holding Kea 3.0 (`scripts/kea3-root.sh`), when this machine has it.
pub fn kea3_root() -> Option<PathBuf> {
    let root = std::env::var_os("TANDEM_KEA3_ROOT")
        .filter(|r| !r.is_empty())
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache/tandem/kea3-root"))
        })?;
    root.join(".tandem-complete").exists().then_some(root)
}

/// Whether this process is not root (chroot and network namespaces need root).
pub fn not_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() != "0")
        .unwrap_or(true)
}

/// Says loudly that a test did not run here, and why.
pub fn skipped(what: &str, why: &str) {
    eprintln!("\n*** SKIPPED ({what}): {why} ***\n");
}
