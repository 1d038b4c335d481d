import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import {
  buildClientSchema,
  getVariableValues,
  type GraphQLSchema,
  type IntrospectionQuery,
  Kind,
  type OperationDefinitionNode,
  parse,
  validate,
} from "graphql";
import type { AdminGraphql } from "../app/lib/admin-graphql";

/** Must equal API_VERSION in app/shopify.server.ts and api_version in shopify.app.toml. */
export const ADMIN_API_VERSION = "2026-10";

const cached = new Map<string, GraphQLSchema>();

/** One of Shopify's GraphQL schemas as published in @shopify/dev-mcp (introspection JSON). */
function shopifySchema(file: string): GraphQLSchema {
  let schema = cached.get(file);
  if (!schema) {
    const dir = path.resolve(import.meta.dirname, "../node_modules/@shopify/dev-mcp/dist/data");
    const json = JSON.parse(gunzipSync(readFileSync(path.join(dir, file))).toString());
    schema = buildClientSchema((json.data ?? json) as IntrospectionQuery);
    cached.set(file, schema);
  }
  return schema;
}

/** Shopify's Admin GraphQL schema. */
export const adminSchema = () => shopifySchema(`admin_${ADMIN_API_VERSION}.json.gz`);
/** Shopify's Storefront GraphQL schema, same version. */
export const storefrontSchema = () => shopifySchema(`storefront-graphql_${ADMIN_API_VERSION}.json.gz`);

/**
 * The schema's complaints about a document and, when given, its variables (an unknown input
 * field, a missing required one, a wrong enum value or scalar); empty when both are valid.
 */
export function validateAdminDocument(document: string, variables?: Record<string, unknown>): string[] {
  return validateDocument(adminSchema(), document, variables);
}

export function validateStorefrontDocument(document: string): string[] {
  return validateDocument(storefrontSchema(), document);
}

function validateDocument(schema: GraphQLSchema, document: string, variables?: Record<string, unknown>): string[] {
  try {
    const parsed = parse(document);
    const errors = validate(schema, parsed).map((e) => e.message);
    if (errors.length > 0 || variables === undefined) return errors;
    const operation = parsed.definitions.find(
      (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
    );
    const coerced = getVariableValues(schema, operation?.variableDefinitions ?? [], variables);
    return coerced.errors?.map((e) => e.message) ?? [];
  } catch (error) {
    return [(error as Error).message];
  }
}

export interface RecordedCall {
  query: string;
  variables?: Record<string, unknown>;
}

/**
 * A fake Admin API: refuses any document Shopify's schema would refuse, records what it
 * was sent, and answers with `respond`'s data.
 */
export function fakeAdmin(respond: (call: RecordedCall) => unknown): { graphql: AdminGraphql; calls: RecordedCall[] } {
  const calls: RecordedCall[] = [];
  const graphql: AdminGraphql = async (query, options) => {
    const errors = validateAdminDocument(query, options?.variables ?? {});
    if (errors.length > 0) {
      return Response.json({ errors: errors.map((message) => ({ message })) }, { status: 200 });
    }
    const call = { query, variables: options?.variables };
    calls.push(call);
    return Response.json({ data: respond(call) });
  };
  return { graphql, calls };
}

/** A fake of one shop's Storefront API: refuses what Shopify's schema would, answers with `respond`'s data. */
export function fakeStorefront(respond: (query: string) => unknown): {
  storefront: (query: string) => Promise<Response>;
  calls: string[];
} {
  const calls: string[] = [];
  const storefront = async (query: string) => {
    const errors = validateStorefrontDocument(query);
    if (errors.length > 0) return Response.json({ errors: errors.map((message) => ({ message })) }, { status: 200 });
    calls.push(query);
    return Response.json({ data: respond(query) });
  };
  return { storefront, calls };
}

export interface AdminServer {
  /** The GraphQL endpoint, for DEMO_ADMIN_API_URL. */
  url: string;
  /** Where a file given to `serve` is downloaded from (Shopify's bulk results live at such a URL). */
  fileUrl: (name: string) => string;
  serve: (name: string, content: string) => void;
  /** Accepted calls, in order. */
  calls: RecordedCall[];
  /** Documents the schema refused, with why: a test expects none. */
  refused: Array<{ query: string; errors: string[] }>;
  close: () => Promise<void>;
}

/**
 * fakeAdmin over HTTP, for an app running in its own process (the demo with
 * DEMO_ADMIN_API_URL): POST /graphql.json takes `{ query, variables }`; GET /files/<name>
 * serves what `serve` was given. Operations `respond` does not answer get a GraphQL error.
 */
export async function startAdminServer(respond: (call: RecordedCall) => unknown): Promise<AdminServer> {
  const files = new Map<string, string>();
  const refused: AdminServer["refused"] = [];
  const { graphql, calls } = fakeAdmin(respond);
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      void (async () => {
        if (req.method === "GET" && req.url?.startsWith("/files/")) {
          const content = files.get(decodeURIComponent(req.url.slice("/files/".length)));
          res.writeHead(content === undefined ? 404 : 200, { "content-type": "application/jsonl" }).end(content);
          return;
        }
        if (req.method !== "POST" || req.url !== "/graphql.json") {
          res.writeHead(404).end();
          return;
        }
        const { query, variables } = JSON.parse(Buffer.concat(chunks).toString("utf8")) as RecordedCall;
        const errors = validateAdminDocument(query, variables ?? {});
        if (errors.length > 0) refused.push({ query, errors });
        const response = await graphql(query, { variables });
        const body = (await response.json()) as { data?: unknown; errors?: unknown };
        const answered = errors.length > 0 || body.data !== undefined;
        res
          .writeHead(200, { "content-type": "application/json" })
          .end(JSON.stringify(answered ? body : { errors: [{ message: "The fake Admin API does not answer this" }] }));
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: `${base}/graphql.json`,
    fileUrl: (name) => `${base}/files/${encodeURIComponent(name)}`,
    serve: (name, content) => void files.set(name, content),
    calls,
    refused,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
