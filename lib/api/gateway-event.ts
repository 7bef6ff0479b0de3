import type { APIGatewayProxyEventV2 } from "aws-lambda";

export interface ApiEventInput {
  readonly method: string;
  /** Path with an optional query string: `/api/v1/sync-configs?limit=2`. */
  readonly path: string;
  /** Header names are lowercased, as API Gateway does. */
  readonly headers?: Record<string, string>;
  /** A string is sent as is; anything else is JSON-encoded with `content-type: application/json`. */
  readonly body?: unknown;
  readonly isBase64Encoded?: boolean;
}

/**
 * An API Gateway HTTP API (payload format 2.0) event, as AWS delivers it to a `$default` route:
 * lowercased headers, the query string both raw and parsed (repeated keys joined by commas),
 * `routeKey` `$default`, no `pathParameters`. Used by the dev stack's HTTP adapter and by the API tests.
 */
export function apiEvent(input: ApiEventInput): APIGatewayProxyEventV2 {
  const [rawPath = "/", rawQueryString = ""] = input.path.split("?", 2);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(input.headers ?? {})) headers[name.toLowerCase()] = value;
  let body: string | undefined;
  if (typeof input.body === "string") body = input.body;
  else if (input.body !== undefined) {
    body = JSON.stringify(input.body);
    headers["content-type"] ??= "application/json";
  }
  if (body !== undefined) headers["content-length"] ??= String(Buffer.byteLength(body));
  const query: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(rawQueryString)) {
    query[key] = key in query ? `${query[key]},${value}` : value;
  }
  const now = Date.now();
  return {
    version: "2.0",
    routeKey: "$default",
    rawPath,
    rawQueryString,
    headers,
    ...(rawQueryString ? { queryStringParameters: query } : {}),
    requestContext: {
      accountId: "123456789012",
      apiId: "local",
      domainName: "localhost",
      domainPrefix: "localhost",
      http: {
        method: input.method.toUpperCase(),
        path: decodeURIComponent(rawPath),
        protocol: "HTTP/1.1",
        sourceIp: "127.0.0.1",
        userAgent: headers["user-agent"] ?? "test",
      },
      requestId: `req-${now}`,
      routeKey: "$default",
      stage: "$default",
      time: new Date(now).toUTCString(),
      timeEpoch: now,
    },
    ...(body === undefined ? {} : { body }),
    isBase64Encoded: input.isBase64Encoded ?? false,
  };
}
