/**
 * The smallest common surface of PGlite and node-postgres that migrations and the
 * job queue need: a parameterised query, and a multi-statement script.
 */
export interface SqlRunner {
  query<T = Record<string, unknown>>(text: string, values?: unknown[]): Promise<{ rows: T[] }>;
  /** Runs a script of several statements (simple query protocol, no parameters); rows of the last one. */
  exec(script: string): Promise<{ rows: Record<string, unknown>[] }>;
}
