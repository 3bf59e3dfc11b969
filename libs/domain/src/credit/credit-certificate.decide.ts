import { type Decider, RuleViolation } from '../shared/index.js';
import type { ReserveCreditCertificate } from './credit.commands.js';
import { CreditRules } from './credit.errors.js';
import { CREDIT_CERTIFICATE_EVENT_TYPES, type CreditCertificateReserved } from './credit.events.js';
import { type CreditCertificateState, evolveCreditCertificate, initialCreditCertificateState } from './credit.state.js';

// A certificate number stream: reserved once, for one subject (ADR 0012).

export const creditCertificateDecider: Decider<ReserveCreditCertificate, CreditCertificateReserved, CreditCertificateState> = {
  initialState: initialCreditCertificateState,
  eventTypes: CREDIT_CERTIFICATE_EVENT_TYPES,
  evolve: evolveCreditCertificate,
  decide(command, state) {
    if (state.status === 'claimed') {
      // The subject's own number again is the same reservation: nothing to write.
      if (state.holder === command.subjectId) return [];
      throw new RuleViolation(CreditRules.certificateTaken, `Certificate number ${command.certificateNumber} is already issued to ${state.holder}.`, {
        certificateNumber: command.certificateNumber,
      });
    }
    const { associationId, certificateNumber, cycleId, subjectId } = command;
    return [{ type: 'CreditCertificateReserved', data: { associationId, certificateNumber, cycleId, subjectId } }];
  },
};
