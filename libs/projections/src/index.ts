export type { Projection } from './projection.js';

export { createReadModelDataSource, preparedQuery, READ_MODEL_MIGRATIONS_TABLE } from './data-source.js';
export type { EntityClass, MigrationClass, ReadModelDataSourceOptions } from './data-source.js';
export { readModelMigrations } from './migrations/index.js';
export { CreateProjectionCheckpoints1795219200000 } from './migrations/index.js';
export { readModelEntities, ProjectionCheckpoint, CHECKPOINT_STATUSES } from './read-models/index.js';
export type { CheckpointStatus } from './read-models/index.js';

export { ProjectionRunner } from './runner/projection-runner.js';
export type { ProjectionRunnerOptions, ProjectionStatus } from './runner/projection-runner.js';
export { CheckpointMismatchError } from './runner/projection-worker.js';
export type { CheckpointAdvanced, ProjectionFailure, WorkerRole } from './runner/projection-worker.js';
export { CheckpointWaiter } from './runner/checkpoint-waiter.js';
export type { CheckpointWaiterOptions } from './runner/checkpoint-waiter.js';
export { CHECKPOINT_CHANNEL, loadCheckpoint, loadCheckpoints } from './runner/checkpoints.js';
export type { CheckpointNotice, StoredCheckpoint } from './runner/checkpoints.js';
export {
  rebuildProjection,
  rebuildProjections,
  shadowSchemaName,
  RebuildAbortedError,
  RebuildRefusedError,
} from './runner/rebuild.js';
export type { RebuildOptions, RebuildProgress, RebuildProjectionsOptions, RebuildResult } from './runner/rebuild.js';
export { createProgressRenderer, formatProgress } from './runner/progress.js';
export type { ProgressRenderer, ProgressRendererOptions, ProgressStream } from './runner/progress.js';
export { silentLogger } from './runner/logger.js';
export type { ProjectionLogger } from './runner/logger.js';

export { registerEntities, registerMigrations, registerProjections, registerQueries } from './registry.js';
export { auditTrailProjection } from './audit/audit.projection.js';
export { AuditQueries } from './audit/audit.queries.js';
export type { AuditEventView, AuditTrailEntryView, AuditTrailFilter } from './audit/audit.queries.js';
export { enterpriseProjection } from './enterprise/enterprise.projection.js';
export { duesProjection } from './dues/dues.projection.js';
export { membershipProjection } from './membership/membership.projection.js';
export { creditProjection, CREDIT_RATING_AS_OF_SQL } from './credit/credit.projection.js';
export { EnterpriseQueries, enterpriseNameAsOfSql } from './enterprise/enterprise.queries.js';
export type { EnterpriseFilterView, EnterpriseLoaders, EnterpriseNameView, EnterpriseView, QualificationView } from './enterprise/enterprise.queries.js';
export { decodeCursor, encodeCursor, toPage } from './read-models/page.js';
export type { Page } from './read-models/page.js';
export { MEMBERSHIP_AS_OF_SQL, MembershipQueries } from './membership/membership.queries.js';
export type {
  AssociationView,
  CouncilElectionView,
  CouncilTermView,
  ElectionCandidateJson,
  MemberDirectoryFilterView,
  MemberFactView,
  MembershipAsOfView,
  MembershipFactView,
  MembershipHistoryView,
  MembershipLoaders,
  MembershipView,
} from './membership/membership.queries.js';
export { DuesQueries } from './dues/dues.queries.js';
export { CreditQueries } from './credit/credit.queries.js';
export { RATING_CHANGE_EVENT_TYPES, RATING_CHANGE_KINDS, RATING_CHANGES_PROJECTION, ratingChangesProjection } from './credit/rating-changes.projection.js';
export type { RatingChangeKind } from './credit/rating-changes.projection.js';
export {
  MAX_RATING_CHANGE_CODES,
  MAX_RATING_CHANGE_PAGE,
  positionOfRatingChangeCursor,
  ratingChangeCodes,
  ratingChangeCursor,
  RatingChangeQueries,
} from './credit/rating-changes.queries.js';
export type { RatingChangeFilter, RatingChangePage, RatingChangeView } from './credit/rating-changes.queries.js';
export { ReadModelDatabaseQueries } from './read-models/read-model-database.queries.js';
export type {
  CreditApplicationView,
  CreditConductRecordView,
  CreditCycleKey,
  CreditCycleView,
  CreditExplanationView,
  CreditGradeCountView,
  CreditGradeRecomputationView,
  CreditHistoryStepView,
  CreditIndicatorScoreView,
  CreditRatingStatusCountView,
  CreditRatingView,
  CreditRulebookView,
  CreditScorerView,
  CreditSubjectLookupView,
} from './credit/credit.queries.js';

export { personsProjection, PERSONS_PROJECTION, PERSONS_READS } from './persons/persons.projection.js';
export { PersonsQueries } from './persons/persons.queries.js';
export type { ErasureRequestView, PendingErasureView, PersonView } from './persons/persons.queries.js';

export { expertsProjection, EXPERTS_PROJECTION, EXPERTS_READS } from './experts/experts.projection.js';
export { ExpertQueries } from './experts/experts.queries.js';
export type { ExpertConflictView, ExpertHistoryEntryView, ExpertListFilter, ExpertView, PoolConflict, PoolSnapshotEntry } from './experts/experts.queries.js';
export { rankingsProjection, rankingsTableSpecs } from './rankings/rankings.projection.js';
export { RankingsQueries } from './rankings/rankings.queries.js';
export type {
  RankingEditionView,
  RankingEntryView,
  RankingExplanationView,
  RankingFigureView,
  RankingHistoryEntryView,
  RankingMethodologyView,
  RankingObjectionView,
  RankingResultView,
} from './rankings/rankings.queries.js';
export { awardsProjection, awardsTableSpecs, AWARDS_PROJECTION, AWARDS_READS } from './awards/awards.projection.js';
export type { AwardRoundRow } from './awards/awards.projection.js';
export { AwardQueries } from './awards/awards.queries.js';
export type {
  AwardEditionView,
  AwardEntryView,
  AwardHistoryEntryView,
  AwardPanelDrawView,
  AwardPanelMemberView,
  AwardRankingView,
  AwardResultListView,
  AwardRevocationView,
  AwardVoteView,
} from './awards/awards.queries.js';
