import middy from "@middy/core";
import httpRouterHandler, { type Route } from "@middy/http-router";
import manifest from "../../package.json" with { type: "json" };
import { assertAuthorized } from "./auth.ts";
import { assertBodySize, assertJsonIfAny } from "./body.ts";
import type { ApiDeps } from "./deps.ts";
import { errorResponse, toApiError } from "./error-response.ts";
import { methodNotAllowed, routeNotFound } from "./errors.ts";
import {
  type ApiEvent,
  type ApiResult,
  json,
  type RouteHandler,
  requestMethod,
  requestPath,
} from "./http.ts";
import { openApiDocument } from "./openapi/document.ts";
import { API_ROUTES, allowedMethods, type RouteName } from "./route-table.ts";
import { configRoutes } from "./routes/config-routes.ts";
import { driveRoutes } from "./routes/drive-routes.ts";
import { importRoutes } from "./routes/import-routes.ts";
import { runRoutes } from "./routes/run-routes.ts";
import { schedulerRoutes } from "./routes/scheduler-routes.ts";

/** Routes any caller may read: the health check and the API's own description. */
const PUBLIC_PATHS = new Set(["/healthz", "/healthz/", "/openapi.json"]);

export type ApiHandler = (event: ApiEvent, context?: unknown) => Promise<ApiResult>;

/**
 * The API Gateway v2 (HTTP API) handler for every route in {@link API_ROUTES}. Auth and the body
 * size limit run before routing; every failure, including an unknown route (404) or method (405),
 * becomes `{"error":{"code","message","details"}}`, and anything unexpected a logged 500.
 */
export function createApiHandler(deps: ApiDeps): ApiHandler {
  let document: Record<string, unknown> | undefined;
  const table: Record<RouteName, RouteHandler> = {
    healthz: async () => json(200, { ok: true }),
    openapi: async () => {
      document ??= openApiDocument(manifest.version);
      return json(200, document);
    },
    ...configRoutes(deps),
    ...importRoutes(deps),
    ...driveRoutes(deps),
    ...runRoutes(deps),
    ...schedulerRoutes(deps),
  };
  const routes: Route<ApiEvent, ApiResult>[] = API_ROUTES.map((route) => ({
    method: route.method,
    path: route.path,
    handler: (event: ApiEvent) => table[route.name](event),
  }));
  const router = httpRouterHandler<ApiEvent, ApiResult>({
    routes,
    notFoundResponse: ({ method, path }) => {
      const allow = allowedMethods(path);
      throw allow.length > 0 ? methodNotAllowed(method, path, allow) : routeNotFound(method, path);
    },
  });
  const handler = middy<ApiEvent, ApiResult>(router).use({
    before: ({ event }) => {
      if (!PUBLIC_PATHS.has(requestPath(event)))
        assertAuthorized(event, { token: deps.apiToken, gatewayAuth: deps.gatewayAuth });
      assertBodySize(event, deps.maxBodyBytes);
      assertJsonIfAny(event);
    },
    onError: (request) => {
      const error = toApiError(request.error);
      if (error.statusCode >= 500) {
        deps.log?.("error", "request failed", {
          method: requestMethod(request.event),
          path: requestPath(request.event),
          error: String(request.error),
          stack: (request.error as Error | null)?.stack,
        });
      }
      request.response = errorResponse(error);
    },
  });
  return (event, context) => handler(event, (context ?? {}) as never);
}
