import { spawn } from 'node:child_process';
import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findZooKeeperInstallation } from '@zookit/testing';
import { type ClientName, type RowResult, type RowSpec, rowArgs } from './row-spec.js';

const here = dirname(fileURLToPath(import.meta.url));
const javaSource = join(here, '..', 'java', 'ClientBench.java');

/** How to start the Java runner: the compiled class's directory and the client's classpath. */
export interface JavaRunner {
  readonly java: string;
  readonly classpath: string;
  /** The temporary directory holding ClientBench.class; remove it when done. */
  readonly dir: string;
}

/**
 * Compiles ClientBench.java with javac against the ZooKeeper jars (Debian's, or ZOOKEEPER_HOME's)
 * into a fresh temporary directory (removed by the caller); nothing compiled lands in the work tree.
 */
export async function compileJava(): Promise<JavaRunner> {
  const installation = findZooKeeperInstallation();
  const javac = join(dirname(installation.java), 'javac');
  const outDir = await mkdtemp(join(tmpdir(), 'zookit-bench-java-'));
  const classpath = installation.classpath.join(':');
  await run(javac, ['-proc:none', '-cp', classpath, '-d', outDir, javaSource], {});
  if (!(await readdir(outDir)).includes('ClientBench.class')) throw new Error('javac produced no ClientBench.class');
  return { java: installation.java, classpath: `${outDir}:${classpath}`, dir: outDir };
}

/** Runs one row in a child process (a fresh JVM or Node process per row) and returns its result. */
export async function spawnRow(
  client: ClientName,
  spec: RowSpec,
  options: { java?: JavaRunner | undefined; cpuProfDir?: string | undefined },
): Promise<RowResult> {
  let stdout: string;
  if (client === 'java') {
    if (!options.java) throw new Error('the Java runner was not compiled');
    stdout = await run(
      options.java.java,
      [
        '-cp',
        options.java.classpath,
        '-Dorg.slf4j.simpleLogger.defaultLogLevel=warn',
        '-Dzookeeper.jmx.log4j.disable=true',
        'ClientBench',
        ...rowArgs(spec),
      ],
      {},
    );
  } else {
    const prof =
      client === 'zookit' && options.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfDir}`] : [];
    stdout = await run(process.execPath, [...prof, join(here, 'node-row.js'), client, ...rowArgs(spec)], {});
  }
  const line = stdout.trim().split('\n').at(-1) ?? '';
  try {
    return JSON.parse(line) as RowResult;
  } catch {
    throw new Error(`${client} ${spec.op}×${spec.window}: no result on stdout: ${stdout.slice(-500)}`);
  }
}

function run(command: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (code === 0) resolve(stdout);
      else reject(new Error(`${command} ${args.join(' ')} exited with ${code ?? signal}:\n${stderr.slice(-2000)}`));
    });
  });
}
