import "@shopify/ui-extensions";

//@ts-expect-error The module augmentation the Shopify CLI generates: `shopify` in this file is the target's API.
declare module "./src/ThankYou.tsx" {
  const shopify: import("@shopify/ui-extensions/purchase.thank-you.block.render").Api;
  const globalThis: { shopify: typeof shopify };
}
