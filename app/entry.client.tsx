import { RemixBrowser } from "@remix-run/react";
import { StrictMode } from "react";
import { hydrateRoot } from "react-dom/client";

/**
 * React error 421: an update (Polaris's media queries settling at phone width, a form's
 * state) reached a card still hydrating, and React rendered that card anew instead. That is
 * the expected cost of hydrating cards as islands (app/components/Island.tsx), not a fault.
 */
const isCardRenderedAnew = (error: unknown) =>
  /Minified React error #421\b|received an update before it finished hydrating/.test(String((error as Error)?.message));

// Hydrated at once rather than in a transition: the page's frame is interactive as soon as
// the scripts have run, and the cards (islands) follow in the background; a first click never
// waits for a transition still working through the page.
hydrateRoot(
  document,
  <StrictMode>
    <RemixBrowser />
  </StrictMode>,
  {
    onRecoverableError: (error) => {
      if (isCardRenderedAnew(error)) console.warn(error);
      // Anything else (a hydration mismatch) is reported as React would by default.
      else reportError(error);
    },
  },
);
