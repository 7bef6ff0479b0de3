import type { CronLocale } from "../cron/index.ts";

/**
 * The language the user's environment asks for, as POSIX orders it (`LC_ALL`, then `LC_MESSAGES`, then
 * `LANG`): any Chinese locale (`zh_CN.UTF-8`, `zh_TW`, `zh`) reads zh-CN, anything else (or nothing) en.
 */
export function localeFromEnv(env: NodeJS.ProcessEnv): CronLocale {
  const chosen = [env.LC_ALL, env.LC_MESSAGES, env.LANG].find((value) => value !== undefined && value !== "");
  return chosen !== undefined && /^zh([_.@-]|$)/i.test(chosen) ? "zh-CN" : "en";
}
