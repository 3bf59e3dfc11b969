import { parseArgs } from 'node:util';
import { ROLES, type Role } from '#domain/shared';
import { loadConfig, parseDurationSeconds, TokenService } from '#platform';
import { type CliCommand, CliUsageError } from './command.js';

export const issueTokenCommand: CliCommand = {
  name: 'issue-token',
  summary: 'Print a bearer token for a role (and association / enterprise) signed with this deployment\'s secret.',
  usage: `--role ${ROLES.join('|')} [--association <id>] [--enterprise <credit code>] [--user <id>] [--name <text>] [--ttl 12h]`,
  async run(args) {
    const { values } = parseArgs({
      args,
      options: {
        role: { type: 'string' },
        association: { type: 'string' },
        enterprise: { type: 'string' },
        user: { type: 'string' },
        name: { type: 'string' },
        ttl: { type: 'string' },
      },
    });
    const role = values.role?.toUpperCase() as Role | undefined;
    if (!role || !ROLES.includes(role)) throw new CliUsageError(`--role is required: one of ${ROLES.join(', ')}`);
    if ((role === 'ADMIN' || role === 'MEMBER') && !values.association) {
      throw new CliUsageError(`--association is required for ${role}: tokens act for one association.`);
    }
    if (role === 'MEMBER' && !values.enterprise) throw new CliUsageError('--enterprise is required for MEMBER: the firm whose records it reads.');
    const ttlSeconds = values.ttl === undefined ? undefined : parseDurationSeconds(values.ttl);
    if (values.ttl !== undefined && !ttlSeconds) throw new CliUsageError('--ttl must be a duration such as 90m, 12h or 7d');
    const config = loadConfig();
    const tokens = new TokenService({ secret: config.auth.jwtSecret, issuer: config.auth.jwtIssuer });
    const token = await tokens.issue({
      userId: values.user ?? `${role.toLowerCase()}-cli`,
      role,
      associationId: values.association ?? null,
      enterpriseCode: values.enterprise ?? null,
      name: values.name ?? null,
      ttlSeconds: ttlSeconds ?? config.auth.tokenTtlSeconds,
    });
    process.stdout.write(`${token}\n`);
    return 0;
  },
};
