import { Module } from '@nestjs/common';
import { AuditQueries } from '#projections';
import { PersonalDataExport } from './personal-data-export.js';

/** A person's own access to their data (PIPL Art. 45): the export an auditor runs for them. */
@Module({
  providers: [PersonalDataExport, AuditQueries],
  exports: [PersonalDataExport],
})
export class PrivacyModule {}
