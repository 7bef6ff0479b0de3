import { afterAll, describe, expect, it } from "vitest";
import { type OpenListFixture, startOpenListFixture } from "../../../test/support/drives/openlist-fixture.ts";
import {
  busiestSecond,
  expectEachArrivalGated,
  recordStarts,
} from "../../../test/support/drives/request-starts.ts";
import { listAll, streamOf } from "../../../test/support/drives/streams.ts";
import { startWebdavTestServer } from "../../../test/support/drives/webdav-test-server.ts";
import type { Drive } from "../drive.ts";
import { driveFor } from "../open-drive.ts";
import { locationsOverlap } from "../overlap.ts";
import { sharedRateLimiter } from "../rate-limit.ts";
import { driveSchema, driveTypeOf, splitSecrets } from "./registry.ts";

/** A check context that allows any local folder (these tests are about other rules). */
const ANYWHERE = { localRoots: { roots: ["/"], rule: "any folder" } };

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups) await cleanup();
});

const type = (name: string) => {
  const found = driveTypeOf(name);
  if (!found) throw new Error(`no type ${name}`);
  return found;
};

const writeSome = async (drive: Drive, count: number) =>
  Promise.all(
    Array.from({ length: count }, (_, i) =>
      drive.write(`f${i}.txt`, streamOf(Buffer.from(`${i}`)), { path: `f${i}.txt`, size: 1 }),
    ),
  );

describe("openlist drive type", () => {
  it("takes url, login or token, refresh, keeps_mod_times, tps and bwlimit; password and token are secrets", () => {
    const fields = driveSchema(type("openlist")).parse({
      name: "pan",
      type: "openlist",
      url: "https://pan.example.com",
      username: "admin",
      password: "pw",
      refresh: true,
      keeps_mod_times: true,
      tps: 4,
      bwlimit: 1_048_576,
    });
    expect(splitSecrets(type("openlist"), fields)).toEqual({
      settings: {
        url: "https://pan.example.com",
        username: "admin",
        refresh: true,
        keeps_mod_times: true,
        tps: 4,
        bwlimit: 1_048_576,
      },
      secrets: { password: "pw" },
    });
    expect(type("openlist").locate(fields, "/baidu/backup")).toEqual({
      kind: "openlist",
      url: "https://pan.example.com",
      root: "/baidu/backup",
      username: "admin",
      password: "pw",
      refresh: true,
      keepsModTimes: true,
      limits: { key: "drive:pan", tps: 4, bwlimit: 1_048_576 },
    });
  });

  it.each([
    [{ url: "https://u:p@pan.example.com", token: "t" }, "url"],
    [{ url: "https://pan.example.com", token: "t", tps: 0 }, "tps"],
    [{ url: "https://pan.example.com", token: "t", bwlimit: 1.5 }, "bwlimit"],
    [{ url: "https://pan.example.com", token: "***" }, "token"],
  ])("refuses %j, naming %s", (body, path) => {
    const result = driveSchema(type("openlist")).safeParse({ name: "pan", type: "openlist", ...body });
    expect(result.error?.issues.map((issue) => issue.path.join("."))).toContain(path);
  });

  it("wants a token or a login, not both", () => {
    const check = (fields: Record<string, unknown>) => type("openlist").check?.(fields, ANYWHERE);
    expect(check({ url: "https://p", token: "t" })).toEqual([]);
    expect(check({ url: "https://p", username: "a", password: "b" })).toEqual([]);
    expect(check({ url: "https://p", username: "a" })?.[0]?.path).toBe("password");
    expect(check({ url: "https://p", token: "t", username: "a", password: "b" })?.[0]?.path).toBe("token");
  });

  it("sees nested folders of one site as overlapping", () => {
    const at = (url: string, root: string) => ({ kind: "openlist" as const, url, root });
    expect(locationsOverlap(at("https://p", "/baidu/a"), at("https://p/", "/baidu/a/b"))).toBe(true);
    expect(locationsOverlap(at("https://p", "/baidu/a"), at("https://p", "/baidu/ab"))).toBe(false);
    expect(locationsOverlap(at("https://p", "/baidu/a"), at("https://q", "/baidu/a"))).toBe(false);
  });
});

describe("named drives with tps, through driveFor (starts counted by the drive's shared limiter)", () => {
  let fixture: OpenListFixture;

  it("an openlist drive from its fields: works, and never sends more than tps requests in a second", {
    timeout: 60_000,
  }, async () => {
    fixture = await startOpenListFixture({ profiles: { "/local": { profile: "local" } } });
    cleanups.push(() => fixture.stop());
    await (await fixture.drive("/local", { root: "/local/named" })).mkdir("");
    const fields = {
      name: "pan-tps",
      type: "openlist",
      url: fixture.server.url,
      username: "admin",
      password: "secret",
      tps: 5,
    };
    const location = type("openlist").locate(driveSchema(type("openlist")).parse(fields), "/local/named");
    const drive = await driveFor(location, "pan-tps:/local/named");
    const from = fixture.server.requests.length;
    // driveFor shares the drive's limiter by its name: record the starts it grants.
    const starts = recordStarts(sharedRateLimiter("drive:pan-tps", { tps: 5 }));
    await writeSome(drive, 6);
    expect((await listAll(drive, "")).length).toBe(6);
    expect(starts.length).toBeGreaterThan(15);
    expect(busiestSecond(starts)).toBeLessThanOrEqual(5);
    expectEachArrivalGated(
      starts,
      fixture.server.requests.slice(from).map((request) => request.at),
    );
  });

  it("a webdav drive with tps: at most tps requests start in any second, and each one the server saw was let go first", {
    timeout: 60_000,
  }, async () => {
    const server = await startWebdavTestServer();
    cleanups.push(() => server.stop());
    expect((await fetch(`${server.url}/named/`, { method: "MKCOL" })).status).toBe(201);
    const fields = driveSchema(type("webdav")).parse({
      name: "dav-tps",
      type: "webdav",
      url: server.url,
      tps: 5,
    });
    const drive = await driveFor(type("webdav").locate(fields, "/named"), "dav-tps:/named");
    const from = server.requests.length;
    const starts = recordStarts(sharedRateLimiter("drive:dav-tps", { tps: 5 }));
    await writeSome(drive, 4);
    expect(starts.length).toBeGreaterThan(10);
    expect(busiestSecond(starts)).toBeLessThanOrEqual(5);
    expectEachArrivalGated(starts, server.requests.slice(from));
  });
});
