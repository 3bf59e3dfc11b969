import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { SERVICE_RUNTIME, type ServiceRuntime } from '#platform';
import { PersonsQueries } from '#projections';

/** The reason recorded with a key destroyed at start (the erasure's own request id is on the event). */
export const RECONCILED_ERASURE = 'erasure-reconciled-at-start';

/**
 * At every start, destroys the data keys of the persons the read model shows erased: a process that stopped between
 * an erasure's append and the key's destruction leaves no key behind. Logs how many, never which persons.
 */
@Injectable()
export class PersonKeyReconciler implements OnApplicationBootstrap {
  constructor(
    @Inject(SERVICE_RUNTIME) private readonly runtime: ServiceRuntime,
    private readonly persons: PersonsQueries,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const logger = this.runtime.logger.child({ component: 'person-key-reconciler' });
    try {
      const destroyed = await this.reconcile();
      if (destroyed > 0) logger.warn({ destroyed }, 'destroyed the data keys of erased persons that outlived their erasure');
      else logger.debug('no data key outlived an erasure');
    } catch (error) {
      // A start during a database outage still starts; the next start tries again.
      logger.error({ err: error }, 'could not check erased persons for data keys left behind; will try again at the next start');
    }
  }

  /** How many keys this call destroyed. */
  async reconcile(): Promise<number> {
    const erased = await this.persons.erasedPersonIds();
    return erased.length === 0 ? 0 : this.runtime.personalData.destroyEach(erased, RECONCILED_ERASURE);
  }
}
