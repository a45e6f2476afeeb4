// The checks test/prerequisites.ts skips (or, under CI, fails) the interop suites with: each names
// what is missing and the Debian package to install, without running a scenario.
import { describe, expect, it } from 'vitest';
import { findToolchain } from './java-runner.js';
import { findKazooPython } from './kazoo-runner.js';
import { MissingPrerequisiteError } from './missing-prerequisite-error.js';

function thrown(check: () => unknown): MissingPrerequisiteError {
  try {
    check();
  } catch (error) {
    expect(error).toBeInstanceOf(MissingPrerequisiteError);
    return error as MissingPrerequisiteError;
  }
  throw new Error('the check did not throw');
}

describe('interop prerequisite checks', () => {
  it('no kazoo: names the interpreter and python3-kazoo', () => {
    const error = thrown(() => findKazooPython({ ...process.env, ZOOKIT_INTEROP_PYTHON: '/nonexistent/python3' }));
    expect(error.debianPackage).toBe('python3-kazoo');
    expect(error.what).toContain('/nonexistent/python3');
    expect(error.message).toContain('sudo apt-get install -y python3-kazoo');
  });

  it('no Java: names JAVA_HOME and default-jdk-headless, for the Java client and for Curator', () => {
    for (const scenario of ['ZkInteropScenario', 'CuratorInteropScenario'] as const) {
      const error = thrown(() => findToolchain(scenario, { ...process.env, JAVA_HOME: '/nonexistent-jdk' }));
      expect(error.debianPackage).toBe('default-jdk-headless');
      expect(error.what).toContain('JAVA_HOME=/nonexistent-jdk/bin');
    }
  });

  it('a ZOOKEEPER_HOME without jars: names it and the zookeeper package', () => {
    const error = thrown(() =>
      findToolchain('ZkInteropScenario', { ...process.env, ZOOKEEPER_HOME: '/nonexistent-zk' }),
    );
    expect(error.debianPackage).toBe('zookeeper');
    expect(error.what).toContain('ZOOKEEPER_HOME=/nonexistent-zk');
  });
});
