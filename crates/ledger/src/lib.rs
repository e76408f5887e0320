//! The tamper-evident record, as pure functions: each change-log entry hashed over its
//! canonical bytes and chained to the one before it (`chain`), and Merkle trees over the
//! entries with their inclusion and consistency proofs, as RFC 6962 defines them (`merkle`),
//! and the servers' ed25519 signatures of the heads they leave (`sign`).
//! `docs/ledger.md` specifies the bytes so that a third party can check a record without this
//! code.

pub mod chain;
pub mod merkle;
pub mod sign;

pub use chain::{
    ChainWalk, Damage, DamageKind, Entry, Fields, GENESIS, entry_hash, payload_hash, verify_chain,
};
pub use merkle::{
    consistency_proof, inclusion_proof, leaf_hash, root, verify_consistency, verify_inclusion,
};
pub use sign::{PublicKey, ServerKey, Signed, head_message, verify_head};

/// A SHA-256 digest.
pub type Hash = [u8; 32];

/// A hash written as 64 lowercase hex digits.
pub fn to_hex(hash: &Hash) -> String {
    hex::encode(hash)
}

/// A hash read from 64 hex digits.
pub fn from_hex(text: &str) -> Option<Hash> {
    let mut hash = [0u8; 32];
    hex::decode_to_slice(text, &mut hash).ok()?;
    Some(hash)
}
