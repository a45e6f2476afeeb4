// Compiles the Java interop scenarios (test/interop/java/*.java) against the installed ZooKeeper
// and Curator jars into a temporary directory, once per test run, and runs them as child JVMs.
import { accessSync, constants, readdirSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MissingPrerequisiteError } from './missing-prerequisite-error.js';
import { type ProcessResult, runProcess } from './run-process.js';

/** Where Debian puts Java libraries (zookeeper, libcurator-*-java, libguava-java, libslf4j-java). */
const DEBIAN_JAVA_DIR = '/usr/share/java';
const SOURCES = fileURLToPath(new URL('./java/', import.meta.url));
/** The sources of each scenario, its main class last. */
const SOURCES_OF: Readonly<Record<JavaScenario, readonly string[]>> = {
  ZkInteropScenario: ['ScenarioRunner.java', 'TcpProxy.java', 'ZkSupport.java', 'ZkInteropScenario.java'],
  CuratorInteropScenario: ['ScenarioRunner.java', 'CuratorSupport.java', 'CuratorInteropScenario.java'],
  CuratorContender: ['ScenarioRunner.java', 'CuratorSupport.java', 'CuratorContender.java'],
  DiscoveryInteropScenario: ['ScenarioRunner.java', 'CuratorSupport.java', 'DiscoveryInteropScenario.java'],
};
const COMPILE_TIMEOUT_MS = 60_000;

/** The Java scenarios, by main class. */
export type JavaScenario =
  | 'ZkInteropScenario'
  | 'CuratorInteropScenario'
  | 'CuratorContender'
  | 'DiscoveryInteropScenario';

/** A jar by its base name (`zookeeper` finds zookeeper.jar or zookeeper-3.8.0.jar) and its Debian package. */
interface JarSpec {
  readonly name: string;
  readonly debianPackage: string;
}

const ZOOKEEPER_CLIENT_JARS: readonly JarSpec[] = [
  { name: 'zookeeper', debianPackage: 'libzookeeper-java' },
  { name: 'zookeeper-jute', debianPackage: 'libzookeeper-java' },
  { name: 'slf4j-api', debianPackage: 'libslf4j-java' },
];
const CURATOR_JARS: readonly JarSpec[] = [
  { name: 'curator-client', debianPackage: 'libcurator-client-java' },
  { name: 'curator-framework', debianPackage: 'libcurator-framework-java' },
  { name: 'curator-recipes', debianPackage: 'libcurator-recipes-java' },
  { name: 'guava', debianPackage: 'libguava-java' },
];
/** curator-x-discovery and the Jackson 2 jars it serializes instances with. */
const DISCOVERY_JARS: readonly JarSpec[] = [
  { name: 'curator-x-discovery', debianPackage: 'libcurator-discovery-java' },
  { name: 'jackson-databind', debianPackage: 'libjackson2-databind-java' },
  { name: 'jackson-core', debianPackage: 'libjackson2-core-java' },
  { name: 'jackson-annotations', debianPackage: 'libjackson2-annotations-java' },
];
/** An slf4j binding, so that client warnings reach stderr; optional. */
const LOG_BINDINGS = ['slf4j-simple', 'slf4j-nop'];

const JVM_FLAGS = [
  // Fast start for a short-lived JVM.
  '-Xshare:auto',
  '-XX:TieredStopAtLevel=1',
  '-XX:+UseSerialGC',
  '-Xmx256m',
  '-XX:-UsePerfData',
  // Bounds every synchronous ZooKeeper call (default: wait forever).
  '-Dzookeeper.request.timeout=10000',
  // The client's warnings are mostly expected disconnects in the expiry steps.
  '-Dorg.slf4j.simpleLogger.defaultLogLevel=error',
  '-Dfile.encoding=UTF-8',
];

/** A JDK and the classpath of one scenario. */
export interface Toolchain {
  readonly java: string;
  readonly javac: string;
  readonly classpath: readonly string[];
}

/**
 * The Java interop scenarios of one test run: the first {@link run} of a scenario compiles it
 * (with the shared ScenarioRunner) into a temporary directory that {@link close} removes. A
 * missing JDK or jar rejects with a {@link MissingPrerequisiteError} naming the package.
 */
export class JavaScenarios {
  #workDir: Promise<string> | undefined;
  readonly #compiled = new Map<JavaScenario, Promise<{ toolchain: Toolchain; classes: string }>>();

