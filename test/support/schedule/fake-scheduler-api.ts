import {
  ConflictException,
  CreateScheduleCommand,
  type CreateScheduleCommandInput,
  DeleteScheduleCommand,
  GetScheduleCommand,
  type GetScheduleCommandOutput,
  ListSchedulesCommand,
  ResourceNotFoundException,
  SchedulerClient,
  UpdateScheduleCommand,
} from "@aws-sdk/client-scheduler";
import { mockClient } from "aws-sdk-client-mock";

const MUTATING = new Set(["CreateScheduleCommand", "UpdateScheduleCommand", "DeleteScheduleCommand"]);

/**
 * Test double for EventBridge Scheduler: aws-sdk-client-mock backed by an in-memory store, so upsert,
 * list and remove behave as on AWS (404 and 409 errors, paged listing by name prefix). `mock` still
 * records every request for exact-shape assertions.
 */
export function fakeSchedulerApi(options: { pageSize?: number } = {}) {
  const pageSize = options.pageSize ?? 100;
  const client = new SchedulerClient({
    region: "us-east-1",
    credentials: { accessKeyId: "x", secretAccessKey: "x" },
  });
  const mock = mockClient(client);
  const store = new Map<string, GetScheduleCommandOutput>();
  const key = (group: string | undefined, name: string | undefined) => `${group ?? "default"}/${name}`;
  const notFound = (name?: string) =>
    new ResourceNotFoundException({
      message: `Schedule ${name} does not exist.`,
      Message: `Schedule ${name} does not exist.`,
      $metadata: {},
    });
  /** Scheduler's clock: every write gets a later LastModificationDate (ms apart, as AWS's are distinct). */
  let clock = Date.UTC(2026, 0, 1);
  const save = (input: CreateScheduleCommandInput) => {
    const { ClientToken: _token, ...schedule } = input;
    const previous = store.get(key(input.GroupName, input.Name));
    clock += 1000;
    const now = new Date(clock);
    store.set(key(input.GroupName, input.Name), {
      ...schedule,
      CreationDate: previous?.CreationDate ?? now,
      LastModificationDate: now,
      $metadata: {},
    });
  };

  mock.on(CreateScheduleCommand).callsFake((input: CreateScheduleCommandInput) => {
    if (store.has(key(input.GroupName, input.Name))) {
      throw new ConflictException({
        message: `Schedule ${input.Name} already exists.`,
        Message: `Schedule ${input.Name} already exists.`,
        $metadata: {},
      });
    }
    save(input);
    return { ScheduleArn: `arn:aws:scheduler:us-east-1:1:schedule/${input.GroupName}/${input.Name}` };
  });
  mock.on(UpdateScheduleCommand).callsFake((input: CreateScheduleCommandInput) => {
    if (!store.has(key(input.GroupName, input.Name))) throw notFound(input.Name);
    save(input);
    return { ScheduleArn: `arn:aws:scheduler:us-east-1:1:schedule/${input.GroupName}/${input.Name}` };
  });
  mock.on(GetScheduleCommand).callsFake((input: { Name?: string; GroupName?: string }) => {
    const schedule = store.get(key(input.GroupName, input.Name));
    if (!schedule) throw notFound(input.Name);
    return structuredClone(schedule);
  });
  mock.on(DeleteScheduleCommand).callsFake((input: { Name?: string; GroupName?: string }) => {
    if (!store.delete(key(input.GroupName, input.Name))) throw notFound(input.Name);
    return {};
  });
  /** Each listing's names, sorted once at its first page (a cursor): later pages slice it. */
  const listings: string[][] = [];
  mock
    .on(ListSchedulesCommand)
    .callsFake(
      (input: { GroupName?: string; NamePrefix?: string; NextToken?: string; MaxResults?: number }) => {
        const [listing, offset] = input.NextToken ? input.NextToken.split(":").map(Number) : [];
        const names =
          listing === undefined
            ? [...store.values()]
                .filter((s) => (s.GroupName ?? "default") === (input.GroupName ?? "default"))
                .filter((s) => s.Name?.startsWith(input.NamePrefix ?? ""))
                .map((s) => s.Name ?? "")
                .sort()
            : (listings[listing] ?? []);
        const id = listing ?? listings.push(names) - 1;
        const start = offset ?? 0;
        const size = Math.min(input.MaxResults ?? pageSize, pageSize);
        const page = names.slice(start, start + size);
        if (start + size >= names.length) listings[id] = [];
        return {
          // A schedule deleted since the listing began is left out of later pages.
          Schedules: page.flatMap((name) => {
            const s = store.get(key(input.GroupName, name));
            if (!s) return [];
            return [
              {
                Name: name,
                GroupName: s.GroupName,
                State: s.State,
                Target: { Arn: s.Target?.Arn },
                CreationDate: s.CreationDate,
                LastModificationDate: s.LastModificationDate,
              },
            ];
          }),
          ...(start + size < names.length ? { NextToken: `${id}:${start + size}` } : {}),
        };
      },
    );

  return {
    client,
    mock,
    store,
    /** Create/Update/Delete requests made so far. */
    mutations: () => mock.calls().filter((call) => MUTATING.has(call.args[0].constructor.name)).length,
    /** Requests made so far by command name (e.g. `GetScheduleCommand`). */
    calls: (command: string) =>
      mock.calls().filter((call) => call.args[0].constructor.name === command).length,
    /** Changes a schedule behind syncron's back (the console, another tool), as UpdateSchedule would. */
    tamper: (group: string, name: string, change: Partial<CreateScheduleCommandInput>) => {
      const current = store.get(key(group, name));
      if (!current) throw notFound(name);
      save({ ...current, ...change } as CreateScheduleCommandInput);
    },
  };
}
