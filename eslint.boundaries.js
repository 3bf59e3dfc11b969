// The dependency direction of ADR 0001, as lint rules: apps → application → platform → projections → eventstore;
// every layer may use the domain, the domain uses nothing; libraries never import an app, and the CLI and the
// projector never import the API. eslint.config.js applies these; test/architecture/boundaries.spec.ts shows each
// one refusing. The `#` names go in `paths` (exact names): in `patterns`, gitignore syntax reads `#…` as a comment.

const APP_MESSAGE = 'A library never imports an app (ADR 0001: apps → libs, never back).';
const APP_PATHS = ['#api', '#projector'].map((name) => ({ name, message: APP_MESSAGE }));
const APP_PATTERNS = [{ group: ['**/apps/**'], message: APP_MESSAGE }];

const layer = (files, forbidden, message, ignores = []) => ({
  files,
  ignores,
  rules: {
    'no-restricted-imports': ['error', { paths: [...APP_PATHS, ...forbidden.map((name) => ({ name, message }))], patterns: APP_PATTERNS }],
  },
});

export const boundaries = [
  layer(['libs/eventstore/**/*.ts'], ['#projections', '#platform', '#application', '#testing'], 'libs/eventstore is the bottom layer: it imports only the domain.', ['**/*.spec.ts']),
  layer(['libs/projections/**/*.ts'], ['#platform', '#application', '#testing'], 'libs/projections imports only the event store and the domain.', ['**/*.spec.ts']),
  layer(['libs/platform/**/*.ts'], ['#application', '#testing'], 'libs/platform imports only projections, the event store and the domain.', ['**/*.spec.ts']),
  layer(['libs/application/**/*.ts'], ['#testing'], 'libs/application serves the apps; test helpers are for tests.', ['**/*.spec.ts']),
  layer(['libs/testing/**/*.ts'], ['#application'], 'libs/testing helps every layer and depends on none above platform.'),
  layer(['apps/cli/**/*.ts', 'apps/projector/**/*.ts'], [], ''),
  {
    files: ['libs/domain/**/*.ts'],
    ignores: ['libs/domain/**/*.spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ['#eventstore', '#projections', '#platform', '#application', '#testing', '#api', '#projector'].map((name) => ({
            name,
            message: 'libs/domain depends on nothing outside itself.',
          })),
          patterns: [
            {
              group: ['@nestjs/*', 'typeorm', 'typeorm/*', 'pg', 'pg-*', '@kurrent/*', '@eventstore/*', 'graphql', 'class-validator', 'class-transformer', 'express'],
              message: 'libs/domain is pure: it imports no framework, database or event-store client.',
            },
            { group: ['node:*', '**/apps/**'], message: 'libs/domain depends on nothing outside itself.' },
          ],
        },
      ],
    },
  },
];
