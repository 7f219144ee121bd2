/**
 * The contract: everything the emulator serves successfully validates against Twilio's own OpenAPI
 * documents (vendored in test/contract/twilio-oai, see SOURCE.md there; $TWILIO_OAI_DIR points at another
 * copy, e.g. a newer one), carries exactly the fields the spec declares, and every emulator route is a
 * path + method the spec has.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Ajv, type ValidateFunction } from "ajv";
import addFormatsModule from "ajv-formats";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ALL_ROUTES } from "../../src/emulator/api-handler.js";
import type { Emulator } from "../../src/emulator/index.js";
import { startEmulator } from "../../src/emulator/index.js";
import { MAX_PAGE_SIZE } from "../../src/emulator/paging.js";

// biome-ignore lint/suspicious/noExplicitAny: the OpenAPI documents and response bodies are walked as plain JSON.
type Json = any;

const PROXY_FILE = "twilio_proxy_v1.json";
const API_FILE = "twilio_api_v2010.json";
const VENDORED = path.join(path.dirname(fileURLToPath(import.meta.url)), "twilio-oai");
/** SHA-256 of the vendored files, as SOURCE.md records them: a reformatted or edited copy fails here. */
const VENDORED_SHA256: Record<string, string> = {
  [PROXY_FILE]: "a2e6d27b3ecd5278f562f53c391245cc4e7a18a1625060fffe885cc9fdacce41",
  [API_FILE]: "99cae87a6bb1725f71363364cbd30282a13140374b2d5f9bdd5bdfa5d4c8a6d7",
};
const dir = process.env.TWILIO_OAI_DIR || VENDORED;

const RFC_2822 =
  /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} [+-]\d{4}$/;

const addFormats = ((addFormatsModule as Json).default ?? addFormatsModule) as (ajv: Ajv) => Ajv;

function load(file: string): Json {
  return JSON.parse(readFileSync(path.join(dir, file), "utf8"));
}

/** Points a document's local refs (`#/components/…`) at its registered id, so a fragment compiles alone. */
function rebase(node: Json, id: string): Json {
  if (Array.isArray(node)) return node.map((n) => rebase(n, id));
  if (node && typeof node === "object") {
    return Object.fromEntries(
      Object.entries(node).map(([k, v]) => [
        k,
        k === "$ref" && typeof v === "string" && v.startsWith("#") ? `${id}${v}` : rebase(v, id),
      ]),
    );
  }
  return node;
}

describe("the vendored OpenAPI documents", () => {
  it.each([PROXY_FILE, API_FILE])("%s is the byte-for-byte copy SOURCE.md names", (file) => {
    const bytes = readFileSync(path.join(VENDORED, file));
    expect(createHash("sha256").update(bytes).digest("hex")).toBe(VENDORED_SHA256[file]);
    const source = readFileSync(path.join(VENDORED, "SOURCE.md"), "utf8");
    expect(source).toContain(VENDORED_SHA256[file]);
    expect(readFileSync(path.join(VENDORED, "LICENSE"), "utf8")).toMatch(
      /^MIT License\n\nCopyright \(C\) 2023, Twilio/,
    );
  });
});

