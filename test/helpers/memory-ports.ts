// The use cases' ports on the in-memory target: a "locked" session of a MemoryServer, no impact
// reader (every statement unjudged), no protection (the tests' environments say snapshot: never),
// and a recording of what the team was told. The real ports are the CLI's, tested through the CLI.
import type { Announcement, ImpactPort, LockedTarget, RunPorts } from '../../src/core/usecases/ports.js';
import type { HistoryRecord } from '../../src/core/types.js';
import type { MemoryServer } from './memory-target.js';

/** What a memory run told the team, in order. */
export interface MemoryPorts extends RunPorts {
  announced: Announcement[];
  /** How many times a run took the lock. */
  locks: number;
}

const noImpact: ImpactPort = { assess: async () => undefined, close: async () => undefined };

/**
 * Ports whose `lock` opens a new session on `server` (as a new runner would) and reads its history.
 * With `aside`, a finished DDL statement is recorded through another connection, as the CLI's lock
 * connection does. `afterHistory` answers the promotion gate's read of another environment.
 */
export function memoryPorts(
  server: MemoryServer,
  opts: { aside?: boolean; afterHistory?: HistoryRecord[]; target?: Partial<LockedTarget>; ports?: Partial<RunPorts> } = {},
): MemoryPorts {
  const announced: Announcement[] = [];
  const ports: MemoryPorts = {
    announced,
    locks: 0,
    lock: async () => {
      ports.locks++;
      const session = server.connect();
      const history = await session.history.load();
      const target: LockedTarget = {
        schema: 'app',
        session,
        inspector: server,
        history,
        lockHeld: async () => !session.dead,
        ...(opts.aside ? { recordApplied: server.recordAside(session) } : {}),
        schemaIsEmpty: async () => true,
        impact: async () => noImpact,
        protection: {
          clusterSnapshot: () => Promise.reject(new Error('no snapshots in memory')),
          instanceSnapshot: () => Promise.reject(new Error('no snapshots in memory')),
          backupScope: () => Promise.reject(new Error('no backups in memory')),
          takeBackup: () => Promise.reject(new Error('no backups in memory')),
          listBackups: async () => [],
          restoreBackup: () => Promise.reject(new Error('no backups in memory')),
        },
        heartbeat: async () => undefined,
        abort: () => undefined,
        close: async () => undefined,
        ...opts.target,
      };
      return target;
    },
    readHistory: async () => opts.afterHistory ?? [],
    operator: async (approver) => ({ user: 'test', gitCommit: null, runUrl: null, approver }),
    approvals: async () => null,
    announce: async (a) => {
      announced.push(a);
    },
    now: () => new Date(),
    ...opts.ports,
  };
  return ports;
}
