import { isIsoDate } from '../shared/index.js';
import { type AssociationState, councilTermOn } from './association.state.js';
import type { ChangeTier } from './membership-reservations.decide.js';

/**
 * The council term a tier change falls in, from the association's record of terms: the term whose dates include the
 * change's effective date, or the decision's date when the change names none. Null when no term covers that date or
 * it is not a date (the membership decider reports the field); a change to president is then refused.
 */
export function councilTermOfTierChange(association: AssociationState, change: Pick<ChangeTier, 'effectiveFrom' | 'decision'>): number | null {
  const decidedOn = (change.decision as { decidedOn?: unknown } | null)?.decidedOn;
  const date = change.effectiveFrom ?? (typeof decidedOn === 'string' ? decidedOn : '');
  return isIsoDate(date) ? (councilTermOn(association, date)?.termNumber ?? null) : null;
}
