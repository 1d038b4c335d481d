import { z } from "zod";
import { CommentSchema, ScoreSchema } from "./domain/score";
import { idFromGid } from "./domain/shopify-ids";
import { recordAnswer } from "./models/answers.server";
import { noteChannelSeen } from "./models/setup.server";
import { findOnSiteSurvey, type OnSiteChannel, type OnSiteLookup } from "./models/onsite-surveys.server";
import { DEFAULT_PROXY_PREFIX, loadShareStep } from "./models/advocacy.server";
import { actionsRunSomewhere } from "./workers/wake.server";

const OrderGid = z
  .string()
  .regex(
    /^gid:\/\/shopify\/(Order|OrderIdentity)\/\d+$/,
    "orderId must be an order's global id, gid://shopify/Order/<id>",
  )
  .transform((g) => BigInt(g.split("/").pop()!));

/** orderConfirmation.number on the thank-you page: a short random code Shopify gives the order. */
const ConfirmationNumber = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9]{1,32}$/, "confirmationNumber must be the order's confirmation number (letters and digits)");

export const SurveyQuerySchema = z.object({ orderId: OrderGid, confirmationNumber: ConfirmationNumber.optional() });
export const AnswerBodySchema = z.object({
  orderId: OrderGid,
  confirmationNumber: ConfirmationNumber.optional(),
  score: ScoreSchema,
  comment: CommentSchema.optional(),
});

export interface VerifiedExtensionRequest {
  shop: string;
  /** The logged-in customer, when the session token names one. */
  customerId: bigint | null;
  cors: (response: Response) => Response;
}

/** The shop and customer a UI extension's session token speaks for. */
export function fromSessionToken(token: { dest: string; sub?: string }): { shop: string; customerId: bigint | null } {
  const shop = new URL(token.dest.startsWith("http") ? token.dest : `https://${token.dest}`).host;
  const customerId = token.sub?.startsWith("gid://shopify/Customer/") ? idFromGid(token.sub, "Customer") : null;
  return { shop, customerId };
}

const json = (body: unknown, status = 200) => Response.json(body, { status });

function issues(error: z.ZodError) {
  return error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`).join("; ");
}

/** A guest on the thank-you page proves the order with its confirmation number. */
const proofRequired = (
  channel: OnSiteChannel,
  verified: VerifiedExtensionRequest,
  data: { confirmationNumber?: string },
) =>
  channel === "THANK_YOU" && verified.customerId == null && !data.confirmationNumber
    ? "confirmationNumber: a guest's thank-you page must send the order's confirmation number"
    : null;

/** GET: the survey an extension should show for `?orderId=` (and, on the thank-you page, `&confirmationNumber=`). */
export async function extensionSurvey(request: Request, verified: VerifiedExtensionRequest, channel: OnSiteChannel) {
  const parsed = SurveyQuerySchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!parsed.success) return verified.cors(json({ error: issues(parsed.error) }, 400));
  const missing = proofRequired(channel, verified, parsed.data);
  if (missing) return verified.cors(json({ error: missing }, 400));
  if (channel !== "STOREFRONT") await noteChannelSeen(verified.shop, channel);
  const survey = await findOnSiteSurvey({
    shop: verified.shop,
    shopifyOrderId: parsed.data.orderId,
    confirmationNumber: parsed.data.confirmationNumber,
    channel,
    customerId: verified.customerId,
  });
  return verified.cors(json(await withShareStep(verified.shop, survey, false)));
}

/**
 * An answered survey with its share step (a promoter's referral code, a review link), whose
 * links go through the shop's App Proxy. Right after an answer, a new code is waited for a
 * moment, where some process creates it.
 */
async function withShareStep(shop: string, survey: OnSiteLookup, justAnswered: boolean) {
  if (survey.state !== "open" || !survey.answer) return survey;
  const share = await loadShareStep({
    shop,
    invitationId: survey.invitationId,
    locale: survey.locale,
    linkBase: `https://${shop}${DEFAULT_PROXY_PREFIX}`,
    waitMs: justAnswered && actionsRunSomewhere() ? 3000 : 0,
  });
  return { ...survey, share };
}

/** POST: records or edits the shopper's answer, then answers with the survey as it now stands. */
export async function extensionAnswer(request: Request, verified: VerifiedExtensionRequest, channel: OnSiteChannel) {
  let body: unknown;
  try {
    body = await request.json();
  } catch {
    return verified.cors(json({ error: "The body must be JSON: {orderId, score, comment}" }, 400));
  }
  const parsed = AnswerBodySchema.safeParse(body);
  if (!parsed.success) return verified.cors(json({ error: issues(parsed.error) }, 400));
  const missing = proofRequired(channel, verified, parsed.data);
  if (missing) return verified.cors(json({ error: missing }, 400));
  const lookup = () =>
    findOnSiteSurvey({
      shop: verified.shop,
      shopifyOrderId: parsed.data.orderId,
      confirmationNumber: parsed.data.confirmationNumber,
      channel,
      customerId: verified.customerId,
      answering: true,
    });
  const survey = await lookup();
  if (survey.state !== "open") {
    return verified.cors(
      json({ error: "There is no open survey for this order.", ...survey }, survey.state === "pending" ? 409 : 404),
    );
  }
  const saved = await recordAnswer({
    invitationId: survey.invitationId,
    score: parsed.data.score,
    comment: parsed.data.comment,
    channel,
    locale: survey.locale,
  });
  if (saved.closed) return verified.cors(json({ error: "This survey has closed." }, 410));
  return verified.cors(json(await withShareStep(verified.shop, await lookup(), true)));
}
