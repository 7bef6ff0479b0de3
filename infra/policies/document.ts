/**
 * IAM policy documents as plain data (the JSON AWS reads), built by small pure functions so the
 * tests can assert exactly which actions reach which resources. Infra turns them into
 * `sst.aws.Function` `permissions` with {@link toFunctionPermissions}, or JSON-encodes them for
 * roles and queue policies.
 */

/** `{ operator: { key: value | values } }`, e.g. `{ StringEquals: { "aws:SourceAccount": "1234…" } }`. */
export type PolicyCondition = Record<string, Record<string, string | string[]>>;

export interface PolicyStatement {
  Sid: string;
  Effect: "Allow";
  /** Only in resource policies (trust policies, queue policies). */
  Principal?: { Service: string };
  Action: string[];
  Resource?: string[];
  Condition?: PolicyCondition;
}

export interface PolicyDocument {
  Version: "2012-10-17";
  Statement: PolicyStatement[];
}

export const policyDocument = (...statements: PolicyStatement[]): PolicyDocument => ({
  Version: "2012-10-17",
  Statement: statements,
});

/** The shape of one entry of `sst.aws.Function`'s `permissions` argument. */
export interface FunctionPermission {
  effect: "allow";
  actions: string[];
  resources: string[];
  conditions?: { test: string; variable: string; values: string[] }[];
}

/**
 * Converts an identity policy into `sst.aws.Function` `permissions`, one entry per statement,
 * conditions kept. Throws for statements with a `Principal` (resource policies belong elsewhere).
 */
export function toFunctionPermissions(document: PolicyDocument): FunctionPermission[] {
  return document.Statement.map((statement) => {
    if (statement.Principal || !statement.Resource) {
      throw new Error(`statement ${statement.Sid} is a resource policy statement, not a function permission`);
    }
    const conditions = Object.entries(statement.Condition ?? {}).flatMap(([test, keys]) =>
      Object.entries(keys).map(([variable, value]) => ({
        test,
        variable,
        values: Array.isArray(value) ? value : [value],
      })),
    );
    return {
      effect: "allow",
      actions: statement.Action,
      resources: statement.Resource,
      ...(conditions.length > 0 ? { conditions } : {}),
    };
  });
}
