import { createHash } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { chmod, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { EventStore, RecordedEvent } from '../event-store.port.js';
import { consistencyProof, inclusionProof, leafHash } from './merkle.js';
import { eventLeafData, headLeafData, publicKeyPemOf, keyIdOf, type SealHead, sortedHeads, type SealSigningKey } from './seal.js';
import { allSeals, headsToJson, type SealStore } from './seal-store.js';
import { walkGlobalOrder } from './sealing.js';

/**
 * The offline audit bundle (docs/audit.md "The bundle"): a folder a department can keep and check years later with
 * verifier/verify.mjs alone. Events are exported as recorded: sealed personal fields stay ciphertext, nothing is
 * opened, no key but the seals' public one is involved.
 */
export const BUNDLE_FORMAT = 'register-audit-bundle/1';

export interface AuditBundleScope {
  /** Whole streams of this association only (and the leaves of the rest, to check them against the seals). */
  readonly association?: string | null;
  /** Events recorded at or after this instant only. */
  readonly from?: Date | null;
  /** Events recorded before this instant only. */
  readonly to?: Date | null;
}

export interface AuditBundleOptions extends AuditBundleScope {
  /** A folder that does not exist or is empty. */
  readonly out: string;
  /** Signs the manifest (the seals are signed already); its public key goes into the bundle. */
  readonly key: SealSigningKey;
  readonly build: { readonly version: string; readonly commit: string | null };
  readonly now: Date;
  /** The association a stream belongs to, judged on its first event (the register's stream kinds know). */
  readonly associationOf?: (streamId: string, data: unknown) => string | null;
  readonly onProgress?: (eventsRead: number) => void;
}

export interface AuditBundleManifest {
  readonly format: typeof BUNDLE_FORMAT;
  readonly createdAt: string;
  readonly build: { readonly version: string; readonly commit: string | null };
  readonly scope: { readonly association: string | null; readonly from: string | null; readonly to: string | null; readonly complete: boolean };
  readonly counts: { readonly events: number; readonly streams: number; readonly seals: number; readonly leaves: number; readonly storeEvents: number };
  readonly range: { readonly firstPosition: string | null; readonly lastPosition: string | null; readonly firstRecordedAt: string | null; readonly lastRecordedAt: string | null };
  readonly publicKey: { readonly ed25519: string; readonly keyId: string; readonly file: string };
  readonly files: Readonly<Record<string, { readonly sha256: string; readonly bytes: number }>>;
}

function line(stream: WriteStream, text: string): Promise<void> | void {
  if (!stream.write(`${text}\n`)) return new Promise((resolve) => stream.once('drain', () => resolve()));
}

function close(stream: WriteStream): Promise<void> {
  return new Promise((resolve, reject) => stream.end((error?: Error | null) => (error ? reject(error) : resolve())));
}

async function digest(path: string): Promise<{ sha256: string; bytes: number }> {
  const content = await readFile(path);
  return { sha256: createHash('sha256').update(content).digest('hex'), bytes: content.length };
}

/** Writes the bundle into `options.out`; resolves to its manifest. */
export async function exportAuditBundle(store: Pick<EventStore, 'readAll'>, seals: SealStore, options: AuditBundleOptions): Promise<AuditBundleManifest> {
  await mkdir(options.out, { recursive: true, mode: 0o700 });
  if ((await readdir(options.out)).length > 0) throw new Error(`${options.out} is not empty: an audit bundle goes into a new folder`);
  const association = options.association ?? null;
  const from = options.from ?? null;
  const to = options.to ?? null;
  const complete = association === null && from === null && to === null;
  if (association !== null && !options.associationOf) throw new Error('an association bundle needs to know which streams are the association’s');

  const records = await allSeals(seals);
  const leaves: Buffer[] = [];
  const included = new Map<string, boolean>();
  const streams = new Set<string>();
  const range = { firstPosition: null as string | null, lastPosition: null as string | null, firstRecordedAt: null as string | null, lastRecordedAt: null as string | null };
  const events = createWriteStream(join(options.out, 'events.ndjson'), { mode: 0o600 });
  let written = 0;
  const inScope = (event: RecordedEvent): boolean => {
    let member = included.get(event.streamId);
    if (member === undefined) {
      member = association === null || options.associationOf!(event.streamId, event.data) === association;
      included.set(event.streamId, member);
    }
    if (!member) return false;
    const recordedAt = Date.parse(event.metadata.recordedAt);
    return (from === null || recordedAt >= from.getTime()) && (to === null || recordedAt < to.getTime());
  };
  await walkGlobalOrder(
    store,
    (event) => {
      const index = leaves.length;
      leaves.push(leafHash(eventLeafData({ ...event, hash: event.metadata.hash })));
      if (!inScope(event)) return;
      streams.add(event.streamId);
      written++;
      range.firstPosition ??= event.position;
      range.lastPosition = event.position;
      range.firstRecordedAt ??= event.metadata.recordedAt;
      range.lastRecordedAt = event.metadata.recordedAt;
      return line(
        events,
        JSON.stringify({ leaf: index, position: event.position, streamId: event.streamId, revision: event.revision, id: event.id, type: event.type, data: event.data, metadata: event.metadata }),
      );
    },
    options.onProgress,
  );
  await close(events);

  // Seals, each with a consistency proof from the one before, and (complete bundles) the heads that changed.
  const sealLines: string[] = [];
  let previous: (typeof records)[number] | null = null;
  for (const record of records) {
    const consistency =
      previous && record.seal.treeSize <= leaves.length
        ? { from: previous.seal.sequence, proof: consistencyProof(leaves, previous.seal.treeSize, record.seal.treeSize).map((p) => p.toString('hex')) }
        : null;
    sealLines.push(JSON.stringify({ seal: record.seal, headsChanged: complete ? headsToJson(record.headsChanged) : null, consistency }));
    previous = record;
  }
  await writeFile(join(options.out, 'seals.ndjson'), sealLines.map((l) => `${l}\n`).join(''), { mode: 0o600 });

  if (!complete) {
    // Every leaf of the store, so the roots can be rebuilt without the other streams' events.
    await writeFile(join(options.out, 'leaves.txt'), leaves.map((l) => `${l.toString('hex')}\n`).join(''), { mode: 0o600 });
    // The included streams' heads at the latest seal, each with its audit path in that seal's heads tree.
    const sealedHeads = new Map<string, SealHead>();
    for (const record of records) for (const head of record.headsChanged) sealedHeads.set(head.streamId, head);
    const ordered = sortedHeads(sealedHeads.values());
    const headLeaves = ordered.map((head) => leafHash(headLeafData(head)));
    const latest = records[records.length - 1];
    const headLines = latest
      ? ordered.flatMap((head, index) =>
          included.get(head.streamId) === true
            ? [JSON.stringify({ seal: latest.seal.sequence, index, streamId: head.streamId, revision: head.revision, hash: head.hash, proof: inclusionProof(headLeaves, index).map((p) => p.toString('hex')) })]
            : [],
        )
      : [];
    await writeFile(join(options.out, 'heads.ndjson'), headLines.map((l) => `${l}\n`).join(''), { mode: 0o600 });
  }

  const keyFile = 'seal-public-key.pem';
  await writeFile(join(options.out, keyFile), publicKeyPemOf(options.key.publicKeyRaw), { mode: 0o600 });
  await writeFile(join(options.out, 'README.txt'), readme(complete), { mode: 0o600 });

  const files: Record<string, { sha256: string; bytes: number }> = {};
  for (const name of ['events.ndjson', 'seals.ndjson', ...(complete ? [] : ['leaves.txt', 'heads.ndjson']), keyFile, 'README.txt']) {
    files[name] = await digest(join(options.out, name));
  }
  const manifest: AuditBundleManifest = {
    format: BUNDLE_FORMAT,
    createdAt: options.now.toISOString(),
    build: options.build,
    scope: { association, from: from?.toISOString() ?? null, to: to?.toISOString() ?? null, complete },
    counts: { events: written, streams: streams.size, seals: records.length, leaves: complete ? 0 : leaves.length, storeEvents: leaves.length },
    range,
    publicKey: { ed25519: options.key.publicKey, keyId: keyIdOf(options.key.publicKeyRaw), file: keyFile },
    files,
  };
  const manifestText = `${JSON.stringify(manifest, null, 2)}\n`;
  await writeFile(join(options.out, 'manifest.json'), manifestText, { mode: 0o600 });
  // The manifest signed by the sealing key: the bundle as exported, whoever carried it since.
  await writeFile(join(options.out, 'manifest.sig'), `${options.key.signText(manifestText)}\n`, { mode: 0o600 });
  await chmod(options.out, 0o700).catch(() => undefined);
  return manifest;
}

function readme(complete: boolean): string {
  return `Audit bundle of the association register (${BUNDLE_FORMAT})
=====================================================

Check it with the standalone verifier, which needs Node.js 20 or later and nothing else:

    node verifier/verify.mjs <this folder>
    node verifier/verify.mjs --key <public key kept by the department> --seal <printed seal> <this folder>

Exit code 0: intact. 1: tampered (every finding is printed with its stream and revision). 64: bad command line.

Files
-----
manifest.json         counts, the scope and range, the build, and the SHA-256 of every other file.
manifest.sig          Ed25519 signature (base64) of manifest.json by the sealing key.
events.ndjson         one event per line, in the store's global order: its leaf index in the sealed tree
                      ("leaf"), position, stream id, revision, event id, type, data and metadata (with
                      prevHash and hash). Personal fields are exported as recorded: sealed envelopes
                      (AES-256-GCM ciphertext), never opened; the chain covers the ciphertext.
seals.ndjson          every seal of the store, in sequence: the signed body (root of the event tree, root of
                      the stream heads, tree size, position, time, key id), its Ed25519 signature and public
                      key, and an RFC 6962 consistency proof from the seal before.${complete ? '\n                      With each, the stream heads that changed since the seal before (unsigned; they must\n                      rebuild the heads root the latest seal signs).' : ''}
seal-public-key.pem   the public key the seals name. Compare it with the copy the department keeps: the
                      verifier trusts the key given with --key over this file.${complete ? '' : `
leaves.txt            the leaf hash (hex) of every event of the store at export, in global order: the roots
                      of the seals are rebuilt from them, and each exported event must hash to its leaf.
heads.ndjson          for each exported stream, its end (revision, hash) at the latest seal with its audit
                      path in that seal's heads tree.`}

What is checked
---------------
- every file against the manifest's digests, and the manifest's signature;
- every event: its content hash (canonical JSON of type, data and metadata without prevHash/hash) and its
  chain hash SHA-256(prevHash \\n streamId \\n revision \\n contentHash), the link to the event before, revision 0
  linking to 64 zeros;
- every seal's signature, the link between seals, the consistency proofs, and the Merkle root over the
  leaves (SHA-256, leaf = 0x00 || position \\n streamId \\n revision \\n eventId \\n hash, node = 0x01 || left || right)
  up to each seal's position;
- ${complete ? 'every stream\'s end at each seal against the heads the seal recorded: a stream deleted, cut short,\n  rewritten or extended behind a seal is named with its revisions.' : 'each exported stream\'s end at the latest seal against its head proven in the heads tree.'}
${
  complete
    ? ''
    : `
What this bundle cannot show
----------------------------
It holds ${'the streams of one association and/or the events of a date range'}. Other streams are present only as leaf
hashes: that they are intact is shown by the roots, but not what they hold. A stream that is missing from the bundle
altogether (neither exported nor named in heads.ndjson) cannot be told from a stream of another association: ask for a
complete bundle (export-audit without --association, --from or --to) to check that no stream was removed.
`
}`;
}
