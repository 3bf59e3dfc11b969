import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** Reads of the read-model database itself, for health checks. */
@Injectable()
export class ReadModelDatabaseQueries {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  /** Resolves once the database answers a statement; rejects with the driver's error otherwise. */
  async ping(): Promise<void> {
    await this.dataSource.query('SELECT 1');
  }
}
