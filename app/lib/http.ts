/** A JSON error body with the status that says what went wrong. */
export function errorResponse(status: number, message: string, details?: unknown): Response {
  return Response.json({ error: message, ...(details === undefined ? {} : { details }) }, { status });
}

const MIB = 1024 * 1024;

/** Webhook bodies: Shopify's largest orders (hundreds of lines with refunds) are a few MB. */
export const WEBHOOK_BODY_LIMIT = 10 * MIB;
/** The login form carries one shop domain. */
export const LOGIN_BODY_LIMIT = 16 * 1024;
/** A shopper's answer through the App Proxy or an extension: a score and a 2,000-character comment. */
export const SHOPPER_BODY_LIMIT = 64 * 1024;

export function formatBytes(bytes: number): string {
  return bytes >= MIB && bytes % MIB === 0 ? `${bytes / MIB} MiB` : `${Math.round(bytes / 1024)} KiB`;
}

export class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`The request body is larger than ${formatBytes(limit)}, the most this address accepts.`);
  }
}

/** The 413 answer to a body past its cap, the same from the server's middleware and from a route. */
export function bodyTooLarge(limit: number): Response {
  return errorResponse(413, new BodyTooLargeError(limit).message);
}

/**
 * Reads a body as bytes, refusing (BodyTooLargeError) a declared length past `limit` before
 * reading anything, and otherwise as soon as the bytes read pass it: never more than `limit`
 * bytes are held.
 */
export async function readBodyCapped(request: Request, limit: number): Promise<Uint8Array<ArrayBuffer>> {
  const declared = request.headers.get("content-length");
  if (declared !== null && Number(declared) > limit) throw new BodyTooLargeError(limit);
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      throw new BodyTooLargeError(limit);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

/** The most pages any list of the admin has: beyond, a `?page=` is a typo or a probe. */
export const MAX_PAGE = 100_000;

/**
 * `?page=` of a paged admin list: absent or empty is page 1; anything but a whole number
 * from 1 to MAX_PAGE is answered with a thrown 400 that says so.
 */
export function pageParam(url: URL): number {
  const values = url.searchParams.getAll("page");
  const raw = values.at(-1) ?? "";
  if (values.length <= 1 && raw === "") return 1;
  const page = /^\d{1,6}$/.test(raw) ? Number(raw) : Number.NaN;
  if (values.length > 1 || !(page >= 1 && page <= MAX_PAGE)) {
    // Plain text, as the dashboards' other link errors (filtersFromUrl): the page's error boundary shows it.
    throw new Response(
      `This link has a page the list cannot show: page must be a whole number from 1 to ${MAX_PAGE}.`,
      {
        status: 400,
        statusText: "Bad page",
      },
    );
  }
  return page;
}
