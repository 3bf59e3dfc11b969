import { businessDate, type Decider, FieldErrors, type MultiStreamDecider, RuleViolation } from '../shared/index.js';
import { awardEditionDecider, parseAwardEditionCommand } from './award-edition.decide.js';
import type { AwardRulebookCommand, OpenAwardEdition } from './awards.commands.js';
import { AwardsRules } from './awards.errors.js';
import { AWARD_RULEBOOK_EVENT_TYPES, type AwardRulebookEvent, awardEditionStreamId, awardRulebookStreamId } from './awards.events.js';
import { idField } from './awards.fields.js';
import { validAwardRulebook } from './awards.rulebook.js';
import { type AwardEditionState, type AwardRulebookState, evolveAwardRulebook, initialAwardRulebookState } from './awards.state.js';

// The rulebook stream (评选办法): versions defined in order, never changed; each edition pins the version it runs under.

function parseAwardRulebookCommand(command: AwardRulebookCommand): AwardRulebookCommand {
  const errors = new FieldErrors();
  idField(errors, 'associationId', command.associationId);
  if (command.type === 'DefineAwardRulebookVersion') {
    // The version number is the stream's to give; the rest is checked as the rulebook it will be.
    const { version: _, ...rulebook } = validAwardRulebook(errors, 'rulebook', { ...(command.rulebook ?? {}), version: 1 });
    idField(errors, 'rulebook.rulebookId', command.rulebook?.rulebookId);
    errors.throwIfAny();
    return { ...command, rulebook };
  }
  errors.throwIfAny();
  return command;
}

export const awardRulebookDecider: Decider<AwardRulebookCommand, AwardRulebookEvent, AwardRulebookState> = {
  initialState: initialAwardRulebookState,
  eventTypes: AWARD_RULEBOOK_EVENT_TYPES,
  evolve: evolveAwardRulebook,
  parse: parseAwardRulebookCommand,
  decide(command, state, context) {
    if (command.type === 'DefineAwardRulebookVersion') {
      const rulebook = { ...command.rulebook, version: state.versions.length + 1 };
      return [{ type: 'AwardRulebookVersionDefined', data: { associationId: command.associationId, rulebook, definedOn: businessDate(context.now) } }];
    }
    if (!state.versions.some((v) => v.version === command.version)) {
      throw new RuleViolation(AwardsRules.rulebookVersionUnknown, `Rulebook ${command.rulebookId} has no version ${command.version}.`);
    }
    if (state.pins[command.version]?.includes(command.editionId)) return [];
    const { associationId, rulebookId, version, editionId } = command;
    return [{ type: 'AwardRulebookVersionPinned', data: { associationId, rulebookId, version, editionId } }];
  },
};

export interface EditionOpeningStreams extends Record<string, unknown> {
  readonly edition: AwardEditionState;
  readonly rulebook: AwardRulebookState;
}

/** Opens an edition on a rulebook version: the version is read from its stream, copied whole and pinned, in one append. */
export const openAwardEditionDecider: MultiStreamDecider<OpenAwardEdition, EditionOpeningStreams> = {
  parse: (command) => parseAwardEditionCommand(command) as OpenAwardEdition,
  streams: (command) => ({
    edition: { streamId: awardEditionStreamId(command.associationId, command.editionId), evolver: awardEditionDecider() },
    rulebook: { streamId: awardRulebookStreamId(command.associationId, command.rulebookId), evolver: awardRulebookDecider },
  }),
  decide(command, states, context) {
    const rulebook = states.rulebook.versions.find((v) => v.version === command.rulebookVersion) ?? null;
    const opened = awardEditionDecider({ rulebook }).decide(command, states.edition, context);
    const pinned = opened.length
      ? awardRulebookDecider.decide(
          { type: 'PinAwardRulebookVersion', associationId: command.associationId, rulebookId: command.rulebookId, version: command.rulebookVersion, editionId: command.editionId },
          states.rulebook,
          context,
        )
      : [];
    return { edition: opened, rulebook: pinned };
  },
};
