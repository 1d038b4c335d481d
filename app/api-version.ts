import { ApiVersion } from "@shopify/shopify-app-remix/server";

/** Newest stable Admin API version that @shopify/shopify-app-remix 6 knows; shopify.app.toml uses the same. */
export const API_VERSION = ApiVersion.October26;
