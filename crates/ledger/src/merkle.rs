//! Merkle trees over the entries' hashes, their inclusion and consistency proofs, as RFC 6962
//! (section 2.1) defines them; the checks are RFC 9162's (sections 2.1.3.2 and 2.1.4.2). A
//! proof's size grows with the logarithm of the tree's.

use sha2::{Digest, Sha256};

use crate::Hash;

/// The leaf of an entry: SHA-256(0x00 || entry hash).
pub fn leaf_hash(entry_hash: &Hash) -> Hash {
    let mut hasher = Sha256::new();
    hasher.update([0u8]);
    hasher.update(entry_hash);
    hasher.finalize().into()
}

/// An inner node: SHA-256(0x01 || left || right).
fn node(left: &Hash, right: &Hash) -> Hash {
    let mut hasher = Sha256::new();
    hasher.update([1u8]);
    hasher.update(left);
    hasher.update(right);
    hasher.finalize().into()
}

/// The largest power of two below `n` (for `n > 1`).
fn split(n: usize) -> usize {
    let mut k = 1;
    while k * 2 < n {
        k *= 2;
    }
    k
}

/// The root of the tree over `leaves` (leaf hashes, in order): MTH of RFC 6962.
pub fn root(leaves: &[Hash]) -> Hash {
    match leaves {
        [] => Sha256::digest([]).into(),
        [leaf] => *leaf,
        _ => {
            let k = split(leaves.len());
            node(&root(&leaves[..k]), &root(&leaves[k..]))
        }
    }
}

/// The inclusion proof of leaf `index` in the tree over `leaves` (PATH of RFC 6962), or `None`
/// when there is no such leaf.
pub fn inclusion_proof(index: usize, leaves: &[Hash]) -> Option<Vec<Hash>> {
    if index >= leaves.len() {
        return None;
    }
    let mut proof = Vec::new();
    path(index, leaves, &mut proof);
    Some(proof)
}

fn path(index: usize, leaves: &[Hash], proof: &mut Vec<Hash>) {
    if leaves.len() <= 1 {
        return;
    }
    let k = split(leaves.len());
    if index < k {
        path(index, &leaves[..k], proof);
        proof.push(root(&leaves[k..]));
    } else {
        path(index - k, &leaves[k..], proof);
        proof.push(root(&leaves[..k]));
    }
}

/// The consistency proof between the tree over the first `old_size` leaves and the tree over
/// all `leaves` (PROOF of RFC 6962), or `None` when `old_size` exceeds them.
pub fn consistency_proof(old_size: usize, leaves: &[Hash]) -> Option<Vec<Hash>> {
    if old_size > leaves.len() {
        return None;
    }
    let mut proof = Vec::new();
    if old_size > 0 && old_size < leaves.len() {
        subproof(old_size, leaves, true, &mut proof);
    }
    Some(proof)
}

fn subproof(m: usize, leaves: &[Hash], whole: bool, proof: &mut Vec<Hash>) {
    let n = leaves.len();
    if m == n {
        if !whole {
            proof.push(root(leaves));
        }
        return;
    }
    let k = split(n);
    if m <= k {
        subproof(m, &leaves[..k], whole, proof);
        proof.push(root(&leaves[k..]));
    } else {
        subproof(m - k, &leaves[k..], false, proof);
        proof.push(root(&leaves[..k]));
    }
}

/// Whether `proof` shows the leaf `leaf` at `index` in the tree of `size` leaves whose root
/// is `root`.
pub fn verify_inclusion(index: u64, size: u64, leaf: &Hash, proof: &[Hash], root: &Hash) -> bool {
    if index >= size {
        return false;
    }
    let (mut f, mut s) = (index, size - 1);
    let mut r = *leaf;
    for p in proof {
        if s == 0 {
            return false;
        }
        if f & 1 == 1 || f == s {
            r = node(p, &r);
            while f & 1 == 0 && f != 0 {
                f >>= 1;
                s >>= 1;
            }
        } else {
            r = node(&r, p);
        }
        f >>= 1;
        s >>= 1;
    }
    s == 0 && r == *root
}

