// Runs test/interop/kazoo_scenario.py with Debian's python3 (where python3-kazoo installs kazoo,
// not a pyenv or virtualenv python3 that may be first on PATH).
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MissingPrerequisiteError } from './missing-prerequisite-error.js';
import { type ProcessResult, runProcess } from './run-process.js';

const SCRIPT = fileURLToPath(new URL('./kazoo_scenario.py', import.meta.url));
/** Debian's interpreter; ZOOKIT_INTEROP_PYTHON names another one that has kazoo. */
const DEFAULT_PYTHON = '/usr/bin/python3';
const OTHERWISE = 'set ZOOKIT_INTEROP_PYTHON to a python3 with kazoo';
/** No user site-packages or PYTHONPATH: the kazoo under test is the system's. */
const PYTHON_ENV = { PYTHONNOUSERSITE: '1', PYTHONPATH: '', PYTHONDONTWRITEBYTECODE: '1' };

/**
 * The interpreter that runs the scenario, once it is known to import kazoo (a short synchronous
 * probe, so that a suite can decide at collection time whether it can run).
 * @throws {MissingPrerequisiteError} naming python3-kazoo.
 */
export function findKazooPython(env: NodeJS.ProcessEnv = process.env): string {
  const python = env.ZOOKIT_INTEROP_PYTHON || DEFAULT_PYTHON;
  try {
    accessSync(python, constants.X_OK);
  } catch {
    throw new MissingPrerequisiteError(`${python} does not exist or is not executable`, 'python3-kazoo', OTHERWISE);
  }
  const probe = spawnSync(python, ['-c', 'import kazoo.client, kazoo.version'], {
    env: { ...env, ...PYTHON_ENV },
    encoding: 'utf8',
    timeout: 15_000,
  });
  if (probe.status !== 0) {
    const why = probe.error?.message ?? probe.stderr.trim().split('\n').pop() ?? 'no output';
    throw new MissingPrerequisiteError(`${python} cannot import kazoo (${why})`, 'python3-kazoo', OTHERWISE);
  }
  return python;
}

let python: string | undefined;

/** Runs the kazoo scenario against `connectString`; resolves with how it ended. */
export async function runKazooScenario(connectString: string, options: { timeoutMs: number }): Promise<ProcessResult> {
  python ??= findKazooPython();
  return runProcess(python, ['-u', SCRIPT, connectString], {
    timeoutMs: options.timeoutMs,
    env: { ...process.env, ...PYTHON_ENV },
  });
}
