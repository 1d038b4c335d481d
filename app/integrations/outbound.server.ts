import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import type { LookupFunction } from "node:net";
import ipaddr from "ipaddr.js";
import { env } from "../env.server";

/**
 * Requests to URLs that merchants type (a Slack webhook now, more integrations later) go only
 * to public addresses: the host is resolved when the connection is made, and every address it
 * resolves to must be public unicast (no private, loopback, link-local, unique-local, CGNAT,
 * multicast or reserved range, including IPv4 mapped into IPv6). Checking at connect time, not
 * before, leaves no window for a DNS answer that changes in between. Redirects are never
 * followed, and a response's body is never read back to the merchant.
 */
export interface OutboundPolicy {
  /** Development and tests only (OUTBOUND_ALLOW_LOOPBACK): loopback addresses are allowed too. */
  allowLoopback: boolean;
}

export const policyFromEnv = (): OutboundPolicy => ({ allowLoopback: env().OUTBOUND_ALLOW_LOOPBACK });

export class OutboundRefusedError extends Error {}

/** Why an address may not be reached, or null when it may. */
export function addressRefusal(address: string, policy: OutboundPolicy): string | null {
  if (!ipaddr.isValid(address)) return `${address} is not an IP address`;
  let ip = ipaddr.parse(address);
  if (ip.kind() === "ipv6" && (ip as ipaddr.IPv6).isIPv4MappedAddress()) ip = (ip as ipaddr.IPv6).toIPv4Address();
  // IPv4-compatible IPv6 (::a.b.c.d, deprecated): ipaddr.js calls it unicast, and a literal
  // never goes through the lookup below, so it is refused here.
  if (ip.kind() === "ipv6" && (ip as ipaddr.IPv6).parts.slice(0, 6).every((part) => part === 0)) {
    const range = ip.range();
    if (range === "loopback" && policy.allowLoopback) return null;
    return `${address} is an IPv4-compatible IPv6 address, not a public one`;
  }
  const range = ip.range();
  if (range === "unicast") return null;
  if (range === "loopback" && policy.allowLoopback) return null;
  return `${address} is a ${range} address, not a public one`;
}

/** The URL's own checks before any connection: http(s) only, no credentials, a host. */
export function urlRefusal(text: string, policy: OutboundPolicy): string | null {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return "not a URL";
  }
  if (url.username || url.password) return "a URL with a user name or password is not accepted";
  const host = url.hostname.replace(/^\[|\]$/g, "");
  const loopbackHost = host === "localhost" || (ipaddr.isValid(host) && ipaddr.parse(host).range() === "loopback");
  if (url.protocol === "https:") {
    if (ipaddr.isValid(host)) return addressRefusal(host, policy);
    if (loopbackHost && !policy.allowLoopback) return "localhost is not a public host";
    return null;
  }
  if (url.protocol === "http:" && loopbackHost && policy.allowLoopback) return null;
  return "the URL must use https";
}

/** dns.lookup that refuses, at connect time, any address the policy does not allow. */
export function guardedLookup(policy: OutboundPolicy): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, "", 0);
      const list = addresses as LookupAddress[];
      const refused = list.map((a) => addressRefusal(a.address, policy)).find(Boolean);
      if (refused || list.length === 0) {
        return callback(new OutboundRefusedError(`${hostname}: ${refused ?? "no address"}`), "", 0);
      }
      if ((options as { all?: boolean }).all)
        return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, list);
      callback(null, list[0]!.address, list[0]!.family);
    });
  };
}

/**
 * POSTs JSON to a merchant's URL under the policy and answers with the status only. A
 * redirect is a status like any other (3xx), not followed. Throws OutboundRefusedError for a
 * URL or address the policy refuses, and an Error for a network failure or the timeout.
 */
export function postJson(
  urlText: string,
  body: unknown,
  options: {
    policy?: OutboundPolicy;
    timeoutMs?: number;
    /** The body is JSON text already, sent byte for byte (a signature covers those bytes). */
    raw?: boolean;
    headers?: Record<string, string>;
  } = {},
): Promise<{ status: number }> {
  const policy = options.policy ?? policyFromEnv();
  const refusal = urlRefusal(urlText, policy);
  if (refusal) return Promise.reject(new OutboundRefusedError(refusal));
  const url = new URL(urlText);
  const timeoutMs = options.timeoutMs ?? 10_000;
  const payload = Buffer.from(options.raw ? String(body) : JSON.stringify(body));
  const send = url.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(
      url,
      {
        method: "POST",
        headers: { ...options.headers, "content-type": "application/json", "content-length": payload.length },
        lookup: guardedLookup(policy),
      },
      (res) => {
        // Read nothing of the body: drain it so the socket is released.
        res.resume();
        resolve({ status: res.statusCode ?? 0 });
      },
    );
    // A deadline for the whole request, not the socket's idle timeout: a server that sends a
    // byte now and then would hold the request (and the queue behind it) for ever.
    const deadline = setTimeout(() => req.destroy(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    req.on("close", () => clearTimeout(deadline));
    req.on("error", (error) => {
      const cause = (error as { cause?: unknown }).cause;
      reject(error instanceof OutboundRefusedError || !(cause instanceof OutboundRefusedError) ? error : cause);
    });
    req.end(payload);
  });
}