/// Whether `proof` shows the tree of `new_size` leaves with root `new_root` extending the
/// tree of `old_size` leaves with root `old_root`.
pub fn verify_consistency(
    old_size: u64,
    new_size: u64,
    old_root: &Hash,
    new_root: &Hash,
    proof: &[Hash],
) -> bool {
    if old_size > new_size {
        return false;
    }
    if old_size == new_size {
        return proof.is_empty() && old_root == new_root;
    }
    if old_size == 0 {
        return proof.is_empty();
    }
    let Some((first, rest)) = proof.split_first() else {
        return false;
    };
    // When the old tree is a whole left subtree, its root is where the walk starts.
    let (start, rest) = if old_size.is_power_of_two() {
        (*old_root, proof)
    } else {
        (*first, rest)
    };
    let (mut f, mut s) = (old_size - 1, new_size - 1);
    while f & 1 == 1 {
        f >>= 1;
        s >>= 1;
    }
    let (mut fr, mut sr) = (start, start);
    for c in rest {
        if s == 0 {
            return false;
        }
        if f & 1 == 1 || f == s {
            fr = node(c, &fr);
            sr = node(c, &sr);
            while f & 1 == 0 && f != 0 {
                f >>= 1;
                s >>= 1;
            }
        } else {
            sr = node(&sr, c);
        }
        f >>= 1;
        s >>= 1;
    }
    fr == *old_root && sr == *new_root && s == 0
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn leaves(n: usize) -> Vec<Hash> {
        (0..n)
            .map(|i| leaf_hash(&Sha256::digest(i.to_be_bytes()).into()))
            .collect()
    }

    #[test]
    fn the_roots_of_small_trees_are_rfc_6962s() {
        let l = leaves(3);
        assert_eq!(root(&l[..1]), l[0]);
        assert_eq!(root(&l[..2]), node(&l[0], &l[1]));
        // Three leaves: the left subtree takes two (the largest power of two below three).
        assert_eq!(root(&l), node(&node(&l[0], &l[1]), &l[2]));
        assert_eq!(
            crate::to_hex(&root(&[])),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }

    #[test]
    fn every_inclusion_proof_of_every_small_tree_verifies_and_no_wrong_one_does() {
        for n in 1..=33 {
            let l = leaves(n);
            let r = root(&l);
            for i in 0..n {
                let proof = inclusion_proof(i, &l).unwrap();
                assert!(proof.len() <= 6, "logarithmic: {n} leaves, {}", proof.len());
                assert!(
                    verify_inclusion(i as u64, n as u64, &l[i], &proof, &r),
                    "{i} of {n}"
                );
                let other = l[(i + 1) % n];
                if other != l[i] {
                    assert!(!verify_inclusion(i as u64, n as u64, &other, &proof, &r));
                }
                if n > 1 {
                    let elsewhere = ((i + 1) % n) as u64;
                    assert!(!verify_inclusion(elsewhere, n as u64, &l[i], &proof, &r));
                }
                let wrong_root = leaf_hash(&r);
                assert!(!verify_inclusion(
                    i as u64,
                    n as u64,
                    &l[i],
                    &proof,
                    &wrong_root
                ));
            }
            assert!(inclusion_proof(n, &l).is_none());
        }
    }

    #[test]
    fn every_consistency_proof_of_every_small_pair_verifies_and_no_wrong_one_does() {
        for n in 1..=33 {
            let l = leaves(n);
            let new_root = root(&l);
            for m in 0..=n {
                let old_root = root(&l[..m]);
                let proof = consistency_proof(m, &l).unwrap();
                assert!(
                    verify_consistency(m as u64, n as u64, &old_root, &new_root, &proof),
                    "{m} to {n}"
                );
                if m > 0 && m < n {
                    let forged = leaf_hash(&old_root);
                    assert!(!verify_consistency(
                        m as u64, n as u64, &forged, &new_root, &proof
                    ));
                    assert!(!verify_consistency(
                        m as u64, n as u64, &old_root, &forged, &proof
                    ));
                }
            }
        }
    }

    proptest! {
        #[test]
        fn proofs_hold_in_random_trees_and_fail_for_a_changed_leaf(
            n in 1usize..600,
            i in 0usize..600,
            m in 0usize..600,
            flip in 0usize..32,
        ) {
            let l = leaves(n);
            let i = i % n;
            let m = m % (n + 1);
            let r = root(&l);
            let proof = inclusion_proof(i, &l).unwrap();
            prop_assert!(verify_inclusion(i as u64, n as u64, &l[i], &proof, &r));
            let mut changed = l[i];
            changed[flip] ^= 1;
            prop_assert!(!verify_inclusion(i as u64, n as u64, &changed, &proof, &r));
            let consistency = consistency_proof(m, &l).unwrap();
            prop_assert!(verify_consistency(m as u64, n as u64, &root(&l[..m]), &r, &consistency));
            // The old tree with one leaf changed is not the start of the new one.
            if m > 0 && i < m {
                let mut other = l[..m].to_vec();
                other[i] = changed;
                prop_assert!(!verify_consistency(m as u64, n as u64, &root(&other), &r, &consistency));
            }
        }
    }
}
