// Helpers of the fresh-app test: run a command as a newcomer's shell would, read the versions the
// repository uses, copy an example with the local files it imports.
import { copyFile, mkdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { type CommandResult, runCommand } from '../run-command.js';

/** The packages published to npm (packages/<name>, @zookit/<name>). */
export const PUBLISHED = ['protocol', 'client', 'recipes', 'server', 'testing'] as const;

/**
 * Runs `command` in `cwd` to its end. The environment is the caller's without what the test run
 * adds (pnpm's npm_* settings, vitest's variables, ZK_CONNECT, colours), so npm, tsc and the app's
 * vitest see what they would in a newcomer's shell.
 */
export function run(command: string, args: readonly string[], cwd: string): Promise<CommandResult> {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(
      ([key]) => !/^(npm_|pnpm_|vitest|vite_|node_options$|node_env$|test$|zk_connect$|force_color$)/i.test(key),
    ),
  );
  return runCommand(command, args, { cwd, env: { ...env, NO_COLOR: '1' } });
}

/**
 * `pnpm` at the repository's pinned version (package.json `packageManager`), through npx as the
 * README runs it: under `npx pnpm@X test` no `pnpm` need be on PATH.
 */
export function pnpmCommand(repo: string): readonly string[] {
  const require = createRequire(join(repo, 'package.json'));
  const { packageManager } = require('./package.json') as { packageManager: string };
  return ['npx', '--yes', packageManager];
}

/** The exact version of `name` installed in the repository (so the app gets what the repo tests with). */
export function repoVersion(repo: string, name: string): string {
  const require = createRequire(join(repo, 'package.json'));
  return (require(`${name}/package.json`) as { version: string }).version;
}

/**
 * Copies the TypeScript file `file` into `dir`, with every `./x.js` module it imports (as `x.ts`,
 * transitively), so an example stays runnable whether or not it is a single file. Returns the
 * copied file's name.
 */
export async function copyWithRelativeImports(file: string, dir: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  const seen = new Set<string>();
  const pending = [file];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    if (seen.has(next)) continue;
    seen.add(next);
    await copyFile(next, join(dir, basename(next)));
    const source = await readFile(next, 'utf8');
    for (const [, specifier] of source.matchAll(/from '\.\/([\w.-]+)\.js'/g)) {
      pending.push(join(dirname(next), `${specifier}.ts`));
    }
  }
  return basename(file);
}
