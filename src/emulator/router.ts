/**
 * Routes are written as the OpenAPI documents write their paths (`/v1/Services/{ServiceSid}/Sessions`),
 * so the contract test can check each one against the spec. A path that matches a template's shape but
 * carries a malformed SID is a 400; a path no template matches is a 404; a known path with an unhandled
 * method is a 405.
 */
import { invalidParameter, legalHold, methodNotAllowed, notFound } from "./errors.js";
import type { FaultOptions, PolicyOptions } from "./options.js";
import type { RenderContext } from "./render-proxy.js";
import { isSid } from "./sids.js";

export type Method = "GET" | "DELETE";

export interface ApiResponse {
  status: number;
  /** Serialised as JSON; undefined sends an empty body (a 204). */
  body?: unknown;
  headers?: Readonly<Record<string, string>>;
}

export interface AppContext extends RenderContext {
  faults(): Readonly<FaultOptions>;
  policy(): Readonly<PolicyOptions>;
}

export interface RouteContext {
  app: AppContext;
  params: Readonly<Record<string, string>>;
  query: URLSearchParams;
  pathname: string;
}

export interface Route {
  /** The OpenAPI path template, e.g. `/2010-04-01/Accounts/{AccountSid}/Calls/{Sid}.json`. */
  path: string;
  /** The SID prefixes each path parameter accepts. */
  sids: Readonly<Record<string, readonly string[]>>;
  methods: Partial<Record<Method, (ctx: RouteContext) => ApiResponse>>;
}

type Segment = { literal: string } | { param: string; suffix: string; prefixes: readonly string[] };

interface CompiledRoute {
  route: Route;
  segments: Segment[];
}

function compile(route: Route): CompiledRoute {
  const segments = route.path.split("/").map((part): Segment => {
    const m = /^\{(\w+)\}(.*)$/.exec(part);
    if (!m) return { literal: part };
    const param = m[1] as string;
    const prefixes = route.sids[param];
    if (!prefixes) throw new Error(`route ${route.path}: no SID prefixes for {${param}}`);
    return { param, suffix: m[2] ?? "", prefixes };
  });
  return { route, segments };
}

export interface Resolved {
  handler: (ctx: RouteContext) => ApiResponse;
  params: Record<string, string>;
}

export class Router {
  private readonly routes: CompiledRoute[];

  constructor(routes: readonly Route[]) {
    this.routes = routes.map(compile);
  }

  resolve(method: string, pathname: string): Resolved {
    const parts = pathname.split("/");
    for (const { route, segments } of this.routes) {
      const params = matchShape(segments, parts);
      if (!params) continue;
      for (const segment of segments) {
        if ("literal" in segment) continue;
        const value = params[segment.param] ?? "";
        if (!isSid(value, segment.prefixes)) {
          throw invalidParameter(
            `Invalid ${segment.param} '${value}': expected ${segment.prefixes.join(" or ")} followed by 32 hex digits`,
          );
        }
      }
      const handler = route.methods[method as Method];
      if (!handler) throw methodNotAllowed(method, Object.keys(route.methods));
      return { handler, params };
    }
    throw notFound(pathname);
  }
}

function matchShape(segments: readonly Segment[], parts: readonly string[]): Record<string, string> | null {
  if (segments.length !== parts.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i] as Segment;
    const part = parts[i] as string;
    if ("literal" in segment) {
      if (segment.literal !== part) return null;
    } else {
      if (!part.endsWith(segment.suffix) || part.length === segment.suffix.length) return null;
      params[segment.param] = part.slice(0, part.length - segment.suffix.length);
    }
  }
  return params;
}

/** Every DELETE goes through here: under legal hold nothing may be deleted (Twilio error 80615). */
export function assertDeletable(ctx: RouteContext): void {
  if (ctx.app.faults().legalHold) {
    throw legalHold();
  }
}

export const NO_CONTENT: ApiResponse = { status: 204 };
