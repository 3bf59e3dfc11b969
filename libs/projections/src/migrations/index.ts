import type { MigrationClass } from '../data-source.js';
import { CreateProjectionCheckpoints1795219200000 } from './1795219200000-create-projection-checkpoints.js';
import { RegisterStoreFormat1795219250000 } from './1795219250000-register-store-format.js';

export { CreateProjectionCheckpoints1795219200000 } from './1795219200000-create-projection-checkpoints.js';
export { RegisterStoreFormat1795219250000 } from './1795219250000-register-store-format.js';

/**
 * Every read-model migration, for `createReadModelDataSource`. Each context appends its migration classes
 * (named `<Description><JavaScript timestamp>`; TypeORM orders them by that timestamp, not by this array).
 * The checkpoint table comes first, then the store-format record.
 */
export const readModelMigrations: MigrationClass[] = [CreateProjectionCheckpoints1795219200000, RegisterStoreFormat1795219250000];
