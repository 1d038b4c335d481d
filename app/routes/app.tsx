import type { HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { Link, Outlet, useLoaderData, useLocation, useNavigation, useRouteError } from "@remix-run/react";
import { NavMenu } from "@shopify/app-bridge-react";
import {
  Banner,
  Box,
  InlineStack,
  Layout,
  Link as PolarisLink,
  SkeletonBodyText,
  SkeletonDisplayText,
  SkeletonPage,
  Text,
} from "@shopify/polaris";
import { Card } from "../components/Island";
import polarisStyles from "@shopify/polaris/build/esm/styles.css?url";
import polarisVizStyles from "@shopify/polaris-viz/build/esm/styles.css?url";
import { boundary } from "@shopify/shopify-app-remix/server";
import { AppProvider } from "@shopify/shopify-app-remix/react";
import { requireAdmin } from "../admin.server";
import { useDashboardSearch } from "../components/Dashboard";
import { env } from "../env.server";
import { UsageBanner } from "../components/UsageBanner";
import { loadUsage } from "../models/billing.server";

export const links = () => [
  { rel: "stylesheet", href: polarisStyles },
  { rel: "stylesheet", href: polarisVizStyles },
];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop, demo } = await requireAdmin(request);
  const { used, limit, level, resetsOn } = await loadUsage(shop);
  return { apiKey: env().SHOPIFY_API_KEY ?? "", shop, demo, usage: { used, limit, level, resetsOn } };
};

const NAV = [
  { to: "/app", label: "Overview", dashboard: true },
  { to: "/app/brands", label: "Brands", dashboard: true },
  { to: "/app/segments", label: "Segments", dashboard: true },
  { to: "/app/themes", label: "Themes", dashboard: true },
  { to: "/app/value", label: "Value", dashboard: true },
  { to: "/app/detractors", label: "Detractors", dashboard: true },
  { to: "/app/alerts", label: "Alerts", dashboard: false },
  { to: "/app/history", label: "Order history", dashboard: false },
  { to: "/app/data-requests", label: "Data requests", dashboard: false },
  { to: "/app/settings", label: "Settings", dashboard: false },
  { to: "/app/plan", label: "Plan", dashboard: false },
];

// While the next page loads, its shape stands in for it.
function LoadingPage() {
  return (
    <SkeletonPage primaryAction fullWidth>
      <Layout>
        <Layout.Section>
          <Card>
            <SkeletonDisplayText size="small" />
            <Box paddingBlockStart="300">
              <SkeletonBodyText lines={2} />
            </Box>
          </Card>
        </Layout.Section>
        <Layout.Section>
          <Card>
            <SkeletonBodyText lines={8} />
          </Card>
        </Layout.Section>
      </Layout>
    </SkeletonPage>
  );
}

export default function AppLayout() {
  const { apiKey, shop, demo, usage } = useLoaderData<typeof loader>();
  const navigation = useNavigation();
  const location = useLocation();
  const search = useDashboardSearch();
  // Dashboard links keep the current filters, so a brand or segment is seen in the same view.
  const href = (item: (typeof NAV)[number]) => (item.dashboard ? `${item.to}${search}` : item.to);
  const changingPage = navigation.state === "loading" && navigation.location.pathname !== globalThis.location?.pathname;

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
                <PolarisLink key={item.to} url={href(item)}>
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
            <Link key={item.to} to={href(item)} rel={item.to === "/app" ? "home" : undefined}>
              {item.label}
            </Link>
          ))}
        </NavMenu>
      )}
      {usage.level !== "ok" ? (
        <Box padding="400" paddingBlockEnd="0">
          <UsageBanner usage={usage} onPlanPage={location.pathname === "/app/plan"} />
        </Box>
      ) : null}
      {changingPage ? <LoadingPage /> : <Outlet />}
    </AppProvider>
  );
}

// Shopify needs Remix to catch some thrown responses, so that their headers are included.
export function ErrorBoundary() {
  return boundary.error(useRouteError());
}

export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);
