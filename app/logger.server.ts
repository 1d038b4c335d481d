import pino from "pino";
import { env } from "./env.server";

/** One JSON line per event on stdout; LOG_LEVEL sets how much. */
export const logger = pino({
  level: env().NODE_ENV === "test" && !process.env.LOG_LEVEL ? "silent" : env().LOG_LEVEL,
  base: undefined,
  timestamp: pino.stdTimeFunctions.isoTime,
  redact: ["email", "*.email", "accessToken", "*.accessToken"],
});
