import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiClient, createApiClient } from "../../src/api/client.js";
import { deleteInteraction, listInteractionPages } from "../../src/api/interactions.js";
import { holdAnchors } from "../../src/api/paginate.js";
import { type Emulator, emulator, reseed } from "../helpers/emulator.js";

/**
 * The client's paginator against the real emulator, with its default worst case for a deleted page
 * anchor (the listing silently ends): whatever the page size, and whatever is deleted between pages
 * among what was handed out (as purge does while it lists) or not reached yet, every Interaction that
 * is not deleted before it is reached is seen exactly once.
 */
let emu: Emulator;

beforeAll(async () => {
  emu = await emulator();
});
afterAll(() => emu.close());

function clientFor(emulator: Emulator): ApiClient {
  return createApiClient({
    credentials: {
      accountSid: emulator.accountSid,
      username: emulator.accountSid,
      password: emulator.authToken,
      kind: "auth-token",
    },
    proxyOrigin: emulator.url,
    apiOrigin: emulator.url,
    timeoutMs: 10_000,
    serviceSid: undefined,
  });
}

describe("paging property", () => {
  it("random page sizes and random deletions between pages: every Interaction seen exactly once", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 120 }),
        fc.integer({ min: 0, max: 150 }),
        // Each step: delete the item handed out last (the likeliest to be a page's anchor), or a random one.
        fc.array(fc.oneof(fc.constant("last" as const), fc.nat({ max: 1000 })), { maxLength: 40 }),
        fc.integer({ min: 1, max: 1_000_000 }),
        async (pageSize, size, deletions, seed) => {
          reseed(emu, { sessions: 1, interactions: size, randomSeed: seed });
          const session = emu.state().sessions[0];
          if (!session) throw new Error("seed");
          const client = clientFor(emu);
          const all = emu.store.listInteractions(session.sid).map((i) => i.sid);
          const seen: string[] = [];
          const held = new Set<string>();
          const deletedUnseen = new Set<string>();
          let step = 0;
          const pages = holdAnchors(listInteractionPages(client, session.service_sid, session.sid, pageSize));
          for await (const page of pages) {
            for (const item of page.items) seen.push(item.sid);
            held.clear();
            for (const item of page.held) held.add(item.sid);
            // Between pages, delete something the caller may delete: anything but the held anchor.
            const pick = deletions[step++];
            const remaining = emu.store
              .listInteractions(session.sid)
              .map((i) => i.sid)
              .filter((sid) => !held.has(sid));
            if (pick === undefined || remaining.length === 0) continue;
            const last = seen.at(-1);
            const victim =
              pick === "last" && last !== undefined && remaining.includes(last)
                ? last
                : (remaining[(pick === "last" ? 0 : pick) % remaining.length] as string);
            if (!seen.includes(victim)) deletedUnseen.add(victim);
            await deleteInteraction(client, session.service_sid, session.sid, victim);
          }
          expect(new Set(seen).size).toBe(seen.length);
          expect(new Set(seen)).toEqual(new Set(all.filter((sid) => !deletedUnseen.has(sid))));
        },
      ),
      { numRuns: 40 },
    );
  });
});
