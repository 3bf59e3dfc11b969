// The layer rules of eslint.boundaries.js, each shown refusing a forbidden import and letting an allowed one
// through. Linted as text under a path in the layer, with the project's TypeScript parser and only these rules.
import { describe, expect, it } from '@jest/globals';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { boundaries } from '../../eslint.boundaries.js';

const ROOT = new URL('../..', import.meta.url).pathname;
const eslint = new ESLint({
  cwd: ROOT,
  overrideConfigFile: true,
  overrideConfig: [{ files: ['**/*.ts'], languageOptions: { parser: tseslint.parser } }, ...boundaries],
});

async function problemsOf(path: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(source, { filePath: `${ROOT}${path}` });
  return result!.messages.map((m) => `${m.ruleId}: ${m.message}`);
}

describe('the dependency direction is enforced by lint', () => {
  it.each([
    ['libs/projections/src/dues/x.ts', "import { apiHost } from '#api';", /never imports an app/],
    ['libs/projections/src/dues/x.ts', "import { DuesResolver } from '../../../../apps/api/src/dues/dues.resolver.js';", /never imports an app/],
    ['libs/projections/src/dues/x.ts', "import { runService } from '#platform';", /libs\/projections imports only/],
    ['libs/eventstore/src/x.ts', "import { registerProjections } from '#projections';", /libs\/eventstore is the bottom layer/],
    ['libs/platform/src/x.ts', "import { DuesModule } from '#application';", /libs\/platform imports only/],
    ['libs/application/src/dues/x.ts', "import { apiHost } from '#api';", /never imports an app/],
    ['libs/testing/src/x.ts', "import { apiHost } from '#api';", /never imports an app/],
    ['apps/cli/src/x.ts', "import { RESOLVERS } from '#api';", /never imports an app/],
    ['apps/projector/src/x.ts', "import { apiHost } from '#api';", /never imports an app/],
    ['libs/domain/src/dues/x.ts', "import { Injectable } from '@nestjs/common';", /libs\/domain is pure/],
    ['libs/domain/src/dues/x.ts', "import { newId } from '#platform';", /depends on nothing outside itself/],
  ])('refuses in %s: %s', async (path, source, message) => {
    const problems = await problemsOf(path, source);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^no-restricted-imports: /);
    expect(problems[0]).toMatch(message);
  });

  it.each([
    ['apps/api/src/dues/x.ts', "import { DuesModule } from '#application';\nimport { runService } from '#platform';"],
    ['libs/application/src/dues/x.ts', "import { DuesQueries } from '#projections';\nimport { runWorkflow } from '#platform';"],
    ['libs/platform/src/x.ts', "import { registerProjections } from '#projections';"],
    ['libs/projections/src/dues/x.ts', "import { PostgresEventStore } from '#eventstore';\nimport { fold } from '#domain/shared';"],
    ['apps/projector/src/x.ts', "import { ApplicationModule } from '#application';"],
  ])('lets through in %s what the direction allows', async (path, source) => {
    expect(await problemsOf(path, source)).toEqual([]);
  });
});
