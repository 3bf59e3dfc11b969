import { type Decider, type MultiStreamDecider, RuleViolation } from '../shared/index.js';
import { awardEntryDecider, parseAwardEntryCommand } from './award-entry.decide.js';
import type { AwardEntryFacts, EnterAwardSubject, GrantAward, ReserveAwardCertificate, SubmitAwardEntry, TakeAwardChannelSlot } from './awards.commands.js';
import { AwardsRules } from './awards.errors.js';
import {
  AWARD_CERTIFICATE_EVENT_TYPES,
  AWARD_CHANNEL_EVENT_TYPES,
  AWARD_SUBJECT_EVENT_TYPES,
  type AwardCertificateReserved,
  type AwardChannelSlotTaken,
  type AwardSubjectEntered,
  awardCertificateStreamId,
  awardChannelStreamId,
  awardEntryStreamId,
  awardSubjectStreamId,
} from './awards.events.js';
import { AWARD_CERTIFICATE_NUMBER, CODE } from './awards.fields.js';
import {
  type AwardCertificateState,
  type AwardChannelState,
  type AwardEntryState,
  type AwardSubjectState,
  evolveAwardCertificate,
  evolveAwardChannel,
  evolveAwardSubject,
  initialAwardCertificateState,
  initialAwardChannelState,
  initialAwardSubjectState,
} from './awards.state.js';

/*
 * Awards decisions that need a reservation in another stream, each one atomic append (ADR 0012): an entry takes its
 * subject's one place in the edition (one channel per subject) and a slot of its channel's quota; an award takes its
 * certificate number. A refused decision reserves nothing.
 */

/** A subject enters an edition once: a second entry, through whatever channel, is refused. */
export const awardSubjectDecider: Decider<EnterAwardSubject, AwardSubjectEntered, AwardSubjectState> = {
  initialState: initialAwardSubjectState,
  eventTypes: AWARD_SUBJECT_EVENT_TYPES,
  evolve: evolveAwardSubject,
  decide(command, state) {
    if (state.entered) {
      if (state.entered.entryId === command.entryId && state.entered.channel === command.channel) return [];
      throw new RuleViolation(
        AwardsRules.secondChannel,
        `${command.subjectId} is already entered in edition ${command.editionId} (entry ${state.entered.entryId}, channel ${state.entered.channel}): one entry, through one channel.`,
        { entryId: state.entered.entryId, channel: state.entered.channel },
      );
    }
    const { associationId, editionId, subjectId, entryId, channel } = command;
    return [{ type: 'AwardSubjectEntered', data: { associationId, editionId, subjectId, entryId, channel } }];
  },
};

/** A channel puts forward at most its quota of entries. */
export const awardChannelDecider: Decider<TakeAwardChannelSlot, AwardChannelSlotTaken, AwardChannelState> = {
  initialState: initialAwardChannelState,
  eventTypes: AWARD_CHANNEL_EVENT_TYPES,
  evolve: evolveAwardChannel,
  decide(command, state) {
    if (state.entries.includes(command.entryId)) return [];
    if (state.entries.length >= command.quota) {
      throw new RuleViolation(AwardsRules.quotaExceeded, `Channel ${command.channel} has put forward its quota of ${command.quota} entries in edition ${command.editionId}.`, {
        channel: command.channel,
        quota: command.quota,
      });
    }
    const { associationId, editionId, channel, entryId, quota } = command;
    return [{ type: 'AwardChannelSlotTaken', data: { associationId, editionId, channel, entryId, slot: state.entries.length + 1, quota } }];
  },
};

/** A certificate number is reserved once, for one award. */
export const awardCertificateDecider: Decider<ReserveAwardCertificate, AwardCertificateReserved, AwardCertificateState> = {
  initialState: initialAwardCertificateState,
  eventTypes: AWARD_CERTIFICATE_EVENT_TYPES,
  evolve: evolveAwardCertificate,
  decide(command, state) {
    if (state.reserved) {
      if (state.reserved.editionId === command.editionId && state.reserved.entryId === command.entryId) return [];
      throw new RuleViolation(AwardsRules.certificateTaken, `Certificate number ${command.certificateNumber} is already issued (${state.reserved.editionId}/${state.reserved.entryId}).`, {
        certificateNumber: command.certificateNumber,
      });
    }
    const { associationId, certificateNumber, editionId, entryId } = command;
    return [{ type: 'AwardCertificateReserved', data: { associationId, certificateNumber, editionId, entryId } }];
  },
};

export interface EntrySubmissionStreams extends Record<string, unknown> {
  readonly entry: AwardEntryState;
  readonly subject: AwardSubjectState;
  readonly channel: AwardChannelState;
}

/** Submits an entry, claiming its subject's place in the edition and a slot of the channel's quota, atomically. */
export function submitAwardEntryDecider(facts: AwardEntryFacts): MultiStreamDecider<SubmitAwardEntry, EntrySubmissionStreams> {
  const entry = awardEntryDecider(facts);
  return {
    parse: (command) => parseAwardEntryCommand(command) as SubmitAwardEntry,
    streams: (command) => ({
      entry: { streamId: awardEntryStreamId(command.associationId, command.editionId, command.entryId), evolver: entry },
      subject: { streamId: awardSubjectStreamId(command.associationId, command.editionId, command.subjectId), evolver: awardSubjectDecider },
      channel: { streamId: awardChannelStreamId(command.associationId, command.editionId, CODE.test(command.channel) ? command.channel : '?'), evolver: awardChannelDecider },
    }),
    decide(command, states, context) {
      const submitted = entry.decide(command, states.entry, context);
      const quota = facts.edition?.opened?.rulebook.channels.find((c) => c.code === command.channel)?.quota ?? 0;
      const k = { associationId: command.associationId, editionId: command.editionId, entryId: command.entryId, channel: command.channel };
      const subject = submitted.length ? awardSubjectDecider.decide({ type: 'EnterAwardSubject', ...k, subjectId: command.subjectId }, states.subject, context) : [];
      const channel = submitted.length ? awardChannelDecider.decide({ type: 'TakeAwardChannelSlot', ...k, quota }, states.channel, context) : [];
      return { entry: submitted, subject, channel };
    },
  };
}

export interface AwardGrantStreams extends Record<string, unknown> {
  readonly entry: AwardEntryState;
  readonly certificate: AwardCertificateState;
}

/** Grants an award and reserves its certificate number in the association (one number, one award). */
export function grantAwardDecider(facts: AwardEntryFacts): MultiStreamDecider<GrantAward, AwardGrantStreams> {
  const entry = awardEntryDecider(facts);
  return {
    parse: (command) => parseAwardEntryCommand(command) as GrantAward,
    streams: (command) => ({
      entry: { streamId: awardEntryStreamId(command.associationId, command.editionId, command.entryId), evolver: entry },
      // A number that breaks the rule names a stream only read: the award is refused with the field error.
      certificate: {
        streamId: awardCertificateStreamId(command.associationId, AWARD_CERTIFICATE_NUMBER.test(command.certificateNumber) ? command.certificateNumber : '?'),
        evolver: awardCertificateDecider,
      },
    }),
    decide(command, states, context) {
      const granted = entry.decide(command, states.entry, context);
      const certificate = granted.flatMap((event) =>
        event.type === 'AwardGranted'
          ? awardCertificateDecider.decide(
              { type: 'ReserveAwardCertificate', associationId: command.associationId, certificateNumber: command.certificateNumber, editionId: command.editionId, entryId: command.entryId },
              states.certificate,
              context,
            )
          : [],
      );
      return { entry: granted, certificate };
    },
  };
}
