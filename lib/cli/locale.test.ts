import { describe, expect, it } from "vitest";
import { localeFromEnv } from "./locale.ts";

describe("localeFromEnv", () => {
  it.each([
    [{}, "en"],
    [{ LANG: "zh_CN.UTF-8" }, "zh-CN"],
    [{ LANG: "zh" }, "zh-CN"],
    [{ LANG: "en_US.UTF-8" }, "en"],
    [{ LANG: "C.UTF-8" }, "en"],
    [{ LANG: "zh_CN.UTF-8", LC_ALL: "en_US.UTF-8" }, "en"],
    [{ LANG: "en_US.UTF-8", LC_ALL: "zh_TW.UTF-8" }, "zh-CN"],
    [{ LANG: "en_US.UTF-8", LC_MESSAGES: "zh_CN.UTF-8" }, "zh-CN"],
    [{ LANG: "zh_CN.UTF-8", LC_ALL: "" }, "zh-CN"],
    [{ LANG: "zulu" }, "en"],
  ] as const)("%j → %s", (env, locale) => {
    expect(localeFromEnv(env)).toBe(locale);
  });
});
