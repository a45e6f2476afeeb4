/**
 * A tool a suite needs (a JDK, a jar, kazoo, ZooKeeper itself) is not installed. The message says
 * what was looked for and the Debian package that provides it; `debianPackage` lets
 * test/prerequisites.ts gather one apt-get line for everything missing.
 */
export class MissingPrerequisiteError extends Error {
  override readonly name = 'MissingPrerequisiteError';
  /** What was looked for and not found, without the install hint. */
  readonly what: string;
  /** The Debian/Ubuntu package that provides it. */
  readonly debianPackage: string;

  /** `otherwise`: another way to provide it, e.g. "set ZOOKIT_INTEROP_PYTHON to a python3 with kazoo". */
  constructor(what: string, debianPackage: string, otherwise?: string) {
    super(`${what}. Install it: sudo apt-get install -y ${debianPackage}${otherwise ? ` (or ${otherwise})` : ''}`);
    this.what = what;
    this.debianPackage = debianPackage;
  }
}
