/** How the read replica stands: `degraded` means its reads go to the primary for now. */
export interface ReplicaState {
  status: 'up' | 'degraded' | 'not configured';
  lagSeconds?: number;
  message?: string;
}

/** An app with a read replica tells readiness how it stands; the replica is never required (readiness stays 200). */
export abstract class ReplicaHealth {
  abstract readonly replicaState: ReplicaState;
}
