import { Args, Query, Resolver } from '@nestjs/graphql';
import { PersonalDataExport, type ExportedValue, type PersonalDataExportResult } from '#application';
import { isErased } from '#domain/shared';
import { Roles } from '#platform';
import { Unscoped } from '../graphql/access-scope.guard.js';
import { PersonalDataExportView, PersonIdArgs } from './privacy.types.js';

@Resolver()
export class PrivacyResolver {
  constructor(private readonly exports: PersonalDataExport) {}

  @Query(() => PersonalDataExportView, {
    description: "A person's own access (PIPL Art. 45): everything the register holds about them, opened, with every event and its hash. Auditors only.",
  })
  @Roles('AUDITOR')
  // A person belongs to no one association's records here: the auditor reads every person, nobody else any.
  @Unscoped()
  async personalDataExport(@Args() { personId }: PersonIdArgs): Promise<PersonalDataExportView> {
    return toView(await this.exports.of(personId));
  }
}

function toView(result: PersonalDataExportResult): PersonalDataExportView {
  const plain = (value: ExportedValue) => (value === null || isErased(value) ? null : value);
  const { details } = result;
  return {
    ...result,
    generatedAt: new Date(result.generatedAt),
    details: {
      personId: result.personId,
      associationId: result.associationId,
      name: plain(details.name),
      identityCardNumber: plain(details.identityCardNumber),
      phone: plain(details.phone),
      address: plain(details.address),
      erased: Object.values(details).some(isErased),
    },
    streams: result.streams.map((stream) => ({
      streamId: stream.streamId,
      events: stream.events.map((event) => ({ ...event, streamId: stream.streamId, recordedAt: new Date(event.recordedAt) })),
    })),
    sources: result.sources.map((source) => ({ ...source, streamIds: [...source.streamIds] })),
  };
}
