import type { HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { Link, Outlet, useLoaderData, useRouteError } from "@remix-run/react";
import { NavMenu } from "@shopify/app-bridge-react";
import { Banner, Box, InlineStack, Link as PolarisLink, Text } from "@shopify/polaris";
import polarisStyles from "@shopify/polaris/build/esm/styles.css?url";
import { boundary } from "@shopify/shopify-app-remix/server";
import { AppProvider } from "@shopify/shopify-app-remix/react";
import { requireAdmin } from "../admin.server";
import { env } from "../env.server";

export const links = () => [{ rel: "stylesheet", href: polarisStyles }];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop, demo } = await requireAdmin(request);
  return { apiKey: env().SHOPIFY_API_KEY ?? "", shop, demo };
};

const NAV = [
  { to: "/app", label: "Overview" },
  { to: "/app/history", label: "Order history" },
  { to: "/app/settings", label: "Settings" },
];

export default function AppLayout() {
  const { apiKey, shop, demo } = useLoaderData<typeof loader>();

  // The demo runs outside Shopify's admin, so App Bridge (loaded from Shopify's CDN) is not
  // used there; navigation and the "demo" label are drawn by the app itself.
  return (
    <AppProvider isEmbeddedApp={!demo} apiKey={apiKey}>
      {demo ? (
        <Box padding="400" paddingBlockEnd="0">
          <Banner tone="warning" title="Demo mode">
            <p>
              You are looking at the generated demo shop <b>{shop}</b>, served without Shopify. Nothing here reaches a
              real store.
            </p>
          </Banner>
          <Box paddingBlockStart="300">
            <InlineStack gap="400">
              {NAV.map((item) => (
                <PolarisLink key={item.to} url={item.to}>
                  <Text as="span" variant="bodyMd" fontWeight="semibold">
                    {item.label}
                  </Text>
                </PolarisLink>
              ))}
            </InlineStack>
          </Box>
        </Box>
      ) : (
        <NavMenu>
          {NAV.map((item) => (
            <Link key={item.to} to={item.to} rel={item.to === "/app" ? "home" : undefined}>
              {item.label}
            </Link>
          ))}
        </NavMenu>
      )}
      <Outlet />
    </AppProvider>
  );
}

// Shopify needs Remix to catch some thrown responses, so that their headers are included.
export function ErrorBoundary() {
  return boundary.error(useRouteError());
}

export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);
