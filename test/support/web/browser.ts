import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { rm } from "node:fs/promises";
import { type BrowserContext, chromium } from "playwright-core";
import { tempDir } from "../temp-dir.ts";

/** Debian's Chromium: the browser tests drive it; none is ever downloaded. */
export const CHROMIUM = "/usr/bin/chromium";

/** A font with Chinese glyphs, so the 简体中文 screenshots show characters rather than boxes. */
const CJK_FONT = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc";

/**
 * Installs Debian's `chromium` (and a Chinese font) when missing: CI is a fresh machine, and the
 * tests run as root there.
 */
export function ensureChromium(): void {
  const missing = [
    ...(existsSync(CHROMIUM) ? [] : ["chromium"]),
    ...(existsSync(CJK_FONT) ? [] : ["fonts-wqy-microhei"]),
  ];
  if (missing.length === 0) return;
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  execFileSync("apt-get", ["update"], { stdio: "inherit", env });
  execFileSync("apt-get", ["install", "-y", "--no-install-recommends", ...missing], {
    stdio: "inherit",
    env,
  });
}

/** Headless Chromium with a fresh profile (playwright's own --user-data-dir) and nothing that calls home. */
export async function launchChromium(options: { locale?: string } = {}): Promise<BrowserContext> {
  ensureChromium();
  const profile = await tempDir("syncron-chromium-");
  const removeProfile = () => rm(profile, { recursive: true, force: true });
  const context = await chromium
    .launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      locale: options.locale ?? "en-US",
      viewport: { width: 1280, height: 800 },
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    })
    .catch(async (error: unknown) => {
      await removeProfile();
      throw error;
    });
  // The profile (~5 MB) goes with the browser: closing the context also removes it.
  const close = context.close.bind(context);
  context.close = async (closeOptions) => {
    await close(closeOptions);
    await removeProfile();
  };
  return context;
}
