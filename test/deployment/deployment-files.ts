// Reads docker-compose.yml, .env.example and the Dockerfile as docker would, far enough for the deployment specs:
// services with their environment (list or map form), commands, dependencies and health checks; `${…}`
// interpolation; Dockerfile stages and instructions.
import { readFileSync } from 'node:fs';
import jsYaml from 'js-yaml';

export const ROOT = new URL('../..', import.meta.url).pathname;

export interface ComposeService {
  readonly build?: unknown;
  readonly image?: string;
  readonly command?: readonly string[] | string;
  readonly environment?: Readonly<Record<string, string | number | boolean | null>> | readonly string[];
  readonly depends_on?: readonly string[] | Readonly<Record<string, { readonly condition?: string }>>;
  readonly healthcheck?: { readonly test?: readonly string[] | string; readonly disable?: boolean };
  readonly restart?: string;
}

export interface ComposeFile {
  readonly services: Readonly<Record<string, ComposeService>>;
}

export function readComposeFile(text = readFileSync(`${ROOT}docker-compose.yml`, 'utf8')): ComposeFile {
  const parsed = jsYaml.safeLoad(text, { filename: 'docker-compose.yml' }) as ComposeFile | null;
  if (!parsed || typeof parsed.services !== 'object') throw new Error('docker-compose.yml has no services');
  return parsed;
}

/** A service's environment as written (values still holding `${…}`), from the map or the `KEY=VALUE` list form. */
export function rawEnvironment(service: ComposeService): Record<string, string> {
  const env = service.environment;
  if (env === undefined) return {};
  if (Array.isArray(env)) {
    return Object.fromEntries(
      env.map((entry: string) => {
        const at = entry.indexOf('=');
        return at < 0 ? [entry, ''] : [entry.slice(0, at), entry.slice(at + 1)];
      }),
    );
  }
  return Object.fromEntries(Object.entries(env).map(([name, value]) => [name, value === null ? '' : String(value)]));
}

// $$, ${NAME}, ${NAME:?msg}, ${NAME?msg}, ${NAME:-default}, ${NAME-default}, $NAME: compose's interpolation forms.
const INTERPOLATION = /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[?-])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g;

/** The variables a value takes from the shell or .env. */
export function interpolatedNames(value: string): string[] {
  return [...value.matchAll(INTERPOLATION)].flatMap((m) => (m[0] === '$$' ? [] : [m[1] ?? m[4]!]));
}

/** The value as compose passes it to the container, given the variables of .env; a required one missing throws. */
export function interpolate(value: string, vars: Readonly<Record<string, string>>): string {
  return value.replace(INTERPOLATION, (whole, braced: string | undefined, op: string | undefined, arg: string | undefined, bare: string | undefined) => {
    if (whole === '$$') return '$';
    const name = (braced ?? bare)!;
    const set = vars[name];
    const empty = set === undefined || set === '';
    if (op === ':?' && empty) throw new Error(`${name}: ${arg}`);
    if (op === '?' && set === undefined) throw new Error(`${name}: ${arg}`);
    if (op === ':-' && empty) return arg ?? '';
    if (op === '-' && set === undefined) return arg ?? '';
    return set ?? '';
  });
}

export function commandOf(service: ComposeService): string[] {
  const command = service.command;
  if (command === undefined) return [];
  return typeof command === 'string' ? command.split(/\s+/).filter(Boolean) : [...command];
}

export function dependenciesOf(service: ComposeService): Record<string, string> {
  const deps = service.depends_on;
  if (deps === undefined) return {};
  if (Array.isArray(deps)) return Object.fromEntries(deps.map((name: string) => [name, 'service_started']));
  return Object.fromEntries(Object.entries(deps).map(([name, dep]) => [name, dep.condition ?? 'service_started']));
}

/** A cycle of `depends_on` as the names along it, or null. */
export function dependencyCycle(services: Readonly<Record<string, ComposeService>>): string[] | null {
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (name: string, path: string[]): string[] | null => {
    if (state.get(name) === 'done') return null;
    if (state.get(name) === 'visiting') return [...path.slice(path.indexOf(name)), name];
    state.set(name, 'visiting');
    const service = services[name];
    for (const dep of Object.keys(service ? dependenciesOf(service) : {})) {
      const cycle = visit(dep, [...path, name]);
      if (cycle) return cycle;
    }
    state.set(name, 'done');
    return null;
  };
  for (const name of Object.keys(services)) {
    const cycle = visit(name, []);
    if (cycle) return cycle;
  }
  return null;
}

/** `NAME=` lines of .env.example (comments and blank lines skipped), with the value as written. */
export function readEnvExample(text = readFileSync(`${ROOT}.env.example`, 'utf8')): Record<string, string> {
  const entries: [string, string][] = [];
  for (const line of text.split('\n')) {
    const match = /^\s*([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (match) entries.push([match[1]!, match[2]!.trim()]);
  }
  return Object.fromEntries(entries);
}

export interface DockerInstruction {
  readonly keyword: string;
  readonly args: string;
}

/** The Dockerfile's stages (from each FROM), each with its instructions; continuation lines joined. */
export function readDockerfileStages(text = readFileSync(`${ROOT}Dockerfile`, 'utf8')): DockerInstruction[][] {
  const logical = text
    .replace(/\\\r?\n/g, ' ')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  const stages: DockerInstruction[][] = [];
  for (const line of logical) {
    const [, keyword = '', args = ''] = /^(\S+)\s*(.*)$/.exec(line) ?? [];
    const instruction = { keyword: keyword.toUpperCase(), args: args.trim() };
    if (instruction.keyword === 'FROM') stages.push([]);
    stages.at(-1)?.push(instruction);
  }
  return stages;
}

/** Names set by ENV instructions (`ENV A=1 B=2` and the old `ENV A 1`). */
export function envNames(instructions: readonly DockerInstruction[]): Record<string, string> {
  const names: Record<string, string> = {};
  for (const { keyword, args } of instructions) {
    if (keyword !== 'ENV') continue;
    if (!args.includes('=')) {
      const [name, ...rest] = args.split(/\s+/);
      names[name!] = rest.join(' ');
      continue;
    }
    for (const match of args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("[^"]*"|\S*)/g)) names[match[1]!] = match[2]!.replace(/^"|"$/g, '');
  }
  return names;
}
