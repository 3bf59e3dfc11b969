import { describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { consistencyProof, EMPTY_ROOT, inclusionProof, leafHash, MerkleAccumulator, nodeHash, rootOf, verifyConsistency, verifyInclusion } from './merkle.js';

const leaves = Array.from({ length: 40 }, (_, i) => leafHash(`event ${i}`));

describe('RFC 6962 Merkle tree', () => {
  it('hashes leaves and nodes with their own prefixes', () => {
    expect(EMPTY_ROOT.toString('hex')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(leafHash('').toString('hex')).toBe(createHash('sha256').update(Buffer.from([0])).digest('hex'));
    // Three leaves: MTH = H(1 || H(1 || l0 || l1) || l2).
    expect(rootOf(leaves.slice(0, 3))).toEqual(nodeHash(nodeHash(leaves[0]!, leaves[1]!), leaves[2]!));
  });

  it('gives the same root incrementally as from all leaves, for every size', () => {
    const accumulator = new MerkleAccumulator();
    expect(accumulator.root()).toEqual(EMPTY_ROOT);
    for (let n = 1; n <= leaves.length; n++) {
      accumulator.push(leaves[n - 1]!);
      expect(accumulator.root()).toEqual(rootOf(leaves.slice(0, n)));
    }
  });

  it('proves and checks every inclusion, and refuses a wrong leaf, index or root', () => {
    for (let n = 1; n <= 17; n++) {
      const root = rootOf(leaves, 0, n);
      for (let i = 0; i < n; i++) {
        const proof = inclusionProof(leaves, i, 0, n);
        expect(verifyInclusion(i, n, leaves[i]!, proof, root)).toBe(true);
        expect(verifyInclusion(i, n, leafHash('forged'), proof, root)).toBe(false);
        if (n > 1) expect(verifyInclusion((i + 1) % n, n, leaves[i]!, proof, root)).toBe(false);
      }
    }
  });

  it('proves and checks consistency between every pair of sizes, and refuses a tree that is not an extension', () => {
    for (let n = 1; n <= 33; n++) {
      for (let m = 1; m <= n; m++) {
        const proof = consistencyProof(leaves, m, n);
        const older = rootOf(leaves, 0, m);
        const newer = rootOf(leaves, 0, n);
        expect(verifyConsistency(m, n, older, newer, proof)).toBe(true);
        if (m < n) {
          // The older tree with one leaf changed is not a prefix of the newer one.
          const altered = [...leaves.slice(0, m - 1), leafHash('forged')];
          expect(verifyConsistency(m, n, rootOf(altered), newer, proof)).toBe(false);
          expect(verifyConsistency(m, n, older, rootOf(leaves, 0, n + 1), proof)).toBe(false);
        }
      }
    }
  });
});
