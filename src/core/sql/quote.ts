// The one way an identifier is written into SQL or into a message: backtick-quoted with every
// backtick doubled, as MySQL and MariaDB print names. SQL built from it runs against PROD (the
// impact checks, the backups, the drift introspection), so a name holding a backtick must never end
// the quoted name early.

/** Backtick-quotes an identifier, doubling any backtick inside it: `a`b` → `` `a``b` ``. */
export function quoteIdent(name: string): string {
  return '`' + name.replace(/`/g, '``') + '`';
}
