//! The change log as the ledger reads it: entries with their hashes and their payloads as the
//! data reads now, checked as one chain (docs/ledger.md).

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

use sqlx::AnyConnection;
use truce_ledger::{Damage, DamageKind, Hash, PublicKey, ServerKey, Signed};

use crate::{Backend, Context, Store, StoreError, StoreResult, WriteTx, formats, int, text};

/// Who holds a key registered in the ledger.
pub const SERVER_HOLDER: &str = "server";

/// A key registered in the ledger, as `GET /api/v1/ledger/keys` publishes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedgerKey {
    /// The ed25519 public key, in hex.
    pub public_key: String,
    /// The entry that registered it.
    pub seq: i64,
    /// From when it signs: its registration's time (ms since the epoch).
    pub valid_from: i64,
    /// `server`.
    pub holder: String,
}

/// A server's signing key, with what it learnt of the log from its committed transactions:
/// the last head it signed (which it need not check again, and which the head may never fall
/// behind) and the keys it found registered.
#[derive(Debug)]
pub(crate) struct Signer {
    key: ServerKey,
    /// The key was just made, and is not registered yet: only such a key may adopt the
    /// entries of a log that has no key (`WriteTx::adopt_unsigned_head`).
    new_key: bool,
    signed_head: Mutex<Option<(i64, Hash, Signed)>>,
    known_keys: Mutex<HashSet<PublicKey>>,
}

impl Signer {
    /// Signs the head at `seq` with hash `hash`.
    pub(crate) fn sign(&self, seq: i64, hash: &Hash) -> Signed {
        self.key.sign_head(seq, hash)
    }

    fn last_signed(&self) -> Option<(i64, Hash, Signed)> {
        self.signed_head.lock().ok().and_then(|head| *head)
    }

    fn knows(&self, key: &PublicKey) -> bool {
        self.known_keys
            .lock()
            .is_ok_and(|known| known.contains(key))
    }

    /// What a transaction taught, once it committed.
    pub(crate) fn committed(
        &self,
        signed_head: Option<(i64, Hash, Signed)>,
        learned: &[PublicKey],
    ) {
        // Two transactions may commit in the other order: the later head is kept.
        if let (Some(head), Ok(mut last)) = (signed_head, self.signed_head.lock())
            && last.is_none_or(|(seq, _, _)| seq < head.0)
        {
            *last = Some(head);
        }
        if let Ok(mut known) = self.known_keys.lock() {
            known.extend(learned.iter().copied());
        }
    }
}

/// Entries read from the database at a time while verifying.
const BATCH: usize = 10_000;

/// The head of the change log: the last sequence number, its hash and its signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainHead {
    /// The last entry's number (0 before the first).
    pub seq: i64,
    /// Its hash, in hex (empty before the first).
    pub hash: String,
    /// The server's signature of it, in hex (empty in an unsigned log).
    pub signature: String,
    /// The key that signed it, in hex.
    pub signed_by: String,
}

impl Store {
    /// This store signing, from now on, the head each of its transactions leaves with `key`
    /// (which must be registered before anything else is written: the service does it first).
    /// `new_key` says the key was just made and is not registered yet (see
    /// [`WriteTx::adopt_unsigned_head`]).
    pub fn signing_with(mut self, key: ServerKey, new_key: bool) -> Store {
        self.signer = Some(Arc::new(Signer {
            key,
            new_key,
            signed_head: Mutex::new(None),
            known_keys: Mutex::new(HashSet::new()),
        }));
        self
    }

    /// The public part of the key this store signs with.
    pub fn signing_key(&self) -> Option<PublicKey> {
        self.signer.as_ref().map(|signer| signer.key.public())
    }

    /// Whether the key this store signs with was just made (and so may adopt a log that has
    /// no key).
    pub fn signing_key_is_new(&self) -> bool {
        self.signer.as_ref().is_some_and(|signer| signer.new_key)
    }

    /// The keys registered in the ledger, oldest first.
    pub async fn ledger_keys(&self) -> StoreResult<Vec<LedgerKey>> {
        let mut connection = self.pool.acquire().await.doing("acquiring a connection")?;
        read_keys(&mut connection).await
    }

    /// The head of the change log.
    pub async fn chain_head(&self) -> StoreResult<ChainHead> {
        let mut connection = self.pool.acquire().await.doing("acquiring a connection")?;
        read_head(&mut connection).await
    }

