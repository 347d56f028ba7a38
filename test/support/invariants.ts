import { checkEvents } from '../../bench/invariants.js';
import type { TestEnvironment } from './test-system.js';

/**
 * The promises SeatGrid makes about an event (bench/invariants.ts, the one checker), read from PostgreSQL, the
 * payment ledger and, given a gateway, its stats. Returns the broken ones (empty when all hold) so that a failing
 * spec says exactly what went wrong.
 */
export async function brokenInvariants(env: TestEnvironment, eventId: number, acceptedIds: string[], gatewayUrl?: string): Promise<string[]> {
  const checks = await checkEvents(env, [eventId], acceptedIds, { gatewayUrl });
  return checks.filter((check) => !check.ok).map((check) => `${check.name}: ${check.detail}`);
}
