// vitest's globalSetup: runs once per test run, before any suite. When a prerequisite of the
// real-ZooKeeper or interop suites is missing it prints test/prerequisites.ts's one line (those
// suites skip themselves), or under CI fails the whole run with it.
import { inCI, missingReport } from './prerequisites.js';

export default function reportMissingPrerequisites(): void {
  const report = missingReport();
  if (report === undefined) return;
  if (inCI) throw new Error(`CI is set, so nothing is skipped. ${report}`);
  console.warn(report);
}
