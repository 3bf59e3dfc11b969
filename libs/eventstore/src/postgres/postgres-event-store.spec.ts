import { describeEventStoreContract } from '../contract/event-store.contract.js';
import { createTestDatabase } from '../../../testing/src/postgres.js';
import { PostgresEventStore } from './postgres-event-store.js';

describeEventStoreContract('postgres', async () => {
  const database = await createTestDatabase('es_contract');
  const store = new PostgresEventStore(database.url);
  await store.ensureSchema();
  return {
    store,
    async teardown() {
      await store.close();
      await database.drop();
    },
  };
});
