#!/usr/bin/env node
// Standalone verifier of the association register's audit bundles (register-audit-bundle/1).
// Plain Node.js (20 or later), no dependencies, nothing of the register's code: a department can keep this file with
// its bundles and run it years later. The formats it checks are written down in the bundle's README.txt and in the
// register's docs/audit.md.
//
//   node verify.mjs [--key FILE|BASE64] [--seal FILE]... [--json] <bundle-dir>
//
// Exit codes: 0 intact, 1 tampered (or unreadable), 64 bad command line.

import { createHash, createPublicKey, verify as verifySignature } from 'node:crypto';
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';

const BUNDLE_FORMAT = 'register-audit-bundle/1';
const SEAL_FORMAT = 'register-seal/1';
const GENESIS = '0'.repeat(64);
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const EXIT = { intact: 0, tampered: 1, usage: 64 };

const USAGE = `Usage: node verify.mjs [--key FILE|BASE64] [--seal FILE]... [--json] <bundle-dir>

Checks an audit bundle of the association register offline: the manifest's digests and signature, every
event's hash chain, every seal's Ed25519 signature and Merkle root, the consistency between seals, and every
stream's end against what the seals recorded.

  --key FILE|BASE64  the seals' public key as the department keeps it (a PEM file, or the 32-byte key in base64).
                     Without it the key inside the bundle is trusted, which proves less (a warning says so).
  --seal FILE        a seal printed by \`cli seal --print\` and kept outside the register (repeatable; a file may
                     hold several, one JSON object per line): each must be in the bundle as printed.
  --json             print the result as JSON on stdout.

Progress goes to stderr. Exit codes: 0 intact, 1 tampered, 64 bad command line.
`;

// ---------------------------------------------------------------------------------------------------------------
// RFC 6962 Merkle tree, SHA-256: leaf = H(0x00 || data), node = H(0x01 || left || right).

const sha256 = (...parts) => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
};
const EMPTY_ROOT = sha256();
const leafHash = (data) => sha256(Buffer.from([0]), Buffer.from(data, 'utf8'));
const nodeHash = (l, r) => sha256(Buffer.from([1]), l, r);

class Accumulator {
  stack = [];
  size = 0;
  push(leaf) {
    let node = { size: 1, hash: leaf };
    while (this.stack.length > 0 && this.stack[this.stack.length - 1].size === node.size) {
      const left = this.stack.pop();
      node = { size: left.size * 2, hash: nodeHash(left.hash, node.hash) };
    }
    this.stack.push(node);
    this.size++;
  }
  root() {
    if (this.stack.length === 0) return EMPTY_ROOT;
    let h = this.stack[this.stack.length - 1].hash;
    for (let i = this.stack.length - 2; i >= 0; i--) h = nodeHash(this.stack[i].hash, h);
    return h;
  }
}

function verifyInclusion(index, size, leaf, proof, root) {
  if (index < 0 || index >= size) return false;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      if (fn % 2 === 0) while (fn % 2 === 0 && fn !== 0) { fn = Math.floor(fn / 2); sn = Math.floor(sn / 2); }
    } else {
      r = nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && r.equals(root);
}

function verifyConsistency(m, n, oldRoot, newRoot, proof) {
  if (m < 0 || m > n) return false;
  if (m === n) return proof.length === 0 && oldRoot.equals(newRoot);
  if (m === 0) return proof.length === 0;
  if (proof.length === 0) return false;
  const path = [...proof];
  if ((m & (m - 1)) === 0) path.unshift(oldRoot);
  let fn = m - 1;
  let sn = n - 1;
  while (fn % 2 === 1) { fn = Math.floor(fn / 2); sn = Math.floor(sn / 2); }
  let fr = path[0];
  let sr = path[0];
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      if (fn % 2 === 0) while (fn % 2 === 0 && fn !== 0) { fn = Math.floor(fn / 2); sn = Math.floor(sn / 2); }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return fr.equals(oldRoot) && sr.equals(newRoot) && sn === 0;
}

