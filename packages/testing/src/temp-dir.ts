import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { forgetDir, removeOnExit } from './exit-cleanup.js';

/** Creates a fresh directory under the OS temp dir that is removed when this process exits, at the latest. */
export async function makeTempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  removeOnExit(dir);
  return dir;
}

/** Removes a directory made by {@link makeTempDir} now. */
export async function removeTempDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true, maxRetries: 3 });
  forgetDir(dir);
}
