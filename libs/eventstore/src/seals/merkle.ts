import { createHash } from 'node:crypto';

/**
 * The Merkle tree of RFC 6962 (Certificate Transparency) section 2.1, with SHA-256:
 *   MTH({})     = SHA-256()
 *   MTH({d0})   = SHA-256(0x00 || d0)
 *   MTH(D[n])   = SHA-256(0x01 || MTH(D[0:k]) || MTH(D[k:n])), k the largest power of two below n.
 * Leaves and nodes are hashed with different prefixes, so a node can never pass for a leaf.
 * The standalone verifier (verifier/verify.mjs) implements the same functions without this code.
 */

const LEAF = Buffer.from([0]);
const NODE = Buffer.from([1]);

export const EMPTY_ROOT = createHash('sha256').digest();

export function leafHash(data: Buffer | string): Buffer {
  return createHash('sha256').update(LEAF).update(data).digest();
}

export function nodeHash(left: Buffer, right: Buffer): Buffer {
  return createHash('sha256').update(NODE).update(left).update(right).digest();
}

/** The largest power of two smaller than n (n >= 2). */
function split(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

// Roots of perfect subtrees, per leaf array: proofs between many pairs of seals then cost O(n) once, not per proof.
const perfectRoots = new WeakMap<readonly Buffer[], Map<string, Buffer>>();

/** MTH over leaf hashes [from, to). */
export function rootOf(leaves: readonly Buffer[], from = 0, to = leaves.length): Buffer {
  const n = to - from;
  if (n === 0) return EMPTY_ROOT;
  if (n === 1) return leaves[from]!;
  const perfect = (n & (n - 1)) === 0;
  let cache = perfectRoots.get(leaves);
  const key = `${from}:${n}`;
  if (perfect) {
    const known = cache?.get(key);
    if (known) return known;
  }
  const k = split(n);
  const root = nodeHash(rootOf(leaves, from, from + k), rootOf(leaves, from + k, to));
  if (perfect && n >= 64) {
    if (!cache) perfectRoots.set(leaves, (cache = new Map()));
    cache.set(key, root);
  }
  return root;
}

/**
 * The root of a growing tree without keeping its leaves: the roots of its perfect subtrees, largest first (the
 * binary digits of the size). Appending is amortised O(1); the root is O(log n).
 */
export class MerkleAccumulator {
  private readonly stack: { size: number; hash: Buffer }[] = [];
  private count = 0;

  get size(): number {
    return this.count;
  }

  push(leaf: Buffer): void {
    let node = { size: 1, hash: leaf };
    while (this.stack.length > 0 && this.stack[this.stack.length - 1]!.size === node.size) {
      const left = this.stack.pop()!;
      node = { size: left.size * 2, hash: nodeHash(left.hash, node.hash) };
    }
    this.stack.push(node);
    this.count++;
  }

  root(): Buffer {
    if (this.stack.length === 0) return EMPTY_ROOT;
    let hash = this.stack[this.stack.length - 1]!.hash;
    for (let i = this.stack.length - 2; i >= 0; i--) hash = nodeHash(this.stack[i]!.hash, hash);
    return hash;
  }
}

/** PATH(m, D[n]) of RFC 6962 2.1.1: the audit path of leaf m in the tree of leaves [from, to). */
export function inclusionProof(leaves: readonly Buffer[], index: number, from = 0, to = leaves.length): Buffer[] {
  const n = to - from;
  if (index < 0 || index >= n) throw new RangeError(`leaf ${index} is not in a tree of ${n}`);
  if (n === 1) return [];
  const k = split(n);
  return index < k
    ? [...inclusionProof(leaves, index, from, from + k), rootOf(leaves, from + k, to)]
    : [...inclusionProof(leaves, index - k, from + k, to), rootOf(leaves, from, from + k)];
}

/** Checks an audit path (RFC 9162 2.1.3.2). */
export function verifyInclusion(index: number, size: number, leaf: Buffer, proof: readonly Buffer[], root: Buffer): boolean {
  if (index < 0 || index >= size) return false;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && r.equals(root);
}

/** PROOF(m, D[n]) of RFC 6962 2.1.2: shows the tree of the first m leaves is a prefix of the tree of n. */
export function consistencyProof(leaves: readonly Buffer[], m: number, n = leaves.length): Buffer[] {
  if (m < 0 || m > n || n > leaves.length) throw new RangeError(`no consistency proof from ${m} to ${n} over ${leaves.length} leaves`);
  if (m === 0 || m === n) return [];
  const subproof = (mm: number, from: number, to: number, complete: boolean): Buffer[] => {
    const size = to - from;
    if (mm === size) return complete ? [] : [rootOf(leaves, from, to)];
    const k = split(size);
    return mm <= k
      ? [...subproof(mm, from, from + k, complete), rootOf(leaves, from + k, to)]
      : [...subproof(mm - k, from + k, to, false), rootOf(leaves, from, from + k)];
  };
  return subproof(m, 0, n, true);
}

/** Checks a consistency proof between tree heads (RFC 9162 2.1.4.2). */
export function verifyConsistency(m: number, n: number, oldRoot: Buffer, newRoot: Buffer, proof: readonly Buffer[]): boolean {
  if (m < 0 || m > n) return false;
  if (m === n) return proof.length === 0 && oldRoot.equals(newRoot);
  if (m === 0) return proof.length === 0;
  if (proof.length === 0) return false;
  const path = [...proof];
  if ((m & (m - 1)) === 0) path.unshift(oldRoot);
  if (path.length === 0) return false;
  let fn = m - 1;
  let sn = n - 1;
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  let fr = path[0]!;
  let sr = path[0]!;
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return fr.equals(oldRoot) && sr.equals(newRoot) && sn === 0;
}
