// `changegate new`: a manifest and its SQL files that validate as written, so the author starts from
// a green `validate` and edits from there. Nothing existing is ever overwritten.
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from './errors.js';
import { readConfig } from './manifest/config.js';
import { formatDiagnostic } from './manifest/format.js';
import { formatDate, ID_PATTERN, idDate, MANIFEST_EXTENSIONS, SLUG_PATTERN } from './manifest/ids.js';

/** Paths (repository-relative) of what `scaffoldChange` wrote. */
export interface ScaffoldResult {
  manifest: string;
  up: string;
  down: string;
  /** The existing change the id was dated after, when today's date would have sorted before it. */
  after?: string;
}

/**
 * Writes `changes/<date>-<slug>.yaml` and `migrations/<date>-<slug>/{up,down}.sql`, dated with the
 * author's local calendar day, or the day after the last change when that one would sort after it. Throws UsageError for a bad slug, a ticket that fails ticket_pattern,
 * an invalid changegate.yaml, or when any of the files already exists (nothing is written then).
 */
export function scaffoldChange(root: string, slug: string, ticket: string, today: Date): ScaffoldResult {
  if (!SLUG_PATTERN.test(slug)) {
    throw new UsageError(`"${slug}" is not a valid slug: use lowercase letters, digits and single hyphens (add-invoice-due-date)`);
  }
  if (ticket.trim() === '') throw new UsageError('--ticket is empty; every change needs its work ticket');
  const loaded = readConfig(root);
  if (!loaded.config) {
    const first = loaded.diagnostics.find((d) => d.severity === 'error');
    throw new UsageError(`changegate.yaml has errors; run changegate validate${first ? ` (first: ${formatDiagnostic(first)})` : ''}`);
  }
  const pattern = loaded.config.ticket_pattern;
  if (pattern !== undefined && !new RegExp(pattern).test(ticket)) {
    throw new UsageError(`ticket "${ticket}" does not match ticket_pattern ${pattern}`);
  }

  // Ids order the changes: a new one must come after every change there is (a baseline written
  // today sorts after most slugs of the same day), so it is dated the day after the last one then.
  let id = `${formatDate(today)}-${slug}`;
  const last = existingIds(root).filter((e) => e > id).pop();
  if (last !== undefined) id = `${dayAfter(idDate(last))}-${slug}`;
  const result: ScaffoldResult = {
    manifest: `changes/${id}.yaml`,
    up: `migrations/${id}/up.sql`,
    down: `migrations/${id}/down.sql`,
    ...(last !== undefined ? { after: last } : {}),
  };
  for (const rel of [result.manifest, result.up, result.down, `changes/${id}.yml`]) {
    if (existsSync(path.join(root, rel))) throw new UsageError(`${rel} already exists; changegate new never overwrites a file`);
  }

  const title = slug.replace(/-/g, ' ').replace(/^./, (c) => c.toUpperCase());
  mkdirSync(path.join(root, 'changes'), { recursive: true });
  mkdirSync(path.join(root, 'migrations', id), { recursive: true });
  // 'wx' fails instead of overwriting if a file appeared since the check above.
  writeFileSync(path.join(root, result.up), upTemplate(ticket, title), { flag: 'wx' });
  writeFileSync(path.join(root, result.down), downTemplate(ticket, title), { flag: 'wx' });
  writeFileSync(path.join(root, result.manifest), manifestTemplate(root, title, ticket, result), { flag: 'wx' });
  return result;
}

// The ids of the changes in changes/, sorted.
function existingIds(root: string): string[] {
  let names: string[];
  try {
    names = readdirSync(path.join(root, 'changes'));
  } catch {
    return [];
  }
  return names
    .map((n) => MANIFEST_EXTENSIONS.map((ext) => (n.endsWith(ext) ? n.slice(0, -ext.length) : null)).find((x) => x !== null) ?? null)
    .filter((id): id is string => id !== null && ID_PATTERN.test(id))
    .sort();
}

// `YYYY-MM-DD` of the calendar day after `date`.
function dayAfter(date: string): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + 1)).toISOString().slice(0, 10);
}

/**
 * The `$schema` the manifest's first line points yaml-language-server at: the installed package's
 * copy when there is one, else this repository's own `schema/` (changegate's repository itself), else
 * the path an `npm install changegate` will create.
 */
export function schemaReference(root: string): string {
  const installed = '../node_modules/changegate/schema/change.schema.json';
  if (existsSync(path.join(root, 'node_modules/changegate/schema/change.schema.json'))) return installed;
  if (existsSync(path.join(root, 'schema/change.schema.json'))) return '../schema/change.schema.json';
  return installed;
}

function manifestTemplate(root: string, title: string, ticket: string, files: ScaffoldResult): string {
  return `# yaml-language-server: $schema=${schemaReference(root)}
title: ${JSON.stringify(title)}
ticket: ${JSON.stringify(ticket)}
# owner: "@you"
# true when any statement can lose or overwrite data, or drop, rename or replace an object.
destructive: false
apply:
  - ${files.up}
# verify:
#   - name: what the change should have done
#     sql: SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'example'
#     expect: 1
rollback:
  - ${files.down}
depends_on: []
# environments: [qa, prod]   # default: every environment
`;
}

// SELECT 1 is the placeholder because it validates (a file needs a statement) and changes nothing
// if it is applied unedited; the plan shows it to the reviewer.
function upTemplate(ticket: string, title: string): string {
  return `-- ${ticket}: ${title}
-- One statement per ";" (use DELIMITER for routines). Prefer ALGORITHM=INSTANT or INPLACE on ALTER TABLE.
-- Replace the placeholder below with the change.
SELECT 1;
`;
}

function downTemplate(ticket: string, title: string): string {
  return `-- ${ticket}: undo "${title}" (run by changegate rollback).
-- Replace the placeholder below with the statements that undo up.sql.
SELECT 1;
`;
}
