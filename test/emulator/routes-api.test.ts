import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Emulator, ProxyInteraction } from "../../src/emulator/index.js";
import { callPath, del, expectTwilioError, get, messagePath, sessionPath, start } from "./helpers.js";

let emu: Emulator;

beforeAll(async () => {
  emu = await start({ services: 1, sessions: 2, interactions: 200, notFinalRate: 0.1 });
});
afterAll(() => emu.close());

function allInteractions(): ProxyInteraction[] {
  return emu.store.listSessions().flatMap((s) => emu.store.listInteractions(s.sid));
}

const RFC_2822 = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} \+0000$/;

describe("API v2010 Messages", () => {
  it("fetches SM and MM messages with RFC 2822 dates and relative uris", async () => {
    const messages = emu.store.listMessages();
    for (const prefix of ["SM", "MM"]) {
      const message = messages.find((m) => m.sid.startsWith(prefix));
      expect(message, `a seeded ${prefix} message`).toBeDefined();
      const reply = await get(emu, messagePath(emu, message?.sid ?? ""));
      expect(reply.status).toBe(200);
      expect(reply.body).toEqual(message);
      expect(reply.body.date_created).toMatch(RFC_2822);
      expect(reply.body.uri).toBe(messagePath(emu, message?.sid ?? ""));
      if (prefix === "MM") expect(["1", "2", "3"]).toContain(reply.body.num_media);
      else expect(reply.body.num_media).toBe("0");
    }
  });

  it("deletes a final message (204, empty body), then 404s it", async () => {
    const message = emu.store.listMessages().find((m) => m.status === "delivered");
    const path = messagePath(emu, message?.sid ?? "");
    const reply = await del(emu, path);
    expect(reply.status).toBe(204);
    expect(reply.body).toBeNull();
    expectTwilioError(await get(emu, path), 404, 20404);
    expectTwilioError(await del(emu, path), 404, 20404);
  });
});

describe("API v2010 Calls", () => {
  it("fetches a call, deletes a final one, then 404s it", async () => {
    const call = emu.store.listCalls().find((c) => c.status === "completed");
    const path = callPath(emu, call?.sid ?? "");
    const reply = await get(emu, path);
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual(call);
    expect(reply.body.start_time).toMatch(RFC_2822);
    expect((await del(emu, path)).status).toBe(204);
    expectTwilioError(await get(emu, path), 404, 20404);
  });
});

describe("not finalized (20009)", () => {
  it("refuses to delete a queued/sending message or a ringing/in-progress call until finalizeAll", async () => {
    const message = emu.store.listMessages().find((m) => m.status === "queued" || m.status === "sending");
    const call = emu.store.listCalls().find((c) => c.status === "ringing" || c.status === "in-progress");
    expect(message && call, "the seed has resources in flight").toBeTruthy();
    const paths = [messagePath(emu, message?.sid ?? ""), callPath(emu, call?.sid ?? "")];
    for (const path of paths) {
      const reply = await del(emu, path);
      expectTwilioError(reply, 409, 20009);
      expect(reply.body.message).toMatch(/not finalized/);
      expect((await get(emu, path)).status).toBe(200);
    }
    emu.finalizeAll();
    expect(emu.store.getMessage(message?.sid ?? "")?.status).toMatch(/^(delivered|received)$/);
    expect(emu.store.getCall(call?.sid ?? "")?.status).toBe("completed");
    for (const path of paths) expect((await del(emu, path)).status).toBe(204);
  });

  it("shows the same status on the interaction as on its resource", () => {
    for (const i of allInteractions()) {
      for (const side of ["inbound", "outbound"] as const) {
        const sid = i[`${side}_resource_sid`];
        if (!sid) continue;
        const resource = emu.store.getMessage(sid) ?? emu.store.getCall(sid);
        expect(i[`${side}_resource_status`]).toBe(resource ? resource.status : "deleted");
      }
    }
  });
});

describe("accounts and SIDs in the path", () => {
  it("404s another account, 400s a malformed account or resource SID", async () => {
    const message = emu.store.listMessages()[0];
    const other = `AC${"a".repeat(32)}`;
    expectTwilioError(
      await get(emu, `/2010-04-01/Accounts/${other}/Messages/${message?.sid}.json`),
      404,
      20404,
    );
    expectTwilioError(
      await get(emu, `/2010-04-01/Accounts/ACnope/Messages/${message?.sid}.json`),
      400,
      20001,
    );
    expectTwilioError(
      await get(emu, `/2010-04-01/Accounts/${emu.accountSid}/Messages/CA${"1".repeat(32)}.json`),
      400,
      20001,
    );
    expectTwilioError(
      await get(emu, `/2010-04-01/Accounts/${emu.accountSid}/Calls/SM${"1".repeat(32)}.json`),
      400,
      20001,
    );
    expectTwilioError(
      await get(emu, `/2010-04-01/Accounts/${emu.accountSid}/Messages/${message?.sid}`),
      404,
      20404,
    );
  });
});

describe("no cascade, and orphans", () => {
  it("deleting an interaction keeps its Messages/Calls and counts them as orphans", async () => {
    const interaction = allInteractions().find((i) => i.inbound_resource_sid && i.outbound_resource_sid);
    const legs = [interaction?.inbound_resource_sid ?? "", interaction?.outbound_resource_sid ?? ""];
    const present = legs.filter((sid) => emu.store.getMessage(sid) ?? emu.store.getCall(sid));
    const before = emu.state().counts;
    const path = `${sessionPath(emu, interaction?.session_sid ?? "")}/Interactions/${interaction?.sid}`;
    expect((await del(emu, path)).status).toBe(204);
    const after = emu.state().counts;
    expect(after.interactions).toBe(before.interactions - 1);
    expect(after.messages + after.calls).toBe(before.messages + before.calls);
    expect(after.orphans).toBe(before.orphans + present.length);
    for (const sid of present) {
      expect(emu.store.isOrphan(sid)).toBe(true);
      const url =
        interaction?.inbound_resource_sid === sid
          ? interaction.inbound_resource_url
          : interaction?.outbound_resource_url;
      expect((await get(emu, url ?? "")).status).toBe(200);
    }
    // Deleting an orphan brings the count back down.
    const orphan = present[0] ?? "";
    const orphanPath = orphan.startsWith("CA") ? callPath(emu, orphan) : messagePath(emu, orphan);
    emu.finalizeAll();
    expect((await del(emu, orphanPath)).status).toBe(204);
    expect(emu.state().counts.orphans).toBe(after.orphans - 1);
  });

  it("deleting a Message/Call keeps its interaction, whose leg then shows status 'deleted'", async () => {
    emu.finalizeAll();
    const interaction = allInteractions().find((i) => i.type === "message" && i.inbound_resource_sid);
    const sid = interaction?.inbound_resource_sid ?? "";
    const orphansBefore = emu.state().counts.orphans;
    expect((await del(emu, messagePath(emu, sid))).status).toBe(204);
    const path = `${sessionPath(emu, interaction?.session_sid ?? "")}/Interactions/${interaction?.sid}`;
    const reply = await get(emu, path);
    expect(reply.status).toBe(200);
    expect(reply.body.inbound_resource_sid).toBe(sid);
    expect(reply.body.inbound_resource_status).toBe("deleted");
    expect(emu.state().counts.orphans).toBe(orphansBefore);
  });
});
