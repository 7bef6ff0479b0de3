import { Validator } from "@seriousme/openapi-schema-validator";
import { describe, expect, it } from "vitest";
import { replyProblems } from "../../../test/support/api/openapi-check.ts";
import { API_ROUTES } from "../route-table.ts";
import { documentedRoutes, openApiDocument } from "./document.ts";

const document = openApiDocument("1.2.3") as {
  openapi: string;
  paths: Record<string, Record<string, { requestBody?: unknown; responses: Record<string, unknown> }>>;
};

describe("the OpenAPI document", () => {
  it("is a valid OpenAPI 3.1 document", async () => {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(document));
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe("3.1");
  });

  it("has every route of the route table, with its replies documented", () => {
    for (const route of API_ROUTES) {
      const operation = document.paths[route.path]?.[route.method.toLowerCase()];
      expect(operation, `${route.method} ${route.path}`).toBeDefined();
    }
    const undocumented = API_ROUTES.map((route) => route.name).filter(
      (name) => !documentedRoutes().includes(name),
    );
    expect(undocumented, "add the route's request and replies to lib/api/openapi/document.ts").toEqual([]);
  });

  it("takes request bodies from the schemas the routes parse with", () => {
    const create = document.paths["/api/v1/sync-configs"]?.post?.requestBody as {
      content: {
        "application/json": { schema: { required: string[]; properties: Record<string, unknown> } };
      };
    };
    const schema = create.content["application/json"].schema;
    expect(schema.required).toEqual(["name", "source", "target", "cron"]);
    expect(Object.keys(schema.properties)).toContain("max_delete");
    expect(schema.properties.max_delete).toMatchObject({
      description: expect.stringMatching(/null \(the default\): at most half .*"100%" allows any number/),
    });
  });
});

describe("replyProblems", () => {
  it("accepts a reply of the documented shape and refuses one that drifted", () => {
    expect(replyProblems("GET", "/healthz", 200, { ok: true })).toEqual([]);
    expect(replyProblems("GET", "/healthz", 200, { ok: "yes" })).not.toEqual([]);
    const error = { error: { code: "NOT_FOUND", message: "sync config x not found" } };
    expect(replyProblems("GET", "/api/v1/sync-configs/x", 404, error)).toEqual([]);
    expect(replyProblems("GET", "/api/v1/sync-configs/x", 404, { message: "gone" })).not.toEqual([]);
  });
});
