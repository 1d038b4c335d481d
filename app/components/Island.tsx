import { Card as PolarisCard, type CardProps } from "@shopify/polaris";
import { Suspense, type ReactNode } from "react";

/**
 * A part of a server-rendered page that hydrates on its own. React hydrates the page's frame
 * first and each island after it, a piece at a time; a click or key press in one island
 * hydrates only that island at once, so the first interaction does not wait for the whole page.
 *
 * Only where a card's content does not change with state held by the page: an update that
 * reaches an island still being hydrated makes React drop its server HTML and render it anew.
 * Settings pages, whose forms keep their state at page level, use Polaris's Card; state that
 * changes with typing stays in the component that shows it (the brand search, for one).
 */
export function Island({ children }: { children: ReactNode }) {
  return <Suspense fallback={null}>{children}</Suspense>;
}

/** Polaris's Card as an island: pages are made of cards, so each hydrates on its own. */
export function Card(props: CardProps) {
  return (
    <Island>
      <PolarisCard {...props} />
    </Island>
  );
}
