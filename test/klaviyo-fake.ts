import { readdirSync, readFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import * as klaviyo from "klaviyo-api";

// A local Klaviyo that refuses what the real one would: routes, methods, the revision header
// and JSON:API bodies are all read from the official SDK (klaviyo-api), as the fake Admin API
// is built from Shopify's schema. It records what it accepted and can be told to answer 429.

const SDK = path.resolve(import.meta.dirname, "../node_modules/klaviyo-api");

/** The API revision the SDK speaks (its apis.ts), which every request must carry. */
export const KLAVIYO_REVISION = /const revision = +"([^"]+)"/.exec(
  readFileSync(path.join(SDK, "api/apis.ts"), "utf8"),
)![1]!;

interface Route {
  operation: string;
  method: string;
  pattern: RegExp;
  bodyType: string | null;
}

/** Every operation of the SDK: its method, path and body model. */
function sdkRoutes(): Route[] {
  const routes: Route[] = [];
  for (const file of readdirSync(path.join(SDK, "api")).filter((f) => f.endsWith("Api.ts"))) {
    const source = readFileSync(path.join(SDK, "api", file), "utf8");
    for (const chunk of source.split("public async ").slice(1)) {
      const operation = /^(\w+)/.exec(chunk)?.[1];
      const route = /localVarPath = this\.basePath \+ '([^']+)'/.exec(chunk)?.[1];
      const method = /method: '(\w+)'/.exec(chunk)?.[1];
      if (!operation || !route || !method) continue;
      const bodyType = /data: ObjectSerializer\.serialize\(\w+, "(\w+)"\)/.exec(chunk)?.[1] ?? null;
      const pattern = new RegExp(`^${route.replace(/\{[^}]+\}/g, "[^/]+")}$`);
      routes.push({ operation, method, pattern, bodyType });
    }
  }
  return routes;
}

interface Field {
  baseName: string;
  type: string;
  required: boolean;
  literals: string[];
}

const modelCache = new Map<string, Field[] | null>();

/** A model's fields: names and types from its class, which are required and literal values from its .d.ts. */
function modelFields(type: string): Field[] | null {
  if (modelCache.has(type)) return modelCache.get(type)!;
  const cls = (
    klaviyo as unknown as Record<string, { attributeTypeMap?: Array<{ name: string; baseName: string; type: string }> }>
  )[type];
  if (!cls?.attributeTypeMap) {
    modelCache.set(type, null);
    return null;
  }
  const file = path.join(SDK, "dist/model", `${type[0]!.toLowerCase()}${type.slice(1)}.d.ts`);
  const declaration = readFileSync(file, "utf8");
  const fields = cls.attributeTypeMap.map((f) => {
    const line = new RegExp(`'${f.name}'(\\??): ([^;]+);`).exec(declaration);
    return {
      baseName: f.baseName,
      type: f.type,
      required: line ? line[1] !== "?" : false,
      literals: line ? [...line[2]!.matchAll(/'([^']+)'/g)].map((m) => m[1]!) : [],
    };
  });
  modelCache.set(type, fields);
  return fields;
}

/** The allowed values of an SDK enum (from its runtime object, as the serializer writes them). */
function enumValues(type: string): string[] | null {
  const value = (klaviyo as unknown as Record<string, unknown>)[type];
  if (!type.endsWith("Enum") || typeof value !== "object" || value === null) return null;
  return Object.keys(value).filter((k) => /^[a-z]/.test(k) || k.includes("-"));
}

/** What is wrong with `value` as the SDK's `type`, one message per problem, with its JSON path. */
export function validateKlaviyo(value: unknown, type: string, at = "body"): string[] {
  if (value === null || value === undefined) return [];
  const array = /^Array<(.+)>$/.exec(type);
  if (array) {
    if (!Array.isArray(value)) return [`${at}: expected an array`];
    return value.flatMap((v, i) => validateKlaviyo(v, array[1]!, `${at}[${i}]`));
  }
  switch (type) {
    case "string":
      return typeof value === "string" ? [] : [`${at}: expected a string`];
    case "number":
      return typeof value === "number" && Number.isFinite(value) ? [] : [`${at}: expected a number`];
    case "boolean":
      return typeof value === "boolean" ? [] : [`${at}: expected a boolean`];
    case "Date":
      return typeof value === "string" && !Number.isNaN(Date.parse(value)) ? [] : [`${at}: expected a date-time`];
    case "object":
    case "any":
      return typeof value === "object" ? [] : [`${at}: expected an object`];
  }
  const allowed = enumValues(type);
  if (allowed) return allowed.includes(String(value)) ? [] : [`${at}: expected one of ${allowed.join(", ")}`];
  const fields = modelFields(type);
  if (!fields) return [`${at}: the SDK has no model ${type}`];
  if (typeof value !== "object" || Array.isArray(value)) return [`${at}: expected an object (${type})`];
  const object = value as Record<string, unknown>;
  const errors: string[] = [];
  for (const key of Object.keys(object)) {
    if (!fields.some((f) => f.baseName === key)) errors.push(`${at}.${key}: not a field of ${type}`);
  }
  for (const f of fields) {
    const v = object[f.baseName];
    if (v === undefined || v === null) {
      if (f.required) errors.push(`${at}.${f.baseName}: required by ${type}`);
      continue;
    }
    const literalOnly = f.literals.length > 0 && enumValues(f.type) !== null;
    if (literalOnly && !f.literals.includes(String(v))) {
      errors.push(`${at}.${f.baseName}: expected ${f.literals.join(" or ")}`);
      continue;
    }
    errors.push(...validateKlaviyo(v, f.type, `${at}.${f.baseName}`));
  }
  return errors;
}

