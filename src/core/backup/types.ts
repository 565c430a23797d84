// What a `snapshot_method: tables` backup holds and how it is asked for: shared by the backup policy
// in the core and the adapter that copies and restores tables.
import type { ObjectKind } from './targets.js';

/** A table a backup will copy, with its size now. */
export interface BackupTable {
  schema: string;
  name: string;
  rows: number;
  bytes: number;
}

/** What a change's backup will hold: measured before anything is copied. */
export interface BackupScope {
  tables: BackupTable[];
  /** Views, routines, triggers and events the change drops or replaces, which exist now. */
  objects: { kind: ObjectKind; schema: string; name: string }[];
  /** Why the change's targets cannot be known; the backup is then refused. */
  unknown?: string;
  rows: number;
  bytes: number;
}

/** One row of the catalog. */
export interface BackupItem {
  backupId: string;
  item: number;
  changeId: string;
  environment: string;
  kind: 'table' | ObjectKind;
  sourceSchema: string;
  sourceName: string;
  /** For a trigger kept because its table was copied: that table. */
  onTable: string | null;
  copyTable: string | null;
  definition: string;
  sqlMode: string | null;
  rows: number | null;
  bytes: number | null;
  createdAt: Date;
  operator: string;
  runUrl: string | null;
  restoredAt: Date | null;
  restoredBy: string | null;
}

/** A whole backup: its items, in the order they were taken. */
export interface Backup {
  id: string;
  changeId: string;
  environment: string;
  createdAt: Date;
  items: BackupItem[];
  rows: number;
  bytes: number;
  restoredAt: Date | null;
}

/** Who takes a backup and for what. */
export interface BackupRequest {
  schema: string;
  backupSchema: string;
  changeId: string;
  environment: string;
  operator: string;
  runUrl: string | null;
  /** When the run started: every copy of one run carries it in its name. */
  runStarted: Date;
  now: Date;
}

/** What a restore did, for its report. */
export interface RestoreResult {
  tables: { schema: string; name: string; rows: number }[];
  objects: { kind: string; schema: string; name: string }[];
}
