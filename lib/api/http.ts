import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from "aws-lambda";

/** The event and result types of every API route (API Gateway HTTP API, payload format 2.0). */
export type ApiEvent = APIGatewayProxyEventV2;
export type ApiResult = APIGatewayProxyStructuredResultV2;

/** One route's handler: the router has matched the path and set `pathParameters`. */
export type RouteHandler = (event: ApiEvent) => Promise<ApiResult>;

const JSON_HEADERS = { "content-type": "application/json; charset=utf-8" } as const;

/** A JSON response; `body` undefined means no body (204). */
export function json(statusCode: number, body?: unknown, headers: Record<string, string> = {}): ApiResult {
  return body === undefined
    ? { statusCode, headers }
    : { statusCode, headers: { ...JSON_HEADERS, ...headers }, body: JSON.stringify(body) };
}

/** A request header by name, case-insensitively (API Gateway lowercases names, local adapters may not). */
export function header(event: ApiEvent, name: string): string | undefined {
  const headers = event.headers ?? {};
  const direct = headers[name];
  if (direct !== undefined) return direct;
  const lower = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === lower) return value;
  return undefined;
}

/** The request path: the router's view (API Gateway puts the decoded path in `requestContext.http.path`). */
export const requestPath = (event: ApiEvent): string => event.requestContext?.http?.path ?? event.rawPath;

export const requestMethod = (event: ApiEvent): string => event.requestContext?.http?.method ?? "GET";

/** A path parameter set by the router; present by construction of the route. */
export function pathParam(event: ApiEvent, name: string): string {
  const value = event.pathParameters?.[name];
  if (value === undefined) throw new Error(`route has no path parameter ${name}`);
  return value;
}
