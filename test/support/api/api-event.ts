import type { APIGatewayProxyStructuredResultV2 } from "aws-lambda";

export { type ApiEventInput, apiEvent } from "../../../lib/api/gateway-event.ts";

/** A parsed JSON body; tests assert on it field by field. */
// biome-ignore lint/suspicious/noExplicitAny: replies are checked by assertions, not by types
export type JsonBody = any;

/** A handler's JSON reply parsed: status, lowercased headers, and the body (undefined when empty). */
export function parseResult(result: APIGatewayProxyStructuredResultV2 | string | undefined): {
  status: number;
  headers: Record<string, string>;
  body: JsonBody;
} {
  if (result === undefined || typeof result === "string")
    throw new Error(`not a structured result: ${result}`);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(result.headers ?? {}))
    headers[name.toLowerCase()] = String(value);
  return {
    status: result.statusCode ?? 200,
    headers,
    body: result.body === undefined || result.body === "" ? undefined : JSON.parse(result.body),
  };
}
