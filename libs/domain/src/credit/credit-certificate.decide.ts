import { type Decider, RuleViolation } from '../shared/index.js';
import type { ReserveCreditCertificate } from './credit.commands.js';
import { CreditRules } from './credit.errors.js';
import { CREDIT_CERTIFICATE_EVENT_TYPES, type CreditCertificateReserved } from './credit.events.js';
import { type CreditCertificateState } from './credit.state.js';

// A certificate number stream: reserved once, for one subject (ADR 0012).

export const creditCertificateDecider: Decider<ReserveCreditCertificate, CreditCertificateReserved, CreditCertificateState> = {
  initialState: { holder: null },
  eventTypes: CREDIT_CERTIFICATE_EVENT_TYPES,
  evolve: (_state, event) => ({ holder: event.data.subjectId }),
  decide(command, state) {
    if (state.holder === command.subjectId) return [];
    if (state.holder !== null) {
      throw new RuleViolation(CreditRules.certificateTaken, `Certificate number ${command.certificateNumber} is already issued to ${state.holder}.`, {
        certificateNumber: command.certificateNumber,
      });
    }
    const { associationId, certificateNumber, cycleId, subjectId } = command;
    return [{ type: 'CreditCertificateReserved', data: { associationId, certificateNumber, cycleId, subjectId } }];
  },
};
