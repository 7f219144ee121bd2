import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { CommanderError, InvalidArgumentError } from "commander";
import { describe, expect, it } from "vitest";
import { outcomeOf } from "../../src/commands/cleanup.js";
import {
  BrokenPipeError,
  ExitCode,
  exitCodeFor,
  ForeignOriginError,
  InterruptedError,
  NetworkError,
  NotFoundError,
  OUTCOME_EXIT_CODES,
  ResponseShapeError,
  SilentExit,
  TwilioApiError,
  UsageError,
} from "../../src/errors.js";
import { emptyReport, type PurgeReport } from "../../src/purge/outcomes.js";

/**
 * Every way a run can end, the code `exitCodeFor` gives it, and words that the row of that code in
 * docs/exit-codes.md must hold: the page and the map cannot drift apart.
 */
interface Case {
  name: string;
  ending: unknown;
  code: number;
  /** Words of the documented meaning of `code` that describe this case. */
  documented: string;
}

const apiError = (status: number, code: number | null) =>
  new TwilioApiError({ status, code, message: "m", moreInfo: null, request: "GET /v1/Services" });

const cases: Case[] = [
  { name: "UsageError", ending: new UsageError("bad flag"), code: 2, documented: "Usage error" },
  {
    name: "commander: unknown option",
    ending: new CommanderError(1, "commander.unknownOption", "unknown option"),
    code: 2,
    documented: "a bad or empty flag value",
  },
  {
    name: "commander: bad option value",
    ending: new InvalidArgumentError("expected a whole number"),
    code: 2,
    documented: "a bad or empty flag value",
  },
  {
    name: "commander: --help",
    ending: new CommanderError(0, "commander.helpDisplayed", "(outputHelp)"),
    code: 0,
    documented: "Success",
  },
  {
    name: "commander: help command",
    ending: new CommanderError(0, "commander.help", "(outputHelp)"),
    code: 0,
    documented: "Success",
  },
  {
    name: "commander: --version",
    ending: new CommanderError(0, "commander.version", "0.1.0"),
    code: 0,
    documented: "Success",
  },
  {
    name: "stdout closed by its reader",
    ending: new BrokenPipeError("stdout closed"),
    code: 0,
    documented: "Success",
  },
  { name: "Twilio 401", ending: apiError(401, 20003), code: 3, documented: "HTTP 401/403" },
  { name: "Twilio 403", ending: apiError(403, 20003), code: 3, documented: "HTTP 401/403" },
  {
    name: "Twilio 403 without a code",
    ending: apiError(403, null),
    code: 3,
    documented: "permission refused",
  },
  { name: "legal hold (80615)", ending: apiError(403, 80615), code: 1, documented: "legal hold (80615)" },
  { name: "Twilio 404 with 20404", ending: apiError(404, 20404), code: 4, documented: "20404" },
  {
    name: "a 404 without 20404",
    ending: apiError(404, null),
    code: 1,
    documented: "An API or network failure",
  },
  { name: "Twilio 500", ending: apiError(500, 20500), code: 1, documented: "An API or network failure" },
  { name: "Twilio 429 after retries", ending: apiError(429, 20429), code: 1, documented: "after retries" },
  { name: "NotFoundError", ending: new NotFoundError("no Service"), code: 4, documented: "does not exist" },
  { name: "NetworkError", ending: new NetworkError("ECONNREFUSED"), code: 1, documented: "network failure" },
  {
    name: "ResponseShapeError",
    ending: new ResponseShapeError("HTML"),
    code: 1,
    documented: "a response that is not what Twilio documents",
  },
  {
    name: "ForeignOriginError",
    ending: new ForeignOriginError("https://evil.example"),
    code: 1,
    documented: "a URL on a foreign origin refused",
  },
  { name: "InterruptedError", ending: new InterruptedError("Ctrl-C"), code: 130, documented: "Interrupted" },
  { name: "any other Error", ending: new Error("bug"), code: 1, documented: "Any other error" },
  { name: "a thrown non-Error", ending: "text", code: 1, documented: "Any other error" },
  {
    name: "reported: cancelled at the prompt",
    ending: new SilentExit("cancelled"),
    code: 2,
    documented: '"no" at the confirmation prompt',
  },
  { name: "reported: failed", ending: new SilentExit("failed"), code: 1, documented: "anything failed" },
  {
    name: "reported: list with an unreadable Session",
    ending: new SilentExit("failed"),
    code: 1,
    documented: "for `list`: a Session could not be read",
  },
  {
    name: "reported: verify finds something left",
    ending: new SilentExit("failed"),
    code: 1,
    documented: "for `verify`: something remains",
  },
  {
    name: "reported: stopped on refused credentials",
    ending: new SilentExit("stoppedAuth"),
    code: 3,
    documented: "Authentication or permission refused",
  },
  {
    name: "reported: interrupted",
    ending: new SilentExit("interrupted"),
    code: 130,
    documented: "print their report first",
  },
  {
    name: "reported, then the listing's 20404",
    ending: new SilentExit(null, { cause: apiError(404, 20404) }),
    code: 4,
    documented: "`purge` and `delete` included",
  },
  {
    name: "reported, then the listing's 401",
    ending: new SilentExit(null, { cause: apiError(401, 20003) }),
    code: 3,
    documented: "HTTP 401/403",
  },
  {
    name: "reported, then a network failure",
    ending: new SilentExit(null, { cause: new NetworkError("reset") }),
    code: 1,
    documented: "network failure",
  },
];

