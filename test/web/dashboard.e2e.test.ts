import { access, mkdir, readFile, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { BrowserContext, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildWeb } from "../../scripts/build-web.ts";
import { replyProblems } from "../support/api/openapi-check.ts";
import {
  type DevProcess,
  http,
  killAll,
  removeTempDirs,
  startDev,
  tempDir,
} from "../support/dev/dev-process.ts";
import { launchChromium } from "../support/web/browser.ts";

/**
 * The dashboard in a real browser (Debian's Chromium through playwright-core) against a real
 * `syncron dev`: what a user does, step by step. Screenshots of each page go to test-artifacts/web/
 * (git-ignored; CI keeps them as artifacts).
 */

const SHOTS = resolve(import.meta.dirname, "../../test-artifacts/web");
let dev: DevProcess;
let browser: BrowserContext;
let page: Page;
let work: string;
const drift: string[] = [];
let checkedReplies = 0;

/** What a page shows once its data is in. */
type Ready = (target: Page) => Locator;

/**
 * Every page of the dashboard, by its address, with what it shows once loaded: the configs, a
 * config's form, runs and one run, drives, system.
 */
async function everyPage(): Promise<[name: string, hash: string, ready: Ready][]> {
  const [config] = (await http(dev.url, "GET", "/api/v1/sync-configs")).body.items;
  const [run] = (await http(dev.url, "GET", `/api/v1/sync-configs/${config.id}/runs`)).body.items;
  const nextRuns = (target: Page) => target.getByRole("list", { name: "Next 5 runs" }).getByRole("listitem");
  return [
    ["configs", "", (target) => target.getByRole("row", { name: new RegExp(config.name) }).first()],
    ["config-new", "#/configs/new", (target) => target.getByRole("button", { name: "Save" })],
    ["config-edit", `#/configs/${config.id}/edit`, (target) => nextRuns(target).nth(4)],
    [
      "runs",
      `#/configs/${config.id}/runs`,
      (target) => target.getByRole("link", { name: /^Details: / }).first(),
    ],
    [
      "run",
      `#/configs/${config.id}/runs/${run.task_id}`,
      (target) => target.getByText(run.status, { exact: true }).first(),
    ],
    ["drives", "#/drives", (target) => target.getByRole("button", { name: "Check: photos" })],
    ["system", "#/system", (target) => target.getByText("30 2 * * *")],
  ];
}

/**
 * Opens a page afresh and waits until it has loaded: its heading, what `ready` names, and no part
 * still loading (`aria-busy`). A hash change alone is a same-document navigation, and the last page's
 * heading would pass for this one's while it still renders; "network idle" is a guess from 500 ms
 * without requests, which a loaded machine makes before the page has even asked for its data.
 */
async function open(target: Page, hash: string, ready?: Ready): Promise<void> {
  await target.goto("about:blank");
  await target.goto(`${dev.url}/${hash}`);
  await target.getByRole("heading", { level: 1 }).waitFor();
  await ready?.(target).waitFor();
  await target.locator("[aria-busy=true]").first().waitFor({ state: "detached" });
}

const shot = (name: string, target: Page = page) =>
  target.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });

beforeAll(async () => {
  await mkdir(SHOTS, { recursive: true });
  await buildWeb();
  work = await tempDir("syncron-web-");
  await mkdir(join(work, "photos/2026"), { recursive: true });
  await writeFile(join(work, "photos/a.jpg"), "alpha");
  await writeFile(join(work, "photos/2026/b.jpg"), "bravo");
  dev = await startDev({ dataDir: join(work, "data"), cwd: work });
  browser = await launchChromium();
  // Every wait is for a condition; the bound only says how long a failure takes to show, and a page
  // takes seconds to render with Chromium at load 50 on two cores.
  browser.setDefaultTimeout(60_000);
  // Every API reply a page receives is held against the OpenAPI document, like the API tests' replies.
  browser.on("response", async (response) => {
    const { pathname } = new URL(response.url());
    if (!pathname.startsWith("/api/")) return;
    let body: unknown;
    try {
      body = await response.json();
    } catch {
      return; // no body (a page that moved on before it arrived)
    }
    checkedReplies++;
    drift.push(...replyProblems(response.request().method(), pathname, response.status(), body));
  });
  page = await browser.newPage();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await killAll();
  await removeTempDirs();
});