describe("the emulator against Twilio's OpenAPI documents", () => {
  let proxy: Json;
  let api: Json;
  let ajv: Ajv;
  let emu: Emulator;
  let auth: string;

  beforeAll(async () => {
    proxy = load(PROXY_FILE);
    api = load(API_FILE);
    // The spec's interaction_enum_resource_status has no null, yet Twilio sends null for a missing leg
    // (the spec's own MessageInteraction examples show `"inbound_resource_status": null`), so allow it.
    const legStatus = proxy.components.schemas.interaction_enum_resource_status;
    proxy.components.schemas.interaction_enum_resource_status = {
      ...legStatus,
      nullable: true,
      enum: [...legStatus.enum, null],
    };
    ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false });
    addFormats(ajv);
    ajv.addFormat("date-time-rfc-2822", RFC_2822);
    ajv.addFormat("uri-map", true);
    ajv.addFormat("phone-number", true);
    ajv.addFormat("currency", /^[A-Z]{3}$/);
    ajv.addSchema(proxy, "proxy");
    ajv.addSchema(api, "api");
    emu = await startEmulator({
      port: 0,
      services: 2,
      sessions: 4,
      interactions: 150,
      notFinalRate: 0.2,
      foreignRate: 0.1,
    });
    auth = `Basic ${Buffer.from(`${emu.accountSid}:${emu.authToken}`).toString("base64")}`;
  });
  afterAll(() => emu?.close());

  function componentValidator(id: "proxy" | "api", name: string): ValidateFunction {
    const validate = ajv.getSchema(`${id}#/components/schemas/${name}`);
    if (!validate) throw new Error(`no schema ${name} in ${id}`);
    return validate;
  }

  function responseValidator(
    id: "proxy" | "api",
    specPath: string,
    method: string,
    status: string,
  ): ValidateFunction {
    const doc = id === "proxy" ? proxy : api;
    const schema = doc.paths[specPath]?.[method]?.responses?.[status]?.content?.["application/json"]?.schema;
    if (!schema)
      throw new Error(`no ${status} JSON response for ${method.toUpperCase()} ${specPath} in ${id}`);
    return ajv.compile(rebase(schema, id));
  }

  function expectValid(validate: ValidateFunction, body: unknown, what: string): void {
    const ok = validate(body);
    expect(ok ? [] : validate.errors, what).toEqual([]);
  }

  /** Exactly the spec's fields: none missing (every field present on every object) and none invented. */
  function expectSpecFields(id: "proxy" | "api", name: string, item: Json): void {
    const doc = id === "proxy" ? proxy : api;
    const fields = Object.keys(doc.components.schemas[name].properties).sort();
    expect(Object.keys(item).sort(), `${name} ${item.sid}`).toEqual(fields);
  }

  async function fetchJson(url: string): Promise<Json> {
    const response = await fetch(url.startsWith("http") ? url : `${emu.url}${url}`, {
      headers: { authorization: auth },
    });
    expect(response.status, url).toBe(200);
    return response.json();
  }

  /** Every page of a list validated as the spec's list response, every item as the component. */
  async function checkList(specPath: string, url: string, key: string, component: string): Promise<Json[]> {
    const page = responseValidator("proxy", specPath, "get", "200");
    const item = componentValidator("proxy", component);
    const items: Json[] = [];
    let next: string | null = `${url}?PageSize=37`;
    while (next) {
      const body: Json = await fetchJson(next);
      expectValid(page, body, `page of ${url}`);
      for (const one of body[key]) {
        expectValid(item, one, `${component} ${one.sid}`);
        expectSpecFields("proxy", component, one);
      }
      items.push(...body[key]);
      next = body.meta.next_page_url;
    }
    return items;
  }

  async function checkFetch(specPath: string, url: string, component: string, id: "proxy" | "api" = "proxy") {
    const body = await fetchJson(url);
    expectValid(responseValidator(id, specPath, "get", "200"), body, url);
    expectSpecFields(id, component, body);
    return body;
  }

  it("serves Services, Sessions, Participants and Interactions (list and fetch) as the spec says", async () => {
    const services = await checkList("/v1/Services", "/v1/Services", "services", "proxy.v1.service");
    expect(services).toHaveLength(2);
    for (const service of services) {
      await checkFetch("/v1/Services/{Sid}", service.url, "proxy.v1.service");
      const sessions = await checkList(
        "/v1/Services/{ServiceSid}/Sessions",
        `/v1/Services/${service.sid}/Sessions`,
        "sessions",
        "proxy.v1.service.session",
      );
      for (const session of sessions) {
        await checkFetch("/v1/Services/{ServiceSid}/Sessions/{Sid}", session.url, "proxy.v1.service.session");
        const participants = await checkList(
          "/v1/Services/{ServiceSid}/Sessions/{SessionSid}/Participants",
          session.links.participants,
          "participants",
          "proxy.v1.service.session.participant",
        );
        for (const p of participants) {
          await checkFetch(
            "/v1/Services/{ServiceSid}/Sessions/{SessionSid}/Participants/{Sid}",
            p.url,
            "proxy.v1.service.session.participant",
          );
        }
      }
    }
  });

  it("serves every kind of interaction (two legs, one leg, none, foreign, deleted leg, in flight) as the spec says", async () => {
    emu.reset();
    const session = emu.store.listSessions()[0];
    const withFinalLeg = emu.store
      .listInteractions(session?.sid ?? "")
      .find((i) => i.inbound_resource_sid?.startsWith("SM") && i.inbound_resource_status === "received");
    const del = await fetch(withFinalLeg?.inbound_resource_url ?? "", {
      method: "DELETE",
      headers: { authorization: auth },
    });
    expect(del.status).toBe(204);
    const all: Json[] = [];
    for (const s of emu.store.listSessions()) {
      all.push(
        ...(await checkList(
          "/v1/Services/{ServiceSid}/Sessions/{SessionSid}/Interactions",
          `/v1/Services/${s.service_sid}/Sessions/${s.sid}/Interactions`,
          "interactions",
          "proxy.v1.service.session.interaction",
        )),
      );
    }
    const kinds = new Set(
      all.map(
        (i) =>
          `${i.type}:${i.inbound_resource_sid?.slice(0, 2) ?? "-"}:${i.outbound_resource_sid?.slice(0, 2) ?? "-"}`,
      ),
    );
    const statuses = new Set(all.flatMap((i) => [i.inbound_resource_status, i.outbound_resource_status]));
    for (const status of ["deleted", "queued", "ringing", null]) expect(statuses).toContain(status);
    for (const kind of [
      "message:SM:SM",
      "message:MM:MM",
      "message:-:SM",
      "voice:CA:CA",
      "unknown:-:-",
      "message:IM:IM",
    ]) {
      expect(kinds).toContain(kind);
    }
    for (const i of all.slice(0, 40)) {
      await checkFetch(
        "/v1/Services/{ServiceSid}/Sessions/{SessionSid}/Interactions/{Sid}",
        i.url,
        "proxy.v1.service.session.interaction",
      );
    }
  });

  it("serves Messages (SM and MM) and Calls as the v2010 spec says", async () => {
    const messagePath = "/2010-04-01/Accounts/{AccountSid}/Messages/{Sid}.json";
    const callPath = "/2010-04-01/Accounts/{AccountSid}/Calls/{Sid}.json";
    const messages = emu.store.listMessages();
    const calls = emu.store.listCalls();
    const samples = [
      ...["SM", "MM"].flatMap((prefix) => messages.filter((m) => m.sid.startsWith(prefix)).slice(0, 10)),
      ...["queued", "sending", "failed", "undelivered"].map((status) =>
        messages.find((m) => m.status === status),
      ),
    ];
    expect(samples.every(Boolean)).toBe(true);
    for (const m of samples) {
      await checkFetch(
        messagePath,
        `/2010-04-01/Accounts/${emu.accountSid}/Messages/${m?.sid}.json`,
        "api.v2010.account.message",
        "api",
      );
    }
    const callSamples = ["completed", "busy", "no-answer", "ringing", "in-progress"].map((status) =>
      calls.find((c) => c.status === status),
    );
    expect(callSamples.every(Boolean)).toBe(true);
    for (const c of callSamples) {
      await checkFetch(
        callPath,
        `/2010-04-01/Accounts/${emu.accountSid}/Calls/${c?.sid}.json`,
        "api.v2010.account.call",
        "api",
      );
    }
  });

  it("uses validators that reject what the spec forbids (so the checks above can fail)", async () => {
    const interaction = emu.store.listInteractions(emu.store.listSessions()[0]?.sid ?? "")[0];
    const one = componentValidator("proxy", "proxy.v1.service.session.interaction");
    expect(one(interaction)).toBe(true);
    expect(one({ ...interaction, type: "fax" })).toBe(false);
    expect(one({ ...interaction, url: "not a url" })).toBe(false);
    expect(one({ ...interaction, inbound_participant_sid: "KX123" })).toBe(false);
    const page = responseValidator(
      "proxy",
      "/v1/Services/{ServiceSid}/Sessions/{SessionSid}/Interactions",
      "get",
      "200",
    );
    expect(page({ interactions: [{ ...interaction, sid: 5 }], meta: {} })).toBe(false);
    expect(page({ interactions: [], meta: { next_page_url: 5 } })).toBe(false);
    const message = componentValidator("api", "api.v2010.account.message");
    const sample = emu.store.listMessages()[0];
    expect(message(sample)).toBe(true);
    expect(message({ ...sample, date_created: "2024-01-01T00:00:00Z" })).toBe(false);
    expect(message({ ...sample, sid: `CA${"0".repeat(32)}` })).toBe(false);
  });

  it("has every emulator route in the spec, with the same SID patterns, and 204 for each DELETE", () => {
    for (const route of ALL_ROUTES) {
      const doc = route.path.startsWith("/2010-04-01/") ? api : proxy;
      const entry = doc.paths[route.path];
      expect(entry, route.path).toBeDefined();
      for (const method of Object.keys(route.methods)) {
        const operation = entry[method.toLowerCase()];
        expect(operation, `${method} ${route.path}`).toBeDefined();
        if (method === "DELETE") expect(Object.keys(operation.responses)).toContain("204");
        for (const [name, prefixes] of Object.entries(route.sids)) {
          const param = operation.parameters.find((p: Json) => p.in === "path" && p.name === name);
          expect(param, `{${name}} of ${method} ${route.path}`).toBeDefined();
          const pattern = new RegExp(param.schema.pattern);
          for (const prefix of prefixes)
            expect(pattern.test(`${prefix}${"a".repeat(32)}`), `${prefix} for ${name}`).toBe(true);
        }
      }
    }
  });

  it("serves capped pages, an empty page after a deleted anchor and Twilio-host URLs as the spec says", async () => {
    const specPath = "/v1/Services/{ServiceSid}/Sessions/{SessionSid}/Interactions";
    const page = responseValidator("proxy", specPath, "get", "200");
    const item = componentValidator("proxy", "proxy.v1.service.session.interaction");
    emu.reset({ twilioHosts: true });
    try {
      const session = emu.store.listSessions()[0];
      const path = `/v1/Services/${session?.service_sid}/Sessions/${session?.sid}/Interactions`;
      const capped = await fetchJson(`${path}?PageSize=1000`);
      expect(capped.interactions).toHaveLength(100);
      expectValid(page, capped, "a capped page");
      for (const one of capped.interactions) expectValid(item, one, `interaction ${one.sid}`);
      expect(capped.meta.next_page_url).toMatch(/^https:\/\/proxy\.twilio\.com\//);
      expect(
        capped.interactions.some((i: Json) => i.inbound_resource_url?.startsWith("https://api.twilio.com/")),
      ).toBe(true);
      for (const [specEntry, url, component] of [
        ["/v1/Services/{Sid}", `/v1/Services/${session?.service_sid}`, "proxy.v1.service"],
        [
          "/v1/Services/{ServiceSid}/Sessions/{Sid}",
          `/v1/Services/${session?.service_sid}/Sessions/${session?.sid}`,
          "proxy.v1.service.session",
        ],
      ] as const) {
        await checkFetch(specEntry, url, component);
      }
      const anchor = capped.interactions.at(-1).sid;
      const gone = await fetch(`${emu.url}${path}/${anchor}`, {
        method: "DELETE",
        headers: { authorization: auth },
      });
      expect(gone.status).toBe(204);
      const next = new URL(capped.meta.next_page_url);
      const empty = await fetchJson(`${next.pathname}${next.search}`);
      expect(empty.interactions).toEqual([]);
      expect(empty.meta.next_page_url).toBeNull();
      expectValid(page, empty, "the empty page after a deleted anchor");
    } finally {
      emu.reset({ twilioHosts: false });
    }
  });

  it("pages within the spec's PageSize bounds", () => {
    const pageSize = proxy.paths[
      "/v1/Services/{ServiceSid}/Sessions/{SessionSid}/Interactions"
    ].get.parameters.find((p: Json) => p.name === "PageSize");
    expect(pageSize.schema).toMatchObject({ minimum: 1, maximum: MAX_PAGE_SIZE });
  });
});
