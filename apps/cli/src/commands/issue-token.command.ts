import { parseArgs } from 'node:util';
import { associationIdProblem, checkCreditCode, ROLES, type Role } from '#domain/shared';
import { type CliCommand, CliUsageError, EXIT, parseOrUsage } from './command.js';

/** The user ids the register records as actors (the same rule as its commands'). */
const USER_ID = /^[A-Za-z0-9._@-]{1,100}$/;
const NAME_MAX = 200;

export const issueTokenCommand: CliCommand = {
  name: 'issue-token',
  summary: "Print a bearer token for a role (and association / enterprise), signed with this deployment's secret.",
  usage: '--role ROLE [--association ID] [--enterprise CODE] [--user ID] [--name TEXT] [--ttl 12h]',
  options: [
    ['--role ROLE', `One of ${ROLES.join(', ')} (required).`],
    ['--association ID', 'The association the token acts for, e.g. wuhan-cia (required for ADMIN and MEMBER).'],
    ['--enterprise CODE', "The firm's unified social credit code (required for MEMBER)."],
    ['--allow-check-mismatch', 'Accept an --enterprise code whose check character fails (a firm registered with an override).'],
    ['--user ID', 'The user id recorded as the actor (letters, digits, . _ @ -), default <role>-cli.'],
    ['--name TEXT', "The user's display name."],
    ['--ttl DURATION', 'Lifetime: a positive number with s, m, h or d (90m, 12h, 7d), default TOKEN_TTL.'],
  ],
  notes: [
    'The token is signed with JWT_SECRET, or else the secret kept in DATA_DIR/jwt-secret: run it with the\n' +
      'settings of the service that is to accept the token.',
  ],
  async run(args) {
    const { values } = parseOrUsage(() =>
      parseArgs({
        args,
        options: {
          role: { type: 'string' },
          association: { type: 'string' },
          enterprise: { type: 'string' },
          'allow-check-mismatch': { type: 'boolean' },
          user: { type: 'string' },
          name: { type: 'string' },
          ttl: { type: 'string' },
        },
      }),
    );
    const { loadConfig, parseDurationSeconds, TokenService } = await import('#platform');
    const request = validate(values, parseDurationSeconds);
    const config = loadConfig();
    const tokens = new TokenService({ secret: config.auth.jwtSecret, issuer: config.auth.jwtIssuer });
    const token = await tokens.issue({ ...request, ttlSeconds: request.ttlSeconds ?? config.auth.tokenTtlSeconds });
    process.stdout.write(`${token}\n`);
    return EXIT.ok;
  },
};

interface Values {
  role?: string;
  association?: string;
  enterprise?: string;
  'allow-check-mismatch'?: boolean;
  user?: string;
  name?: string;
  ttl?: string;
}

function validate(values: Values, parseDuration: (text: string) => number | undefined) {
  if (values.role === undefined) throw new CliUsageError(`--role is required: one of ${ROLES.join(', ')}.`);
  const role = values.role.trim().toUpperCase() as Role;
  if (!ROLES.includes(role)) throw new CliUsageError(`--role must be one of ${ROLES.join(', ')} (got ${JSON.stringify(values.role)}).`);

  const associationId = values.association ?? null;
  if (associationId !== null) {
    const problem = associationIdProblem(associationId);
    if (problem) throw new CliUsageError(`--association ${JSON.stringify(associationId)}: ${problem}`);
  } else if (role === 'ADMIN' || role === 'MEMBER') {
    throw new CliUsageError(`--association is required for ${role}: such tokens act for one association.`);
  }

  let enterpriseCode: string | null = null;
  if (values.enterprise !== undefined) {
    const check = checkCreditCode(values.enterprise);
    if (check.kind === 'malformed') {
      throw new CliUsageError(`--enterprise ${JSON.stringify(values.enterprise)} is not a unified social credit code: it ${check.reason}.`);
    }
    if (check.kind === 'check_digit_mismatch' && !values['allow-check-mismatch']) {
      throw new CliUsageError(
        `--enterprise ${check.code} fails its check character: the 18th character should be "${check.expected}", not "${check.actual}". ` +
          'If the firm is registered with this code (a check-character override), add --allow-check-mismatch.',
      );
    }
    enterpriseCode = check.code;
  } else if (role === 'MEMBER') {
    throw new CliUsageError('--enterprise is required for MEMBER: the firm whose records the token reads.');
  } else if (values['allow-check-mismatch']) {
    throw new CliUsageError('--allow-check-mismatch applies to --enterprise, which is not given.');
  }

  const userId = values.user ?? `${role.toLowerCase()}-cli`;
  if (!USER_ID.test(userId)) throw new CliUsageError(`--user must be 1 to 100 letters, digits or . _ @ - characters (got ${JSON.stringify(userId)}).`);

  const name = values.name ?? null;
  if (name !== null && (name.trim() === '' || name.length > NAME_MAX || /[\u0000-\u001f\u007f]/.test(name))) {
    throw new CliUsageError(`--name must be 1 to ${NAME_MAX} characters of text, without control characters.`);
  }

  let ttlSeconds: number | undefined;
  if (values.ttl !== undefined) {
    ttlSeconds = parseDuration(values.ttl);
    if (ttlSeconds === undefined) {
      throw new CliUsageError(`--ttl must be a positive duration such as 90m, 12h or 7d (got ${JSON.stringify(values.ttl)}).`);
    }
  }
  return { role, associationId, enterpriseCode, userId, name, ttlSeconds };
}
