//! The server's ledger key: an ed25519 private key in a PKCS#8 PEM file outside the database,
//! made on first start (docs/ledger.md, "Server keys").

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use clap::Args;
use rand::TryRngCore;
use truce_ledger::ServerKey;
use truce_store::Store;

/// Where the server's ledger key is.
#[derive(Debug, Clone, Args)]
pub struct LedgerKeyArg {
    /// The server's ledger key: a PKCS#8 PEM file, made (mode 0600) on first start. Default
    /// for SQLite: beside the database (FILE.ledger-key); PostgreSQL needs it given. Back it
    /// up apart from the database (README, "The ledger key").
    #[arg(long = "ledger-key", env = "TRUCE_LEDGER_KEY")]
    pub path: Option<PathBuf>,
}

/// A key file in use. A key just made is marked as new (`FILE.new`, beside it) until its
/// registration in the log is known to have committed, so that a server killed in between
/// still registers it on its next start, while an established key never adopts a log whose
/// keys are gone.
pub struct KeyFile {
    new_mark: Option<PathBuf>,
}

impl KeyFile {
    /// The key file whose mark of a new key is `new_mark`.
    pub fn new(new_mark: Option<PathBuf>) -> KeyFile {
        KeyFile { new_mark }
    }

    /// The key is registered (the service started): it is not new any more.
    pub fn settle(self) -> Result<()> {
        if let Some(mark) = self.new_mark {
            match std::fs::remove_file(&mark) {
                Err(error) if error.kind() != std::io::ErrorKind::NotFound => {
                    return Err(error).with_context(|| format!("removing {}", mark.display()));
                }
                _ => {}
            }
        }
        Ok(())
    }
}

/// Opens the database as `Store::open` does, signing with the ledger key (made if missing).
/// Call [`KeyFile::settle`] once the service has started on it.
pub async fn open_signed(database_url: &str, key: &LedgerKeyArg) -> Result<(Store, KeyFile)> {
    let path = match (key.path.clone(), default_path(database_url)) {
        (Some(path), _) | (None, Some(path)) => path,
        (None, None) => bail!(
            "a server on {database_url} needs its ledger key file: give --ledger-key FILE (or \
             TRUCE_LEDGER_KEY), the same on every server and command that writes to it"
        ),
    };
    let (key, new_mark) = load_or_create(&path)?;
    let store = Store::open(database_url)
        .await
        .with_context(|| format!("opening {database_url}"))?;
    Ok((
        store.signing_with(key, new_mark.is_some()),
        KeyFile { new_mark },
    ))
}

/// Beside a SQLite file. PostgreSQL has no folder of its own: its servers and commands may
/// run anywhere, and a key made in whatever folder one of them ran in would be a stray.
fn default_path(database_url: &str) -> Option<PathBuf> {
    database_url
        .strip_prefix("sqlite://")
        .or_else(|| database_url.strip_prefix("sqlite:"))
        .map(|rest| rest.split('?').next().unwrap_or(rest))
        .filter(|file| !file.is_empty() && !file.contains(":memory:"))
        .map(|file| PathBuf::from(format!("{file}.ledger-key")))
}

/// The key in `path`, or a new one written there (never over an existing file: two servers
/// starting at once both end with the one that was written first); and the mark that says it
/// is new, while it is.
pub fn load_or_create(path: &Path) -> Result<(ServerKey, Option<PathBuf>)> {
    let mark = PathBuf::from(format!("{}.new", path.display()));
    if let Some(key) = read_key(path)? {
        return Ok((key, mark.exists().then_some(mark)));
    }
    // The mark first: a key found without its mark is an established one.
    std::fs::File::create(&mark).with_context(|| format!("making {}", mark.display()))?;
    let mut seed = [0u8; 32];
    rand::rngs::OsRng
        .try_fill_bytes(&mut seed)
        .context("drawing a ledger key from the system's random source")?;
    let key = ServerKey::from_seed(&seed);
    let folder = match path.parent() {
        Some(folder) if !folder.as_os_str().is_empty() => folder,
        _ => Path::new("."),
    };
    // A temporary file is made readable by its owner only, then put in place whole.
    let mut file = tempfile::NamedTempFile::new_in(folder)
        .with_context(|| format!("making the ledger key in {}", folder.display()))?;
    file.write_all(key.to_pem()?.as_bytes())
        .and_then(|()| file.as_file().sync_all())
        .context("writing the ledger key")?;
    match file.persist_noclobber(path) {
        Ok(_) => {
            // The key's name in its folder must outlive a crash as well as its bytes.
            std::fs::File::open(folder)
                .and_then(|folder| folder.sync_all())
                .with_context(|| format!("syncing {}", folder.display()))?;
            tracing::info!(path = %path.display(), key = %truce_ledger::to_hex(&key.public()), "made a new ledger key");
            Ok((key, Some(mark)))
        }
        Err(error) if error.error.kind() == std::io::ErrorKind::AlreadyExists => {
            let key = read_key(path)?
                .with_context(|| format!("reading the ledger key {}", path.display()))?;
            Ok((key, Some(mark)))
        }
        Err(error) => {
            Err(error.error).with_context(|| format!("writing the ledger key {}", path.display()))
        }
    }
}

/// The key in `path` (`None` when there is no such file), refused when others may read it.
fn read_key(path: &Path) -> Result<Option<ServerKey>> {
    let context = || format!("reading the ledger key {}", path.display());
    let mut file = match std::fs::File::open(path) {
        Ok(file) => file,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(error) => return Err(error).with_context(context),
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // The file opened, not the name: what is checked is what is read.
        let metadata = file.metadata().with_context(context)?;
        let mode = metadata.permissions().mode();
        if mode & 0o077 != 0 {
            bail!(
                "the ledger key {} may be read by others (mode {:o}): `chmod 600` it",
                path.display(),
                mode & 0o777
            );
        }
    }
    let mut pem = String::new();
    file.read_to_string(&mut pem).with_context(context)?;
    ServerKey::from_pem(&pem).map(Some).with_context(context)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_is_made_once_kept_private_and_read_back() {
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("server.key");
        let (made, mark) = load_or_create(&path).unwrap();
        let mark = mark.expect("a key just made is new");
        // Until it is settled, it stays new (a server killed before its registration).
        let (again, still) = load_or_create(&path).unwrap();
        assert_eq!(made.public(), again.public());
        assert_eq!(still.as_ref(), Some(&mark));
        KeyFile { new_mark: still }.settle().unwrap();
        assert!(
            load_or_create(&path).unwrap().1.is_none(),
            "settled: established"
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
            let refused = load_or_create(&path).unwrap_err().to_string();
            assert!(refused.contains("chmod 600"), "{refused}");
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        }
        std::fs::write(&path, "not a key").unwrap();
        assert!(
            load_or_create(&path).is_err(),
            "a damaged key is an error, not a new key"
        );
    }

    #[test]
    fn the_default_key_sits_beside_a_sqlite_file_and_postgres_needs_one_given() {
        assert_eq!(
            default_path("sqlite:///srv/truce.db?mode=rwc"),
            Some(PathBuf::from("/srv/truce.db.ledger-key"))
        );
        assert_eq!(default_path("postgres://truce@db/truce"), None);
    }
}