function rootOfLeaves(leaves, from, to) {
  const n = to - from;
  if (n === 0) return EMPTY_ROOT;
  if (n === 1) return leaves[from];
  let k = 1;
  while (k * 2 < n) k *= 2;
  return nodeHash(rootOfLeaves(leaves, from, from + k), rootOfLeaves(leaves, from + k, to));
}

// ---------------------------------------------------------------------------------------------------------------
// The register's hash chain: canonical JSON (keys sorted by UTF-16 code units, no whitespace, shortest numbers),
// contentHash = SHA-256(canonical {data, metadata without prevHash/hash, type}),
// hash = SHA-256(prevHash \n streamId \n revision \n contentHash).

function canonical(value) {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`).join(',')}}`;
}

const hex = (text) => createHash('sha256').update(text, 'utf8').digest('hex');

function contentHashOf(event) {
  const metadata = { ...event.metadata };
  delete metadata.prevHash;
  delete metadata.hash;
  return hex(`{"data":${canonical(event.data)},"metadata":${canonical(metadata)},"type":${JSON.stringify(event.type)}}`);
}

const chainHashOf = (prevHash, streamId, revision, content) => hex(`${prevHash}\n${streamId}\n${revision}\n${content}`);
const eventLeafData = (e) => `${e.position}\n${e.streamId}\n${e.revision}\n${e.id}\n${e.metadata.hash}`;
const headLeafData = (h) => `${h.streamId}\n${h.revision}\n${h.hash}`;

// ---------------------------------------------------------------------------------------------------------------
// Keys and signatures.

function publicKeyFrom(text) {
  const trimmed = text.trim();
  if (trimmed.startsWith('-----BEGIN')) {
    const der = createPublicKey(trimmed).export({ format: 'der', type: 'spki' });
    return der.subarray(SPKI_PREFIX.length);
  }
  const raw = Buffer.from(trimmed, 'base64');
  if (raw.length !== 32) throw new Error('not an Ed25519 public key (PEM, or 32 bytes in base64)');
  return raw;
}

function verifyEd25519(raw, message, signatureBase64) {
  try {
    const key = createPublicKey({ key: Buffer.concat([SPKI_PREFIX, raw]), format: 'der', type: 'spki' });
    return verifySignature(null, Buffer.from(message, 'utf8'), key, Buffer.from(signatureBase64, 'base64'));
  } catch {
    return false;
  }
}

const SEAL_FIELDS = ['format', 'sequence', 'treeSize', 'position', 'rootHash', 'headsRoot', 'headsCount', 'previousRootHash', 'sealedAt', 'keyId'];
const sealSigningText = (seal) => canonical(Object.fromEntries(SEAL_FIELDS.map((f) => [f, seal[f]])));
const keyIdOf = (raw) => createHash('sha256').update(raw).digest('hex');

// ---------------------------------------------------------------------------------------------------------------
// Progress on stderr: a redrawn bar on a terminal, a line now and then otherwise.

function progress(label, total) {
  const tty = process.stderr.isTTY === true;
  let last = 0;
  let open = false;
  const draw = (done, final) => {
    const now = Date.now();
    if (!final && now - last < (tty ? 100 : 5000)) return;
    last = now;
    const fraction = total > 0 ? Math.min(1, done / total) : 1;
    const width = 30;
    const filled = Math.round(fraction * width);
    const text = `${label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${(fraction * 100).toFixed(1).padStart(5)}%  ${done.toLocaleString('en')}/${total.toLocaleString('en')}`;
    if (tty) {
      process.stderr.write(`\r\u001b[2K${text}`);
      open = true;
      if (final) { process.stderr.write('\n'); open = false; }
    } else {
      process.stderr.write(`${text}\n`);
    }
  };
  return { tick: (done) => draw(done, false), done: (done) => { draw(done, true); if (open) process.stderr.write('\n'); } };
}

// ---------------------------------------------------------------------------------------------------------------

