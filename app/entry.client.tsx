import { RemixBrowser } from "@remix-run/react";
import { StrictMode } from "react";
import { hydrateRoot } from "react-dom/client";

// Hydrated at once rather than in a transition: the page's frame is interactive as soon as
// the scripts have run, and the cards (islands, app/components/Island.tsx) follow in the
// background; a first click never waits for a transition still working through the page.
hydrateRoot(
  document,
  <StrictMode>
    <RemixBrowser />
  </StrictMode>,
);
