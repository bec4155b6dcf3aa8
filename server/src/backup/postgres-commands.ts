/**
 * PostgreSQL is backed up with its own tools (issue 9): pg_dump makes a consistent snapshot of a
 * live database without stopping the servers, pg_restore loads it back. netcare prints the
 * commands for the configured database instead of wrapping them, so operators keep the flags
 * their tooling and versions need. The password is never printed: give it through PGPASSWORD
 * or ~/.pgpass.
 */
export function postgresCommands(url: string, file: string): { backup: string; restore: string; check: string; safeUrl: string } {
  const u = new URL(url);
  const hadPassword = u.password !== '';
  u.password = '';
  const safeUrl = u.toString();
  const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  return {
    safeUrl: hadPassword ? safeUrl.replace('@', ':***@') : safeUrl,
    // custom format: compressed, restorable table by table, checked with pg_restore --list
    backup: `pg_dump --format=custom --no-owner --file=${q(file)} --dbname=${q(safeUrl)}`,
    check: `pg_restore --list ${q(file)} > /dev/null`,
    // stop every netcare process first; one transaction, so a failed restore changes nothing
    restore: `pg_restore --clean --if-exists --no-owner --single-transaction --exit-on-error --dbname=${q(safeUrl)} ${q(file)}`,
  };
}
