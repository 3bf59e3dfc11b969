import { CreditEvaluation1795219800000 } from './credit/1795219800000-credit-evaluation.migration.js';
import { CreditConductAssociation1795219850000 } from './credit/1795219850000-credit-conduct-association.migration.js';
import { CreditExpiryIndex1795219860000 } from './credit/1795219860000-credit-expiry-index.migration.js';
import { creditProjection } from './credit/credit.projection.js';
import { CreditQueries } from './credit/credit.queries.js';
import { RatingChanges1795220100000 } from './credit/1795220100000-rating-changes.migration.js';
import { ratingChangesProjection } from './credit/rating-changes.projection.js';
import { RatingChangeQueries } from './credit/rating-changes.queries.js';
import { DuesAccounts1795219700000 } from './dues/1795219700000-dues-accounts.migration.js';
import { DuesWaiverAuthority1795219710000 } from './dues/1795219710000-dues-waiver-authority.migration.js';
import { duesProjection } from './dues/dues.projection.js';
import { DuesQueries } from './dues/dues.queries.js';
import { auditTrailProjection } from './audit/audit.projection.js';
import { AuditQueries } from './audit/audit.queries.js';
import { AuditTrail1795219300000 } from './audit/1795219300000-audit-trail.migration.js';
import { AuditPersonIndex1795219950000 } from './audit/1795219950000-audit-person-index.migration.js';
import { AuditTrailQueries1795220250000 } from './audit/1795220250000-audit-trail-queries.migration.js';
import { EnterpriseRegister1795219400000 } from './enterprise/1795219400000-enterprise-register.migration.js';
import { enterpriseProjection } from './enterprise/enterprise.projection.js';
import { EnterpriseQueries } from './enterprise/enterprise.queries.js';
import { MembershipRegister1795219600000 } from './membership/1795219600000-membership-register.migration.js';
import { membershipProjection } from './membership/membership.projection.js';
import { MembershipQueries } from './membership/membership.queries.js';
import { PersonsRegister1795219900000 } from './persons/1795219900000-persons-register.migration.js';
import { personsProjection } from './persons/persons.projection.js';
import { PersonsQueries } from './persons/persons.queries.js';
import type { EntityClass, MigrationClass } from './data-source.js';
import { ExpertPool1795220310000 } from './experts/1795220310000-expert-pool.migration.js';
import { expertsProjection } from './experts/experts.projection.js';
import { ExpertQueries } from './experts/experts.queries.js';
import { Awards1795220400000 } from './awards/1795220400000-awards.migration.js';
import { AwardObjectionsRulebooks1795220440000 } from './awards/1795220440000-award-objections-rulebooks.migration.js';
import { awardsProjection } from './awards/awards.projection.js';
import { AwardQueries } from './awards/awards.queries.js';
import { readModelMigrations } from './migrations/index.js';
import type { Projection } from './projection.js';
import { readModelEntities } from './read-models/index.js';
import { ReadModelDatabaseQueries } from './read-models/read-model-database.queries.js';
import { Rankings1795220410000 } from './rankings/1795220410000-rankings.migration.js';
import { rankingsProjection } from './rankings/rankings.projection.js';
import { RankingsQueries } from './rankings/rankings.queries.js';

/**
 * The register's read models in one place: every projection the runner runs, every entity the API reads,
 * every migration `migrate` applies. A new bounded context adds its three lines here.
 */
export const registerProjections: readonly Projection[] = [
  auditTrailProjection,
  enterpriseProjection,
  membershipProjection,
  duesProjection,
  creditProjection,
  personsProjection,
  ratingChangesProjection,
  expertsProjection,
  rankingsProjection,
  awardsProjection,
];

/**
 * TypeORM entities: only the runner's checkpoint. A context's tables are described once, by the `TableSpec`s of its
 * projection (checked against the migrations), and read through its query classes (ADR 0004).
 */
export const registerEntities: readonly EntityClass[] = [...readModelEntities];

/**
 * The query classes over those read models (one per context, each taking the read-model DataSource), for a
 * Nest module's providers or to construct directly.
 */
export const registerQueries = [AuditQueries, EnterpriseQueries, MembershipQueries, DuesQueries, CreditQueries, PersonsQueries, ReadModelDatabaseQueries, RatingChangeQueries, ExpertQueries, RankingsQueries, AwardQueries] as const;

export const registerMigrations: readonly MigrationClass[] = [
  ...readModelMigrations,
  AuditTrail1795219300000,
  EnterpriseRegister1795219400000,
  MembershipRegister1795219600000,
  DuesAccounts1795219700000,
  DuesWaiverAuthority1795219710000,
  CreditEvaluation1795219800000,
  CreditConductAssociation1795219850000,
  CreditExpiryIndex1795219860000,
  PersonsRegister1795219900000,
  AuditPersonIndex1795219950000,
  RatingChanges1795220100000,
  AuditTrailQueries1795220250000,
  ExpertPool1795220310000,
  Rankings1795220410000,
  Awards1795220400000,
  AwardObjectionsRulebooks1795220440000,
];
