import {
  DeleteParameterCommand,
  GetParameterCommand,
  ParameterNotFound,
  ParameterVersionNotFound,
  PutParameterCommand,
  SSMClient,
} from "@aws-sdk/client-ssm";
import { mockClient } from "aws-sdk-client-mock";

/** SSM as far as the adapter uses it: versioned parameters, `name:version` selectors, AWS's errors. */
export function fakeSsm() {
  const client = new SSMClient({
    region: "us-east-1",
    credentials: { accessKeyId: "x", secretAccessKey: "x" },
  });
  const mock = mockClient(client);
  const params = new Map<string, string[]>();
  mock.on(PutParameterCommand).callsFake((input) => {
    const versions = params.get(input.Name) ?? [];
    versions.push(input.Value);
    params.set(input.Name, versions);
    return { Version: versions.length, Tier: "Standard" };
  });
  mock.on(GetParameterCommand).callsFake((input) => {
    const [name, version] = String(input.Name).split(":");
    const versions = params.get(name as string);
    if (!versions) throw new ParameterNotFound({ message: "not found", $metadata: {} });
    const value = versions[Number(version) - 1];
    if (value === undefined) throw new ParameterVersionNotFound({ message: "no version", $metadata: {} });
    return { Parameter: { Name: name, Type: "SecureString", Value: value, Version: Number(version) } };
  });
  mock.on(DeleteParameterCommand).callsFake((input) => {
    if (!params.delete(input.Name)) throw new ParameterNotFound({ message: "not found", $metadata: {} });
    return {};
  });
  return { client, mock };
}
