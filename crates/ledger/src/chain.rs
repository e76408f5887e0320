//! The hash chain: each entry's hash covers its fields and the hash of the entry before it, so
//! that changing, removing, inserting or reordering an entry changes every hash after it.

use sha2::{Digest, Sha256};

use crate::Hash;
use crate::sign::{KEY_ENTITY, PublicKey, REGISTER_KEY_ACTION, Signed, verify_head};

/// The hash the first entry chains to.
pub const GENESIS: Hash = [0u8; 32];

/// What precedes an entry's fields in its hashed bytes: the format and its version.
const ENTRY_DOMAIN: &[u8] = b"truce/ledger/entry/v1\0";

/// One change-log entry as the chain covers it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Its position, from 1, without gaps.
    pub seq: i64,
    /// When it was written, in milliseconds since 1970-01-01T00:00:00Z.
    pub at: i64,
    /// Who made the change.
    pub principal: String,
    /// The command, e.g. `record_incident`.
    pub action: String,
    /// The kind of thing changed.
    pub entity: String,
    /// Its id.
    pub entity_id: String,
    /// Why, as the principal said.
    pub reason: String,
    /// The SHA-256 of the payload, as recorded when the entry was written.
    pub payload_sha256: Hash,
    /// The command as applied, as canonical JSON, as it reads now (an incident's record is
    /// rebuilt from the incident's stored data).
    pub payload: String,
    /// The hash of the entry before (`GENESIS` for the first).
    pub prev: Hash,
    /// The hash recorded for this entry.
    pub hash: Hash,
    /// The server's signature of the head at this entry, on the last entry of each
    /// transaction.
    pub signed: Option<Signed>,
}

/// What an entry's hash covers, borrowed: every field but the payload itself, whose recorded
/// hash stands for it.
#[derive(Debug, Clone, Copy)]
pub struct Fields<'a> {
    /// Its position, from 1.
    pub seq: i64,
    /// When it was written, in milliseconds since the epoch.
    pub at: i64,
    /// Who made the change.
    pub principal: &'a str,
    /// The command.
    pub action: &'a str,
    /// The kind of thing changed.
    pub entity: &'a str,
    /// Its id.
    pub entity_id: &'a str,
    /// Why.
    pub reason: &'a str,
    /// The SHA-256 of the payload.
    pub payload_sha256: &'a Hash,
    /// The hash of the entry before.
    pub prev: &'a Hash,
    /// The signature on the entry before, when it has one: the chain covers its bytes, so
    /// that one signature checked covers every signature before it.
    pub prev_signed: Option<&'a Signed>,
}

impl Entry {
    /// The fields its hash covers, when the entry before carries `prev_signed`.
    pub fn fields<'a>(&'a self, prev_signed: Option<&'a Signed>) -> Fields<'a> {
        Fields {
            seq: self.seq,
            at: self.at,
            principal: &self.principal,
            action: &self.action,
            entity: &self.entity,
            entity_id: &self.entity_id,
            reason: &self.reason,
            payload_sha256: &self.payload_sha256,
            prev: &self.prev,
            prev_signed,
        }
    }
}

/// The hash of an entry: SHA-256 over its canonical bytes (`docs/ledger.md`).
pub fn entry_hash(fields: &Fields<'_>) -> Hash {
    let mut hasher = Sha256::new();
    hasher.update(ENTRY_DOMAIN);
    hasher.update(fields.seq.to_be_bytes());
    hasher.update(fields.at.to_be_bytes());
    for text in [
        fields.principal,
        fields.action,
        fields.entity,
        fields.entity_id,
        fields.reason,
    ] {
        update_text(&mut hasher, text);
    }
    hasher.update(fields.payload_sha256);
    hasher.update(fields.prev);
    if let Some(signed) = fields.prev_signed {
        hasher.update(signed.key);
        hasher.update(signed.signature);
    }
    hasher.finalize().into()
}

/// The SHA-256 of a payload.
pub fn payload_hash(payload: &str) -> Hash {
    Sha256::digest(payload.as_bytes()).into()
}

/// A text as its UTF-8 length (8 bytes, big-endian) and its bytes, so that no two sequences
/// of texts share their bytes.
fn update_text(hasher: &mut Sha256, text: &str) {
    hasher.update((text.len() as u64).to_be_bytes());
    hasher.update(text.as_bytes());
}

