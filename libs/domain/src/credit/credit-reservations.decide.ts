import type { MultiStreamDecider } from '../shared/index.js';
import type { CreditApplicationFacts, IssueCreditRating, OpenCreditCycle } from './credit.commands.js';
import { creditApplicationDecider } from './credit-application.decide.js';
import { parseCreditApplication } from './credit-application.parse.js';
import { creditCertificateDecider } from './credit-certificate.decide.js';
import { creditCycleDecider, parseCreditCycle } from './credit-cycle.decide.js';
import { creditRulebookDecider } from './credit-rulebook.decide.js';
import { CREDIT_CERTIFICATE_NUMBER } from './credit.fields.js';
import { creditApplicationStreamId, creditCertificateStreamId, creditCycleStreamId, creditRulebookStreamId } from './credit.events.js';
import type { CreditApplicationState, CreditCertificateState, CreditCycleState, CreditRulebookState } from './credit.state.js';

/*
 * Credit decisions that need a reservation in another stream, each one atomic append (ADR 0012): a rating and its
 * certificate number, a cycle and the pin on the rulebook version it runs under. A refused decision reserves nothing.
 */

export interface RatingIssueStreams extends Record<string, unknown> {
  readonly application: CreditApplicationState;
  readonly certificate: CreditCertificateState;
}

/** Issues a rating and reserves its certificate number in the association (one number, one subject). */
export function issueCreditRatingDecider(facts: CreditApplicationFacts): MultiStreamDecider<IssueCreditRating, RatingIssueStreams> {
  const application = creditApplicationDecider(facts);
  return {
    parse: (command) => parseCreditApplication(command, facts),
    streams: (command) => ({
      application: { streamId: creditApplicationStreamId(command.associationId, command.cycleId, command.subjectId), evolver: application },
      // A number that breaks the rule names a stream only read: the rating is refused with the field error.
      certificate: {
        streamId: creditCertificateStreamId(command.associationId, CREDIT_CERTIFICATE_NUMBER.test(command.certificateNumber) ? command.certificateNumber : '?'),
        evolver: creditCertificateDecider,
      },
    }),
    decide(command, states, context) {
      const issued = application.decide(command, states.application, context);
      const certificate = issued.flatMap((event) =>
        event.type === 'CreditRatingIssued'
          ? creditCertificateDecider.decide(
              {
                type: 'ReserveCreditCertificate',
                associationId: event.data.associationId,
                certificateNumber: event.data.certificateNumber,
                cycleId: event.data.cycleId,
                subjectId: event.data.subjectId,
              },
              states.certificate,
              context,
            )
          : [],
      );
      return { application: issued, certificate };
    },
  };
}

export interface CycleOpeningStreams extends Record<string, unknown> {
  readonly cycle: CreditCycleState;
  readonly rulebook: CreditRulebookState;
}

/**
 * Opens a cycle on a rulebook version and pins the version on the rulebook's stream, so it can no longer be amended
 * (CREDIT_RULEBOOK_VERSION_IN_USE); the version is read from that stream and copied whole into the cycle.
 */
export const openCreditCycleDecider: MultiStreamDecider<OpenCreditCycle, CycleOpeningStreams> = {
  parse: parseCreditCycle,
  streams: (command) => ({
    cycle: { streamId: creditCycleStreamId(command.associationId, command.cycleId), evolver: creditCycleDecider() },
    rulebook: { streamId: creditRulebookStreamId(command.associationId, command.rulebookId), evolver: creditRulebookDecider },
  }),
  decide(command, states, context) {
    const rulebook = states.rulebook.versions.find((v) => v.rulebook.version === command.rulebookVersion)?.rulebook ?? null;
    const opened = creditCycleDecider({ rulebook }).decide(command, states.cycle, context);
    const pinned = opened.length
      ? creditRulebookDecider.decide(
          { type: 'PinCreditRulebookVersion', associationId: command.associationId, rulebookId: command.rulebookId, version: command.rulebookVersion, cycleId: command.cycleId },
          states.rulebook,
          context,
        )
      : [];
    return { cycle: opened, rulebook: pinned };
  },
};
