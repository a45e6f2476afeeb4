// Runs test/interop/kazoo_scenario.py with Debian's python3 (where python3-kazoo installs kazoo,
// not a pyenv or virtualenv python3 that may be first on PATH).
import { accessSync, constants } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MissingPrerequisiteError } from './missing-prerequisite-error.js';
import { type ProcessResult, runProcess } from './run-process.js';

const SCRIPT = fileURLToPath(new URL('./kazoo_scenario.py', import.meta.url));
/** Debian's interpreter; ZOOKIT_INTEROP_PYTHON names another one that has kazoo. */
const DEFAULT_PYTHON = '/usr/bin/python3';
const INSTALL_HINT =
  'Install it: apt-get install -y python3-kazoo (or set ZOOKIT_INTEROP_PYTHON to a python3 with kazoo)';

let checked: Promise<string> | undefined;

/** The interpreter, once it is known to import kazoo; rejects with what to install. */
function kazooPython(): Promise<string> {
  checked ??= (async () => {
    const python = process.env.ZOOKIT_INTEROP_PYTHON || DEFAULT_PYTHON;
    try {
      accessSync(python, constants.X_OK);
    } catch {
      throw new MissingPrerequisiteError(`${python} does not exist or is not executable`, INSTALL_HINT);
    }
    const probe = await runProcess(
      python,
      ['-c', 'import kazoo.client, kazoo.version; print(kazoo.version.__version__)'],
      {
        timeoutMs: 15_000,
      },
    );
    if (probe.code !== 0) {
      throw new MissingPrerequisiteError(
        `${python} cannot import kazoo (${probe.stderr.trim().split('\n').pop() ?? 'no output'})`,
        INSTALL_HINT,
      );
    }
    return python;
  })();
  return checked;
}

/** Runs the kazoo scenario against `connectString`; resolves with how it ended. */
export async function runKazooScenario(connectString: string, options: { timeoutMs: number }): Promise<ProcessResult> {
  const python = await kazooPython();
  return runProcess(python, ['-u', SCRIPT, connectString], {
    timeoutMs: options.timeoutMs,
    // No user site-packages or PYTHONPATH: the kazoo under test is the system's.
    env: { ...process.env, PYTHONNOUSERSITE: '1', PYTHONPATH: '', PYTHONDONTWRITEBYTECODE: '1' },
  });
}