/// What is wrong with the record, at the first entry where it shows.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("entry {seq}: {kind}")]
pub struct Damage {
    /// The first sequence number where the record shows damage. An entry changed and given
    /// a new hash to match shows at the entry after it, which no longer follows it.
    pub seq: i64,
    /// What is wrong there.
    pub kind: DamageKind,
}

/// The kinds of damage the chain shows.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DamageKind {
    /// The entry's fields do not hash to its recorded hash: a field was changed.
    #[error("its content does not match its hash (a field was changed)")]
    Altered,
    /// The entry does not chain to the one before it: one was removed, inserted or moved.
    #[error("it does not follow the entry before it (an entry was removed, inserted or moved)")]
    BrokenLink,
    /// The sequence numbers skip or repeat.
    #[error("expected sequence number {expected}")]
    OutOfSequence {
        /// The number due here.
        expected: i64,
    },
    /// The record ends before an entry the head, or a signed checkpoint, covers.
    #[error("the record ends at {last}, short of entries it had")]
    Truncated {
        /// The last entry present.
        last: i64,
    },
    /// Entries go on past the head: the head was set back, or entries were added behind it.
    #[error("entries go on past the head, which is at {head}")]
    BeyondHead {
        /// Where the head is.
        head: i64,
    },
    /// The head's hash is not the last entry's.
    #[error("the head's hash is not this entry's")]
    HeadMismatch,
    /// The payload, or the data an incident's record is rebuilt from, is not what the entry
    /// recorded.
    #[error("the data behind it is not what it recorded (its payload hashes otherwise)")]
    DataChanged,
    /// The entry is signed with a key no earlier entry registered.
    #[error("it is signed with a key the record never registered")]
    UnknownKey,
    /// The entry's signature is not the key's signature of the head at it.
    #[error("its signature does not verify")]
    BadSignature,
    /// The entry registers a key the record registered before.
    #[error("it registers a key registered before")]
    KeyRegisteredTwice,
    /// No server signature covers the entry: entries were added behind the servers' backs.
    #[error("no server signature covers it (entries were added behind the servers' backs)")]
    Unsigned,
}

/// Walks a record entry by entry, from the first, without holding it.
#[derive(Debug, Clone)]
pub struct ChainWalk {
    prev: Hash,
    walked: i64,
    /// The server keys registered so far.
    keys: std::collections::HashSet<PublicKey>,
    /// Keys registered in the transaction being walked, which an earlier key must sign.
    pending_keys: Vec<PublicKey>,
    /// The last entry a signature covers (0 before the first).
    signed_through: i64,
    /// The signature on the last entry walked.
    last_signed: Option<Signed>,
    /// Signed heads walked since the last signature checked, oldest first: the chain covers
    /// their bytes, so checking the last of them checks them all.
    unchecked: Vec<(i64, Hash, Signed)>,
    /// The entry from which the next signature is checked at once.
    next_check: i64,
}

/// Entries between signatures checked at once while walking (and the last of all, and each
/// one that registers a key); where one fails, every one since the last that held is checked
/// to name the first that fails.
const CHECK_EVERY: i64 = 4_096;

impl Default for ChainWalk {
    fn default() -> Self {
        ChainWalk {
            prev: GENESIS,
            walked: 0,
            keys: Default::default(),
            pending_keys: Vec::new(),
            signed_through: 0,
            last_signed: None,
            unchecked: Vec::new(),
            next_check: CHECK_EVERY,
        }
    }
}

impl ChainWalk {
    /// Checks the next entry: its number, its hash, its link to the one before, its payload,
    /// its signature if it has one.
    pub fn next(&mut self, entry: &Entry) -> Result<(), Damage> {
        let result = self.step(entry);
        result.map_err(|damage| self.named_where_it_is(damage))
    }

    /// Damage found at or after a signature not yet checked may come from a change of that
    /// signature (the next entry's hash covers it): the first such signature that fails is
    /// where the record was changed.
    fn named_where_it_is(&self, damage: Damage) -> Damage {
        self.unchecked
            .iter()
            .take_while(|(seq, _, _)| *seq <= damage.seq)
            .find(|(seq, hash, signed)| !verify_head(*seq, hash, signed))
            .map_or(damage, |(seq, _, _)| Damage {
                seq: *seq,
                kind: DamageKind::BadSignature,
            })
    }

