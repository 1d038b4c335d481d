import type { IncomingMessage } from "node:http";
// Remix's own Express adapter functions (not re-exported from the package's index; the version is pinned).
import { createRemixRequest, sendRemixResponse } from "@remix-run/express/dist/server.js";
import type { NextFunction, Request as ExpressRequest, Response as ExpressResponse } from "express";
import { BodyTooLargeError } from "./http";

/** Bodies read within their cap by `capBody`, for `remixRequest` to hand to the route. */
const bodies = new WeakMap<IncomingMessage, Buffer>();

/**
 * Express middleware for addresses that read a body before they can authenticate it
 * (webhooks, the login form, a shopper's answer): refuses a declared Content-Length past
 * `limit` without reading, otherwise reads the body counting bytes and answers 413 as soon as
 * they pass `limit`. Whatever still arrives is dropped unread, never held.
 */
export function capBody(limit: number) {
  // A client learns of the 413 only after some more of its body is on the way: closing at
  // once would reset the connection and lose the answer. On loopback the two sides' socket
  // buffers alone hold about 10 MiB, more when a busy machine delays the client's reading of
  // the answer (8 MiB was seen to be too little with both cores loaded). Dropped bytes cost
  // no memory; past this much more, the connection is closed.
  const linger = Math.max(limit, 32 * 1024 * 1024);
  return (req: ExpressRequest, res: ExpressResponse, next: NextFunction) => {
    if (req.method === "GET" || req.method === "HEAD") return next();
    const refuse = () => {
      let dropped = 0;
      req.on("data", (chunk: Buffer) => {
        dropped += chunk.length;
        if (dropped > linger) req.socket.destroy();
      });
      res.status(413).json({ error: new BodyTooLargeError(limit).message });
    };
    const declared = req.headers["content-length"];
    if (declared !== undefined && Number(declared) > limit) return refuse();

    const chunks: Buffer[] = [];
    let size = 0;
    const stop = () => {
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onError);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) return void chunks.push(chunk);
      stop();
      chunks.length = 0;
      refuse();
    };
    const onEnd = () => {
      stop();
      bodies.set(req, Buffer.concat(chunks, size));
      next();
    };
    const onError = (error: Error) => {
      stop();
      next(error);
    };
    req.on("data", onData).on("end", onEnd).on("error", onError);
  };
}

export { sendRemixResponse };

/** The Fetch Request Remix's adapter builds, with the body `capBody` already read, if any. */
export function remixRequest(req: ExpressRequest, res: ExpressResponse): Request {
  const request = createRemixRequest(req, res);
  const body = bodies.get(req);
  return body ? new Request(request, { body, duplex: "half" } as RequestInit) : request;
}
