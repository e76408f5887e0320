//! Passwords, tokens and codes: made here, kept only as hashes.
//!
//! Passwords are hashed with argon2id (the `argon2` crate's defaults: 19 MiB, 2 passes, one
//! lane, as OWASP recommends), salted per password. API tokens, session cookies and recovery
//! codes are 128 to 256 random bits, so a plain SHA-256 of them is enough to keep the stored
//! form useless to a reader of the database.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use base64::Engine;
use rand::RngCore;

use crate::ServiceError;
use crate::canonical::sha256_hex;

/// The shortest password accepted.
pub const MIN_PASSWORD: usize = 12;

/// The argon2id PHC string of a password (refused when shorter than [`MIN_PASSWORD`]).
pub fn hash_password(password: &str) -> Result<String, ServiceError> {
    if password.chars().count() < MIN_PASSWORD {
        return Err(ServiceError::invalid(format!(
            "a password has at least {MIN_PASSWORD} characters"
        )));
    }
    let mut salt = [0u8; 16];
    rand::rng().fill_bytes(&mut salt);
    let salt = SaltString::encode_b64(&salt)
        .map_err(|error| ServiceError::Internal(format!("making a salt: {error}")))?;
    argon2::Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|error| ServiceError::Internal(format!("hashing a password: {error}")))
}

/// Whether `password` matches the stored PHC string (an empty or unreadable one matches
/// nothing).
pub fn verify_password(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored).is_ok_and(|hash| {
        argon2::Argon2::default()
            .verify_password(password.as_bytes(), &hash)
            .is_ok()
    })
}

/// A password of 20 random letters and digits, for users made without one.
pub fn generate_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rng();
    (0..20)
        .map(|_| ALPHABET[(rng.next_u32() as usize) % ALPHABET.len()] as char)
        .collect()
}

/// `bytes` random bytes, base64url without padding.
pub fn random_text(bytes: usize) -> String {
    let mut buffer = vec![0u8; bytes];
    rand::rng().fill_bytes(&mut buffer);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(buffer)
}

/// A new API token: `(id, token, hash)`. The token starts with `truce_` so that secret
/// scanners can recognise one pasted where it should not be.
pub fn new_token() -> (String, String, String) {
    let token = format!("truce_{}", random_text(32));
    let hash = sha256_hex(token.as_bytes());
    let mut id = [0u8; 6];
    rand::rng().fill_bytes(&mut id);
    (format!("tok_{}", hex::encode(id)), token, hash)
}

/// The stored form of a token, session cookie or recovery code.
pub fn secret_hash(secret: &str) -> String {
    sha256_hex(secret.as_bytes())
}

/// The issuer an authenticator app shows beside the account.
const TOTP_ISSUER: &str = "Truce";

fn totp(secret: &str, account: &str) -> Result<totp_rs::TOTP, ServiceError> {
    let bytes = totp_rs::Secret::Encoded(secret.to_owned())
        .to_bytes()
        .map_err(|_| ServiceError::invalid("the second-factor secret does not read"))?;
    // SHA-1, 6 digits, 30 s: what every authenticator app reads from a QR code. One step of
    // clock drift is allowed either way.
    totp_rs::TOTP::new(
        totp_rs::Algorithm::SHA1,
        6,
        1,
        30,
        bytes,
        Some(TOTP_ISSUER.to_owned()),
        account.to_owned(),
    )
    .map_err(|error| ServiceError::Internal(format!("making a TOTP: {error}")))
}

/// A new TOTP secret (160 bits, base32) for `account`, with its `otpauth://` URL for the QR
/// code.
pub fn new_totp(account: &str) -> Result<(String, String), ServiceError> {
    let secret = totp_rs::Secret::generate_secret().to_encoded().to_string();
    let url = totp(&secret, account)?.get_url();
    Ok((secret, url))
}

/// The 30-second step whose TOTP of `secret` is `code`, among now and one step either side;
/// `None` when it is none of them.
pub fn totp_step(secret: &str, code: &str) -> Option<u64> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    let totp = totp(secret, "check").ok()?;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?
        .as_secs()
        / 30;
    (now.saturating_sub(1)..=now + 1).find(|step| {
        let expected = totp.generate(step * 30);
        same_text(&expected, &code)
    })
}

/// Whether `code` is the TOTP of `secret` now (or one step either side).
pub fn check_totp(secret: &str, code: &str) -> bool {
    totp_step(secret, code).is_some()
}

/// Compares two texts without an early exit that would time how much of them matched.
pub fn same_text(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// The TOTP of `secret` now (for tests and the command line).
pub fn current_totp(secret: &str) -> Result<String, ServiceError> {
    totp(secret, "now")?
        .generate_current()
        .map_err(|error| ServiceError::Internal(format!("reading the clock: {error}")))
}

/// Ten one-time recovery codes (`xxxx-xxxx-xxxx`), and their hashes to store.
pub fn recovery_codes() -> (Vec<String>, Vec<String>) {
    let codes: Vec<String> = (0..10)
        .map(|_| {
            let mut bytes = [0u8; 6];
            rand::rng().fill_bytes(&mut bytes);
            let text = hex::encode(bytes);
            format!("{}-{}-{}", &text[0..4], &text[4..8], &text[8..12])
        })
        .collect();
    let hashes = codes.iter().map(|code| recovery_hash(code)).collect();
    (codes, hashes)
}

/// The stored form of a recovery code, as typed (case and spaces ignored).
pub fn recovery_hash(code: &str) -> String {
    let normal: String = code
        .chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect();
    secret_hash(&normal)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests fail loudly")]

    use super::*;

    #[test]
    fn a_password_verifies_against_its_hash_only() {
        let hash = hash_password("correct horse battery").unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery", &hash));
        assert!(!verify_password("correct horse batterY", &hash));
        assert!(!verify_password("correct horse battery", ""));
        assert!(matches!(
            hash_password("short"),
            Err(ServiceError::Invalid { .. })
        ));
    }

    #[test]
    fn tokens_are_random_and_kept_as_hashes() {
        let (id, token, hash) = new_token();
        let (other_id, other, _) = new_token();
        assert_ne!(token, other);
        assert_ne!(id, other_id);
        assert!(token.starts_with("truce_") && token.len() > 40);
        assert_eq!(hash, secret_hash(&token));
        assert_eq!(generate_password().len(), 20);
    }

    #[test]
    fn texts_compare_whole() {
        assert!(same_text("abc", "abc"));
        assert!(!same_text("abc", "abd"));
        assert!(!same_text("abc", "ab"));
    }

    #[test]
    fn a_totp_code_checks_against_its_secret() {
        let (secret, url) = new_totp("alice").unwrap();
        assert!(url.starts_with("otpauth://totp/Truce:alice?"));
        let code = current_totp(&secret).unwrap();
        assert!(check_totp(&secret, &code));
        let wrong = format!("{:06}", (code.parse::<u32>().unwrap() + 1) % 1_000_000);
        assert!(!check_totp(&secret, &wrong));
        let (codes, hashes) = recovery_codes();
        assert_eq!(codes.len(), 10);
        assert_eq!(recovery_hash(&codes[0].to_uppercase()), hashes[0]);
    }
}
