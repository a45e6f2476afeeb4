/**
 * Thrown when a tool an interop scenario needs (a JDK, a jar, kazoo) is not installed. The
 * message says what was looked for and what to install; the suite fails with it rather than
 * skipping, because the CI gate installs everything.
 */
export class MissingPrerequisiteError extends Error {
  override readonly name = 'MissingPrerequisiteError';

  constructor(what: string, install: string) {
    super(`${what}. ${install}`);
  }
}
