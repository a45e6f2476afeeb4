// What a newcomer does before zookit is published: pack every package, make a fresh npm app,
// `npm install` the tarballs (and vitest, TypeScript and @types/node from the registry), then
// compile and run an example and run a vitest test of their own. Proves the tarballs are
// complete (files, LICENSE, no build leftovers, workspace: ranges rewritten), that their types
// compile in a plain TypeScript app, and that npm installs them without warnings.
//
// Needs the registry (or npm's cache) for vitest, TypeScript and @types/node; `tsc -b` first.
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandResult } from '../run-command.js';
import { copyWithRelativeImports, PUBLISHED, pnpmCommand, repoVersion, run } from './fresh-app-tools.js';

const REPO = resolve(import.meta.dirname, '../..');
const FIXTURE = join(import.meta.dirname, 'app');
/** One program from examples/, copied at test time (with whatever local files it imports). */
const EXAMPLE = join(REPO, 'examples/src/02-mutex-fencing.ts');

let work: string;
let app: string;
const tarballs = new Map<string, string>();
const installs: CommandResult[] = [];

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'zookit-fresh-app-'));
  const packed = join(work, 'tarballs');
  const [npx, ...pnpm] = pnpmCommand(REPO);
  const pack = await run(
    npx as string,
    [...pnpm, '--recursive', '--filter', './packages/*', 'pack', '--pack-destination', packed],
    REPO,
  );
  expect(pack, pack.stderr).toMatchObject({ code: 0 });
  for (const file of await readdir(packed))
    tarballs.set(/^zookit-(\w+)-/.exec(file)?.[1] as string, join(packed, file));

  app = join(work, 'app');
  await mkdir(app);
  await writeFile(
    join(app, 'package.json'),
    `${JSON.stringify({ name: 'fresh-app', version: '1.0.0', private: true, type: 'module' }, null, 2)}\n`,
  );
  await copyFile(join(FIXTURE, 'tsconfig.json'), join(app, 'tsconfig.json'));
  const npm = ['install', '--no-audit', '--no-fund'];
  installs.push(await run('npm', [...npm, ...tarballs.values()], app));
  // The app's own test is in place before anything compiles: `tsc` type-checks it too.
  await mkdir(join(app, 'test'));
  await copyFile(join(FIXTURE, 'lock.app-test.ts'), join(app, 'test/lock.test.ts'));
  const devDependencies = ['vitest', 'typescript', '@types/node'].map((name) => `${name}@${repoVersion(REPO, name)}`);
  installs.push(await run('npm', [...npm, '--save-dev', ...devDependencies], app));
}, 600_000);

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

describe('the packed packages in a fresh npm app', () => {
  it('are one tarball per package, each with LICENSE, README, dist, the sources its maps point to, and no .tsbuildinfo', async () => {
    expect([...tarballs.keys()].sort()).toEqual([...PUBLISHED].sort());
    for (const [name, tarball] of tarballs) {
      const list = await run('tar', ['-tzf', tarball], work);
      const files = list.stdout.split('\n').filter(Boolean);
      expect(files, name).toEqual(
        expect.arrayContaining([
          'package/LICENSE',
          'package/README.md',
          'package/package.json',
          'package/dist/index.js',
        ]),
      );
      expect(
        files.filter((f) => f.endsWith('.tsbuildinfo')),
        name,
      ).toEqual([]);
      expect(
        files.filter((f) => !/^package\/(dist|src|bin)\/|^package\/[\w.]+$/.test(f)),
        name,
      ).toEqual([]);
      // src ships so that dist's source maps and declaration maps resolve: every module's source is there.
      const sources = files
        .flatMap((f) => /^package\/dist\/(.+)\.js$/.exec(f)?.[1] ?? [])
        .map((m) => `package/src/${m}.ts`);
      expect(sources.length, name).toBeGreaterThan(0);
      expect(
        sources.filter((f) => !files.includes(f)),
        name,
      ).toEqual([]);
    }
  });

  it('install with npm, without warnings, and depend on versions, not workspace: ranges', async () => {
    for (const install of installs) {
      expect(install, install.stderr).toMatchObject({ code: 0 });
      expect(`${install.stdout}${install.stderr}`).not.toMatch(/warn/i);
    }
    for (const name of PUBLISHED) {
      const manifest = await readFile(join(app, 'node_modules/@zookit', name, 'package.json'), 'utf8');
      expect(manifest, name).not.toContain('workspace:');
    }
    const help = await run(join(app, 'node_modules/.bin/zookit-server'), ['--help'], app);
    expect(help).toMatchObject({ code: 0 });
    expect(help.stdout).toContain('--max-client-cnxns');
  });

  it('compile an example and the app’s test with the app’s TypeScript, and run the example on the embedded server', async () => {
    const copied = await copyWithRelativeImports(EXAMPLE, join(app, 'src'));
    const tsc = await run(join(app, 'node_modules/.bin/tsc'), ['-p', '.'], app);
    expect(tsc, tsc.stdout).toMatchObject({ code: 0 });
    const program = join(app, 'dist/src', copied.replace(/\.ts$/, '.js'));
    const example = await run(process.execPath, [program], dirname(program));
    expect(example, example.stderr).toMatchObject({ code: 0 });
    expect(example.stdout).toMatch(/fenc/i);
  });

  it('run the app’s own vitest test: bundled server, client and a recipe', async () => {
    const vitest = await run(join(app, 'node_modules/.bin/vitest'), ['run', '--dir', 'test'], app);
    expect(vitest, `${vitest.stdout}${vitest.stderr}`).toMatchObject({ code: 0 });
    expect(vitest.stdout).toMatch(/Tests\s+1 passed/);
  });
});
