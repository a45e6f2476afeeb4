import type { ConnectionState } from '@zookit/client';

/**
 * Which connection states a recipe treats as losing what it holds (Curator's
 * ConnectionStateErrorPolicy):
 * - `'standard'` (default): `suspended` and `lost` — the safe choice: a holder that cannot prove
 *   its session is alive stops acting as the holder at once.
 * - `'session'`: only `lost` — keeps locks/leadership across short disconnects; the holder may
 *   then act while another process already holds (use fencing tokens).
 */
export type ConnectionErrorPolicy = 'standard' | 'session';

/** Whether `state` ends what a recipe holds under `policy`. */
export function isErrorState(policy: ConnectionErrorPolicy, state: ConnectionState): boolean {
  if (state === 'lost' || state === 'closed') return true;
  return policy === 'standard' && state === 'suspended';
}