    fn step(&mut self, entry: &Entry) -> Result<(), Damage> {
        let expected = self.walked + 1;
        let damage = |kind| {
            Err(Damage {
                seq: entry.seq.min(expected),
                kind,
            })
        };
        if entry.seq != expected {
            return damage(DamageKind::OutOfSequence { expected });
        }
        if entry_hash(&entry.fields(self.last_signed.as_ref())) != entry.hash {
            return damage(DamageKind::Altered);
        }
        if entry.prev != self.prev {
            return damage(DamageKind::BrokenLink);
        }
        if payload_hash(&entry.payload) != entry.payload_sha256 {
            return damage(DamageKind::DataChanged);
        }
        // The first key signs the transaction that registers it; a later key is registered in
        // a transaction an earlier key signs, so that whoever lacks every key file cannot add
        // one of their own.
        if entry.action == REGISTER_KEY_ACTION
            && entry.entity == KEY_ENTITY
            && let Some(key) = crate::from_hex(&entry.entity_id)
        {
            if self.keys.contains(&key) || self.pending_keys.contains(&key) {
                return damage(DamageKind::KeyRegisteredTwice);
            }
            match self.keys.is_empty() && self.pending_keys.is_empty() {
                true => {
                    self.keys.insert(key);
                }
                false => self.pending_keys.push(key),
            }
        }
        if let Some(signed) = &entry.signed {
            if !self.keys.contains(&signed.key) {
                return damage(DamageKind::UnknownKey);
            }
            self.unchecked.push((entry.seq, entry.hash, *signed));
            if !self.pending_keys.is_empty() || entry.seq >= self.next_check {
                self.check_signatures()?;
                self.next_check = entry.seq + CHECK_EVERY;
            }
            self.signed_through = entry.seq;
            self.keys.extend(self.pending_keys.drain(..));
        }
        self.prev = entry.hash;
        self.walked = entry.seq;
        self.last_signed = entry.signed;
        Ok(())
    }

    /// Checks the signatures walked since the last one checked: the last of them, and when it
    /// fails, each in turn to name the first that does.
    fn check_signatures(&mut self) -> Result<(), Damage> {
        let holds = |(seq, hash, signed): &(i64, Hash, Signed)| verify_head(*seq, hash, signed);
        let Some(last) = self.unchecked.last() else {
            return Ok(());
        };
        if holds(last) {
            self.unchecked.clear();
            return Ok(());
        }
        let seq = self
            .unchecked
            .iter()
            .find(|unchecked| !holds(unchecked))
            .map_or(last.0, |unchecked| unchecked.0);
        Err(Damage {
            seq,
            kind: DamageKind::BadSignature,
        })
    }

    /// The signature on the last entry walked (what the next entry's hash covers).
    pub fn last_signed(&self) -> Option<&Signed> {
        self.last_signed.as_ref()
    }

    /// The end of the walk: the record must reach `last` (the head, a signed checkpoint) and
    /// stop there, and its last hash and signature be the head's where one is known; the
    /// signatures since the last checked must hold; once a key is registered, a signature must
    /// cover the last entry. Answers the last hash.
    pub fn finish(
        mut self,
        last: i64,
        head: Option<(&Hash, Option<&Signed>)>,
    ) -> Result<Hash, Damage> {
        let result = self.end(last, head);
        result.map_err(|damage| self.named_where_it_is(damage))
    }

    fn end(&mut self, last: i64, head: Option<(&Hash, Option<&Signed>)>) -> Result<Hash, Damage> {
        if self.walked < last {
            return Err(Damage {
                seq: self.walked + 1,
                kind: DamageKind::Truncated { last: self.walked },
            });
        }
        if self.walked > last {
            return Err(Damage {
                seq: last + 1,
                kind: DamageKind::BeyondHead { head: last },
            });
        }
        if head
            .is_some_and(|(hash, signed)| *hash != self.prev || signed != self.last_signed.as_ref())
        {
            return Err(Damage {
                seq: last,
                kind: DamageKind::HeadMismatch,
            });
        }
        self.check_signatures()?;
        if !self.keys.is_empty() && self.signed_through < self.walked {
            return Err(Damage {
                seq: self.signed_through + 1,
                kind: DamageKind::Unsigned,
            });
        }
        Ok(self.prev)
    }

