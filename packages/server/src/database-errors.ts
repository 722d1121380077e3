/** True when a query failed on a unique constraint (SQLSTATE 23505), on PostgreSQL and PGlite alike. */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  const candidate = error as { code?: unknown; constraint?: unknown } | null;
  if (candidate?.code !== '23505') return false;
  return constraint === undefined || candidate.constraint === constraint;
}
