/**
 * The Admin GraphQL client as services use it: `admin.graphql` from
 * @shopify/shopify-app-remix, or a fake in tests. Services take it as an argument.
 */
export type AdminGraphql = (query: string, options?: { variables?: Record<string, unknown> }) => Promise<Response>;

export class AdminApiError extends Error {
  constructor(
    message: string,
    public readonly errors: unknown,
  ) {
    super(message);
  }
}

/** Runs a query and returns its data, throwing AdminApiError on GraphQL errors. */
export async function adminQuery<T>(
  graphql: AdminGraphql,
  query: string,
  variables?: Record<string, unknown>,
): Promise<T> {
  const response = await graphql(query, variables ? { variables } : undefined);
  const body = (await response.json()) as { data?: T; errors?: unknown };
  if (body.errors || !body.data) {
    throw new AdminApiError(`Admin API error: ${JSON.stringify(body.errors ?? "no data")}`, body.errors);
  }
  return body.data;
}
