import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiClient } from "../../src/api/client.js";
import { deleteInteraction, listInteractionPages } from "../../src/api/interactions.js";
import { type Emulator, emulator, reseed } from "../helpers/emulator.js";

/**
 * The client's paginator against the real emulator: whatever the page size, and whatever is deleted
 * between pages (as purge does while it lists), every Interaction that is not deleted before it is
 * reached is seen exactly once.
 */
let emu: Emulator;

beforeAll(async () => {
  emu = await emulator();
});
afterAll(() => emu.close());

describe("paging property", () => {
  it("random page sizes and random deletions between pages: every Interaction seen exactly once", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 120 }),
        fc.integer({ min: 0, max: 150 }),
        fc.array(fc.nat({ max: 1000 }), { maxLength: 40 }),
        fc.integer({ min: 1, max: 1_000_000 }),
        async (pageSize, size, deletions, seed) => {
          reseed(emu, { sessions: 1, interactions: size, randomSeed: seed });
          const session = emu.state().sessions[0];
          if (!session) throw new Error("seed");
          const client = createApiClient({
            credentials: {
              accountSid: emu.accountSid,
              username: emu.accountSid,
              password: emu.authToken,
              kind: "auth-token",
            },
            proxyOrigin: emu.url,
            apiOrigin: emu.url,
            timeoutMs: 10_000,
            serviceSid: session.service_sid,
          });
          const all = emu.store.listInteractions(session.sid).map((i) => i.sid);
          const seen: string[] = [];
          const deletedUnseen = new Set<string>();
          let step = 0;
          for await (const page of listInteractionPages(client, session.service_sid, session.sid, pageSize)) {
            for (const item of page.items) seen.push(item.sid);
            // Between pages, delete a random Interaction: one already seen, or one not reached yet.
            const pick = deletions[step++];
            const remaining = emu.store.listInteractions(session.sid).map((i) => i.sid);
            if (pick !== undefined && remaining.length > 0) {
              const victim = remaining[pick % remaining.length] as string;
              if (!seen.includes(victim)) deletedUnseen.add(victim);
              await deleteInteraction(client, session.service_sid, session.sid, victim);
            }
          }
          expect(new Set(seen).size).toBe(seen.length);
          expect(new Set(seen)).toEqual(new Set(all.filter((sid) => !deletedUnseen.has(sid))));
        },
      ),
      { numRuns: 40 },
    );
  });
});
