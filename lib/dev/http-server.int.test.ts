import type { APIGatewayProxyEventV2 } from "aws-lambda";
import { afterEach, describe, expect, it } from "vitest";
import type { ApiHandler } from "../api/handler.ts";
import { type LocalHttpServer, startHttpServer } from "./http-server.ts";

let server: LocalHttpServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

/** A server whose handler records the event and answers `reply`. */
async function serve(reply: Awaited<ReturnType<ApiHandler>> = { statusCode: 204 }) {
  const events: APIGatewayProxyEventV2[] = [];
  server = await startHttpServer({
    port: 0,
    handler: async (event) => {
      events.push(event);
      return reply;
    },
  });
  return { url: server.url, events };
}

describe("startHttpServer", () => {
  it("turns a request into an API Gateway v2 event", async () => {
    const { url, events } = await serve();
    await fetch(`${url}/api/v1/sync-configs?limit=2&tag=a&tag=b`, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Custom": "Yes" },
      body: '{"a":1}',
    });
    const [event] = events;
    expect(event).toMatchObject({
      version: "2.0",
      routeKey: "$default",
      rawPath: "/api/v1/sync-configs",
      rawQueryString: "limit=2&tag=a&tag=b",
      queryStringParameters: { limit: "2", tag: "a,b" },
      body: '{"a":1}',
      isBase64Encoded: false,
      requestContext: { http: { method: "POST", path: "/api/v1/sync-configs" } },
    });
    expect(event?.headers).toMatchObject({ "content-type": "application/json", "x-custom": "Yes" });
    expect(Object.keys(event?.headers ?? {}).every((name) => name === name.toLowerCase())).toBe(true);
  });

  it("base64-encodes a binary body and passes none when there is none", async () => {
    const { url, events } = await serve();
    const bytes = Buffer.from([0, 255, 1, 254]);
    await fetch(`${url}/x`, {
      method: "PUT",
      headers: { "content-type": "application/octet-stream" },
      body: bytes,
    });
    await fetch(`${url}/y`);
    expect(events[0]).toMatchObject({ isBase64Encoded: true, body: bytes.toString("base64") });
    expect(events[1]?.body).toBeUndefined();
    expect(events[1]?.requestContext.http.method).toBe("GET");
  });

  it("replies with the result's status, headers, cookies and decoded body", async () => {
    const { url } = await serve({
      statusCode: 201,
      headers: { "Content-Type": "text/plain", Location: "/here" },
      cookies: ["a=1", "b=2"],
      body: Buffer.from("héllo").toString("base64"),
      isBase64Encoded: true,
    });
    const response = await fetch(url);
    expect(response.status).toBe(201);
    expect(response.headers.get("location")).toBe("/here");
    expect(response.headers.getSetCookie()).toEqual(["a=1", "b=2"]);
    expect(await response.text()).toBe("héllo");
  });

  it("answers 400 for a path that does not decode, without calling the handler", async () => {
    const { url, events } = await serve();
    const response = await fetch(`${url}/api/%E0%A4%A`);
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe("BAD_REQUEST");
    expect(events).toEqual([]);
  });

  it("answers 413 above API Gateway's 10 MiB, without calling the handler", async () => {
    const { url, events } = await serve();
    const response = await fetch(`${url}/big`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "x".repeat(10 * 1024 * 1024 + 1),
    });
    expect(response.status).toBe(413);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe("PAYLOAD_TOO_LARGE");
    expect(events).toEqual([]);
  });

  it("turns a handler failure into a 500 with the error shape", async () => {
    const errors: unknown[] = [];
    server = await startHttpServer({
      handler: async () => {
        throw new Error("boom");
      },
      onError: (error) => errors.push(error),
    });
    const response = await fetch(server.url);
    expect(response.status).toBe(500);
    expect(((await response.json()) as { error: { code: string } }).error).toMatchObject({
      code: "INTERNAL",
    });
    expect(String(errors[0])).toContain("boom");
  });
});