class Findings {
  list = [];
  seen = new Set();
  add(kind, message, where = {}) {
    const key = kind === 'seal' || kind === 'file' || kind === 'event' ? message : `${kind}\n${where.streamId ?? ''}\n${where.seal ?? ''}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.list.push({ kind, streamId: where.streamId ?? null, revision: where.revision ?? null, seal: where.seal ?? null, message });
  }
}

async function* lines(path) {
  const rl = createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity });
  let n = 0;
  for await (const text of rl) {
    n++;
    if (text.trim() === '') continue;
    yield { n, text };
  }
}

function readJson(path, findings, what) {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    findings.add('file', `${what} cannot be read: ${error.message}`);
    return null;
  }
}

async function verifyBundle(dir, options) {
  const findings = new Findings();
  const warnings = [];
  const manifestPath = join(dir, 'manifest.json');
  if (!existsSync(manifestPath)) {
    findings.add('file', 'manifest.json is missing: this is not an audit bundle, or it was cut');
    return { intact: false, findings: findings.list, warnings, counts: {} };
  }
  const manifestText = readFileSync(manifestPath, 'utf8');
  const manifest = readJson(manifestPath, findings, 'manifest.json');
  if (!manifest) return { intact: false, findings: findings.list, warnings, counts: {} };
  if (manifest.format !== BUNDLE_FORMAT) findings.add('file', `manifest.json names format ${JSON.stringify(manifest.format)}, not ${BUNDLE_FORMAT}`);

  // The key: the department's copy if given, else the bundle's own.
  let key;
  if (options.key) {
    key = options.key;
    if (manifest.publicKey?.ed25519 !== key.toString('base64')) findings.add('seal', 'the bundle names another public key than the one given with --key');
  } else {
    const keyFile = join(dir, manifest.publicKey?.file ?? 'seal-public-key.pem');
    try {
      key = publicKeyFrom(readFileSync(keyFile, 'utf8'));
    } catch (error) {
      findings.add('file', `the bundle's public key cannot be read: ${error.message}`);
      return { intact: false, findings: findings.list, warnings, counts: {} };
    }
    warnings.push('trusting the public key inside the bundle: pass --key with the copy the department keeps to prove more');
  }

  // Files against the manifest.
  for (const [name, expected] of Object.entries(manifest.files ?? {})) {
    const path = join(dir, name);
    if (name.includes('/') || name.includes('\\') || name.startsWith('.')) { findings.add('file', `the manifest names a file outside the bundle: ${name}`); continue; }
    if (!existsSync(path)) { findings.add('file', `${name} is missing`); continue; }
    const content = readFileSync(path);
    const actual = createHash('sha256').update(content).digest('hex');
    if (actual !== expected.sha256 || content.length !== expected.bytes) findings.add('file', `${name} does not match the manifest's digest (SHA-256 ${actual}, manifest ${expected.sha256})`);
  }
  const signaturePath = join(dir, 'manifest.sig');
  if (!existsSync(signaturePath)) findings.add('file', 'manifest.sig is missing');
  else if (!verifyEd25519(key, manifestText, readFileSync(signaturePath, 'utf8').trim())) findings.add('file', 'manifest.sig is not a signature of manifest.json by the seal key');

  const complete = manifest.scope?.complete === true;
  const dated = manifest.scope?.from != null || manifest.scope?.to != null;

  // Seals.
  const records = [];
  if (existsSync(join(dir, 'seals.ndjson'))) {
    for await (const { n, text } of lines(join(dir, 'seals.ndjson'))) {
      try { records.push(JSON.parse(text)); } catch { findings.add('file', `seals.ndjson line ${n} is not JSON`); }
    }
  }
  const keyId = keyIdOf(key);
  for (const printed of options.printed) {
    const held = records.find((r) => r.seal?.sequence === printed.sequence);
    if (!held) {
      findings.add('seal', `seal ${printed.sequence} (printed, sealed ${printed.sealedAt}) is not in the bundle: seals were removed`, { seal: printed.sequence });
      records.push({ seal: printed, headsChanged: null, consistency: null, printedOnly: true });
    } else if (held.seal.rootHash !== printed.rootHash || held.seal.signature !== printed.signature || held.seal.treeSize !== printed.treeSize) {
      findings.add('seal', `seal ${printed.sequence} in the bundle differs from the printed one (root ${held.seal.rootHash}, printed ${printed.rootHash})`, { seal: printed.sequence });
      held.seal = printed;
      held.headsChanged = null;
    }
  }
  records.sort((a, b) => a.seal.sequence - b.seal.sequence);
  let previous = null;
  for (const [index, record] of records.entries()) {
    const seal = record.seal;
    if (seal.format !== SEAL_FORMAT) findings.add('seal', `seal ${seal.sequence} has format ${JSON.stringify(seal.format)}`, { seal: seal.sequence });
    if (seal.keyId !== keyId || !verifyEd25519(key, sealSigningText(seal), seal.signature)) findings.add('seal', `seal ${seal.sequence}: the signature does not verify with the trusted key`, { seal: seal.sequence });
    if (seal.sequence !== index + 1) findings.add('seal', `seal ${index + 1} is missing: seals run ${previous?.sequence ?? 0} then ${seal.sequence}`, { seal: seal.sequence });
    if (previous) {
      if (seal.previousRootHash !== previous.rootHash) findings.add('seal', `seal ${seal.sequence} does not link to seal ${previous.sequence}'s root`, { seal: seal.sequence });
      if (seal.treeSize < previous.treeSize) findings.add('seal', `seal ${seal.sequence} covers fewer events than seal ${previous.sequence}`, { seal: seal.sequence });
      if (record.consistency) {
        const ok = record.consistency.from === previous.sequence &&
          verifyConsistency(previous.treeSize, seal.treeSize, Buffer.from(previous.rootHash, 'hex'), Buffer.from(seal.rootHash, 'hex'), record.consistency.proof.map((p) => Buffer.from(p, 'hex')));
        if (!ok) findings.add('seal', `seal ${seal.sequence} is not consistent with seal ${previous.sequence}: the older tree is not a prefix of the newer one`, { seal: seal.sequence });
      } else if (!record.printedOnly) {
        warnings.push(`seal ${seal.sequence} carries no consistency proof from seal ${previous.sequence}`);
      }
    }
    previous = seal;
  }
  const latest = records[records.length - 1]?.seal ?? null;
  if (!latest) warnings.push('the bundle holds no seal: only the chains can be checked');

  // Leaves of the whole store (partial bundles).
  let storeLeaves = null;
  if (!complete) {
    storeLeaves = [];
    if (existsSync(join(dir, 'leaves.txt'))) {
      for await (const { n, text } of lines(join(dir, 'leaves.txt'))) {
        if (!/^[0-9a-f]{64}$/.test(text.trim())) findings.add('file', `leaves.txt line ${n} is not a hash`);
        storeLeaves.push(Buffer.from(text.trim(), 'hex'));
      }
    } else {
      findings.add('file', 'leaves.txt is missing (a partial bundle needs it)');
    }
  }

  // Events: chains, leaves, and (complete bundles) the seals judged in global order.
  const total = manifest.counts?.events ?? 0;
  const bar = options.quiet ? null : progress('verifying events', total);
  const streams = new Map(); // streamId -> { revision, hash, position }
  const atSeal = new Map(); // streamId -> { revision, hash } at or before the latest seal's position (partial)
  const sealedHeads = new Map();
  let dirty = new Set();
  const tree = new Accumulator();
  let next = 0;
  let rootBroken = false;
  let interval = { first: null, last: null };
  let eventsChecked = 0;
  let lastPosition = null;

  const compareHead = (sequence, streamId) => {
    const sealed = sealedHeads.get(streamId);
    const actual = streams.get(streamId);
    const at = { streamId, seal: sequence };
    if (sealed && !actual) return findings.add('deleted', `seal ${sequence}: stream ${streamId} had revisions 0..${sealed.revision}; the bundle has none (the stream was deleted)`, { ...at, revision: 0 }), 1;
    if (!sealed && actual) return findings.add('appended', `seal ${sequence}: stream ${streamId} revisions 0..${actual.revision} are at or before the seal's position but were not sealed`, { ...at, revision: 0 }), 1;
    if (!sealed || !actual) return 0;
    if (actual.revision < sealed.revision) return findings.add('deleted', `seal ${sequence}: stream ${streamId} revisions ${actual.revision + 1}..${sealed.revision} were sealed and are gone`, { ...at, revision: actual.revision + 1 }), 1;
    if (actual.revision > sealed.revision) return findings.add('appended', `seal ${sequence}: stream ${streamId} revisions ${sealed.revision + 1}..${actual.revision} are at or before the seal's position but were not sealed`, { ...at, revision: sealed.revision + 1 }), 1;
    if (actual.hash !== sealed.hash) return findings.add('recomputed', `seal ${sequence}: stream ${streamId} ends at revision ${sealed.revision} with hash ${actual.hash}, sealed ${sealed.hash}: the stream was rewritten`, { ...at, revision: sealed.revision }), 1;
    return 0;
  };

  const judge = (record) => {
    const seal = record.seal;
    const changed = new Set(dirty);
    let headFindings = 0;
    if (record.headsChanged) {
      for (const [streamId, revision, hash] of record.headsChanged) { sealedHeads.set(streamId, { revision, hash }); changed.add(streamId); }
      for (const streamId of changed) headFindings += compareHead(seal.sequence, streamId);
    }
    const root = tree.root().toString('hex');
    if ((root !== seal.rootHash || tree.size !== seal.treeSize) && !rootBroken) {
      rootBroken = true;
      if (headFindings === 0) {
        const { first, last } = interval;
        const range = first && last ? ` (between ${first.streamId}@${first.revision} and ${last.streamId}@${last.revision})` : '';
        // Every stream ends as sealed: the count says whether events behind the seal went, came or moved.
        const kind = tree.size < seal.treeSize ? 'deleted' : tree.size > seal.treeSize ? 'appended' : 'reordered';
        const what = kind === 'deleted' ? 'events behind it were deleted' : kind === 'appended' ? 'events were added behind it' : 'events behind it were reordered, moved or replaced';
        findings.add(kind, `seal ${seal.sequence}: ${tree.size} events up to ${seal.position ?? 'the start'} do not give its root (${seal.treeSize} sealed) although every stream ends as sealed: ${what}${range}`, { seal: seal.sequence, streamId: first?.streamId, revision: first?.revision });
      }
    }
    if (seal === latest && records.every((r) => r.headsChanged)) {
      const heads = [...sealedHeads].map(([streamId, h]) => ({ streamId, ...h })).sort((a, b) => (a.streamId < b.streamId ? -1 : a.streamId > b.streamId ? 1 : 0));
      const headsRoot = rootOfLeaves(heads.map((h) => leafHash(headLeafData(h))), 0, heads.length).toString('hex');
      if (heads.length !== seal.headsCount || headsRoot !== seal.headsRoot) findings.add('seal', `the recorded stream heads do not rebuild seal ${seal.sequence}'s signed heads root: the seal records were edited`, { seal: seal.sequence });
    }
    dirty = new Set();
    interval = { first: null, last: null };
  };

  if (existsSync(join(dir, 'events.ndjson'))) {
    for await (const { n, text } of lines(join(dir, 'events.ndjson'))) {
      let event;
      try { event = JSON.parse(text); } catch { findings.add('event', `events.ndjson line ${n} is not JSON`); continue; }
      eventsChecked++;
      bar?.tick(eventsChecked);
      const { streamId, revision } = event;
      const where = { streamId, revision };
      // Seals whose position this event is past are judged on what came before it.
      while (complete && next < records.length) {
        const position = records[next].seal.position;
        if (position !== null && event.position <= position) break;
        judge(records[next++]);
      }
      const recorded = event.metadata?.hash;
      const prevHash = event.metadata?.prevHash;
      const content = contentHashOf(event);
      const recomputed = chainHashOf(prevHash, streamId, revision, content);
      if (recomputed !== recorded) findings.add('event', `stream ${streamId} revision ${revision} (event ${event.id}): its content does not hash to its recorded hash (data or metadata altered)`, where);
      if (lastPosition !== null && !(event.position > lastPosition)) findings.add('event', `stream ${streamId} revision ${revision}: position ${event.position} is not after the event before it in the file`, where);
      lastPosition = event.position;
      const before = streams.get(streamId);
      if (!before) {
        if (revision === 0 && prevHash !== GENESIS) findings.add('event', `stream ${streamId} revision 0 does not link to the genesis hash`, where);
        if (revision !== 0 && (complete || !dated)) findings.add('deleted', `stream ${streamId} starts at revision ${revision}: revisions 0..${revision - 1} are missing`, { streamId, revision: 0 });
      } else {
        if (revision <= before.revision) findings.add('reordered', `stream ${streamId} revision ${revision} comes after revision ${before.revision} in the global order`, where);
        else if (revision === before.revision + 1) {
          if (prevHash !== before.hash) findings.add('event', `stream ${streamId} revision ${revision} does not link to revision ${before.revision}'s hash`, where);
        } else if (complete || !dated) {
          findings.add('deleted', `stream ${streamId} revisions ${before.revision + 1}..${revision - 1} are missing`, { streamId, revision: before.revision + 1 });
        }
      }
      if (!before || revision > before.revision) streams.set(streamId, { revision, hash: recorded, position: event.position });
      if (complete) {
        tree.push(leafHash(eventLeafData(event)));
        dirty.add(streamId);
        interval.first ??= event;
        interval.last = event;
      } else {
        const leaf = storeLeaves[event.leaf];
        if (!Number.isInteger(event.leaf) || !leaf || !leaf.equals(leafHash(eventLeafData(event)))) {
          findings.add('event', `stream ${streamId} revision ${revision}: the event is not the leaf ${event.leaf} of the store's tree`, where);
        }
        const seen = atSeal.get(streamId);
        if (latest && latest.position !== null && event.position <= latest.position && (!seen || revision > seen.revision)) atSeal.set(streamId, { revision, hash: recorded });
      }
    }
  }
  if (complete) while (next < records.length) judge(records[next++]);
  bar?.done(eventsChecked);
  if (eventsChecked !== total) findings.add('file', `events.ndjson holds ${eventsChecked} events, the manifest says ${total}`);

  if (!complete) {
    // The roots from the store's leaves, and the exported streams' ends against the heads proven in the latest seal.
    for (const { seal } of records) {
      if (seal.treeSize > storeLeaves.length) { findings.add('deleted', `seal ${seal.sequence} covers ${seal.treeSize} events; the store had ${storeLeaves.length} at export`, { seal: seal.sequence }); continue; }
      if (rootOfLeaves(storeLeaves, 0, seal.treeSize).toString('hex') !== seal.rootHash) findings.add('reordered', `seal ${seal.sequence}: the store's first ${seal.treeSize} leaves do not give its root: events behind it were deleted, changed, moved or added`, { seal: seal.sequence });
    }
    const proven = new Set();
    if (latest && existsSync(join(dir, 'heads.ndjson'))) {
      for await (const { n, text } of lines(join(dir, 'heads.ndjson'))) {
        let head;
        try { head = JSON.parse(text); } catch { findings.add('file', `heads.ndjson line ${n} is not JSON`); continue; }
        const ok = head.seal === latest.sequence && verifyInclusion(head.index, latest.headsCount, leafHash(headLeafData(head)), head.proof.map((p) => Buffer.from(p, 'hex')), Buffer.from(latest.headsRoot, 'hex'));
        if (!ok) { findings.add('seal', `the head of ${head.streamId} is not in seal ${latest.sequence}'s heads tree`, { streamId: head.streamId }); continue; }
        proven.add(head.streamId);
        const actual = atSeal.get(head.streamId);
        const where = { streamId: head.streamId, seal: latest.sequence };
        if (!actual) { if (!dated) findings.add('deleted', `seal ${latest.sequence}: stream ${head.streamId} had revisions 0..${head.revision}; the bundle has none (the stream was deleted)`, { ...where, revision: 0 }); continue; }
        if (actual.revision > head.revision) findings.add('appended', `seal ${latest.sequence}: stream ${head.streamId} revisions ${head.revision + 1}..${actual.revision} are at or before the seal's position but were not sealed`, { ...where, revision: head.revision + 1 });
        else if (actual.revision < head.revision) { if (!dated) findings.add('deleted', `seal ${latest.sequence}: stream ${head.streamId} revisions ${actual.revision + 1}..${head.revision} were sealed and are gone`, { ...where, revision: actual.revision + 1 }); }
        else if (actual.hash !== head.hash) findings.add('recomputed', `seal ${latest.sequence}: stream ${head.streamId} ends at revision ${head.revision} with hash ${actual.hash}, sealed ${head.hash}: the stream was rewritten`, { ...where, revision: head.revision });
      }
    }
    for (const [streamId, actual] of atSeal) {
      if (!proven.has(streamId)) findings.add('appended', `seal ${latest.sequence}: stream ${streamId} revisions 0..${actual.revision} are at or before the seal's position but the seal has no head for it`, { streamId, revision: 0, seal: latest.sequence });
    }
  }

  return {
    intact: findings.list.length === 0,
    findings: findings.list,
    warnings,
    counts: { events: eventsChecked, streams: streams.size, seals: records.length },
    latestSeal: latest ? { sequence: latest.sequence, treeSize: latest.treeSize, position: latest.position, rootHash: latest.rootHash, sealedAt: latest.sealedAt } : null,
    scope: manifest.scope ?? null,
  };
}

