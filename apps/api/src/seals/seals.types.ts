import { Field, GraphQLISODateTime, Int, ObjectType } from '@nestjs/graphql';
import { ConnectionType } from '../graphql/connection.js';

@ObjectType({
  description:
    'A signed seal of the event log (docs/audit.md): the RFC 6962 Merkle root of the global order up to a position and the root of the stream heads there, signed with Ed25519 by a key the database does not hold. Keep the root and signature outside the register; verifier/verify.mjs checks a bundle against them.',
})
export class AuditSeal {
  @Field(() => Int, { description: '1 for the first seal, then one more each time.' })
  sequence: number;

  @Field(() => Int, { description: 'Events of the global order the seal covers (leaves of the tree).' })
  treeSize: number;

  @Field(() => String, { nullable: true, description: 'Opaque position of the last event covered; null when none.' })
  position: string | null;

  @Field({ description: 'Merkle tree head over the events (SHA-256, hex).' })
  rootHash: string;

  @Field({ description: 'Merkle tree head over the stream heads, sorted by stream id (hex).' })
  headsRoot: string;

  @Field(() => Int)
  headsCount: number;

  @Field(() => String, { nullable: true, description: "The previous seal's root; null for the first." })
  previousRootHash: string | null;

  @Field(() => GraphQLISODateTime)
  sealedAt: Date;

  @Field({ description: 'SHA-256 (hex) of the public key.' })
  keyId: string;

  @Field({ description: 'The Ed25519 public key (32 bytes, base64).' })
  publicKey: string;

  @Field({ description: "Ed25519 signature (base64) of the seal's canonical JSON (format, sequence, treeSize, position, rootHash, headsRoot, headsCount, previousRootHash, sealedAt, keyId)." })
  signature: string;

  @Field({ description: 'The signed format, register-seal/1.' })
  format: string;
}

export const AuditSealConnection = ConnectionType(AuditSeal, 'AuditSeal');
