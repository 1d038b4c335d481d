import { Banner } from "@shopify/polaris";

export type ActionResult = { ok: true; message: string } | { ok: false; errors: Record<string, string> };

/** What a form's action said: its success message, or the error that belongs to no field. */
export function ActionBanners({ result }: { result: ActionResult | undefined }) {
  if (result?.ok) {
    return (
      <Banner tone="success">
        <p>{result.message}</p>
      </Banner>
    );
  }
  if (result && result.errors.form) {
    return (
      <Banner tone="critical">
        <p>{result.errors.form}</p>
      </Banner>
    );
  }
  return null;
}
