import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { JsonBody } from "../../test/support/api/api-event.ts";
import { type ApiStack, startApiStack } from "../../test/support/api/api-stack.ts";
import { runs } from "../../test/support/properties.ts";
import { tokensMatch } from "./auth.ts";
import { MAX_BODY_BYTES } from "./body.ts";

const CONFIGS = "/api/v1/sync-configs";
const TOKEN = "s3cret-token";
const auth = { authorization: `Bearer ${TOKEN}` };
const json = { "content-type": "application/json" };

const expectError = (reply: { status: number; body: JsonBody }, status: number, code: string) => {
  expect(reply.status).toBe(status);
  expect(reply.body).toEqual({ error: expect.objectContaining({ code, message: expect.any(String) }) });
  expect(reply.body.error.message.length).toBeGreaterThan(0);
};

let stack: ApiStack;
beforeAll(async () => {
  stack = await startApiStack({ apiToken: TOKEN });
});
afterAll(async () => {
  await stack?.stop();
});

describe("API routes", () => {
  it("answers GET /healthz without credentials", async () => {
    expect(await stack.call({ method: "GET", path: "/healthz" })).toMatchObject({
      status: 200,
      body: { ok: true },
    });
  });

  it("answers 404 for an unknown path and 405 with Allow for a known path's other method", async () => {
    expectError(
      await stack.call({ method: "GET", path: "/api/v1/nope", headers: auth }),
      404,
      "ROUTE_NOT_FOUND",
    );
    // A long unknown path is not echoed whole (5,000 characters came back).
    const long = await stack.call({ method: "GET", path: `/api/v1/${"x".repeat(5_000)}`, headers: auth });
    expectError(long, 404, "ROUTE_NOT_FOUND");
    expect(long.body.error.message).toBe(`no route for GET ${`/api/v1/${"x".repeat(5_000)}`.slice(0, 200)}…`);
    const reply = await stack.call({
      method: "POST",
      path: "/api/v1/task/scheduler/task-status",
      headers: auth,
    });
    expectError(reply, 405, "METHOD_NOT_ALLOWED");
    expect(reply.headers.allow).toBe("GET");
    const configReply = await stack.call({ method: "POST", path: `${CONFIGS}/abc`, headers: auth });
    expectError(configReply, 405, "METHOD_NOT_ALLOWED");
    expect(configReply.headers.allow).toBe("GET, PATCH, PUT, DELETE");
  });

  it("accepts a trailing slash", async () => {
    expect((await stack.call({ method: "GET", path: `${CONFIGS}/`, headers: auth })).status).toBe(200);
  });
});

describe("bearer token", () => {
  it("refuses a request without, with a wrong, or with a non-bearer token", async () => {
    for (const headers of [
      {},
      { authorization: "Bearer wrong" },
      { authorization: `Basic ${TOKEN}` },
      { authorization: "Bearer" },
    ]) {
      const reply = await stack.call({ method: "GET", path: CONFIGS, headers });
      expectError(reply, 401, "UNAUTHORIZED");
      expect(reply.headers["www-authenticate"]).toContain("Bearer");
    }
  });

  it("checks the token before routing, so unknown routes do not leak", async () => {
    expectError(await stack.call({ method: "GET", path: "/api/v1/nope" }), 401, "UNAUTHORIZED");
  });

  it("accepts the right token, whatever the header name's case", async () => {
    expect(
      (await stack.call({ method: "GET", path: CONFIGS, headers: { Authorization: `Bearer ${TOKEN}` } }))
        .status,
    ).toBe(200);
  });

  it("accepts the token in X-Syncron-Token too, the header clients use on every stage", async () => {
    for (const headers of [{ "X-Syncron-Token": TOKEN }, { "x-syncron-token": TOKEN }]) {
      expect((await stack.call({ method: "GET", path: CONFIGS, headers })).status).toBe(200);
    }
    expectError(
      await stack.call({ method: "GET", path: CONFIGS, headers: { "x-syncron-token": "wrong" } }),
      401,
      "UNAUTHORIZED",
    );
  });

  it("compares tokens of any length without throwing", () => {
    expect(tokensMatch("abc", "abc")).toBe(true);
    expect(tokensMatch("abc", "abcd")).toBe(false);
    expect(tokensMatch("", "abc")).toBe(false);
  });

  it("is not demanded when no token is configured", async () => {
    const open = await startApiStack();
    try {
      expect((await open.call({ method: "GET", path: CONFIGS })).status).toBe(200);
    } finally {
      await open.stop();
    }
  });
});