export interface KlaviyoRequest {
  operation: string;
  method: string;
  path: string;
  body: unknown;
  /** The private key it came with. */
  key: string;
}

/**
 * Starts the fake on a free port. `apiKey` is the only private key it takes (or any of
 * `apiKeys`); `throttle(n)` makes the next n requests answer 429 with Retry-After: 1.
 */
export async function startKlaviyo(options: {
  apiKey: string;
  apiKeys?: string[];
  account?: { id: string; name: string };
}) {
  const routes = sdkRoutes();
  const accepted: KlaviyoRequest[] = [];
  const refused: Array<{ path: string; status: number; errors: string[] }> = [];
  let throttled = 0;
  let held: Promise<void> | null = null;
  let arrived = 0;
  const account = options.account ?? { id: "AbC123", name: "Fake Store" };
  const fail = (res: http.ServerResponse, status: number, errors: string[], pathname: string) => {
    refused.push({ path: pathname, status, errors });
    res.writeHead(status, { "content-type": "application/vnd.api+json" });
    res.end(JSON.stringify({ errors: errors.map((detail) => ({ status: String(status), detail })) }));
  };
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    arrived++;
    if (held) await held;
    // Klaviyo's limit for a request.
    if (Buffer.concat(chunks).length > 5 * 1024 * 1024) {
      return fail(res, 413, ["the payload is over 5 MB"], req.url ?? "/");
    }
    const url = new URL(req.url ?? "/", "http://klaviyo.local");
    const route = routes.find((r) => r.method === req.method && r.pattern.test(url.pathname));
    if (!route) return fail(res, 404, [`no ${req.method} ${url.pathname} in Klaviyo's API`], url.pathname);
    if (req.headers.revision !== KLAVIYO_REVISION) {
      return fail(res, 400, [`revision header must be ${KLAVIYO_REVISION}`], url.pathname);
    }
    const keys = [options.apiKey, ...(options.apiKeys ?? [])];
    if (!keys.some((k) => req.headers.authorization === `Klaviyo-API-Key ${k}`)) {
      return fail(res, 401, ["Incorrect authentication credentials."], url.pathname);
    }
    if (throttled > 0) {
      throttled--;
      refused.push({ path: url.pathname, status: 429, errors: ["throttled"] });
      res.writeHead(429, { "retry-after": "1", "content-type": "application/vnd.api+json" });
      res.end(JSON.stringify({ errors: [{ status: "429", detail: "Request was throttled." }] }));
      return;
    }
    let body: unknown = null;
    if (route.bodyType) {
      try {
        body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
      } catch {
        return fail(res, 400, ["the body is not JSON"], url.pathname);
      }
      const errors = validateKlaviyo(body, route.bodyType);
      if (errors.length > 0) return fail(res, 400, errors, url.pathname);
    }
    const key = String(req.headers.authorization).replace(/^Klaviyo-API-Key /, "");
    accepted.push({ operation: route.operation, method: route.method, path: url.pathname, body, key });
    res.setHeader("content-type", "application/vnd.api+json");
    if (route.operation === "getAccounts") {
      res.writeHead(200).end(
        JSON.stringify({
          data: [
            {
              type: "account",
              id: account.id,
              attributes: { contact_information: { organization_name: account.name } },
              links: { self: `${url.origin}/api/accounts/${account.id}` },
            },
          ],
          links: { self: `${url.origin}/api/accounts` },
        }),
      );
      return;
    }
    if (route.operation === "bulkCreateEvents") {
      res.writeHead(202).end(JSON.stringify({ data: { type: "event-bulk-create-job", id: `job-${accepted.length}` } }));
      return;
    }
    if (route.operation === "bulkImportProfiles") {
      res
        .writeHead(202)
        .end(JSON.stringify({ data: { type: "profile-bulk-import-job", id: `imp-${accepted.length}` } }));
      return;
    }
    res.writeHead(202).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    accepted,
    refused,
    throttle: (n: number) => (throttled = n),
    /** Requests wait until the returned function is called; `arrived` counts those received. */
    hold: () => {
      let release = () => {};
      held = new Promise<void>((resolve) => (release = resolve));
      return () => {
        held = null;
        release();
      };
    },
    arrived: () => arrived,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
