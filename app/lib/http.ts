/** A JSON error body with the status that says what went wrong. */
export function errorResponse(status: number, message: string, details?: unknown): Response {
  return Response.json({ error: message, ...(details === undefined ? {} : { details }) }, { status });
}