    /// Walks the whole chain against the data and the head, in one snapshot (so that servers
    /// writing meanwhile do not look like damage). Answers the number of entries, or the first
    /// damage; the outer error is a failure to read.
    pub async fn verify_ledger(&self) -> StoreResult<Result<i64, Damage>> {
        const DOING: &str = "reading the change log in one snapshot";
        let mut tx = self.pool.begin().await.doing(DOING)?;
        if self.backend == Backend::Postgres {
            sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                .execute(&mut *tx)
                .await
                .doing(DOING)?;
        }
        let head = read_head(&mut tx).await?;
        let keys = read_keys(&mut tx).await?;
        let mut registered = HashMap::new();
        let mut walk = truce_ledger::ChainWalk::default();
        // Each batch is checked on another thread while the next is read.
        let mut checking: Option<tokio::task::JoinHandle<Checked>> = None;
        // From the lowest number there could be, so that no row hides below the first.
        let mut after = i64::MIN;
        loop {
            let read = read_entries(&mut tx, self.backend, after, BATCH).await;
            // The batch before first: damage found there is the answer, whatever the read.
            if let Some(checked) = checking.take() {
                let (walked, result, registrations) = match checked.await {
                    Ok(checked) => checked,
                    Err(error) if error.is_panic() => std::panic::resume_unwind(error.into_panic()),
                    Err(error) => {
                        return Err(StoreError::Corrupt {
                            what: "change log",
                            reason: format!("checking a batch was cancelled: {error}"),
                        });
                    }
                };
                if let Err(damage) = result {
                    return Ok(Err(damage));
                }
                walk = walked;
                registered.extend(registrations);
            }
            let batch = read?;
            let Some(last) = batch.last().map(|entry| entry.seq) else {
                break;
            };
            after = last;
            let mut walking = std::mem::take(&mut walk);
            checking = Some(tokio::task::spawn_blocking(move || {
                let mut registrations = Vec::new();
                for entry in &batch {
                    if let Err(damage) = walking.next(entry) {
                        return (walking, Err(damage), registrations);
                    }
                    if entry.action == truce_ledger::sign::REGISTER_KEY_ACTION
                        && entry.entity == truce_ledger::sign::KEY_ENTITY
                    {
                        registrations.push((entry.entity_id.clone(), (entry.seq, entry.at)));
                    }
                }
                (walking, Ok(()), registrations)
            }));
        }
        let head_hash = match (head.seq, truce_ledger::from_hex(&head.hash)) {
            (0, None) if head.hash.is_empty() => truce_ledger::GENESIS,
            (_, Some(hash)) if head.seq > 0 => hash,
            _ => {
                return Ok(Err(Damage {
                    seq: head.seq,
                    kind: DamageKind::HeadMismatch,
                }));
            }
        };
        let head_signed = match head.signature.is_empty() && head.signed_by.is_empty() {
            true => None,
            false => Some(signed_of(&head.signature, &head.signed_by)),
        };
        if let Err(damage) = walk.finish(head.seq, Some((&head_hash, head_signed.as_ref()))) {
            return Ok(Err(damage));
        }
        // The published keys are the data behind their registrations.
        for key in &keys {
            if registered.remove(&key.public_key) != Some((key.seq, key.valid_from)) {
                let seq = key.seq.clamp(1, head.seq.max(1));
                return Ok(Err(Damage {
                    seq,
                    kind: DamageKind::DataChanged,
                }));
            }
        }
        if let Some(seq) = registered.values().map(|(seq, _)| *seq).min() {
            return Ok(Err(Damage {
                seq,
                kind: DamageKind::DataChanged,
            }));
        }
        Ok(Ok(head.seq))
    }
}

impl WriteTx {
    /// Whether `key` is registered in the ledger.
    pub async fn ledger_key_registered(&mut self, key: &PublicKey) -> StoreResult<bool> {
        let row = sqlx::query("SELECT COUNT(*) AS n FROM ledger_key WHERE public_key = $1")
            .bind(hex::encode(key))
            .fetch_one(&mut *self.tx)
            .await
            .doing("reading the ledger's keys")?;
        Ok(int(&row, "n")? > 0)
    }

    /// How many keys the ledger has registered.
    pub async fn ledger_key_count(&mut self) -> StoreResult<i64> {
        let row = sqlx::query("SELECT COUNT(*) AS n FROM ledger_key")
            .fetch_one(&mut *self.tx)
            .await
            .doing("reading the ledger's keys")?;
        int(&row, "n")
    }

