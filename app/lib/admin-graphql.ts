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

interface GraphqlError {
  message?: string;
  extensions?: { code?: string };
}
interface CostExtension {
  requestedQueryCost?: number;
  throttleStatus?: { currentlyAvailable?: number; restoreRate?: number };
}

/** Shopify's rate limiter said no more than this many times in a row. */
export class AdminThrottledError extends AdminApiError {}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Like adminQuery, but waits out Shopify's throttling: a THROTTLED GraphQL error (answered
 * 200, or thrown by the Remix client as GraphqlQueryError) waits as long as the bucket needs
 * to refill for the request's cost (requested − available) / restore rate; an HTTP 429 waits
 * its Retry-After. Gives up with AdminThrottledError after `tries`, leaving the retry to the caller.
 */
export async function adminQueryThrottled<T>(
  graphql: AdminGraphql,
  query: string,
  variables: Record<string, unknown>,
  options: { tries?: number; wait?: (ms: number) => Promise<unknown> } = {},
): Promise<T> {
  const tries = options.tries ?? 4;
  const wait = options.wait ?? sleep;
  for (let attempt = 1; ; attempt++) {
    let body: { data?: T; errors?: unknown; extensions?: { cost?: CostExtension } };
    let retryAfterMs: number | null = null;
    try {
      body = (await (await graphql(query, { variables })).json()) as typeof body;
    } catch (error) {
      const e = error as {
        body?: { errors?: { graphQLErrors?: GraphqlError[] }; extensions?: { cost?: CostExtension } };
        retryAfter?: number;
        response?: { code?: number };
      };
      if (typeof e.retryAfter === "number" || e.response?.code === 429) {
        retryAfterMs = (e.retryAfter ?? 1) * 1000;
        body = { errors: [{ message: "Too many requests", extensions: { code: "THROTTLED" } }] };
      } else if (e.body?.errors?.graphQLErrors) {
        body = { errors: e.body.errors.graphQLErrors, extensions: e.body.extensions };
      } else {
        throw error;
      }
    }
    const errors = Array.isArray(body.errors) ? (body.errors as GraphqlError[]) : body.errors ? [body.errors] : [];
    const throttled = errors.some((e) => (e as GraphqlError).extensions?.code === "THROTTLED");
    if (!throttled) {
      if (errors.length > 0 || !body.data) {
        throw new AdminApiError(`Admin API error: ${JSON.stringify(body.errors ?? "no data")}`, body.errors);
      }
      return body.data;
    }
    if (attempt >= tries) throw new AdminThrottledError(`Admin API throttled ${tries} times in a row`, body.errors);
    const cost = body.extensions?.cost;
    const refill =
      cost?.requestedQueryCost !== undefined &&
      cost.throttleStatus?.currentlyAvailable !== undefined &&
      cost.throttleStatus.restoreRate
        ? ((cost.requestedQueryCost - cost.throttleStatus.currentlyAvailable) / cost.throttleStatus.restoreRate) * 1000
        : null;
    await wait(Math.min(30_000, Math.max(200, retryAfterMs ?? refill ?? 1000 * 2 ** attempt)));
  }
}
