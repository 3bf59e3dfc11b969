/**
 * Every stream kind of the register, with the event types its streams hold. Used where the whole store is looked
 * at (start-up checks of a data folder, verification): an id that parses as no kind, or an event whose type its
 * stream's kind does not hold, is a broken invariant. A new kind is added here with its decider.
 */
import {
  CREDIT_APPLICATION_EVENT_TYPES,
  CREDIT_CERTIFICATE_EVENT_TYPES,
  CREDIT_CONDUCT_EVENT_TYPES,
  CREDIT_CYCLE_EVENT_TYPES,
  CREDIT_RULEBOOK_EVENT_TYPES,
  CreditApplicationStream,
  CreditCertificateStream,
  CreditConductStream,
  CreditCycleStream,
  CreditRulebookStream,
} from '../credit/index.js';
import {
  DUES_ACCOUNT_EVENT_TYPES,
  DuesAccountStream,
  FEE_SCHEDULE_EVENT_TYPES,
  FeeScheduleStream,
  RECEIPT_EVENT_TYPES,
  ReceiptStream,
  WAIVER_POLICY_EVENT_TYPES,
  WaiverPolicyStream,
} from '../dues/index.js';
import { ENTERPRISE_EVENT_TYPES, EnterpriseStream } from '../enterprise/index.js';
import {
  ASSOCIATION_EVENT_TYPES,
  AssociationStream,
  CERTIFICATE_EVENT_TYPES,
  CertificateStream,
  COUNCIL_TERM_EVENT_TYPES,
  CouncilTermStream,
  MEMBERSHIP_EVENT_TYPES,
  MembershipStream,
} from '../membership/index.js';
import { PERSON_EVENT_TYPES, PERSON_IDENTITY_EVENT_TYPES, PersonIdentityStream, PersonStream } from '../persons/persons.events.js';
import { EXPERT_EVENT_TYPES, ExpertStream } from '../experts/experts.events.js';
import { type StreamKind, streamCategory, type StreamPart } from '../shared/index.js';
import {
  AWARD_CERTIFICATE_EVENT_TYPES,
  AWARD_CHANNEL_EVENT_TYPES,
  AWARD_EDITION_EVENT_TYPES,
  AWARD_ENTRY_EVENT_TYPES,
  AWARD_RULEBOOK_EVENT_TYPES,
  AWARD_SUBJECT_EVENT_TYPES,
  AwardCertificateStream,
  AwardChannelStream,
  AwardEditionStream,
  AwardEntryStream,
  AwardRulebookStream,
  AwardSubjectStream,
} from '../awards/awards.events.js';

export interface RegisteredStreamKind {
  readonly kind: StreamKind<readonly StreamPart[]>;
  readonly eventTypes: readonly string[];
}

const kind = (k: StreamKind<never>, eventTypes: readonly string[]): RegisteredStreamKind => ({
  kind: k as unknown as StreamKind<readonly StreamPart[]>,
  eventTypes,
});

export const STREAM_KINDS: readonly RegisteredStreamKind[] = [
  kind(EnterpriseStream, ENTERPRISE_EVENT_TYPES),
  kind(AssociationStream, ASSOCIATION_EVENT_TYPES),
  kind(MembershipStream, MEMBERSHIP_EVENT_TYPES),
  kind(CertificateStream, CERTIFICATE_EVENT_TYPES),
  kind(CouncilTermStream, COUNCIL_TERM_EVENT_TYPES),
  kind(FeeScheduleStream, FEE_SCHEDULE_EVENT_TYPES),
  kind(DuesAccountStream, DUES_ACCOUNT_EVENT_TYPES),
  kind(ReceiptStream, RECEIPT_EVENT_TYPES),
  kind(WaiverPolicyStream, WAIVER_POLICY_EVENT_TYPES),
  kind(CreditRulebookStream, CREDIT_RULEBOOK_EVENT_TYPES),
  kind(CreditCycleStream, CREDIT_CYCLE_EVENT_TYPES),
  kind(CreditApplicationStream, CREDIT_APPLICATION_EVENT_TYPES),
  kind(CreditCertificateStream, CREDIT_CERTIFICATE_EVENT_TYPES),
  kind(CreditConductStream, CREDIT_CONDUCT_EVENT_TYPES),
  kind(PersonStream, PERSON_EVENT_TYPES),
  kind(PersonIdentityStream, PERSON_IDENTITY_EVENT_TYPES),
  kind(ExpertStream, EXPERT_EVENT_TYPES),
  kind(AwardRulebookStream, AWARD_RULEBOOK_EVENT_TYPES),
  kind(AwardEditionStream, AWARD_EDITION_EVENT_TYPES),
  kind(AwardEntryStream, AWARD_ENTRY_EVENT_TYPES),
  kind(AwardSubjectStream, AWARD_SUBJECT_EVENT_TYPES),
  kind(AwardChannelStream, AWARD_CHANNEL_EVENT_TYPES),
  kind(AwardCertificateStream, AWARD_CERTIFICATE_EVENT_TYPES),
];

const BY_CATEGORY = new Map(STREAM_KINDS.map((k) => [k.kind.category, k]));

/** Why a stored event does not belong where it is, or null when it does. */
export type StreamMisfit =
  | { readonly reason: 'unknown_stream_kind'; readonly message: string }
  | { readonly reason: 'foreign_event_type'; readonly message: string };

/** Checks that a stream id is of a known kind and that the kind's streams hold events of this type. */
export function misfitOf(streamId: string, eventType: string): StreamMisfit | null {
  const category = streamCategory(streamId);
  const registered = category === null ? undefined : BY_CATEGORY.get(category);
  if (!registered || registered.kind.parse(streamId) === null) {
    return {
      reason: 'unknown_stream_kind',
      message: `${streamId} is not the id of any stream kind of this register`,
    };
  }
  if (!registered.eventTypes.includes(eventType)) {
    return {
      reason: 'foreign_event_type',
      message: `${streamId} is a ${registered.kind.category} stream, which holds ${registered.eventTypes.join(', ')}, not ${eventType}`,
    };
  }
  return null;
}