describe("the dashboard", { timeout: 120_000 }, () => {
  it("opens on the configs page at / and links the API reference", async () => {
    await page.goto(`${dev.url}/`);
    await page.getByRole("heading", { level: 1, name: "Sync configs" }).waitFor();
    await page.getByText("No configs yet.").waitFor();
    await shot("configs-empty");
    await page.getByRole("link", { name: "API reference" }).click();
    await page
      .getByRole("heading", { name: /syncron API/ })
      .first()
      .waitFor({ timeout: 30_000 });
    await page.getByText("/api/v1/sync-configs").first().waitFor();
    await shot("docs");
  });

  it("shows a bad cron's error under the Cron field, then the next 5 runs of a good one, and saves", async () => {
    await page.goto(`${dev.url}/#/configs/new`);
    await page.getByLabel("Name").fill("photos nightly");
    await page.getByLabel("Source").fill(join(work, "photos"));
    await page.getByLabel("Target").fill(join(work, "backup"));
    await page.getByLabel("Cron").fill("61 * * * *");
    const cronError = page.locator("#e-cron");
    await cronError.waitFor();
    expect(await cronError.textContent()).toMatch(/minute/i);
    expect(await page.getByLabel("Cron").getAttribute("aria-invalid")).toBe("true");
    expect(await page.getByLabel("Cron").getAttribute("aria-describedby")).toBe("e-cron");
    await shot("config-bad-cron");

    await page.getByLabel("Cron").fill("30 2 * * *");
    await cronError.waitFor({ state: "detached" });
    const runs = page.getByRole("list", { name: "Next 5 runs" }).getByRole("listitem");
    await runs.nth(4).waitFor();
    expect(await runs.count()).toBe(5);
    await page.getByText("At 02:30 AM").waitFor();
    await page.getByLabel("Mode").selectOption("mirror");
    await shot("config-new");

    // Preview before saving: a dry run that lists what it would copy, and writes nothing.
    await page.getByRole("button", { name: "Preview" }).click();
    const preview = page.getByRole("region", { name: /^Preview/ });
    await preview.getByText("SUCCESS").waitFor({ timeout: 60_000 });
    const planned = preview.getByRole("table", { name: /^Preview/ });
    await planned.getByRole("cell", { name: "2026/b.jpg" }).waitFor();
    await planned.getByRole("cell", { name: "a.jpg", exact: true }).waitFor();
    expect(await planned.getByRole("row").filter({ hasText: "planned" }).count()).toBe(2);
    expect(await preview.locator("dt:has-text('Would copy') + dd").textContent()).toBe("2");
    await expect(access(join(work, "backup"))).rejects.toThrow(/ENOENT/);
    expect((await http(dev.url, "GET", "/api/v1/sync-configs")).body.items).toEqual([]);
    await shot("config-preview");

    await page.getByRole("button", { name: "Save" }).click();
    await page.getByRole("row", { name: /photos nightly/ }).waitFor();
    await page.getByText("At 02:30 AM").waitFor();
    await shot("configs");
  });

  it("runs a config now and shows SUCCESS in its runs, and the files in the target", async () => {
    await page.goto(`${dev.url}/`);
    await page.getByRole("button", { name: "Run now: photos nightly" }).click();
    await page.getByRole("heading", { name: "Runs: photos nightly" }).waitFor();
    await page.getByText("SUCCESS").first().waitFor({ timeout: 60_000 });
    await shot("runs");
    expect(await readFile(join(work, "backup/2026/b.jpg"), "utf8")).toBe("bravo");
    await page
      .getByRole("link", { name: /^Details: / })
      .first()
      .click();
    await page.getByRole("heading", { name: /^Runs: / }).waitFor();
    await page.getByText("SUCCESS").first().waitFor();
    // The per-file items: both files copied.
    const items = page.getByRole("table").getByRole("row");
    await page.getByRole("cell", { name: "2026/b.jpg" }).waitFor();
    await page.getByRole("cell", { name: "a.jpg", exact: true }).waitFor();
    expect(await items.filter({ hasText: "copy" }).count()).toBe(2);
    await shot("run");
    await page.goto(`${dev.url}/`);
    await page
      .getByRole("row", { name: /photos nightly/ })
      .getByText("SUCCESS")
      .waitFor();
  });

  it("cancels a long run from its runs, and retries a failed one", async () => {
    // A run of 40 files at 2 drive calls a second (the config's tps) lasts well over a minute.
    await mkdir(join(work, "long"));
    for (let i = 0; i < 40; i++) await writeFile(join(work, "long", `f${i}.txt`), `file ${i}`);
    const slow = await http(dev.url, "POST", "/api/v1/sync-configs", {
      json: {
        name: "slow",
        source: join(work, "long"),
        target: join(work, "long-copy"),
        cron: "0 3 * * *",
        tps: 2,
      },
    });
    expect(slow.status).toBe(201);
    await page.goto(`${dev.url}/`);
    await page.getByRole("button", { name: "Run now: slow" }).click();
    await page.getByRole("heading", { name: "Runs: slow" }).waitFor();
    await page.getByText("STARTED").first().waitFor({ timeout: 60_000 });
    await page
      .getByRole("button", { name: /^Cancel run: / })
      .first()
      .click();
    await page.getByText("CANCELLED").first().waitFor({ timeout: 60_000 });
    await shot("runs-cancelled");
    const [cancelled] = (await http(dev.url, "GET", `/api/v1/sync-configs/${slow.body.id}/runs`)).body.items;
    expect(cancelled.status).toBe("CANCELLED");
    expect(cancelled.progress.files_done).toBeLessThan(40);

    // A run whose source is missing fails; once the folder is there, Retry runs it again.
    const flaky = await http(dev.url, "POST", "/api/v1/sync-configs", {
      json: {
        name: "flaky",
        source: join(work, "later"),
        target: join(work, "later-copy"),
        cron: "0 4 * * *",
      },
    });
    await page.goto(`${dev.url}/`);
    await page.getByRole("button", { name: "Run now: flaky" }).click();
    await page.getByRole("heading", { name: "Runs: flaky" }).waitFor();
    await page.getByText("FAILURE").first().waitFor({ timeout: 60_000 });
    await mkdir(join(work, "later"));
    await writeFile(join(work, "later", "x.txt"), "x");
    await page
      .getByRole("button", { name: /^Retry run: / })
      .first()
      .click();
    await page.getByText("SUCCESS").first().waitFor({ timeout: 60_000 });
    const runs = (await http(dev.url, "GET", `/api/v1/sync-configs/${flaky.body.id}/runs`)).body.items;
    expect(runs.map((run: { status: string }) => run.status)).toEqual(["SUCCESS", "FAILURE"]);
    expect(await readFile(join(work, "later-copy", "x.txt"), "utf8")).toBe("x");
    await shot("runs-retried");
  });

  it("turns a config off and on with its Enabled switch", async () => {
    await page.goto(`${dev.url}/`);
    const toggle = page.getByRole("switch", { name: "Enabled: photos nightly" });
    await toggle.click();
    await page.getByRole("switch", { name: "Enabled: photos nightly", checked: false }).waitFor();
    await page.getByRole("button", { name: "Run now: photos nightly", disabled: true }).waitFor();
    await toggle.click();
    await page.getByRole("switch", { name: "Enabled: photos nightly", checked: true }).waitFor();
  });

  it("sets a config's drive calls per second in its form: a bad value is refused under the field", async () => {
    const configs = (await http(dev.url, "GET", "/api/v1/sync-configs")).body.items;
    const byName = (name: string) => configs.find((c: { name: string }) => c.name === name);
    // The slow config was made with tps 2 through the API: the form shows it.
    await open(page, `#/configs/${byName("slow").id}/edit`);
    expect(await page.getByLabel("Drive calls per second").inputValue()).toBe("2");

    const config = byName("photos nightly");
    const stored = async () => (await http(dev.url, "GET", `/api/v1/sync-configs/${config.id}`)).body;
    await open(page, `#/configs/${config.id}/edit`);
    const tps = page.getByLabel("Drive calls per second");
    expect(await tps.inputValue()).toBe("");
    for (const [typed, message] of [
      ["0", "tps must be a positive number of drive calls per second"],
      ["fast", "tps must be a number of drive calls per second, or null for no limit"],
      ["5000", "tps must be at most 1000 drive calls per second"],
    ] as const) {
      await tps.fill(typed);
      const [reply] = await Promise.all([
        page.waitForResponse((r) => r.request().method() === "PATCH"),
        page.getByRole("button", { name: "Save" }).click(),
      ]);
      expect(reply.status(), typed).toBe(400);
      await page.locator(`#e-tps:text-is(${JSON.stringify(message)})`).waitFor();
      expect(await tps.getAttribute("aria-invalid")).toBe("true");
    }
    await shot("config-bad-tps");
    expect((await stored()).tps).toBeNull();

    await tps.fill("2.5");
    await page.getByRole("button", { name: "Save" }).click();
    await page.getByRole("heading", { name: "Sync configs" }).waitFor();
    expect((await stored()).tps).toBe(2.5);
    await open(page, `#/configs/${config.id}/edit`);
    expect(await page.getByLabel("Drive calls per second").inputValue()).toBe("2.5");
    await page.getByLabel("Drive calls per second").fill("");
    await page.getByRole("button", { name: "Save" }).click();
    await page.getByRole("heading", { name: "Sync configs" }).waitFor();
    expect((await stored()).tps).toBeNull();
  });

  it("shows the system: backend, schedules with next fire, queue and dead-letter depth", async () => {
    await page.goto(`${dev.url}/#/system`);
    await page.getByRole("heading", { name: "System" }).waitFor();
    await page.getByText("Dead-letter").waitFor();
    await page.getByText("30 2 * * *").waitFor();
    await shot("system");
  });

  it("adds a drive and checks it", async () => {
    await page.goto(`${dev.url}/#/drives`);
    await page.getByRole("heading", { name: "Drives" }).waitFor();
    await page.getByLabel("Name").fill("photos");
    await page.getByLabel("Type").selectOption("local");
    await page.getByLabel("Settings (JSON)").fill(JSON.stringify({ root: join(work, "photos") }));
    await page.getByRole("button", { name: "Add drive" }).click();
    await page.getByRole("button", { name: "Check: photos" }).click();
    await page.getByText("photos: Reachable.").waitFor();
    await shot("drives");
  });

  it("picks a source folder from a drive's entries in the config form", async () => {
    await page.goto(`${dev.url}/#/configs/new`);
    await page.getByRole("combobox", { name: /^Drive/ }).selectOption("photos");
    await page.getByRole("list", { name: "Folders" }).getByRole("button", { name: "2026/" }).click();
    await page.getByText("photos:/2026").waitFor();
    await page.getByRole("button", { name: "Use as source" }).click();
    expect(await page.getByLabel("Source").inputValue()).toBe("photos:/2026");
    await shot("config-picker");
  });

  it("switches to 简体中文, and dates and the cron description follow", async () => {
    await page.goto(`${dev.url}/`);
    await page.getByLabel("Language").selectOption("zh-CN");
    await page.getByRole("heading", { name: "同步配置" }).waitFor();
    await page.getByRole("button", { name: "立即运行: photos nightly" }).waitFor();
    await page.getByText(/在 02:30/).waitFor();
    expect(await page.evaluate<string>("document.documentElement.lang")).toBe("zh-CN");
    await shot("configs-zh");
    await page.getByLabel("语言").selectOption("en");
    await page.getByRole("heading", { name: "Sync configs" }).waitFor();
  });

  it("gives every control on every page an accessible name, and reaches each one by Tab", async () => {
    for (const [, hash, ready] of await everyPage()) {
      await open(page, hash, ready);
      // Every link, button and form control has a name a screen reader reads: a label, aria-label or text.
      const nameless = await page.evaluate<string[]>(`
        [...document.querySelectorAll("a, button, input, select, textarea")]
          .filter((el) => !(el.labels?.length || el.getAttribute("aria-label") || el.textContent.trim()))
          .map((el) => el.outerHTML)`);
      expect(nameless, hash).toEqual([]);
      // Every control shown and enabled is reached by Tab alone, in one pass from the first one.
      const count = await page.evaluate<number>(`(() => {
        const controls = [...document.querySelectorAll("a[href], button, input, select, textarea")]
          .filter((el) => !el.disabled && el.getClientRects().length > 0);
        controls.forEach((el, i) => { el.dataset.kb = String(i); });
        controls[0]?.focus();
        return controls.length;
      })()`);
      const reached = new Set<string>(["0"]);
      for (let i = 0; i < count + 3; i++) {
        await page.keyboard.press("Tab");
        reached.add(await page.evaluate<string>('document.activeElement?.dataset.kb ?? ""'));
      }
      const missed = await page.evaluate<string[]>(
        `[...document.querySelectorAll("[data-kb]")].filter((el) => !${JSON.stringify([...reached])}.includes(el.dataset.kb)).map((el) => el.outerHTML)`,
      );
      expect(missed, hash).toEqual([]);
    }
  });

  it("asks for SYNCRON_API_TOKEN once and keeps it in the tab's sessionStorage only", async () => {
    const token = "browser-test-token-0123456789";
    const guarded = await startDev({
      dataDir: join(work, "data-token"),
      cwd: work,
      env: { SYNCRON_API_TOKEN: token },
    });
    const tab = await browser.newPage();
    await tab.goto(`${guarded.url}/`);
    const dialog = tab.getByRole("dialog", { name: "API token" });
    await dialog.waitFor();
    await shot("token", tab);
    await dialog.getByLabel("Token").fill(token);
    await dialog.getByRole("button", { name: "Sign in" }).click();
    await tab.getByText("No configs yet.").waitFor();
    expect(await tab.evaluate<string>("JSON.stringify(Object.values(sessionStorage))")).toContain(token);
    expect(await tab.evaluate<string>("JSON.stringify(Object.values(localStorage))")).not.toContain(token);
    await tab.reload();
    await tab.getByText("No configs yet.").waitFor();
    expect(await dialog.count()).toBe(0);
    await tab.close();
    const other = await browser.newPage();
    await other.goto(`${guarded.url}/`);
    await other.getByRole("dialog", { name: "API token" }).waitFor();
    await other.close();
    await guarded.stop();
  });

  it("fits a 390 px phone: no sideways scrolling, every page", async () => {
    const phone = await browser.newPage();
    await phone.setViewportSize({ width: 390, height: 844 });
    for (const [name, hash, ready] of await everyPage()) {
      await open(phone, hash, ready);
      // What sticks out past the right edge, innermost first, so a failure names the culprit.
      const wide = await phone.evaluate<string[]>(`
        [...document.body.querySelectorAll("*")]
          .filter((el) => el.getBoundingClientRect().right > 390.5)
          .filter((el) => ![...el.children].some((child) => child.getBoundingClientRect().right > 390.5))
          .map((el) => el.outerHTML.slice(0, 160))`);
      expect(wide, name).toEqual([]);
      expect(await phone.evaluate<number>("document.documentElement.scrollWidth"), name).toBeLessThanOrEqual(
        390,
      );
      await shot(`${name}-phone`, phone);
    }
    await phone.close();
  });

  it("shows hostile names as text: markup in a config's name or error never runs", async () => {
    const name = `<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script> 照片 🎉`;
    const created = await http(dev.url, "POST", "/api/v1/sync-configs", {
      json: { name, source: "./photos", target: "./hostile<b>x</b>", cron: "0 2 * * *" },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id = created.body.id as string;
    const run = await http(dev.url, "POST", `/api/v1/task/scheduler/execute-sync/${id}`);
    expect(run.status).toBe(202);
    for (const hash of [
      "",
      `#/configs/${id}/edit`,
      `#/configs/${id}/runs`,
      `#/configs/${id}/runs/${run.body.task_id}`,
    ]) {
      await open(page, hash);
      expect(await page.evaluate("window.__pwned"), hash).toBeUndefined();
      expect(await page.locator("img[src=x], main script").count(), hash).toBe(0);
    }
    await open(page, "");
    await page.getByRole("link", { name, exact: true }).waitFor();
    expect((await http(dev.url, "DELETE", `/api/v1/sync-configs/${id}`)).status).toBe(200);
  });

  it("received only replies that match /openapi.json", () => {
    expect(checkedReplies).toBeGreaterThan(20);
    expect(drift).toEqual([]);
  });
});
