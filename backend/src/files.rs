//! Tandem's files are its own: its folders are 0700 and its files 0600 (the database, the
//! built-in servers' configurations), so that no other account on the machine reads them.

use std::io;
use std::path::Path;

/// Creates `path` (and its parents) if missing, and makes it 0700.
pub async fn private_dir(path: &Path) -> io::Result<()> {
    tokio::fs::create_dir_all(path).await?;
    set_mode(path, 0o700)
}

/// Opens `path` for writing from the start, created 0600 if missing.
pub fn create_private(path: &Path) -> io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)
}

/// Makes sure `path` exists and is 0600 (SQLite gives its journal files the database file's
/// permissions).
pub fn private_file(path: &Path) -> io::Result<()> {
    if !path.exists() {
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(false);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        options.open(path)?;
    }
    set_mode(path, 0o600)
}

fn set_mode(path: &Path, mode: u32) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))?;
    }
    #[cfg(not(unix))]
    let _ = (path, mode);
    Ok(())
}