    /// The entries walked so far.
    pub fn walked(&self) -> i64 {
        self.walked
    }
}

/// Walks `entries` in order from the first and answers the last hash, or the first damage.
/// `last` is the sequence number the record is known to reach and stop at.
pub fn verify_chain<I>(entries: I, last: i64) -> Result<Hash, Damage>
where
    I: IntoIterator<Item = Entry>,
{
    let mut walk = ChainWalk::default();
    for entry in entries {
        walk.next(&entry)?;
    }
    walk.finish(last, None)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A chain of `n` entries, each hashed.
    pub(crate) fn chain(n: i64) -> Vec<Entry> {
        let mut prev = GENESIS;
        (1..=n)
            .map(|seq| {
                let mut entry = Entry {
                    seq,
                    at: 1_455_235_200_000 + seq,
                    principal: "user:us-officer".to_owned(),
                    action: "record_incident".to_owned(),
                    entity: "incident".to_owned(),
                    entity_id: format!("inc-{seq}"),
                    reason: String::new(),
                    payload_sha256: Sha256::digest(format!("{{\"n\":{seq}}}")).into(),
                    payload: format!("{{\"n\":{seq}}}"),
                    prev,
                    hash: GENESIS,
                    signed: None,
                };
                entry.hash = entry_hash(&entry.fields(None));
                prev = entry.hash;
                entry
            })
            .collect()
    }

    #[test]
    fn the_test_vector_of_the_docs_holds() {
        // docs/ledger.md, "A test vector": computed apart from this code, from the bytes shown there.
        let mut entry = Entry {
            seq: 1,
            at: 1_455_235_200_000,
            principal: "user:us-officer".to_owned(),
            action: "add_actor".to_owned(),
            entity: "actor".to_owned(),
            entity_id: "gos".to_owned(),
            reason: "Munich, 12 February".to_owned(),
            payload_sha256: Sha256::digest("{\"id\":\"gos\"}").into(),
            payload: "{\"id\":\"gos\"}".to_owned(),
            prev: GENESIS,
            hash: GENESIS,
            signed: None,
        };
        entry.hash = entry_hash(&entry.fields(None));
        assert_eq!(
            crate::to_hex(&entry.hash),
            include_str!("../testdata/entry-1.sha256").trim()
        );
    }

    #[test]
    fn the_test_vector_of_an_entry_after_a_signed_one_holds() {
        // docs/ledger.md, "A test vector": entry 2, after entry 1 signed with the key of 32
        // bytes 0x11 and the signature of 64 bytes 0x22 (any bytes: the hash does not check
        // them), computed apart from this code.
        let before = Signed {
            key: [0x11; 32],
            signature: [0x22; 64],
        };
        let mut entry = Entry {
            seq: 2,
            at: 1_455_235_200_001,
            principal: "user:ru-officer".to_owned(),
            action: "add_actor".to_owned(),
            entity: "actor".to_owned(),
            entity_id: "isis".to_owned(),
            reason: String::new(),
            payload_sha256: Sha256::digest("{\"id\":\"isis\"}").into(),
            payload: "{\"id\":\"isis\"}".to_owned(),
            prev: crate::from_hex(include_str!("../testdata/entry-1.sha256").trim()).unwrap(),
            hash: GENESIS,
            signed: None,
        };
        entry.hash = entry_hash(&entry.fields(Some(&before)));
        assert_eq!(
            crate::to_hex(&entry.hash),
            include_str!("../testdata/entry-2.sha256").trim()
        );
    }

    #[test]
    fn an_intact_chain_verifies_and_every_kind_of_damage_is_found_where_it_is() {
        let entries = chain(6);
        let head = verify_chain(entries.clone(), 6).unwrap();
        assert_eq!(head, entries[5].hash);

        let mut altered = entries.clone();
        altered[2].reason.push('!');
        let damage = verify_chain(altered, 6).unwrap_err();
        assert_eq!((damage.seq, damage.kind), (3, DamageKind::Altered));

        let mut removed = entries.clone();
        removed.remove(3);
        assert_eq!(verify_chain(removed, 6).unwrap_err().seq, 4);

        let mut swapped = entries.clone();
        swapped.swap(1, 2);
        assert_eq!(verify_chain(swapped, 6).unwrap_err().seq, 2);

        // A forged entry made consistent with itself, renumbered, still breaks the link after.
        let mut forged = entries.clone();
        forged[4].principal = "user:intruder".to_owned();
        forged[4].hash = entry_hash(&forged[4].fields(None));
        let damage = verify_chain(forged, 6).unwrap_err();
        assert_eq!((damage.seq, damage.kind), (6, DamageKind::BrokenLink));

        let mut behind = entries.clone();
        behind[1].payload.push(' ');
        let damage = verify_chain(behind, 6).unwrap_err();
        assert_eq!((damage.seq, damage.kind), (2, DamageKind::DataChanged));

        let damage = verify_chain(entries[..4].to_vec(), 6).unwrap_err();
        assert_eq!(
            (damage.seq, damage.kind),
            (5, DamageKind::Truncated { last: 4 })
        );
    }

    /// A chain of `n` entries whose first registers `key`, signed at every even entry (the
    /// last of each transaction of two).
    fn signed_chain(n: i64, key: &crate::ServerKey) -> Vec<Entry> {
        let mut entries = chain(n);
        entries[0].action = REGISTER_KEY_ACTION.to_owned();
        entries[0].entity = KEY_ENTITY.to_owned();
        entries[0].entity_id = crate::to_hex(&key.public());
        let (mut prev, mut prev_signed) = (GENESIS, None);
        for entry in &mut entries {
            entry.prev = prev;
            entry.hash = entry_hash(&entry.fields(prev_signed.as_ref()));
            if entry.seq % 2 == 0 {
                entry.signed = Some(key.sign_head(entry.seq, &entry.hash));
            }
            (prev, prev_signed) = (entry.hash, entry.signed);
        }
        entries
    }

    #[test]
    fn signatures_must_verify_with_a_registered_key_and_cover_the_last_entry() {
        let key = crate::ServerKey::from_seed(&[3; 32]);
        let entries = signed_chain(6, &key);
        let head = verify_chain(entries.clone(), 6).unwrap();
        let last_signed = entries[5].signed;
        let mut walk = ChainWalk::default();
        for entry in &entries {
            walk.next(entry).unwrap();
        }
        assert_eq!(
            walk.finish(6, Some((&head, last_signed.as_ref()))),
            Ok(head)
        );

        let mut flipped = entries.clone();
        flipped[3].signed.as_mut().unwrap().signature[0] ^= 1;
        let damage = verify_chain(flipped.clone(), 6).unwrap_err();
        assert_eq!((damage.seq, damage.kind), (4, DamageKind::BadSignature));
        // The entry after it given a hash to match: the break shows later, the change is
        // still named where it is.
        flipped[4].hash = entry_hash(&flipped[4].fields(flipped[3].signed.as_ref()));
        let damage = verify_chain(flipped, 6).unwrap_err();
        assert_eq!((damage.seq, damage.kind), (4, DamageKind::BadSignature));
        // The last signature spoilt, the head's copy left as it was.
        let mut spoilt = entries.clone();
        spoilt[5].signed.as_mut().unwrap().signature[9] ^= 1;
        let mut walk = ChainWalk::default();
        for entry in &spoilt {
            walk.next(entry).unwrap();
        }
        let damage = walk
            .finish(6, Some((&head, last_signed.as_ref())))
            .unwrap_err();
        assert_eq!((damage.seq, damage.kind), (6, DamageKind::BadSignature));

        // Another key, never registered, re-signing an entry.
        let intruder = crate::ServerKey::from_seed(&[4; 32]);
        let mut resigned = entries.clone();
        resigned[3].signed = Some(intruder.sign_head(4, &resigned[3].hash));
        let damage = verify_chain(resigned, 6).unwrap_err();
        assert_eq!((damage.seq, damage.kind), (4, DamageKind::UnknownKey));

        // The last signature taken away: entries 5 and 6 are covered by none.
        let mut stripped = entries.clone();
        stripped[5].signed = None;
        let damage = verify_chain(stripped, 6).unwrap_err();
        assert_eq!((damage.seq, damage.kind), (5, DamageKind::Unsigned));

        // An entry chained on behind the server's back, the head moved to it.
        let mut appended = entries.clone();
        let mut forged = chain(7).remove(6);
        forged.prev = head;
        forged.hash = entry_hash(&forged.fields(last_signed.as_ref()));
        appended.push(forged);
        let damage = verify_chain(appended, 7).unwrap_err();
        assert_eq!((damage.seq, damage.kind), (7, DamageKind::Unsigned));

        // A second key registered by itself, at the tail, as an intruder with the database but
        // no key file would.
        let mut rotated = entries.clone();
        let mut registration = chain(7).remove(6);
        registration.action = REGISTER_KEY_ACTION.to_owned();
        registration.entity = KEY_ENTITY.to_owned();
        registration.entity_id = crate::to_hex(&intruder.public());
        registration.prev = head;
        registration.hash = entry_hash(&registration.fields(last_signed.as_ref()));
        registration.signed = Some(intruder.sign_head(7, &registration.hash));
        rotated.push(registration.clone());
        let damage = verify_chain(rotated, 7).unwrap_err();
        assert_eq!((damage.seq, damage.kind), (7, DamageKind::UnknownKey));
        // Registered in a transaction the first key signs, it signs from then on.
        let mut rotated = entries.clone();
        registration.signed = Some(key.sign_head(7, &registration.hash));
        let mut next = chain(8).remove(7);
        next.prev = registration.hash;
        next.hash = entry_hash(&next.fields(registration.signed.as_ref()));
        next.signed = Some(intruder.sign_head(8, &next.hash));
        rotated.extend([registration, next]);
        assert!(verify_chain(rotated, 8).is_ok());

        // A key registered again.
        let mut again = entries.clone();
        let mut twice = chain(7).remove(6);
        twice.action = REGISTER_KEY_ACTION.to_owned();
        twice.entity = KEY_ENTITY.to_owned();
        twice.entity_id = crate::to_hex(&key.public());
        twice.prev = head;
        twice.hash = entry_hash(&twice.fields(last_signed.as_ref()));
        twice.signed = Some(key.sign_head(7, &twice.hash));
        again.push(twice);
        let damage = verify_chain(again, 7).unwrap_err();
        assert_eq!(
            (damage.seq, damage.kind),
            (7, DamageKind::KeyRegisteredTwice)
        );

        // The head's signature is not the last entry's.
        let mut walk = ChainWalk::default();
        for entry in &entries {
            walk.next(entry).unwrap();
        }
        let damage = walk.finish(6, Some((&head, None))).unwrap_err();
        assert_eq!((damage.seq, damage.kind), (6, DamageKind::HeadMismatch));
    }

    #[test]
    fn a_signature_spoilt_in_a_long_chain_is_named_though_one_in_thousands_is_checked() {
        let key = crate::ServerKey::from_seed(&[5; 32]);
        // Every entry its own transaction, as under a light load.
        let mut entries = chain(10_000);
        entries[0].action = REGISTER_KEY_ACTION.to_owned();
        entries[0].entity = KEY_ENTITY.to_owned();
        entries[0].entity_id = crate::to_hex(&key.public());
        let (mut prev, mut prev_signed) = (GENESIS, None);
        for entry in &mut entries {
            entry.prev = prev;
            entry.hash = entry_hash(&entry.fields(prev_signed.as_ref()));
            entry.signed = Some(key.sign_head(entry.seq, &entry.hash));
            (prev, prev_signed) = (entry.hash, entry.signed);
        }
        assert!(verify_chain(entries.clone(), 10_000).is_ok());
        // Entry 5,000's signature spoilt, and every hash after it made to match again.
        entries[4_999].signed.as_mut().unwrap().signature[7] ^= 1;
        let (mut prev, mut prev_signed) = (entries[4_999].hash, entries[4_999].signed);
        for entry in &mut entries[5_000..] {
            entry.prev = prev;
            entry.hash = entry_hash(&entry.fields(prev_signed.as_ref()));
            (prev, prev_signed) = (entry.hash, entry.signed);
        }
        let damage = verify_chain(entries, 10_000).unwrap_err();
        assert_eq!((damage.seq, damage.kind), (5_000, DamageKind::BadSignature));
    }

    #[test]
    fn texts_cannot_trade_bytes() {
        let mut one = chain(1).remove(0);
        let mut other = one.clone();
        one.entity = "incident".to_owned();
        one.entity_id = "x".to_owned();
        other.entity = "inciden".to_owned();
        other.entity_id = "tx".to_owned();
        assert_ne!(
            entry_hash(&one.fields(None)),
            entry_hash(&other.fields(None))
        );
    }
}
