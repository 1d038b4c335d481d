import { Links, Meta, Outlet, Scripts, ScrollRestoration } from "@remix-run/react";

// Drawn inline: browsers ask for an icon on every page, and a missing one is a 404 in the log.
const FAVICON = `data:image/svg+xml,${encodeURIComponent(
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="7" fill="#2c6ecb"/><text x="16" y="22" font-family="sans-serif" font-size="14" font-weight="700" fill="#fff" text-anchor="middle">NPS</text></svg>',
)}`;

export default function App() {
  return (
    <html lang="en">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width,initial-scale=1" />
        <link rel="preconnect" href="https://cdn.shopify.com/" />
        <link rel="icon" href={FAVICON} />
        <Meta />
        <Links />
      </head>
      <body>
        <Outlet />
        <ScrollRestoration />
        <Scripts />
      </body>
    </html>
  );
}
