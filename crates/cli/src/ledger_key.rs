//! The server's ledger key: an ed25519 private key in a PKCS#8 PEM file outside the database,
//! made on first start (docs/ledger.md, "Server keys").

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use clap::Args;
use rand::TryRngCore;
use truce_ledger::ServerKey;
use truce_store::Store;

/// Where the server's ledger key is.
#[derive(Debug, Clone, Args)]
pub struct LedgerKeyArg {
    /// The server's ledger key: a PKCS#8 PEM file, made (mode 0600) on first start. Default:
    /// beside a SQLite database (FILE.ledger-key), or ./truce-ledger.key for PostgreSQL.
    /// Back it up apart from the database (README, "The ledger key").
    #[arg(long = "ledger-key", env = "TRUCE_LEDGER_KEY")]
    pub path: Option<PathBuf>,
}

/// Opens the database as `Store::open` does, signing with the ledger key (made if missing).
pub async fn open_signed(database_url: &str, key: &LedgerKeyArg) -> Result<Store> {
    let path = key
        .path
        .clone()
        .unwrap_or_else(|| default_path(database_url));
    let key = load_or_create(&path)?;
    let store = Store::open(database_url)
        .await
        .with_context(|| format!("opening {database_url}"))?;
    Ok(store.signing_with(key))
}

/// Beside a SQLite file; in the current folder otherwise.
fn default_path(database_url: &str) -> PathBuf {
    let file = database_url
        .strip_prefix("sqlite://")
        .or_else(|| database_url.strip_prefix("sqlite:"))
        .map(|rest| rest.split('?').next().unwrap_or(rest))
        .filter(|file| !file.is_empty() && !file.contains(":memory:"));
    match file {
        Some(file) => PathBuf::from(format!("{file}.ledger-key")),
        None => PathBuf::from("truce-ledger.key"),
    }
}

/// The key in `path`, or a new one written there (never over an existing file: two servers
/// starting at once both end with the one that was written first).
pub fn load_or_create(path: &Path) -> Result<ServerKey> {
    match std::fs::read_to_string(path) {
        Ok(pem) => return read_key(path, &pem),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
        Err(error) => {
            return Err(error)
                .with_context(|| format!("reading the ledger key {}", path.display()));
        }
    }
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
            tracing::info!(path = %path.display(), key = %hex_of(&key), "made a new ledger key");
            Ok(key)
        }
        Err(error) if error.error.kind() == std::io::ErrorKind::AlreadyExists => {
            let pem = std::fs::read_to_string(path)
                .with_context(|| format!("reading the ledger key {}", path.display()))?;
            read_key(path, &pem)
        }
        Err(error) => {
            Err(error.error).with_context(|| format!("writing the ledger key {}", path.display()))
        }
    }
}

fn read_key(path: &Path, pem: &str) -> Result<ServerKey> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path)
            .with_context(|| format!("reading the ledger key {}", path.display()))?
            .permissions()
            .mode();
        if mode & 0o077 != 0 {
            bail!(
                "the ledger key {} may be read by others (mode {:o}): `chmod 600` it",
                path.display(),
                mode & 0o777
            );
        }
    }
    ServerKey::from_pem(pem).with_context(|| format!("reading the ledger key {}", path.display()))
}

fn hex_of(key: &ServerKey) -> String {
    truce_ledger::to_hex(&key.public())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_is_made_once_kept_private_and_read_back() {
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("server.key");
        let made = load_or_create(&path).unwrap();
        let again = load_or_create(&path).unwrap();
        assert_eq!(made.public(), again.public());
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
    fn the_default_key_sits_beside_a_sqlite_file() {
        assert_eq!(
            default_path("sqlite:///srv/truce.db?mode=rwc"),
            PathBuf::from("/srv/truce.db.ledger-key")
        );
        assert_eq!(
            default_path("postgres://truce@db/truce"),
            PathBuf::from("truce-ledger.key")
        );
    }
}
