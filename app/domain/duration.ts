import { parse } from "tinyduration";
import { z } from "zod";

const MS = { weeks: 604_800_000, days: 86_400_000, hours: 3_600_000, minutes: 60_000, seconds: 1000 } as const;

/**
 * An ISO-8601 duration in weeks, days, hours, minutes and seconds (`PT1H`, `P3D`, `PT0S`),
 * as milliseconds. Years and months are refused: their length depends on the date.
 */
export function durationToMs(text: string): number {
  const d = parse(text);
  if (d.negative) throw new Error(`${text}: a delay cannot be negative`);
  if (d.years || d.months) throw new Error(`${text}: use weeks or days (P30D), not years or months`);
  return Object.entries(MS).reduce((sum, [unit, ms]) => sum + (d[unit as keyof typeof MS] ?? 0) * ms, 0);
}

export const DurationSchema = z.string().superRefine((text, ctx) => {
  try {
    durationToMs(text);
  } catch (error) {
    const message = (error as Error).message;
    ctx.addIssue({
      code: "custom",
      message: message.includes(text) ? message : `${text} is not an ISO-8601 duration such as PT1H or P3D`,
    });
  }
});

export type DelayUnit = "minutes" | "hours" | "days";
const UNIT_MS: Record<DelayUnit, number> = { minutes: 60_000, hours: 3_600_000, days: 86_400_000 };

/** A delay as a merchant types it: an amount and a unit, largest unit that divides it exactly. */
export function delayParts(iso: string): { amount: number; unit: DelayUnit } {
  const ms = durationToMs(iso);
  for (const unit of ["days", "hours", "minutes"] as const) {
    if (ms % UNIT_MS[unit] === 0) return { amount: ms / UNIT_MS[unit], unit };
  }
  return { amount: Math.round(ms / UNIT_MS.minutes), unit: "minutes" };
}

export function delayIso(amount: number, unit: DelayUnit): string {
  if (unit === "days") return `P${amount}D`;
  return unit === "hours" ? `PT${amount}H` : `PT${amount}M`;
}
