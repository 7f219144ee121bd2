import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { connector } from "../../src/commands/context.js";
import { runDelete } from "../../src/commands/delete.js";
import { runFetch } from "../../src/commands/fetch.js";
import { runList } from "../../src/commands/list.js";
import { runPurge } from "../../src/commands/purge.js";
import { runReport } from "../../src/commands/report.js";
import { runSessions } from "../../src/commands/sessions.js";
import { exitCodeFor } from "../../src/errors.js";
import { createTestIO, type TestIOOptions } from "../../src/io.js";
import { INTERACTION_COLUMNS } from "../../src/render/interaction-columns.js";
import type { Selection } from "../../src/select/selection.js";
import { apiGet, type Emulator, emulator, envFor, stateOf } from "../helpers/emulator.js";

/**
 * Commands run in-process through their `run<Name>(opts)` seam, with the test IO (in-memory streams,
 * scripted answers) and a real client against the real emulator: what a user would see on stdout and
 * stderr, how the run ends, and what is left on the server.
 */

let emu: Emulator;

beforeAll(async () => {
  emu = await emulator();
});
afterAll(() => emu.close());
beforeEach(() => emu.reset());

/** The streams and the connection every command's options carry. */
function common(io: TestIOOptions = {}) {
  const test = createTestIO(io);
  return {
    test,
    io: test.io,
    connect: connector(test.io, {}, { ...envFor(emu), TWILIO_CONFIG_DIR: "/nonexistent" }),
  };
}

function selection(sessionSids: string[], more: Partial<Selection> = {}): Selection {
  return {
    sessionSids,
    allSessions: false,
    sessionStatuses: null,
    types: null,
    window: {},
    limit: null,
    pageSize: 100,
    ...more,
  };
}

/** How a run ended, as `main` would turn it into an exit code. */
async function exitOf(run: Promise<void>): Promise<number> {
  return run.then(
    () => 0,
    (error: unknown) => exitCodeFor(error),
  );
}

/** A Session of the seed with Interactions, and the SIDs of its Interactions as the API lists them. */
async function aSession(): Promise<{ service: string; session: string; interactions: string[] }> {
  const state = await stateOf(emu);
  const session = state.sessions.find((each) => each.interactions > 1);
  if (!session) throw new Error("the seed has no Session with Interactions");
  const { body } = await apiGet(
    emu,
    `/v1/Services/${session.service_sid}/Sessions/${session.sid}/Interactions?PageSize=1000`,
  );
  const interactions = (body as { interactions: { sid: string }[] }).interactions.map(({ sid }) => sid);
  return { service: session.service_sid, session: session.sid, interactions };
}

const interactionsLeft = async (service: string, session: string) =>
  (
    (await apiGet(emu, `/v1/Services/${service}/Sessions/${session}/Interactions?PageSize=1000`)).body as {
      interactions: unknown[];
    }
  ).interactions.length;

describe("runSessions", () => {
  it("one NDJSON line per Session of the Service", async () => {
    const { test, io, connect } = common();
    await runSessions({ io, connect, statuses: null, format: "ndjson", columns: [] });
    const sids = test
      .stdout()
      .trim()
      .split("\n")
      .map((line) => (JSON.parse(line) as { sid: string }).sid);
    expect(sids.sort()).toEqual((await stateOf(emu)).sessions.map(({ sid }) => sid).sort());
    expect(test.stderr()).toBe("");
  });
});

describe("runList", () => {
  it("TSV: one line per Interaction of the Session, in the API's order, nothing on stderr", async () => {
    const { service, session, interactions } = await aSession();
    const { test, io, connect } = common();
    const columns = [INTERACTION_COLUMNS.sid, INTERACTION_COLUMNS.session_sid].flatMap((column) =>
      column ? [column] : [],
    );
    await runList({ io, connect, selection: selection([session]), format: "tsv", columns, quiet: false });
    expect(test.stdout()).toBe(interactions.map((sid) => `${sid}\t${session}\n`).join(""));
    expect(test.stderr()).toBe("");
    expect(await interactionsLeft(service, session)).toBe(interactions.length);
  });

  it("--limit on a terminal: the first n, and a note that more match", async () => {
    const { session, interactions } = await aSession();
    const { test, io, connect } = common({ stdoutTTY: true, stderrTTY: true });
    const columns = INTERACTION_COLUMNS.sid ? [INTERACTION_COLUMNS.sid] : [];
    await runList({
      io,
      connect,
      selection: selection([session], { limit: 1 }),
      format: "table",
      columns,
      quiet: false,
    });
    expect(test.stdout()).toContain(interactions[0]);
    expect(test.stdout()).not.toContain(interactions[1]);
    expect(test.stderr()).toBe("Showing the first 1 Interactions (--limit 1); more match.\n");
  });

  it("a Session that does not exist: Twilio's 20404, exit 4", async () => {
    const { test, io, connect } = common();
    const missing = `KC${"f".repeat(32)}`;
    const code = await exitOf(
      runList({
        io,
        connect,
        selection: selection([missing]),
        format: "tsv",
        columns: [],
        quiet: false,
      }),
    );
    expect(code).toBe(4);
    expect(test.stdout()).toBe("");
  });
});

