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

/// A hash read from 64 lowercase hex digits (nothing else: docs/ledger.md). Written out rather
/// than through the `hex` crate, whose general decoding was a tenth of `verify`'s time.
pub fn from_hex(text: &str) -> Option<Hash> {
    bytes_from_hex(text)
}

/// `N` bytes read from `2 × N` lowercase hex digits (keys, signatures, hashes).
pub fn bytes_from_hex<const N: usize>(text: &str) -> Option<[u8; N]> {
    let digits = text.as_bytes();
    if digits.len() != 2 * N {
        return None;
    }
    let mut bytes = [0u8; N];
    for (byte, pair) in bytes.iter_mut().zip(digits.chunks_exact(2)) {
        *byte = (nibble(pair[0])? << 4) | nibble(pair[1])?;
    }
    Some(bytes)
}

/// The value of one lowercase hex digit.
fn nibble(digit: u8) -> Option<u8> {
    match digit {
        b'0'..=b'9' => Some(digit - b'0'),
        b'a'..=b'f' => Some(digit - b'a' + 10),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn hashes_read_back_from_lowercase_hex_only() {
        let hash: super::Hash = std::array::from_fn(|i| (i * 37) as u8);
        let text = super::to_hex(&hash);
        assert_eq!(super::from_hex(&text), Some(hash));
        assert_eq!(super::from_hex(&text.to_uppercase()), None);
        assert_eq!(super::from_hex(&text[..62]), None);
        assert_eq!(super::from_hex(&format!("{}g0", &text[..62])), None);
        assert_eq!(super::bytes_from_hex::<2>("0aff"), Some([0x0a, 0xff]));
        assert_eq!(super::bytes_from_hex::<2>("0AFF"), None);
    }
}
