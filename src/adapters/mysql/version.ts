// Server version strings as MySQL, MariaDB and Aurora MySQL report them, reduced to one dotted version
// that is compared with `server.min_version`. No special cases per flavor: a floor is a floor.

/** Which server family a version string came from. */
export type ServerFlavor = 'mysql' | 'mariadb' | 'aurora-mysql';

/** A parsed server version. */
export interface ServerVersion {
  flavor: ServerFlavor;
  /** The version compared with the floor: MySQL's, MariaDB's own, or the MySQL version Aurora is compatible with. */
  version: string;
  /** Aurora's own version (`3.05.2`), when the server is Aurora MySQL. */
  aurora?: string;
  /** The string the server reported. */
  raw: string;
}

const DOTTED = /^\d+(?:\.\d+)*$/;

/**
 * Parses `VERSION()` (or an RDS engine version string). `auroraVersion` is `@@aurora_version` when the
 * server has it: Aurora MySQL 3 reports `VERSION()` = `8.0.28` and keeps its own version there.
 */
export function parseServerVersion(raw: string, auroraVersion?: string | null): ServerVersion {
  const text = raw.trim();
  // RDS engine versions: "8.0.mysql_aurora.3.05.2", "5.7.mysql_aurora.2.11.2".
  const engine = /^(\d+\.\d+)\.mysql_aurora\.(\d+(?:\.\d+)*)$/i.exec(text);
  if (engine) return { flavor: 'aurora-mysql', version: engine[1]!, aurora: engine[2]!, raw };
  // Old MariaDB handshakes prefix "5.5.5-" so that MySQL 5.x clients accept them.
  const maria = /^(?:5\.5\.5-)?(\d+(?:\.\d+)*)-.*mariadb/i.exec(text);
  if (maria) return { flavor: 'mariadb', version: maria[1]!, raw };
  const plain = /^(\d+(?:\.\d+)*)(?:[-+~].*)?$/.exec(text);
  if (!plain) throw new Error(`cannot parse the server version "${raw}"`);
  if (/mariadb/i.test(text)) return { flavor: 'mariadb', version: plain[1]!, raw };
  const aurora = auroraVersion?.trim();
  if (aurora && DOTTED.test(aurora)) return { flavor: 'aurora-mysql', version: plain[1]!, aurora, raw };
  return { flavor: 'mysql', version: plain[1]!, raw };
}

/** Numeric comparison of dotted versions; missing components count as 0 (`8.0` = `8.0.0`). */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return 0;
}

/** Whether `floor` is a dotted version such as `8.0` or `10.5.2`. */
export function isVersionFloor(floor: string): boolean {
  return DOTTED.test(floor);
}

/** How messages name a server: `MySQL 8.0.36`, `MariaDB 10.11.6`, `Aurora MySQL 3.05.2 (MySQL 8.0.28)`. */
export function describeVersion(v: ServerVersion): string {
  switch (v.flavor) {
    case 'mariadb':
      return `MariaDB ${v.version}`;
    case 'aurora-mysql':
      return `Aurora MySQL ${v.aurora} (MySQL ${v.version})`;
    default:
      return `MySQL ${v.version}`;
  }
}