describe("runFetch", () => {
  it("--json: the API object as Twilio returns it", async () => {
    const { service, session, interactions } = await aSession();
    const sid = interactions[0] as string;
    const { test, io, connect } = common();
    await runFetch({ io, connect, interactionSid: sid, sessionSid: session, json: true });
    const expected = (await apiGet(emu, `/v1/Services/${service}/Sessions/${session}/Interactions/${sid}`))
      .body;
    expect(JSON.parse(test.stdout())).toEqual(expected);
  });

  it("piped: key<TAB>value lines, the message body hidden", async () => {
    const { session, interactions } = await aSession();
    const sid = interactions[0] as string;
    const { test, io, connect } = common();
    await runFetch({ io, connect, interactionSid: sid, sessionSid: session, json: false });
    const lines = test.stdout().trimEnd().split("\n");
    expect(lines).toContain(`sid\t${sid}`);
    expect(lines.find((line) => line.startsWith("data\t"))).toBe("data\t(hidden: personal data; use --json)");
  });
});

describe("runDelete", () => {
  const cleanup = {
    includeResources: true,
    dryRun: false,
    confirm: false,
    export: null,
    concurrency: null,
    visibleDays: 395,
    quiet: false,
  };

  it("deletes the given Interactions (and reports one already gone), --json report on stdout", async () => {
    const { service, session, interactions } = await aSession();
    const [first, second] = interactions as [string, string];
    const { test, io, connect } = common();
    const gone = `KI${"e".repeat(32)}`;
    await runDelete({
      io,
      connect,
      ...cleanup,
      json: true,
      sessionSid: session,
      interactionSids: [first, gone],
    });
    const report = JSON.parse(test.stdout()) as { interactions: Record<string, number>; command: string };
    expect(report.command).toBe("delete");
    expect(report.interactions).toMatchObject({ matched: 2, deleted: 1, already_gone: 1, failed: 0 });
    expect(
      (await apiGet(emu, `/v1/Services/${service}/Sessions/${session}/Interactions/${first}`)).status,
    ).toBe(404);
    expect(
      (await apiGet(emu, `/v1/Services/${service}/Sessions/${session}/Interactions/${second}`)).status,
    ).toBe(200);
  });
});

describe("runPurge", () => {
  const cleanup = {
    includeResources: false,
    export: null,
    concurrency: null,
    visibleDays: 395,
    json: false,
    quiet: true,
  };

  it("--dry-run piped: the plan as TSV lines, nothing deleted", async () => {
    const { service, session, interactions } = await aSession();
    const { test, io, connect } = common();
    await runPurge({
      io,
      connect,
      ...cleanup,
      dryRun: true,
      confirm: false,
      selection: selection([session]),
      deleteSessionStatuses: null,
    });
    const listed = test
      .stdout()
      .trimEnd()
      .split("\n")
      .map((line) => line.split("\t")[0]);
    expect(listed).toEqual(interactions);
    expect(await interactionsLeft(service, session)).toBe(interactions.length);
  });

  it("on a terminal, 'n' at the question: cancelled, exit 2, nothing deleted", async () => {
    const { service, session, interactions } = await aSession();
    const { test, io, connect } = common({ stdinTTY: true, stderrTTY: true, answers: ["n"] });
    const run = runPurge({
      io,
      connect,
      ...cleanup,
      dryRun: false,
      confirm: true,
      selection: selection([session]),
      deleteSessionStatuses: null,
    });
    expect(await exitOf(run)).toBe(2);
    expect(test.answersLeft()).toBe(0);
    expect(test.stderr()).toContain(`Delete ${interactions.length} Interactions in 1 Session`);
    expect(test.stderr()).toContain("Cancelled: nothing was deleted.");
    expect(await interactionsLeft(service, session)).toBe(interactions.length);
  });

  it("on a terminal, 'y' at the question: every Interaction of the Session deleted, exit 0", async () => {
    const { service, session, interactions } = await aSession();
    const { test, io, connect } = common({ stdinTTY: true, stderrTTY: true, answers: ["y"] });
    const run = runPurge({
      io,
      connect,
      ...cleanup,
      dryRun: false,
      confirm: true,
      selection: selection([session]),
      deleteSessionStatuses: null,
    });
    expect(await exitOf(run)).toBe(0);
    expect(test.stderr()).toContain(`Delete ${interactions.length} Interactions in 1 Session`);
    expect(await interactionsLeft(service, session)).toBe(0);
  });
});

describe("runReport", () => {
  it("--json: every Session and Interaction of the Service counted, one JSON object on stdout", async () => {
    const state = await stateOf(emu);
    const { test, io, connect } = common();
    await runReport({
      io,
      connect,
      selection: selection([], { allSessions: true }),
      purgeUntil: null,
      format: "json",
      quiet: false,
    });
    const report = JSON.parse(test.stdout()) as {
      command: string;
      sessions: { total: number };
      interactions: { total: number };
      would_purge: unknown;
    };
    expect(report.command).toBe("report");
    expect(report.sessions.total).toBe(state.counts.sessions);
    expect(report.interactions.total).toBe(state.counts.interactions);
    expect(report.would_purge).toBeNull();
    expect(test.stderr()).toBe("");
  });
});
