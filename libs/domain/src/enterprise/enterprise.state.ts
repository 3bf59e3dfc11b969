import type {
  EnterpriseEvent,
  Ownership,
  QualificationCategory,
  QualificationGrade,
  SizeClass,
} from './enterprise.events.js';

export interface HeldQualification {
  readonly category: QualificationCategory;
  readonly specialty: string;
  readonly grade: QualificationGrade;
}

export type EnterpriseState =
  | { readonly status: 'unregistered' }
  | {
      readonly status: 'registered';
      readonly code: string;
      readonly name: string;
      readonly legalRepresentative: string;
      readonly regionCode: string;
      readonly ownership: Ownership;
      readonly sizeClass: SizeClass | null;
      /** Held qualifications by qualification key. */
      readonly qualifications: ReadonlyMap<string, HeldQualification>;
    };

export const initialEnterpriseState: EnterpriseState = { status: 'unregistered' };

export function evolveEnterprise(state: EnterpriseState, event: EnterpriseEvent): EnterpriseState {
  if (event.type === 'EnterpriseRegistered') {
    const d = event.data;
    return {
      status: 'registered',
      code: d.code,
      name: d.name,
      legalRepresentative: d.legalRepresentative,
      regionCode: d.regionCode,
      ownership: d.ownership,
      sizeClass: d.sizeClass,
      qualifications: new Map(),
    };
  }
  if (state.status !== 'registered') return state;
  switch (event.type) {
    case 'EnterpriseRenamed':
      return { ...state, name: event.data.name };
    case 'EnterpriseProfileUpdated':
      return { ...state, ...event.data.changes };
    case 'QualificationRecorded': {
      const qualifications = new Map(state.qualifications);
      const { category, specialty, grade } = event.data;
      qualifications.set(event.data.qualificationKey, { category, specialty, grade });
      return { ...state, qualifications };
    }
    case 'QualificationWithdrawn': {
      const qualifications = new Map(state.qualifications);
      qualifications.delete(event.data.qualificationKey);
      return { ...state, qualifications };
    }
    case 'EnterpriseSizeClassSet':
      return { ...state, sizeClass: event.data.sizeClass };
  }
}