function parsePrinted(path) {
  const text = readFileSync(path, 'utf8').trim();
  const out = [];
  const take = (value) => {
    const seal = value?.seal ?? value;
    if (!seal || typeof seal.sequence !== 'number' || typeof seal.signature !== 'string') throw new Error(`${path} does not hold a printed seal`);
    out.push(seal);
  };
  try {
    const whole = JSON.parse(text);
    if (Array.isArray(whole)) whole.forEach(take);
    else take(whole);
  } catch (error) {
    if (error instanceof SyntaxError) for (const l of text.split('\n')) if (l.trim()) take(JSON.parse(l));
    else throw error;
  }
  return out;
}

async function main(argv) {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: { key: { type: 'string' }, seal: { type: 'string', multiple: true }, json: { type: 'boolean' }, quiet: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } });
  } catch (error) {
    process.stderr.write(`${error.message}\n\n${USAGE}`);
    return EXIT.usage;
  }
  const { values, positionals } = parsed;
  if (values.help) { process.stdout.write(USAGE); return EXIT.intact; }
  if (positionals.length !== 1) { process.stderr.write(`Give exactly one bundle folder.\n\n${USAGE}`); return EXIT.usage; }
  const dir = positionals[0];
  if (!existsSync(dir) || !statSync(dir).isDirectory()) { process.stderr.write(`${dir} is not a folder.\n\n${USAGE}`); return EXIT.usage; }
  let key = null;
  let printed = [];
  try {
    if (values.key !== undefined) key = publicKeyFrom(existsSync(values.key) ? readFileSync(values.key, 'utf8') : values.key);
    for (const file of values.seal ?? []) printed = printed.concat(parsePrinted(file));
  } catch (error) {
    process.stderr.write(`${error.message}\n\n${USAGE}`);
    return EXIT.usage;
  }
  const result = await verifyBundle(dir, { key, printed, quiet: values.quiet === true });
  for (const warning of result.warnings) process.stderr.write(`warning: ${warning}\n`);
  if (values.json) {
    process.stdout.write(`${JSON.stringify({ status: result.intact ? 'intact' : 'tampered', ...result }, null, 2)}\n`);
  } else if (result.intact) {
    const s = result.latestSeal;
    process.stdout.write(`Intact: ${result.counts.events} events in ${result.counts.streams} streams, ${result.counts.seals} seals${s ? ` (latest: seal ${s.sequence} of ${s.sealedAt}, ${s.treeSize} events, root ${s.rootHash})` : ''}.\n`);
  } else {
    process.stdout.write(`TAMPERED: ${result.findings.length} finding${result.findings.length === 1 ? '' : 's'}.\n`);
    for (const f of result.findings) process.stdout.write(`  ${f.kind.padEnd(10)} ${f.message}\n`);
  }
  return result.intact ? EXIT.intact : EXIT.tampered;
}

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (error) => { process.stderr.write(`verification failed: ${error?.stack ?? error}\n`); process.exitCode = EXIT.tampered; },
);
