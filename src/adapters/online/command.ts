// `online_schema_change.command`: another tool's command line, with Skeema-style placeholders. Each
// value is quoted for the shell, so a clause with quotes or semicolons stays one argument.

/** Quotes a value for a POSIX shell. */
export function shellQuote(v: string): string {
  return `'${v.replace(/'/g, `'\\''`)}'`;
}

/** The command line with each `{NAME}` replaced by its quoted value; an unknown name stays as written. */
export function commandLine(template: string, values: Record<string, string>): string {
  return template.replace(/\{([A-Z_]+)\}/g, (whole, n: string) => (n in values ? shellQuote(values[n]!) : whole));
}
