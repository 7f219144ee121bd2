/** Plain-fetch helpers for the emulator's own tests: no client code from src/api is used here. */
import { type Emulator, type EmulatorOptions, startEmulator } from "../../src/emulator/index.js";

/** Response bodies are arbitrary JSON that each test inspects with assertions; typing them buys nothing. */
// biome-ignore lint/suspicious/noExplicitAny: see above; the alias keeps `any` to this one line.
export type Json = any;

export interface Reply<T = Json> {
  status: number;
  headers: Headers;
  body: T;
}

export function basic(user: string, secret: string): string {
  return `Basic ${Buffer.from(`${user}:${secret}`).toString("base64")}`;
}

export function authOf(emu: Emulator): string {
  return basic(emu.accountSid, emu.authToken);
}

/** A request to the emulator; `path` may be absolute (a next_page_url followed as given). */
export async function call<T = Json>(
  emu: Emulator,
  method: string,
  path: string,
  init: { auth?: string | null; body?: string; signal?: AbortSignal } = {},
): Promise<Reply<T>> {
  const headers: Record<string, string> = {};
  const auth = init.auth === undefined ? authOf(emu) : init.auth;
  if (auth !== null) headers.authorization = auth;
  const url = path.startsWith("http") ? path : `${emu.url}${path}`;
  const response = await fetch(url, { method, headers, body: init.body, signal: init.signal });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : null };
}

export const get = <T = Json>(emu: Emulator, path: string) => call<T>(emu, "GET", path);
export const del = <T = Json>(emu: Emulator, path: string) => call<T>(emu, "DELETE", path);

export function start(options: Partial<EmulatorOptions> = {}): Promise<Emulator> {
  return startEmulator({ port: 0, ...options });
}

export function sessionPath(emu: Emulator, sessionSid: string): string {
  const session = emu.store.getSession(sessionSid);
  if (!session) throw new Error(`no session ${sessionSid}`);
  return `/v1/Services/${session.service_sid}/Sessions/${session.sid}`;
}

export function messagePath(emu: Emulator, sid: string): string {
  return `/2010-04-01/Accounts/${emu.accountSid}/Messages/${sid}.json`;
}

export function callPath(emu: Emulator, sid: string): string {
  return `/2010-04-01/Accounts/${emu.accountSid}/Calls/${sid}.json`;
}

/** Walks a list by following next_page_url exactly as given; returns every item and each page's meta. */
export async function listAll(emu: Emulator, firstUrl: string, key: string) {
  const items: Json[] = [];
  const metas: Json[] = [];
  let url: string | null = firstUrl;
  while (url) {
    const reply: Reply = await get(emu, url);
    if (reply.status !== 200) throw new Error(`GET ${url} → ${reply.status} ${JSON.stringify(reply.body)}`);
    items.push(...reply.body[key]);
    metas.push(reply.body.meta);
    url = reply.body.meta.next_page_url;
  }
  return { items, metas };
}

export const TWILIO_ERROR_KEYS = ["code", "message", "more_info", "status"];

/** Asserts a Twilio error body with the given status and code. */
export function expectTwilioError(reply: Reply, status: number, code: number): void {
  if (reply.status !== status) {
    throw new Error(`expected ${status}, got ${reply.status}: ${JSON.stringify(reply.body)}`);
  }
  const body = reply.body ?? {};
  const keys = Object.keys(body).sort().join(",");
  if (keys !== TWILIO_ERROR_KEYS.join(","))
    throw new Error(`not a Twilio error body: ${JSON.stringify(body)}`);
  if (
    body.code !== code ||
    body.status !== status ||
    body.more_info !== `https://www.twilio.com/docs/errors/${code}`
  ) {
    throw new Error(`expected code ${code}: ${JSON.stringify(body)}`);
  }
}
