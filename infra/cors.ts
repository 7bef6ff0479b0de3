import { TOKEN_HEADER } from "../lib/api/auth.ts";
import { API_ROUTES, type RouteMethod } from "../lib/api/route-table.ts";

/**
 * The request headers the dashboard sends cross-origin (lib/web/api.ts): the JWT in
 * `Authorization`, the syncron token, and the JSON body's type.
 */
export const CORS_HEADERS = ["authorization", TOKEN_HEADER.toLowerCase(), "content-type"];

/**
 * The HTTP API's CORS settings (`sst.aws.ApiGatewayV2` `cors`): only the stage's own dashboard
 * (`siteOrigin`, e.g. `https://d1234.cloudfront.net`) may call it from a browser, with the methods
 * the route table serves. API Gateway answers the preflight itself (before any authorizer) and adds
 * these headers to the function's replies. No cookies: credentials travel in headers.
 */
export function apiCors<Origin>(siteOrigin: Origin) {
  const methods = [...new Set(API_ROUTES.map((route) => route.method))].sort() as RouteMethod[];
  return {
    allowOrigins: [siteOrigin],
    allowHeaders: CORS_HEADERS,
    allowMethods: methods,
    exposeHeaders: ["location"],
    allowCredentials: false,
    maxAge: "1 hour" as const,
  };
}
