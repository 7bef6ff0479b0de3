import cronstrue from "cronstrue";
import "cronstrue/locales/zh_CN.js";
import { parseCron } from "./parse.ts";

/** Languages `describeCron` speaks. */
export type CronLocale = "en" | "zh-CN";

const CRONSTRUE_LOCALE: Record<CronLocale, string> = { en: "en", "zh-CN": "zh_CN" };

/**
 * A sentence a person can read, by cronstrue: `0 9,18 * * 1-5` is "At 09:00 AM and 06:00 PM, Monday through
 * Friday" in English and "在 上午 09:00 和 下午 06:00, 星期一至星期五" in Chinese. Throws CronError first if the
 * expression is invalid (cronstrue alone describes expressions syncron refuses).
 */
export function describeCron(expression: string, locale: CronLocale = "en"): string {
  const { expression: normalized } = parseCron(expression);
  return cronstrue.toString(normalized, { locale: CRONSTRUE_LOCALE[locale] });
}
