import type { EntityClass } from '../data-source.js';
import { ProjectionCheckpoint } from './projection-checkpoint.entity.js';

export { CHECKPOINT_STATUSES, ProjectionCheckpoint } from './projection-checkpoint.entity.js';
export type { CheckpointStatus } from './projection-checkpoint.entity.js';

/**
 * Every read-model entity, for `createReadModelDataSource`. Each context appends its entity classes here
 * (explicit classes, never globs).
 */
export const readModelEntities: EntityClass[] = [ProjectionCheckpoint];
