// The whole repository: changegate.yaml, then every manifest in changes/, then the checks across
// changes (ids, dependencies). One pass, every finding collected, nothing thrown for bad input.
import { readdirSync, type Dirent } from 'node:fs';
import path from 'node:path';
import type { Change, Config, Diagnostic } from '../types.js';
import { baselineDiagnostics } from './baseline.js';
import { loadChange } from './change.js';
import { CODES, diagnostic } from './codes.js';
import { readConfig } from './config.js';
import { compareDiagnostics } from './format.js';
import { checkDependencies, dependencyOrder } from './graph.js';
import { idProblem, MANIFEST_EXTENSIONS } from './ids.js';
import { decodeUtf8, notUtf8Diagnostic, SqlFiles } from './paths.js';
import { YamlSource } from './yaml.js';
import { pushAll } from '../arrays.js';

/** Where to find the config and the manifests, relative to the repository root. */
export interface RepositoryOptions {
  /** Default `changegate.yaml`. */
  configFile?: string;
  /** Default `changes`. */
  changesDir?: string;
}

/** What `loadRepository` returns; with any error in `diagnostics`, nothing may be applied. */
export interface Repository {
  /** Present only when changegate.yaml has no errors. */
  config?: Config;
  /**
   * Changes whose manifests passed their schema, in apply order (dependencies first, then by id).
   * When `diagnostics` hold errors this is a best effort for reporting, not something to run.
   */
  changes: Change[];
  diagnostics: Diagnostic[];
}

/** Internal detail that `validate` needs beyond `Repository`: positions and completeness per change. */
export interface RepositoryDetail extends Repository {
  /** True when changegate.yaml is missing or has an error: a configuration error, exit 2 (not 1, which means the changes failed a check). */
  configFailed: boolean;
  /** The parsed manifest of each change, for positions of fields. */
  sources: Map<string, YamlSource>;
  /** Ids of changes whose every SQL file was read and split cleanly (lint can judge them). */
  complete: Set<string>;
  /** How many manifest files there are, those that failed to load included. */
  manifests: number;
}

/**
 * Loads changegate.yaml and every manifest under `changes/` (`.yaml` or `.yml`), reading and splitting
 * their SQL. Never throws for bad input: each problem is a diagnostic with file, line and field.
 */
export function loadRepository(root: string, options: RepositoryOptions = {}): Repository {
  const { config, changes, diagnostics } = loadRepositoryDetail(root, options);
  return config ? { config, changes, diagnostics } : { changes, diagnostics };
}

/** `loadRepository` with the detail `validateRepository` uses. */
export function loadRepositoryDetail(root: string, options: RepositoryOptions = {}): RepositoryDetail {
  const configFile = options.configFile ?? 'changegate.yaml';
  const changesDir = (options.changesDir ?? 'changes').split(path.sep).join('/').replace(/\/+$/, '');
  const loaded = readConfig(root, configFile);
  const diagnostics: Diagnostic[] = [...loaded.diagnostics];
  const configFailed = !loaded.config;

  const files = new SqlFiles(root);
  const sources = new Map<string, YamlSource>();
  const complete = new Set<string>();
  const loadedChanges: Change[] = [];
  const firstFileOfId = new Map<string, string>();

  const names = manifestNames(path.resolve(root, changesDir), changesDir, diagnostics);
  for (const name of names) {
    const ext = MANIFEST_EXTENSIONS.find((e) => name.endsWith(e))!;
    const id = name.slice(0, -ext.length);
    const rel = `${changesDir}/${name}`;

    const problem = idProblem(id);
    if (problem) {
      diagnostics.push(diagnostic(problem.kind === 'format' ? CODES.badId : CODES.badDate, rel, { line: 1, column: 1 }, undefined, problem.message));
    }
    // Case-insensitive: two ids differing only in case collide on macOS and Windows checkouts.
    const key = id.toLowerCase();
    const earlier = firstFileOfId.get(key);
    if (earlier !== undefined) {
      diagnostics.push(diagnostic(CODES.duplicateId, rel, { line: 1, column: 1 }, undefined, `has the same id as ${earlier}; every change needs its own id`));
      continue;
    }
    firstFileOfId.set(key, rel);

    const text = readManifest(files, rel, diagnostics);
    if (text === undefined) continue;
    const source = YamlSource.parse(rel, text);
    pushAll(diagnostics, source.diagnostics);
    if (!source.ok) continue;
    const result = loadChange(id, source, files, loaded.facts, diagnostics);
    if (!result) continue;
    sources.set(id, source);
    if (result.complete) complete.add(id);
    loadedChanges.push(result.change);
  }
  pushAll(diagnostics, files.diagnostics);
  pushAll(diagnostics, checkDependencies(loadedChanges, sources));
  pushAll(diagnostics, baselineDiagnostics(loadedChanges, sources));
  diagnostics.sort(compareDiagnostics);

  const out: RepositoryDetail = { changes: dependencyOrder(loadedChanges), diagnostics, configFailed, sources, complete, manifests: names.length };
  if (loaded.config) out.config = loaded.config;
  return out;
}

// Sorted so that findings come out in the same order on every machine.
function manifestNames(dir: string, relDir: string, diagnostics: Diagnostic[]): string[] {
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    // No changes/ yet is a valid, empty repository.
    if (code === 'ENOENT') return [];
    diagnostics.push(diagnostic(CODES.unreadable, relDir, { line: 1, column: 1 }, undefined, `cannot be read (${code ?? (err as Error).message})`));
    return [];
  }
  return entries
    .filter((e) => !e.name.startsWith('.') && !e.isDirectory() && MANIFEST_EXTENSIONS.some((x) => e.name.endsWith(x)))
    .map((e) => e.name)
    .sort();
}

function readManifest(files: SqlFiles, rel: string, diagnostics: Diagnostic[]): string | undefined {
  // A manifest may be a symlink too; it gets the same containment check as a SQL file.
  const bytes = files.readBytes(rel);
  if (!(bytes instanceof Uint8Array)) {
    diagnostics.push(diagnostic(bytes.code, rel, { line: 1, column: 1 }, undefined, bytes.message));
    return undefined;
  }
  const text = decodeUtf8(bytes);
  if (typeof text !== 'string') {
    diagnostics.push(notUtf8Diagnostic(rel, text));
    return undefined;
  }
  return text;
}