describe("request bodies", () => {
  const bodyRoutes = [
    { method: "POST", path: CONFIGS },
    { method: "PUT", path: `${CONFIGS}/cfg-1` },
    { method: "PATCH", path: `${CONFIGS}/cfg-1` },
    { method: "POST", path: "/api/v1/task/scheduler/validate-cron" },
  ];

  it("answers 415 for a body route without a JSON content type", async () => {
    for (const route of bodyRoutes) {
      for (const contentType of [
        undefined,
        "text/plain",
        "application/x-www-form-urlencoded",
        "application/jsonx",
      ]) {
        const headers = { ...auth, ...(contentType ? { "content-type": contentType } : {}) };
        expectError(
          await stack.call({ ...route, headers, body: '"0 2 * * *"' }),
          415,
          "UNSUPPORTED_MEDIA_TYPE",
        );
      }
    }
  });

  it("accepts JSON content types with parameters and +json", async () => {
    for (const contentType of [
      "application/json; charset=utf-8",
      "Application/JSON",
      "application/vnd.syncron+json",
    ]) {
      const reply = await stack.call({
        method: "POST",
        path: "/api/v1/task/scheduler/validate-cron",
        headers: { ...auth, "content-type": contentType },
        body: '"0 2 * * *"',
      });
      expect(reply.status).toBe(200);
    }
  });

  it("answers 413 above 256 KiB, on any route, and accepts 256 KiB", async () => {
    const big = JSON.stringify({ expression: "0 2 * * *", pad: "x".repeat(MAX_BODY_BYTES) });
    for (const route of [...bodyRoutes, { method: "POST", path: "/api/v1/task/scheduler/refresh-tasks" }]) {
      const reply = await stack.call({ ...route, headers: { ...auth, ...json }, body: big });
      expectError(reply, 413, "PAYLOAD_TOO_LARGE");
    }
    const base64 = Buffer.from(big).toString("base64");
    const reply = await stack.call({
      method: "POST",
      path: CONFIGS,
      headers: { ...auth, ...json },
      body: base64,
      isBase64Encoded: true,
    });
    expectError(reply, 413, "PAYLOAD_TOO_LARGE");
    const atLimit = `"${"x".repeat(MAX_BODY_BYTES - 2)}"`;
    const ok = await stack.call({
      method: "POST",
      path: "/api/v1/task/scheduler/validate-cron",
      headers: { ...auth, ...json },
      body: atLimit,
    });
    expect(ok.status).toBe(200);
    expect(ok.body.valid).toBe(false);
  });

  it("reads a base64-encoded body", async () => {
    const reply = await stack.call({
      method: "POST",
      path: "/api/v1/task/scheduler/validate-cron",
      headers: { ...auth, ...json },
      body: Buffer.from('"0 2 * * *"').toString("base64"),
      isBase64Encoded: true,
    });
    expect(reply).toMatchObject({ status: 200, body: { valid: true, expression: "0 2 * * *" } });
  });

  const malformed = [
    "",
    "   ",
    "{",
    '{"name":',
    "nul",
    "undefined",
    "'0 2 * * *'",
    "[]",
    "[1,2]",
    "null",
    "42",
    "true",
    '"just a string"',
    '{"name":1}',
    '{"name":"n","source":"/a","target":"/b","cron":"0 2 * * *","bogus":1}',
    '{"name":"n","source":"/a","target":"/b","cron":"0 2 * * *","enabled":"yes"}',
    '{"name":"n","source":"/a","target":"/b","cron":"61 2 * * *"}',
    '{"name":"n","source":"/a","target":"/b","cron":"0 2 * * *","timezone":"Mars/Base"}',
    '{"name":"n","source":"/a","target":"/b","cron":"0 2 * * *","max_delete":"lots"}',
    '{"name":"n","source":"/a","target":"/b","cron":"0 2 * * *","include":"*.txt"}',
    '{"__proto__":{"admin":true}}',
    '{"constructor":{"prototype":{}}}',
    `${"[".repeat(20_000)}${"]".repeat(20_000)}`,
    "\u0000\u0001",
    "\uFEFF{}",
  ];

  it("answers 400 with the error shape for malformed config bodies, never a 500", async () => {
    for (const route of bodyRoutes.slice(0, 3)) {
      for (const body of malformed) {
        const reply = await stack.call({ ...route, headers: { ...auth, ...json }, body });
        // PUT/PATCH of an unknown id may legitimately answer 404 once the body is valid; none here is.
        expect([400], `${route.method} ${route.path} ${JSON.stringify(body.slice(0, 60))}`).toContain(
          reply.status,
        );
        expect(reply.body.error.code).toMatch(/^(BAD_REQUEST|VALIDATION_FAILED)$/);
      }
    }
  });

  it("never quotes a body that is not JSON: it may carry a secret (a password typed unquoted)", async () => {
    for (const body of [
      '{"name":"nas","type":"webdav","password":Zq9SECRETzz}',
      'x{"password":"Zq9SECRETzz"}',
      '{"password":"Zq9SECRETzz"} trailing',
    ]) {
      const reply = await stack.call({
        method: "POST",
        path: "/api/v1/drives",
        headers: { ...auth, ...json },
        body,
      });
      expectError(reply, 400, "BAD_REQUEST");
      expect(JSON.stringify(reply.body)).not.toMatch(/Zq9|SECRET|password/);
      expect(reply.body.error.message).toMatch(/^request body is not valid JSON( \(at character \d+\))?$/);
    }
  });

  it.each([
    ["[1,2]", "an array"],
    ["null", "null"],
    ["42", "a number"],
    ['"just a string"', "a string"],
  ])("says a config body of %s is %s, not an object", async (body, kind) => {
    for (const route of bodyRoutes.slice(0, 3)) {
      const reply = await stack.call({ ...route, headers: { ...auth, ...json }, body });
      expectError(reply, 400, "VALIDATION_FAILED");
      expect(reply.body.error.message).toBe(`request must be a JSON object (got ${kind})`);
    }
  });

  it("names the bad fields in details", async () => {
    const reply = await stack.call({
      method: "POST",
      path: CONFIGS,
      headers: { ...auth, ...json },
      body: { name: 1, source: "/a", cron: "0 2 * * *", enabled: "yes", bogus: true },
    });
    expectError(reply, 400, "VALIDATION_FAILED");
    const paths = reply.body.error.details.map((d: { path: string }) => d.path);
    expect(paths).toEqual(expect.arrayContaining(["name", "target", "enabled", ""]));
    expect(JSON.stringify(reply.body.error.details)).toContain("bogus");
  });

  it("never answers 500 to any JSON value", async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue({ maxDepth: 3 }), async (value) => {
        for (const route of bodyRoutes) {
          const reply = await stack.call({
            ...route,
            headers: { ...auth, ...json },
            body: JSON.stringify(value),
          });
          expect(reply.status).toBeLessThan(500);
          expect(reply.body).toBeDefined();
        }
      }),
      { numRuns: runs(40) },
    );
  });
});
