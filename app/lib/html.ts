const ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
  // Pages served through the App Proxy are Liquid templates: braces in people's words must
  // not become {{ output }} or {% tags %}.
  "{": "&#123;",
  "}": "&#125;",
};

/** Text for an HTML element or attribute: shoppers' and merchants' words are never markup. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"'{}]/g, (c) => ESCAPES[c]!);
}
