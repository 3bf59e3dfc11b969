import { bulkWorkflow, FieldErrors, InvalidInput } from '../shared/index.js';
import { parseAwardEntryCommand } from './award-entry.decide.js';
import type { ListedAwardEntry, SubmitAwardEntries, SubmitAwardEntry } from './awards.commands.js';

/** Namespace of the awards commands whose id is what they address (never change it: ids are stored). */
export const AWARDS_COMMAND_NAMESPACE = '3f7b2a90-6c1d-4e8f-a5b3-0d9e7c4f1a62';

/**
 * Entries one request may submit. An item is at most about 1.2 kB of JSON (its strings at their maximum length in
 * three-byte characters), so a full list is about 1.2 MB, well within the 4 MiB body limit; the GraphQL cost counts
 * the mutation as one object, and a list of 1,000 is the other bulk inputs' limit (fileCreditApplications).
 */
export const MAX_ENTRIES_PER_SUBMISSION = 1000;

/** The request's own fields: an item's error on them is reported once, on the request's field. */
const REQUEST_FIELDS = new Set(['associationId', 'editionId']);

export interface ListedEntryItem {
  /** The request's command id (the client's, or a fresh one): each entry's command id derives from it and the entry. */
  readonly batchId: string;
  readonly command: SubmitAwardEntry;
}

/**
 * The submissions of a list, each checked by the entry decider's parse step first: one malformed item refuses the
 * whole list on its fields (`entries.<index>.<field>`), before any entry is written, as the credit bulk mutations
 * refuse a list naming a malformed subject. An entry id listed twice is refused on the repeat.
 *
 * The run's order interleaves the channels, each channel's entries kept in the order listed: a channel's submissions
 * then go one after another (its quota's slots are taken in list order, and they never contend with each other),
 * while the channels go side by side.
 */
export function listedEntrySubmissions(request: SubmitAwardEntries & { readonly batchId: string }): ListedEntryItem[] {
  const errors = new FieldErrors();
  const { associationId, editionId, batchId } = request;
  if (!Array.isArray(request.entries) || request.entries.length === 0 || request.entries.length > MAX_ENTRIES_PER_SUBMISSION) {
    errors.add('entries', `must list 1 to ${MAX_ENTRIES_PER_SUBMISSION} entries; send a longer list in several requests.`);
    errors.throwIfAny();
  }
  const requestErrors = new Map<string, string>();
  const firstIndexOf = new Map<string, number>();
  const commands = request.entries.map((entry, index): SubmitAwardEntry => {
    const command = submissionOf(associationId, editionId, entry);
    try {
      parseAwardEntryCommand(command);
    } catch (error) {
      if (!(error instanceof InvalidInput)) throw error;
      for (const { field, message } of error.fieldErrors) {
        if (REQUEST_FIELDS.has(field)) requestErrors.set(field, message);
        else errors.add(`entries.${index}.${field}`, message);
      }
    }
    const first = firstIndexOf.get(entry.entryId);
    if (first === undefined) firstIndexOf.set(entry.entryId, index);
    else errors.add(`entries.${index}.entryId`, `repeats entry ${entry.entryId} (entries.${first}): list each entry once.`);
    return command;
  });
  for (const [field, message] of requestErrors) errors.add(field, message);
  errors.throwIfAny();
  return interleavedByChannel(commands).map((command) => ({ batchId, command }));
}

/** The command a single submission of the entry would send (the resolver's shape: absent optionals as null). */
function submissionOf(associationId: string, editionId: string, entry: ListedAwardEntry): SubmitAwardEntry {
  return { type: 'SubmitAwardEntry', associationId, editionId, ...entry, builderCode: entry.builderCode ?? null, project: entry.project ?? null };
}

/** One entry of each channel in turn (channels in order of first appearance), each channel's in the order listed. */
function interleavedByChannel(commands: readonly SubmitAwardEntry[]): SubmitAwardEntry[] {
  const byChannel = new Map<string, SubmitAwardEntry[]>();
  for (const command of commands) byChannel.set(command.channel, [...(byChannel.get(command.channel) ?? []), command]);
  const lists = [...byChannel.values()];
  const longest = Math.max(...lists.map((l) => l.length));
  return Array.from({ length: longest }, (_, turn) => lists.flatMap((list) => (turn < list.length ? [list[turn]!] : []))).flat();
}

/**
 * Submits each listed entry as `submitAwardEntry` would, under an id derived from the request's command id and the
 * entry id: a re-sent request answers each entry as before (what took effect is unchanged) and writes nothing more.
 * Every refusal is listed (a list is at most MAX_ENTRIES_PER_SUBMISSION), by entry id.
 */
export const submitAwardEntriesWorkflow = bulkWorkflow<ListedEntryItem, SubmitAwardEntry>({
  name: 'awards-submit-entries',
  commandNamespace: AWARDS_COMMAND_NAMESPACE,
  refusalsListed: MAX_ENTRIES_PER_SUBMISSION,
  commandFor: ({ batchId, command }) => ({ key: command.entryId, command, identity: ['submit', batchId, command.entryId] }),
});
