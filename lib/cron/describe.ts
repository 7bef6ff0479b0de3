import cronstrue from "cronstrue";
import "cronstrue/locales/zh_CN.js";
import { parseCron, withSingleValueSteps } from "./parse.ts";

/** Languages `describeCron` speaks. */
export type CronLocale = "en" | "zh-CN";

const CRONSTRUE_LOCALE: Record<CronLocale, string> = { en: "en", "zh-CN": "zh_CN" };

/**
 * A sentence a person can read, by cronstrue: `0 9,18 * * 1-5` is "At 09:00 AM and 06:00 PM, Monday through
 * Friday" in English and "在 09:00 和 18:00, 星期一至星期五" in Chinese, where clocks read 24-hour (midnight is
 * "在 00:00", not cronstrue's default "在上午 12:00"). Throws CronError first if the expression is invalid
 * (cronstrue alone describes expressions syncron refuses).
 */
export function describeCron(expression: string, locale: CronLocale = "en"): string {
  const { expression: normalized } = parseCron(expression);
  const sentence = cronstrue.toString(withSingleValueSteps(normalized), {
    locale: CRONSTRUE_LOCALE[locale],
    use24HourTimeFormat: locale === "zh-CN",
  });
  // cronstrue's zh_CN writes "在00:00" for one time but "在 09:00 和 18:00" for two: one spacing.
  return locale === "zh-CN" ? sentence.replace(/^在(?=\d)/, "在 ") : sentence;
}
