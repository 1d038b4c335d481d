/**
 * The app's survey API as the thank-you and order status extensions use it. Plain
 * TypeScript, no UI: the same code is tested against the running app.
 */
export type Category = "PROMOTER" | "PASSIVE" | "DETRACTOR";

export interface SurveyTexts {
  question: string;
  notLikely: string;
  veryLikely: string;
  followUp: Record<Category, string>;
  commentHint: string;
  send: string;
  thanks: string;
}

/** The step after an answer (app/models/advocacy.server.ts ShareView): a referral code, a review link. */
export interface ShareStep {
  title: string;
  referral:
    | {
        state: "active";
        text: string;
        codeLabel: string;
        code: string;
        copy: string;
        copied: string;
        shareLabel: string;
        linkLabel: string;
        shareText: string;
        shareUrl: string;
      }
    | { state: "pending" | "unavailable"; text: string }
    | null;
  review: { text: string; button: string; url: string } | null;
}

export type Survey =
  | {
      state: "open";
      stage: "PRE_DELIVERY" | "POST_DELIVERY";
      locale: string;
      texts: SurveyTexts;
      answer: { score: number; comment: string | null } | null;
      share?: ShareStep | null;
    }
  | { state: "pending" }
  | { state: "none"; reason: string };

export interface Client {
  /** The app's URL, such as https://nps.example.com */
  appUrl: string;
  /** /api/checkout/survey or /api/customer-account/survey */
  path: string;
  /** A fresh session token (shopify.sessionToken.get()). */
  token: () => Promise<string>;
  fetch?: typeof fetch;
}

export class SurveyError extends Error {}

export function categoryFor(score: number): Category {
  return score >= 9 ? "PROMOTER" : score >= 7 ? "PASSIVE" : "DETRACTOR";
}

async function call(client: Client, init: RequestInit, query = ""): Promise<Survey> {
  const response = await (client.fetch ?? fetch)(`${client.appUrl}${client.path}${query}`, {
    ...init,
    headers: { ...(init.headers ?? {}), authorization: `Bearer ${await client.token()}` },
  });
  const body = (await response.json().catch(() => null)) as { state?: string; error?: string } | null;
  if (!response.ok && !body?.state) {
    throw new SurveyError(body?.error ?? `The survey could not be loaded (${response.status}).`);
  }
  return body as unknown as Survey;
}

/** The survey for an order; waits for the order's webhook while the app answers "pending". */
export async function loadSurvey(
  client: Client,
  orderId: string,
  options: { attempts?: number; waitMs?: number; confirmationNumber?: string } = {},
): Promise<Survey> {
  const attempts = options.attempts ?? 5;
  const query = new URLSearchParams({ orderId });
  // The thank-you page's proof that the order is the shopper's own (a guest has no customer).
  if (options.confirmationNumber) query.set("confirmationNumber", options.confirmationNumber);
  for (let i = 0; ; i++) {
    const survey = await call(client, { method: "GET" }, `?${query}`);
    if (survey.state !== "pending" || i + 1 >= attempts) return survey;
    await new Promise((resolve) => setTimeout(resolve, options.waitMs ?? 2500));
  }
}

/** Records (or edits) the answer; returns the survey as it now stands. */
export async function sendAnswer(
  client: Client,
  answer: { orderId: string; confirmationNumber?: string; score: number; comment?: string },
): Promise<Survey> {
  const survey = await call(client, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(answer),
  });
  if (survey.state !== "open") throw new SurveyError("This survey has closed.");
  return survey;
}
