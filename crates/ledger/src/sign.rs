//! Server signatures: the server signs the head its transaction leaves (the last entry's
//! number and hash) with ed25519, so that a signature covers every entry up to it through the
//! chain. Keys are registered in the record itself, by an entry of their own.

use ed25519_dalek::pkcs8::spki::der::pem::LineEnding;
use ed25519_dalek::pkcs8::{DecodePrivateKey, EncodePrivateKey, EncodePublicKey};
use ed25519_dalek::{Signer, SigningKey, VerifyingKey};

use crate::Hash;

/// What precedes a head's number and hash in the signed bytes: the format and its version.
const HEAD_DOMAIN: &[u8] = b"truce/ledger/head/v1\0";

/// The action of the entry that registers a server key; its entity id is the key in hex.
pub const REGISTER_KEY_ACTION: &str = "register_ledger_key";

/// The entity of a key's registration.
pub const KEY_ENTITY: &str = "ledger_key";

/// An ed25519 public key.
pub type PublicKey = [u8; 32];

/// A server's signature on an entry, with the key that made it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Signed {
    /// The public key.
    pub key: PublicKey,
    /// The ed25519 signature over the head message (`head_message`).
    pub signature: [u8; 64],
}

/// A key file does not hold an ed25519 private key.
#[derive(Debug, thiserror::Error)]
#[error("not an ed25519 private key in PKCS#8 PEM: {0}")]
pub struct BadKeyFile(String);

/// A server's signing key.
pub struct ServerKey {
    signing: SigningKey,
}

impl std::fmt::Debug for ServerKey {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The private part never reaches a log.
        write!(formatter, "ServerKey({})", hex::encode(self.public()))
    }
}

impl ServerKey {
    /// The key of 32 random bytes.
    pub fn from_seed(seed: &[u8; 32]) -> ServerKey {
        ServerKey {
            signing: SigningKey::from_bytes(seed),
        }
    }

    /// The key a PKCS#8 PEM file holds (what OpenSSL writes for `genpkey -algorithm ed25519`).
    pub fn from_pem(pem: &str) -> Result<ServerKey, BadKeyFile> {
        SigningKey::from_pkcs8_pem(pem)
            .map(|signing| ServerKey { signing })
            .map_err(|error| BadKeyFile(error.to_string()))
    }

    /// The key as a PKCS#8 PEM file.
    pub fn to_pem(&self) -> Result<String, BadKeyFile> {
        self.signing
            .to_pkcs8_pem(LineEnding::LF)
            .map(|pem| pem.to_string())
            .map_err(|error| BadKeyFile(error.to_string()))
    }

    /// The public part.
    pub fn public(&self) -> PublicKey {
        self.signing.verifying_key().to_bytes()
    }

    /// The public part as a SubjectPublicKeyInfo PEM, for tools that want one.
    pub fn public_pem(&self) -> Option<String> {
        self.signing
            .verifying_key()
            .to_public_key_pem(LineEnding::LF)
            .ok()
    }

    /// Signs the head at `seq` whose hash is `hash`.
    pub fn sign_head(&self, seq: i64, hash: &Hash) -> Signed {
        Signed {
            key: self.public(),
            signature: self.signing.sign(&head_message(seq, hash)).to_bytes(),
        }
    }
}

/// The bytes a server signs for the head at `seq` with hash `hash`: the domain, the number
/// (8 bytes, big-endian) and the hash.
pub fn head_message(seq: i64, hash: &Hash) -> [u8; 61] {
    let mut message = [0u8; 61];
    message[..21].copy_from_slice(HEAD_DOMAIN);
    message[21..29].copy_from_slice(&seq.to_be_bytes());
    message[29..].copy_from_slice(hash);
    message
}

/// Whether `signed` is a valid signature of the head at `seq` with hash `hash` (strict
/// ed25519: no malleable or weak-key signatures).
pub fn verify_head(seq: i64, hash: &Hash, signed: &Signed) -> bool {
    let Ok(key) = VerifyingKey::from_bytes(&signed.key) else {
        return false;
    };
    let signature = ed25519_dalek::Signature::from_bytes(&signed.signature);
    key.verify_strict(&head_message(seq, hash), &signature)
        .is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signature_holds_for_its_head_only_and_the_key_survives_its_file() {
        let key = ServerKey::from_seed(&[7; 32]);
        let hash = [1u8; 32];
        let signed = key.sign_head(5, &hash);
        assert!(verify_head(5, &hash, &signed));
        assert!(!verify_head(6, &hash, &signed));
        assert!(!verify_head(5, &[2u8; 32], &signed));
        let mut flipped = signed;
        flipped.signature[10] ^= 1;
        assert!(!verify_head(5, &hash, &flipped));
        let other = ServerKey::from_seed(&[8; 32]);
        let mut claimed = other.sign_head(5, &hash);
        claimed.key = key.public();
        assert!(!verify_head(5, &hash, &claimed));

        let pem = key.to_pem().unwrap();
        assert!(pem.starts_with("-----BEGIN PRIVATE KEY-----"));
        assert_eq!(ServerKey::from_pem(&pem).unwrap().public(), key.public());
        assert!(ServerKey::from_pem("-----BEGIN PRIVATE KEY-----\nAAAA\n").is_err());
        assert!(!format!("{key:?}").contains(&hex::encode([7u8; 32])));
    }

    #[test]
    fn the_signed_message_is_the_documented_bytes() {
        let message = head_message(258, &[0xab; 32]);
        assert_eq!(&message[..21], b"truce/ledger/head/v1\0");
        assert_eq!(&message[21..29], &[0, 0, 0, 0, 0, 0, 1, 2]);
        assert_eq!(&message[29..], &[0xab; 32]);
    }
}
