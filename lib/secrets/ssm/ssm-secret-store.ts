import { SSMProvider } from "@aws-lambda-powertools/parameters/ssm";
import {
  DeleteParameterCommand,
  ParameterNotFound,
  ParameterVersionNotFound,
  type SSMClient,
} from "@aws-sdk/client-ssm";
import { isRetryable } from "../../util/service-error.ts";
import {
  assertDriveName,
  SecretNotFoundError,
  type SecretStore,
  SecretStoreError,
  type Secrets,
} from "../secret-store.ts";

/** The parameter path of every drive's secrets in a stage: the API may write only below it, the worker only read. */
export const drivesParameterPath = (stage: string): string => `/syncron/${stage}/drives`;

/** How long a version stays cached: a version's value never changes, so for the life of the process. */
const CACHE_SECONDS = 365 * 24 * 3600;

export interface SsmSecretStoreOptions {
  readonly client: SSMClient;
  /** Parameter path, e.g. `/syncron/prod/drives` ({@link drivesParameterPath}). */
  readonly path: string;
  /** KMS key of the SecureStrings (default: the account's `alias/aws/ssm`, which costs nothing). */
  readonly kmsKeyId?: string;
}

/**
 * Drive secrets in SSM Parameter Store: one standard-tier SecureString per drive,
 * `<path>/<drive name>`, holding the secret fields as JSON. `put` returns SSM's version number and
 * `get` reads `<name>:<version>` through Powertools Parameters, which caches it for the life of the
 * process: a version never changes, and a rotation is a new version, so the worker reads each
 * drive's secrets at most once per cold start and version. Errors name the drive, never the value.
 */
export function createSsmSecretStore(options: SsmSecretStoreOptions): SecretStore {
  const { client } = options;
  const provider = new SSMProvider({ awsSdkV3Client: client });
  const parameter = (name: string): string => {
    assertDriveName(name);
    return `${options.path}/${name}`;
  };
  const failure = (action: string, name: string, error: unknown): SecretStoreError => {
    const cause = (error as { cause?: unknown }).cause ?? error;
    if (cause instanceof ParameterNotFound || cause instanceof ParameterVersionNotFound) {
      return new SecretNotFoundError(`drive ${JSON.stringify(name)} has no secrets at that version`, {
        cause,
      });
    }
    const reason = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
    return new SecretStoreError(`cannot ${action} the secrets of drive ${JSON.stringify(name)}: ${reason}`, {
      cause,
      retryable: isRetryable(cause),
    });
  };

  return {
    async put(name, secrets) {
      const path = parameter(name);
      try {
        const version = await provider.set(path, {
          value: JSON.stringify(secrets),
          parameterType: "SecureString",
          overwrite: true,
          tier: "Standard",
          ...(options.kmsKeyId ? { kmsKeyId: options.kmsKeyId } : {}),
        });
        return String(version);
      } catch (error) {
        throw failure("write", name, error);
      }
    },

    async get(name, version): Promise<Secrets> {
      const path = `${parameter(name)}:${version}`;
      let text: unknown;
      try {
        text = await provider.get(path, { decrypt: true, maxAge: CACHE_SECONDS });
      } catch (error) {
        throw failure("read", name, error);
      }
      // Parsed here, not by a Powertools transform: a JSON error message would quote the value.
      try {
        const value = JSON.parse(String(text)) as unknown;
        if (value && typeof value === "object" && Object.values(value).every((v) => typeof v === "string")) {
          return value as Secrets;
        }
      } catch {}
      throw new SecretStoreError(
        `the secrets of drive ${JSON.stringify(name)} are not a JSON object of strings`,
      );
    },

    async delete(name) {
      const path = parameter(name);
      try {
        await client.send(new DeleteParameterCommand({ Name: path }));
      } catch (error) {
        if (error instanceof ParameterNotFound) return;
        throw failure("delete", name, error);
      }
    },
  };
}
