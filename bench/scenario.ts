/**
 * Runs one scenario in this process and prints its result as a `RESULT <json>` line (the harness,
 * `bench/run.ts`, starts one such process per scenario so that none inherits another's state).
 *
 *   node dist/bench/scenario.js <name> '<options json>' ['<inputs json>']
 */
import type { ScenarioOptions, ScenarioResult } from './lib/harness.js';

type Runner = (options: ScenarioOptions, inputs: Record<string, unknown>) => Promise<ScenarioResult>;

const [name, optionsJson = '{}', inputsJson = '{}'] = process.argv.slice(2);

async function main(): Promise<void> {
  if (!name || !/^[a-z-]+$/.test(name)) throw new Error(`unknown scenario ${String(name)}`);
  const module = (await import(`./scenarios/${name}.js`)) as { run: Runner };
  const result = await module.run(JSON.parse(optionsJson) as ScenarioOptions, JSON.parse(inputsJson) as Record<string, unknown>);
  process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