  /**
   * Compiles `scenarios` (once; for example while a server starts) and resolves when done.
   * Never rejects: a failure is reported by the {@link run} of that scenario.
   */
  async prepare(scenarios: readonly JavaScenario[]): Promise<void> {
    await Promise.allSettled(scenarios.map((scenario) => this.#compiledOnce(scenario)));
  }

  /** Runs `scenario` against `connectString` (compiling it first if needed); resolves with how the JVM ended. */
  async run(scenario: JavaScenario, connectString: string, options: { timeoutMs: number }): Promise<ProcessResult> {
    const { toolchain, classes } = await this.#compiledOnce(scenario);
    const classpath = [...toolchain.classpath, classes].join(delimiter);
    return runProcess(toolchain.java, [...JVM_FLAGS, '-cp', classpath, scenario, connectString], {
      timeoutMs: options.timeoutMs,
    });
  }

  /**
   * The command line that runs `scenario` with `args` (compiling it first if needed), for a caller
   * that spawns the JVM itself (to talk to its stdin, or read its stdout while it runs).
   */
  async commandLine(scenario: JavaScenario, args: readonly string[]): Promise<{ command: string; args: string[] }> {
    const { toolchain, classes } = await this.#compiledOnce(scenario);
    const classpath = [...toolchain.classpath, classes].join(delimiter);
    return { command: toolchain.java, args: [...JVM_FLAGS, '-cp', classpath, scenario, ...args] };
  }

  /** Removes the compiled classes (after any compilation still running). */
  async close(): Promise<void> {
    await Promise.allSettled(this.#compiled.values());
    const dir = await this.#workDir?.catch(() => undefined);
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  }

  #compiledOnce(scenario: JavaScenario): Promise<{ toolchain: Toolchain; classes: string }> {
    let compiled = this.#compiled.get(scenario);
    if (compiled === undefined) {
      compiled = this.#compile(scenario);
      this.#compiled.set(scenario, compiled);
    }
    return compiled;
  }

  async #compile(scenario: JavaScenario): Promise<{ toolchain: Toolchain; classes: string }> {
    const toolchain = findToolchain(scenario, process.env);
    this.#workDir ??= mkdtemp(join(tmpdir(), 'zookit-interop-java-'));
    const classes = join(await this.#workDir, scenario);
    const sources = SOURCES_OF[scenario].map((file) => join(SOURCES, file));
    const result = await runProcess(
      toolchain.javac,
      ['-encoding', 'UTF-8', '-nowarn', '-d', classes, '-cp', toolchain.classpath.join(delimiter), ...sources],
      { timeoutMs: COMPILE_TIMEOUT_MS },
    );
    if (result.code !== 0) {
      throw new Error(`javac failed for ${scenario}:\n${result.stdout}${result.stderr}`);
    }
    return { toolchain, classes };
  }
}

/**
 * The JDK and jars `scenario` needs, found without running anything.
 * @throws {MissingPrerequisiteError} naming the first one missing and its Debian package.
 */
export function findToolchain(scenario: JavaScenario, env: NodeJS.ProcessEnv = process.env): Toolchain {
  const java = findExecutable('java', env);
  if (java === undefined) {
    throw new MissingPrerequisiteError(
      `Java is not installed (no java in ${env.JAVA_HOME ? `JAVA_HOME=${env.JAVA_HOME}/bin` : 'a directory on PATH'})`,
      'default-jdk-headless',
    );
  }
  const javac = findExecutable('javac', env);
  if (javac === undefined) {
    throw new MissingPrerequisiteError(
      `Found ${java} but no javac (a Java runtime without the compiler)`,
      'default-jdk-headless',
    );
  }
  // ZOOKEEPER_HOME (an Apache binary release) wins for ZooKeeper's jars; Curator and Guava come
  // from Debian's packages unless that release's lib/ has them.
  const home = env.ZOOKEEPER_HOME || undefined;
  let zookeeper: string[];
  if (home === undefined) {
    const binding = LOG_BINDINGS.map((name) => findJar(name, [DEBIAN_JAVA_DIR])).find(Boolean);
    zookeeper = [
      ...ZOOKEEPER_CLIENT_JARS.map((jar) => requireJar(jar, [DEBIAN_JAVA_DIR])),
      ...(binding ? [binding] : []),
    ];
  } else {
    zookeeper = allJars([join(home, 'lib'), home], `ZOOKEEPER_HOME=${home}`);
  }
  if (scenario === 'ZkInteropScenario') return { java, javac, classpath: zookeeper };
  const curatorDirs = home === undefined ? [DEBIAN_JAVA_DIR] : [join(home, 'lib'), DEBIAN_JAVA_DIR];
  const jars = scenario === 'DiscoveryInteropScenario' ? [...CURATOR_JARS, ...DISCOVERY_JARS] : CURATOR_JARS;
  return { java, javac, classpath: [...jars.map((jar) => requireJar(jar, curatorDirs)), ...zookeeper] };
}

function requireJar(jar: JarSpec, dirs: readonly string[]): string {
  const found = findJar(jar.name, dirs);
  if (found === undefined) {
    throw new MissingPrerequisiteError(
      `No ${jar.name}.jar (or ${jar.name}-<version>.jar) in ${dirs.join(' or ')}`,
      jar.debianPackage,
    );
  }
  return found;
}

/** `name.jar`, else the highest-sorting `name-<digit>….jar`, in the first directory that has one. */
function findJar(name: string, dirs: readonly string[]): string | undefined {
  const versioned = new RegExp(`^${name.replace(/[.-]/g, '\\$&')}-\\d[^/]*\\.jar$`);
  for (const dir of dirs) {
    const names = listDir(dir);
    if (names.includes(`${name}.jar`)) return join(dir, `${name}.jar`);
    const match = names.filter((file) => versioned.test(file)).sort();
    if (match.length > 0) return join(dir, match[match.length - 1] as string);
  }
  return undefined;
}

function allJars(dirs: readonly string[], source: string): string[] {
  const jars = dirs.flatMap((dir) =>
    listDir(dir)
      .filter((file) => file.endsWith('.jar'))
      .sort()
      .map((file) => join(dir, file)),
  );
  if (!jars.some((jar) => /(^|\/)zookeeper(-\d[^/]*)?\.jar$/.test(jar))) {
    throw new MissingPrerequisiteError(
      `${source} holds no zookeeper-<version>.jar in lib/ or at its top`,
      'zookeeper',
      'point ZOOKEEPER_HOME at an unpacked apache-zookeeper-<version>-bin release',
    );
  }
  return jars;
}

function findExecutable(name: string, env: NodeJS.ProcessEnv): string | undefined {
  if (env.JAVA_HOME) {
    const candidate = join(env.JAVA_HOME, 'bin', name);
    return isExecutable(candidate) ? candidate : undefined;
  }
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir || !isAbsolute(dir)) continue;
    const candidate = join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

function listDir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return []; // a missing directory holds no jar; the caller reports the jar
  }
}

function isExecutable(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