    /// Lets this transaction, which registers a log's first key, chain onto the unsigned head
    /// of the entries written before there were signatures: its signature adopts them. Only
    /// a key just made may adopt entries (a server whose established key finds a log with
    /// entries but no keys refuses: someone removed them), and only onto an unsigned head
    /// (`check_head`), so that an entry slipped in behind the servers' backs is never signed.
    pub fn adopt_unsigned_head(&mut self) {
        self.adopting = true;
    }

    /// Records `key` as registered by the entry `seq` written at `at`.
    pub async fn insert_ledger_key(
        &mut self,
        key: &PublicKey,
        seq: i64,
        at: i64,
    ) -> StoreResult<()> {
        self.wrote = true;
        sqlx::query(
            "INSERT INTO ledger_key (public_key, seq, valid_from, holder) VALUES ($1, $2, $3, $4)",
        )
        .bind(hex::encode(key))
        .bind(seq)
        .bind(at)
        .bind(SERVER_HOLDER)
        .execute(&mut *self.tx)
        .await
        .doing("registering a ledger key")?;
        self.learned_keys.push(*key);
        Ok(())
    }

    /// Checks the head this transaction chains onto (at `seq`, with `hash`, and the signature
    /// in hex the head row keeps): a signing store chains only onto a head a registered server
    /// key signed, so that it never signs an entry added behind the servers' backs; a store
    /// without a key never writes into a signed log. Answers the head's signature, which the
    /// next entry's hash covers.
    pub(crate) async fn check_head(
        &mut self,
        seq: i64,
        hash: &Hash,
        signature: &str,
        signed_by: &str,
    ) -> StoreResult<Option<Signed>> {
        let refused = |why: String| Err(StoreError::LedgerRefused(why));
        let unsigned = signature.is_empty() && signed_by.is_empty();
        let Some(signer) = self.signer.clone() else {
            return match unsigned {
                true => Ok(None),
                false => refused(
                    "the log is signed, and writing to it needs the server's ledger key".into(),
                ),
            };
        };
        if let Some((own, _, _)) = signer.last_signed()
            && seq < own
        {
            return refused(format!(
                "the head is entry {seq}, behind entry {own}, which this server signed: the log \
                 was cut back (see `truce ledger verify`)"
            ));
        }
        if unsigned {
            return match (seq == 0, self.adopting, signer.new_key) {
                (true, _, _) | (false, true, true) => Ok(None),
                (false, true, false) => refused(
                    "the log has entries but no server key, and this server's key is not a new \
                     one: the log's keys were removed, or the key belongs to another database \
                     (see `truce ledger verify`)"
                        .to_owned(),
                ),
                (false, false, _) => refused(format!(
                    "entry {seq}, the head, carries no server signature: it was added behind \
                     the servers' backs (see `truce ledger verify`)"
                )),
            };
        }
        if self.adopting {
            return refused(
                "the log is signed, by no key registered in it: another server registered the \
                 first key meanwhile, or the log's keys were removed (see `truce ledger verify`)"
                    .to_owned(),
            );
        }
        let signed = signed_of(signature, signed_by);
        if signer.last_signed() == Some((seq, *hash, signed)) {
            return Ok(Some(signed));
        }
        if !truce_ledger::verify_head(seq, hash, &signed) {
            return refused(format!(
                "the signature of entry {seq}, the head, does not verify (see `truce ledger verify`)"
            ));
        }
        if !signer.knows(&signed.key) {
            if !self.ledger_key_registered(&signed.key).await? {
                return refused(format!(
                    "entry {seq}, the head, is signed with a key the log never registered"
                ));
            }
            self.learned_keys.push(signed.key);
        }
        Ok(Some(signed))
    }
}

/// A signature and its key read from hex; what does not parse reads as zeros, which verify
/// nothing, so that it shows as a bad signature where it is.
fn signed_of(signature: &str, signed_by: &str) -> Signed {
    Signed {
        key: truce_ledger::bytes_from_hex(signed_by).unwrap_or([0; 32]),
        signature: truce_ledger::bytes_from_hex(signature).unwrap_or([0; 64]),
    }
}

