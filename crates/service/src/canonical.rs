//! The canonical bytes of a change: what the change log stores and hashes, and what a
//! tamper-evident ledger can sign later without rewriting history.
//!
//! The encoding is JSON with no insignificant whitespace, object keys sorted by their UTF-8
//! bytes, strings escaped as `serde_json` escapes them (`"`, `\` and control characters only;
//! other characters as UTF-8), and numbers as `serde_json` writes them (integers in full,
//! floating-point numbers in the shortest form that reads back to the same value). The same
//! value always gives the same bytes, whatever order its fields were built in.

use serde::Serialize;
use serde_json::Value;
use sha2::{Digest, Sha256};

/// The canonical JSON text of `value`.
pub fn to_canonical<T: Serialize>(value: &T) -> Result<String, serde_json::Error> {
    let value = serde_json::to_value(value)?;
    let mut out = String::with_capacity(256);
    write(&value, &mut out);
    Ok(out)
}

fn write(value: &Value, out: &mut String) {
    match value {
        Value::Object(map) => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_unstable_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
            out.push('{');
            for (position, (key, item)) in entries.into_iter().enumerate() {
                if position > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(key.clone()).to_string());
                out.push(':');
                write(item, out);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (position, item) in items.iter().enumerate() {
                if position > 0 {
                    out.push(',');
                }
                write(item, out);
            }
            out.push(']');
        }
        scalar => out.push_str(&scalar.to_string()),
    }
}

/// The lower-case hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests fail loudly")]

    use super::*;
    use serde_json::json;

    #[test]
    fn keys_are_sorted_and_whitespace_dropped() {
        let a = json!({"b": 1, "a": {"d": [1.5, "x"], "c": null}});
        assert_eq!(
            to_canonical(&a).unwrap(),
            r#"{"a":{"c":null,"d":[1.5,"x"]},"b":1}"#
        );
    }

    #[test]
    fn the_same_value_gives_the_same_bytes_whatever_its_order() {
        let one: Value = serde_json::from_str(r#"{"x": 1, "y": "قصف \"a\"\n"}"#).unwrap();
        let two: Value = serde_json::from_str(r#"{"y": "قصف \"a\"\n", "x": 1}"#).unwrap();
        assert_eq!(to_canonical(&one).unwrap(), to_canonical(&two).unwrap());
        assert_eq!(to_canonical(&one).unwrap(), r#"{"x":1,"y":"قصف \"a\"\n"}"#);
    }

    #[test]
    fn the_hash_is_sha256() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
