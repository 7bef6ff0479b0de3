import { describe, expect, it } from "vitest";
import { policyDocument, toFunctionPermissions } from "./document.ts";

describe("toFunctionPermissions", () => {
  it("maps each statement to an SST permission, conditions flattened per key", () => {
    const document = policyDocument(
      { Sid: "A", Effect: "Allow", Action: ["sqs:SendMessage"], Resource: ["arn:q"] },
      {
        Sid: "B",
        Effect: "Allow",
        Action: ["iam:PassRole"],
        Resource: ["arn:role"],
        Condition: {
          StringEquals: { "iam:PassedToService": "scheduler.amazonaws.com", "aws:x": ["1", "2"] },
        },
      },
    );
    expect(toFunctionPermissions(document)).toEqual([
      { effect: "allow", actions: ["sqs:SendMessage"], resources: ["arn:q"] },
      {
        effect: "allow",
        actions: ["iam:PassRole"],
        resources: ["arn:role"],
        conditions: [
          { test: "StringEquals", variable: "iam:PassedToService", values: ["scheduler.amazonaws.com"] },
          { test: "StringEquals", variable: "aws:x", values: ["1", "2"] },
        ],
      },
    ]);
  });

  it("refuses resource-policy statements (with a Principal)", () => {
    const document = policyDocument({
      Sid: "Trust",
      Effect: "Allow",
      Principal: { Service: "scheduler.amazonaws.com" },
      Action: ["sts:AssumeRole"],
    });
    expect(() => toFunctionPermissions(document)).toThrow(/Trust is a resource policy statement/);
  });
});
