import { describe, expect, it } from "vitest";
import { emptyReport } from "../../src/purge/outcomes.js";
import { newReadProgress, purgeProgressLine, readProgressLine } from "../../src/render/progress.js";

const START = 1_000_000;

describe("readProgressLine", () => {
  it("says `+` while the Sessions are still being listed, and gives no time left until they all are", () => {
    const read = { ...newReadProgress(), sessionsListed: 40, sessionsRead: 10, interactionsRead: 500 };
    expect(readProgressLine("Reading", read, START, START + 5000)).toBe(
      "Reading… 10/40+ Sessions, 500 Interactions (100/s)",
    );
  });

  it("estimates the time left from the Sessions read so far once the total is known", () => {
    const read = { ...newReadProgress(), sessionsListed: 40, listingDone: true, sessionsRead: 10 };
    // 10 Sessions in 5 s: 30 more take about 15 s.
    expect(readProgressLine("Reading", read, START, START + 5000)).toMatch(
      /10\/40 Sessions.*about 15 s left$/,
    );
    const slow = { ...read, sessionsRead: 1 };
    expect(readProgressLine("Reading", slow, START, START + 600_000)).toMatch(/about 6\.5 h left$/);
  });

  it("counts Sessions skipped by date out of the total", () => {
    const read = {
      ...newReadProgress(),
      sessionsListed: 50,
      sessionsSkipped: 45,
      listingDone: true,
      sessionsRead: 5,
    };
    expect(readProgressLine("Reading", read, START, START + 1000)).toBe(
      "Reading… 5/5 Sessions, 0 Interactions (0/s), 45 Sessions skipped by date",
    );
  });
});

describe("purgeProgressLine", () => {
  it("shows the read and the outcomes of a purge; without a read (delete), the outcomes only", () => {
    const report = emptyReport(false, true);
    Object.assign(report.interactions, { matched: 30, deleted: 27, deferred: 2, failed: 1 });
    const read = {
      ...newReadProgress(),
      sessionsListed: 4,
      listingDone: true,
      sessionsRead: 2,
      interactionsRead: 40,
    };
    expect(purgeProgressLine(report, read, START, START + 3000)).toBe(
      "Deleting… 2/4 Sessions, 40 Interactions read, 27 deleted, 2 deferred, 0 skipped, 1 failed of 30 (10/s), about 3 s left",
    );
    expect(purgeProgressLine(report, null, START, START + 3000)).toBe(
      "Deleting… 27 deleted, 2 deferred, 0 skipped, 1 failed of 30 (10/s)",
    );
    expect(purgeProgressLine(emptyReport(true, false), read, START, START + 1000)).toMatch(
      /^Listing… 2\/4 Sessions, 40 Interactions read, 0 matched \(0\/s\)/,
    );
  });
});