/** The first table of docs/exit-codes.md: code → meaning. */
function documentedCodes(): Map<number, string> {
  const doc = readFileSync(fileURLToPath(new URL("../../docs/exit-codes.md", import.meta.url)), "utf8");
  const table = doc.slice(0, doc.indexOf("\n\n", doc.indexOf("| Code |")));
  const codes = new Map<number, string>();
  for (const line of table.split("\n")) {
    const match = /^\|\s*(\d+)\s*\|(.*)\|\s*$/.exec(line);
    if (match) codes.set(Number(match[1]), match[2] as string);
  }
  return codes;
}

describe("exitCodeFor: the one map from an ending to an exit code", () => {
  const documented = documentedCodes();

  it("reads the documented codes", () => {
    expect([...documented.keys()]).toEqual([0, 1, 2, 3, 4, 130]);
    expect(Object.values(ExitCode).sort((a, b) => a - b)).toEqual([...documented.keys()]);
  });

  it.each(cases)("$name → $code, as docs/exit-codes.md says", ({ ending, code, documented: words }) => {
    expect(exitCodeFor(ending)).toBe(code);
    expect(documented.get(code)).toContain(words);
  });

  it("every reported outcome has a case, and every documented code is reached", () => {
    const outcomes = cases.flatMap(({ ending }) =>
      ending instanceof SilentExit && ending.outcome ? [ending.outcome] : [],
    );
    expect(new Set(outcomes)).toEqual(new Set(Object.keys(OUTCOME_EXIT_CODES)));
    expect(new Set(cases.map(({ code }) => code))).toEqual(new Set(documented.keys()));
  });
});

describe("outcomeOf: what a delete/purge report amounts to", () => {
  const report = (change: (report: PurgeReport) => void): PurgeReport => {
    const value = emptyReport(false, true);
    change(value);
    return value;
  };
  const reports: { name: string; report: PurgeReport; code: number }[] = [
    { name: "nothing to do", report: report(() => {}), code: 0 },
    {
      name: "deferred and skipped only",
      report: report((r) => {
        r.interactions.deferred = 2;
        r.interactions.skipped = 1;
      }),
      code: 0,
    },
    {
      name: "an Interaction failed",
      report: report((r) => {
        r.interactions.failed = 1;
      }),
      code: 1,
    },
    {
      name: "a resource failed",
      report: report((r) => {
        r.resources.failed = 1;
      }),
      code: 1,
    },
    {
      name: "a Session could not be read",
      report: report((r) => void r.incomplete_sessions.push({ session_sid: "KC1", reason: "gone" })),
      code: 1,
    },
    {
      name: "stopped: legal hold",
      report: report((r) => {
        r.stopped = "legal_hold";
      }),
      code: 1,
    },
    {
      name: "stopped: an error",
      report: report((r) => {
        r.stopped = "error";
      }),
      code: 1,
    },
    {
      name: "stopped: credentials refused",
      report: report((r) => {
        r.stopped = "auth";
      }),
      code: 3,
    },
    {
      name: "stopped: interrupted",
      report: report((r) => {
        r.stopped = "interrupted";
      }),
      code: 130,
    },
    {
      name: "interrupted after a failure: the failure wins",
      report: report((r) => {
        r.stopped = "interrupted";
        r.interactions.failed = 1;
      }),
      code: 1,
    },
  ];

  it.each(reports)("$name → exit $code", ({ report, code }) => {
    const outcome = outcomeOf(report);
    expect(outcome === null ? ExitCode.ok : exitCodeFor(new SilentExit(outcome))).toBe(code);
  });
});
