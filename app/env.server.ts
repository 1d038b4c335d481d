import path from "node:path";
import { z } from "zod";
import { DurationSchema } from "./domain/duration";

/** The secret the demo signs and verifies with when SHOPIFY_API_SECRET is unset (documented in README). */
export const DEMO_API_SECRET = "nps-demo-secret";
export const DEMO_API_KEY = "nps-demo-api-key";
export const DEMO_SHOP = "nps-demo.myshopify.com";

const booleanFlag = z
  .enum(["1", "0", "true", "false", ""])
  .optional()
  .transform((v) => v === "1" || v === "true");

export const EnvSchema = z
  .object({
    NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
    PORT: z.coerce.number().int().min(1).max(65535).default(3000),
    /** Default: every interface, but loopback only for the demo, which has no login. */
    HOST: z.string().optional(),
    DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//, "DATABASE_URL must be a postgres:// or postgresql:// URL")
      .optional(),
    PGLITE_DATA_DIR: z.string().default("./data/pglite"),
    DEMO_MODE: booleanFlag,
    SHOPIFY_API_KEY: z.string().optional(),
    SHOPIFY_API_SECRET: z.string().optional(),
    SHOPIFY_APP_URL: z.url().optional(),
    SCOPES: z.string().optional(),
    SHOP_CUSTOM_DOMAIN: z.string().optional(),
    /** The app's handle (shopify.app.toml): the address of Shopify's plan selection page. */
    SHOPIFY_APP_HANDLE: z
      .string()
      .regex(/^[a-z0-9-]+$/, "SHOPIFY_APP_HANDLE must be the app's handle, as in shopify.app.toml")
      .default("nps-delivery-feedback"),
    LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
    SURVEY_PRE_DELAY: DurationSchema.optional(),
    SURVEY_POST_DELAY: DurationSchema.optional(),
    SMTP_URL: z
      .string()
      .regex(/^smtps?:\/\//, "SMTP_URL must be an smtp:// or smtps:// URL")
      .optional(),
    MAIL_FROM: z.email().default("surveys@localhost"),
    OUTBOX_DIR: z.string().default("./data/outbox"),
    DEMO_ORDERS: z.coerce.number().int().min(0).max(2_000_000).default(20_000),
    DEMO_CUSTOMERS: z.coerce.number().int().min(1).max(500_000).default(5_000),
    /** Demo only: a GraphQL endpoint standing in for the demo shop's Admin API (tests' fake). */
    DEMO_ADMIN_API_URL: z.url().optional(),
    /** How long a processed webhook's raw body is kept before the daily job clears it. */
    WEBHOOK_BODY_RETENTION: DurationSchema.default("P7D"),
    /** 32 bytes, base64 or hex: encrypts secrets that merchants enter (Slack URLs, API keys). */
    APP_ENCRYPTION_KEY: z
      .string()
      .refine(
        (v) => /^[0-9a-f]{64}$/i.test(v) || Buffer.from(v, "base64").length === 32,
        "APP_ENCRYPTION_KEY must be 32 bytes, as 64 hex digits or base64 (openssl rand -base64 32)",
      )
      .optional(),
    /** Development and tests only: let merchant-entered URLs reach loopback addresses. */
    OUTBOUND_ALLOW_LOOPBACK: booleanFlag,
    /** Klaviyo's API (tests point it at a local fake). */
    KLAVIYO_API_URL: z.url().default("https://a.klaviyo.com"),
    /**
     * "inline": each app process also does the background work (applying webhooks, sending
     * surveys, alerts, imports). "workers": app processes only answer requests and
     * `npm run worker` processes do the rest (PostgreSQL only).
     */
    BACKGROUND_WORK: z.enum(["inline", "workers"]).default("inline"),
  })
  .refine((env) => env.BACKGROUND_WORK === "inline" || env.DATABASE_URL, {
    path: ["BACKGROUND_WORK"],
    message:
      "BACKGROUND_WORK=workers needs PostgreSQL (DATABASE_URL): the embedded database is opened by one process only",
  })
  .transform((env) => {
    const demo = env.DEMO_MODE;
    const apiKey = env.SHOPIFY_API_KEY ?? (demo ? DEMO_API_KEY : undefined);
    const apiSecret = env.SHOPIFY_API_SECRET ?? (demo ? DEMO_API_SECRET : undefined);
    const appUrl = env.SHOPIFY_APP_URL ?? (demo ? `http://localhost:${env.PORT}` : undefined);
    return {
      ...env,
      HOST: env.HOST || (demo ? "127.0.0.1" : "0.0.0.0"),
      SHOPIFY_API_KEY: apiKey,
      SHOPIFY_API_SECRET: apiSecret,
      SHOPIFY_APP_URL: appUrl,
      PGLITE_DATA_DIR: env.PGLITE_DATA_DIR === "memory://" ? env.PGLITE_DATA_DIR : path.resolve(env.PGLITE_DATA_DIR),
    };
  });

export type Env = z.infer<typeof EnvSchema>;

/** Parses process.env; throws one readable error that names every bad setting. */
export function parseEnv(source: Record<string, string | undefined> = process.env): Env {
  const result = EnvSchema.safeParse(source);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`).join("\n");
    throw new Error(`Invalid settings in the environment:\n${problems}`);
  }
  return result.data;
}

let cached: Env | undefined;
export function env(): Env {
  cached ??= parseEnv();
  return cached;
}

/** Settings the Shopify library cannot start without; demo mode supplies them. */
export function requireShopifyCredentials(e: Env = env()) {
  const missing = (["SHOPIFY_API_KEY", "SHOPIFY_API_SECRET", "SHOPIFY_APP_URL"] as const).filter((k) => !e[k]);
  if (missing.length > 0) {
    throw new Error(
      `Missing ${missing.join(", ")}. Run through \`shopify app dev\`, set them yourself, or use DEMO_MODE=1 (npm run demo).`,
    );
  }
  return { apiKey: e.SHOPIFY_API_KEY!, apiSecret: e.SHOPIFY_API_SECRET!, appUrl: e.SHOPIFY_APP_URL! };
}
