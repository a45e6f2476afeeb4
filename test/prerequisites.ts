// The one rule for the suites that need software we did not write (ZooKeeper 3.8 and Java, a JDK
// with ZooKeeper's and Curator's jars, kazoo). Outside CI, a suite whose prerequisite is missing
// is skipped, and test/prerequisites-report.ts prints one line naming what is missing and the
// apt-get command. Under CI (the CI variable set, as .ci/run does) nothing is skipped: the run
// fails with that instruction, so the gate can never pass by skipping.
import { findZooKeeperInstallation, ZooKeeperNotInstalledError } from '@zookit/testing';
import { findToolchain } from './interop/java-runner.js';
import { findKazooPython } from './interop/kazoo-runner.js';
import { MissingPrerequisiteError } from './interop/missing-prerequisite-error.js';

/** What a suite can need. */
export type Prerequisite = 'zookeeper' | 'java-client' | 'curator' | 'curator-discovery' | 'kazoo';

const LABELS: Readonly<Record<Prerequisite, string>> = {
  zookeeper: 'real ZooKeeper 3.8',
  'java-client': "ZooKeeper's Java client",
  curator: 'Curator 5.4',
  'curator-discovery': 'curator-x-discovery 5.4',
  kazoo: 'kazoo',
};

/** Each check throws a MissingPrerequisiteError, or returns when the prerequisite is there. */
const CHECKS: Readonly<Record<Prerequisite, () => unknown>> = {
  zookeeper: () => {
    try {
      return findZooKeeperInstallation();
    } catch (error) {
      if (!(error instanceof ZooKeeperNotInstalledError)) throw error;
      const what = `${error.missing === 'java' ? 'Java' : 'ZooKeeper'} is not installed (${error.detail})`;
      throw new MissingPrerequisiteError(what, 'zookeeper', 'set ZOOKEEPER_HOME to an Apache ZooKeeper release');
    }
  },
  'java-client': () => findToolchain('ZkInteropScenario'),
  curator: () => findToolchain('CuratorInteropScenario'),
  'curator-discovery': () => findToolchain('DiscoveryInteropScenario'),
  kazoo: () => findKazooPython(),
};

/** Whether this run is the CI gate (the CI variable set, not "false" or "0"): then nothing is skipped. */
export const inCI = !['', 'false', '0'].includes(process.env.CI ?? '');

const checked = new Map<Prerequisite, MissingPrerequisiteError | undefined>();

/** Why `prerequisite` is missing, or undefined when it is installed; checked once per process. */
export function whyMissing(prerequisite: Prerequisite): MissingPrerequisiteError | undefined {
  if (!checked.has(prerequisite)) {
    try {
      CHECKS[prerequisite]();
      checked.set(prerequisite, undefined);
    } catch (error) {
      if (!(error instanceof MissingPrerequisiteError)) throw error;
      checked.set(prerequisite, error);
    }
  }
  return checked.get(prerequisite);
}

/**
 * Whether a suite that needs `prerequisites` is skipped: one of them is missing and this is not
 * CI. Use as `describe.skipIf(lacks('kazoo'))(…)`; under CI it is always false, and the suite
 * fails with the missing tool's error.
 */
export function lacks(...prerequisites: Prerequisite[]): boolean {
  return !inCI && prerequisites.some((prerequisite) => whyMissing(prerequisite) !== undefined);
}

/** One line naming every missing prerequisite and the apt-get command; undefined when none is. */
export function missingReport(): string | undefined {
  const all = Object.keys(CHECKS) as Prerequisite[];
  const missing = all.flatMap((p) => {
    const why = whyMissing(p);
    return why === undefined ? [] : [{ label: LABELS[p], why }];
  });
  if (missing.length === 0) return undefined;
  const reasons = [...new Set(missing.map(({ why }) => why.what))];
  const packages = [...new Set(missing.map(({ why }) => why.debianPackage))];
  return (
    `The suites that need ${missing.map(({ label }) => label).join(', ')} ${inCI ? 'cannot run' : 'are skipped'}: ` +
    `${reasons.join('; ')}. Install: sudo apt-get install -y ${packages.join(' ')}` +
    (inCI ? '' : ' (with CI=true they fail instead)')
  );
}
