import { describe, expect, it } from "vitest";
import { holdAnchors, nextPageUrl, type Page } from "../../src/api/paginate.js";
import type { PageMeta } from "../../src/api/types.js";
import { ForeignOriginError, ResponseShapeError } from "../../src/errors.js";

/** Where a next page is read (nextPageUrl) and when each page's anchor is handed out (holdAnchors). */
const LIST = new URL(
  "https://proxy.dublin.ie1.twilio.com/v1/Services/KS1/Sessions/KC1/Interactions?PageSize=100",
);
const PATH = "/v1/Services/KS1/Sessions/KC1/Interactions";

describe("nextPageUrl", () => {
  const home: [string, string][] = [
    [
      `https://proxy.twilio.com${PATH}?PageSize=100&Page=1&PageToken=PAx`,
      "?PageSize=100&Page=1&PageToken=PAx",
    ],
    [`https://proxy.dublin.ie1.twilio.com${PATH}?Page=2&PageToken=PAy`, "?Page=2&PageToken=PAy"],
    [`https://api.twilio.com${PATH}?PageToken=PAz`, "?PageToken=PAz"],
    [`${PATH}?PageToken=PAr`, "?PageToken=PAr"],
  ];
  for (const [next, query] of home) {
    it(`${next}: read from the configured origin`, () => {
      expect(nextPageUrl(next, LIST)).toBe(`https://proxy.dublin.ie1.twilio.com${PATH}${query}`);
    });
  }

  const foreign = [
    `https://proxy.twilio.com.evil.example${PATH}`,
    `https://twilio.com.example${PATH}`,
    `https://eviltwilio.com${PATH}`,
    `http://proxy.twilio.com${PATH}`,
    `https://127.0.0.1:4010${PATH}`,
    `ftp://proxy.twilio.com${PATH}`,
  ];
  for (const next of foreign) {
    it(`${next}: refused`, () => {
      expect(() => nextPageUrl(next, LIST)).toThrow(ForeignOriginError);
    });
  }

  for (const next of [
    `https://proxy.twilio.com/v1/Services/KS1/Sessions/KC1/../KC9/Interactions?PageToken=PAx`,
    `https://proxy.twilio.com/v1/Services/KS1/Sessions/KC9/Interactions?PageToken=PAx`,
    `https://proxy.twilio.com/v1/Services/KS1/Sessions/KC1/Interactions/KI1`,
    `https://proxy.twilio.com/v1/Services/KS1/Sessions/KC1/Interactions/`,
  ]) {
    it(`${next}: another list, refused`, () => {
      expect(() => nextPageUrl(next, LIST)).toThrow(ResponseShapeError);
    });
  }
});

function page(items: string[], next: string | null = "x"): Page<string> {
  return { items, meta: { next_page_url: next } as PageMeta };
}

async function collect(pages: Page<string>[]): Promise<{ items: string[]; held: string[] }[]> {
  async function* source() {
    yield* pages;
  }
  const out: { items: string[]; held: string[] }[] = [];
  for await (const p of holdAnchors(source())) out.push({ items: p.items, held: p.held });
  return out;
}

describe("holdAnchors", () => {
  it("hands out each page's last item with the next page, and the last one at the end", async () => {
    expect(await collect([page(["a", "b", "c"]), page(["d", "e"]), page(["f"], null)])).toEqual([
      { items: ["a", "b"], held: ["c"] },
      { items: ["c", "d"], held: ["e"] },
      { items: ["e"], held: ["f"] },
      { items: ["f"], held: [] },
    ]);
  });

  it("an empty page releases the anchor whose token it answered; no pages, nothing", async () => {
    expect(await collect([page(["a"]), page([], null)])).toEqual([
      { items: [], held: ["a"] },
      { items: ["a"], held: [] },
    ]);
    expect(await collect([])).toEqual([]);
    expect(await collect([page([], null)])).toEqual([{ items: [], held: [] }]);
  });
});
