/**
 * The personal data an `--export` file must never hold (#12: no message body, no `data`, no full phone
 * number, no Session `unique_name`), read from the emulator through its API before a purge erases it,
 * and the check every suite's export goes through.
 */
import { readFile } from "node:fs/promises";
import { expect } from "vitest";
import { apiGet, type Emulator, stateOf } from "./emulator.js";

type Row = Record<string, unknown>;

async function listAll(emu: Emulator, path: string, key: string): Promise<Row[]> {
  const rows: Row[] = [];
  let next: string | null = `${path}?PageSize=1000`;
  while (next) {
    const { status, body } = await apiGet(emu, next);
    if (status !== 200) throw new Error(`GET ${next}: ${status}`);
    const page = body as Row & { meta: { next_page_url: string | null } };
    rows.push(...(page[key] as Row[]));
    next = page.meta.next_page_url
      ? new URL(page.meta.next_page_url).pathname + new URL(page.meta.next_page_url).search
      : null;
  }
  return rows;
}

/** Every body, phone number and Session unique_name of the seeded Sessions (call before the purge). */
export async function personalData(emu: Emulator): Promise<string[]> {
  const secrets = new Set<string>();
  for (const session of (await stateOf(emu)).sessions) {
    const base = `/v1/Services/${session.service_sid}/Sessions/${session.sid}`;
    const { body } = await apiGet(emu, base);
    const uniqueName = (body as Row | null)?.unique_name;
    if (typeof uniqueName === "string" && uniqueName) secrets.add(uniqueName);
    for (const p of await listAll(emu, `${base}/Participants`, "participants")) {
      for (const field of ["identifier", "proxy_identifier"]) {
        if (typeof p[field] === "string" && p[field]) secrets.add(p[field] as string);
      }
    }
    for (const i of await listAll(emu, `${base}/Interactions`, "interactions")) {
      if (typeof i.data !== "string" || !i.data) continue;
      secrets.add(i.data);
      const parsed = JSON.parse(i.data) as Row;
      if (typeof parsed.body === "string" && parsed.body) secrets.add(parsed.body);
    }
  }
  return [...secrets];
}

/** No line of the export holds any of `secrets`, a `data`/body/identifier field, or a phone number. */
export async function expectNoPersonalData(file: string, secrets: readonly string[]): Promise<void> {
  const text = await readFile(file, "utf8");
  expect(secrets.length).toBeGreaterThan(0);
  const found = secrets.filter(
    (secret) => text.includes(secret) || text.includes(JSON.stringify(secret).slice(1, -1)),
  );
  expect(found).toEqual([]);
  expect(text).not.toMatch(/\+\d{7,}/);
  for (const line of text.split("\n").filter(Boolean)) {
    const record = JSON.parse(line) as Row;
    expect(record.v).toBe(2);
    expect(line).not.toMatch(/"(data|body|unique_name|identifier|proxy_identifier|transcription_text)"\s*:/);
  }
}