async fn read_keys(connection: &mut AnyConnection) -> StoreResult<Vec<LedgerKey>> {
    sqlx::query("SELECT public_key, seq, valid_from, holder FROM ledger_key ORDER BY seq")
        .fetch_all(&mut *connection)
        .await
        .doing("reading the ledger's keys")?
        .iter()
        .map(|row| {
            Ok(LedgerKey {
                public_key: text(row, "public_key")?,
                seq: int(row, "seq")?,
                valid_from: int(row, "valid_from")?,
                holder: text(row, "holder")?,
            })
        })
        .collect()
}

async fn read_head(connection: &mut AnyConnection) -> StoreResult<ChainHead> {
    let row = sqlx::query("SELECT seq, hash, signature, signed_by FROM change_head WHERE id = 1")
        .fetch_one(&mut *connection)
        .await
        .doing("reading the change log's head")?;
    Ok(ChainHead {
        seq: int(&row, "seq")?,
        hash: text(&row, "hash")?,
        signature: text(&row, "signature")?,
        signed_by: text(&row, "signed_by")?,
    })
}

/// A batch checked: the walk after it, the first damage in it, the keys it registered.
type Checked = (
    truce_ledger::ChainWalk,
    Result<(), Damage>,
    Vec<(String, (i64, i64))>,
);

/// An entry as a batch packs it: its columns, in order.
type PackedEntry = (
    i64,
    i64,
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    String,
);

/// Entries after `after`, in order, at most `limit`, as the chain covers them. An incident's
/// record is rebuilt from the incident's row as it is now (empty if the row is gone), so that
/// a change of the data behind the entry shows.
async fn read_entries(
    connection: &mut AnyConnection,
    backend: Backend,
    after: i64,
    limit: usize,
) -> StoreResult<Vec<truce_ledger::Entry>> {
    // The batch comes packed as one JSON array in one row: SQLite's driver hands each row
    // from its own thread to the caller's, which cost more than checking the entry.
    let pack = match backend {
        Backend::Sqlite => "json_group_array(json_array",
        Backend::Postgres => "json_agg(json_build_array",
    };
    let row = sqlx::query(&format!(
        "SELECT COALESCE(CAST({pack}(seq, at, principal, action, entity, entity_id, reason, \
         payload, payload_sha256, prev_hash, hash, signature, signed_by)) AS TEXT), '[]') \
         AS entries FROM (\
         SELECT c.seq, c.at, c.principal, c.action, c.entity, c.entity_id, c.reason, \
         CASE WHEN c.payload = '' THEN COALESCE($2 || i.body || $3, '') ELSE c.payload END \
         AS payload, c.payload_sha256, c.prev_hash, c.hash, c.signature, c.signed_by \
         FROM change_log c LEFT JOIN incident i ON c.payload = '' AND i.id = c.entity_id \
         WHERE c.seq > $1 ORDER BY c.seq LIMIT {limit}) AS batch"
    ))
    .bind(after)
    .bind(formats::RECORDED_INCIDENT_BEFORE)
    .bind(formats::RECORDED_INCIDENT_AFTER)
    .fetch_one(&mut *connection)
    .await
    .doing("reading the change log")?;
    let mut packed: Vec<PackedEntry> =
        serde_json::from_str(&text(&row, "entries")?).map_err(|error| StoreError::Corrupt {
            what: "change log",
            reason: format!("a batch of entries does not read back: {error}"),
        })?;
    // Aggregates keep the order they are fed in practice; the walk depends on it.
    packed.sort_by_key(|entry| entry.0);
    // A hash that is not hex is damage the chain shows at this entry: it reads as all ones,
    // which nothing hashes to.
    let hash = |hex: &str| truce_ledger::from_hex(hex).unwrap_or([0xff; 32]);
    Ok(packed
        .into_iter()
        .map(
            |(
                seq,
                at,
                principal,
                action,
                entity,
                entity_id,
                reason,
                payload,
                payload_sha256,
                prev,
                own,
                signature,
                signed_by,
            )| {
                truce_ledger::Entry {
                    seq,
                    at,
                    principal,
                    action,
                    entity,
                    entity_id,
                    reason,
                    payload_sha256: hash(&payload_sha256),
                    payload,
                    prev: hash(&prev),
                    hash: hash(&own),
                    signed: (!signature.is_empty() || !signed_by.is_empty())
                        .then(|| signed_of(&signature, &signed_by)),
                }
            },
        )
        .collect())
}
