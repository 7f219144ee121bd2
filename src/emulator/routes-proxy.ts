/** Proxy v1: Services, Sessions, Participants and Interactions (read, and delete where the tool needs it). */
import { notFound } from "./errors.js";
import { type ListPolicy, type Locate, listBody } from "./paging.js";
import type { InteractionRecord, ServiceRecord, SessionRecord } from "./records.js";
import { renderInteraction, renderParticipant, renderService, renderSession } from "./render-proxy.js";
import { type ApiResponse, assertDeletable, NO_CONTENT, type Route, type RouteContext } from "./router.js";

const SERVICE = { ServiceSid: ["KS"] } as const;
const SESSION = { ...SERVICE, SessionSid: ["KC"] } as const;

function param(ctx: RouteContext, name: string): string {
  return ctx.params[name] ?? "";
}

function service(ctx: RouteContext, name = "ServiceSid"): ServiceRecord {
  const found = ctx.app.store.service(param(ctx, name));
  if (!found) throw notFound(ctx.pathname);
  return found;
}

function session(ctx: RouteContext, name = "SessionSid"): SessionRecord {
  const found = ctx.app.store.session(param(ctx, name), service(ctx).sid);
  if (!found) throw notFound(ctx.pathname);
  return found;
}

function interaction(ctx: RouteContext): InteractionRecord {
  const found = ctx.app.store.interaction(param(ctx, "Sid"), session(ctx).sid);
  if (!found) throw notFound(ctx.pathname);
  return found;
}

function ok(body: unknown): ApiResponse {
  return { status: 200, body };
}

/** Proxy lists: at most `maxPageSize` per page (Twilio: 100), URLs on the Proxy origin in force. */
function proxyLists(ctx: RouteContext): ListPolicy {
  const { maxPageSize, deletedAnchor } = ctx.app.policy();
  return { origin: ctx.app.proxyOrigin, maxItems: maxPageSize, deletedAnchor };
}

/** A page token's anchor: a record of this list (live or deleted), found by SID and its parent's SID. */
function childOf(ctx: RouteContext, prefix: "KC" | "KP" | "KI", parentSid: string): Locate {
  return (sid) => {
    const record = sid.startsWith(prefix) ? ctx.app.store.anyRecord(sid) : undefined;
    if (!record) return undefined;
    const parent = "sessionSid" in record ? record.sessionSid : record.serviceSid;
    return parent === parentSid ? record : undefined;
  };
}

export const PROXY_ROUTES: readonly Route[] = [
  {
    path: "/v1/Services",
    sids: {},
    methods: {
      GET: (ctx) =>
        ok(
          listBody(
            proxyLists(ctx),
            ctx.pathname,
            "services",
            ctx.app.store.services,
            (sid) => ctx.app.store.service(sid),
            ctx.query,
            (s) => renderService(ctx.app, s),
          ),
        ),
    },
  },
  {
    path: "/v1/Services/{Sid}",
    sids: { Sid: ["KS"] },
    methods: { GET: (ctx) => ok(renderService(ctx.app, service(ctx, "Sid"))) },
  },
  {
    path: "/v1/Services/{ServiceSid}/Sessions",
    sids: SERVICE,
    methods: {
      GET: (ctx) => {
        const found = service(ctx);
        return ok(
          listBody(
            proxyLists(ctx),
            ctx.pathname,
            "sessions",
            found.sessions,
            childOf(ctx, "KC", found.sid),
            ctx.query,
            (s) => renderSession(ctx.app, s),
          ),
        );
      },
    },
  },
  {
    path: "/v1/Services/{ServiceSid}/Sessions/{Sid}",
    sids: { ...SERVICE, Sid: ["KC"] },
    methods: {
      GET: (ctx) => ok(renderSession(ctx.app, session(ctx, "Sid"))),
      // Twilio deletes a session's interactions with it, but not the Messages/Calls they link to.
      DELETE: (ctx) => {
        const found = session(ctx, "Sid");
        assertDeletable(ctx);
        ctx.app.store.deleteSession(found);
        return NO_CONTENT;
      },
    },
  },
  {
    path: "/v1/Services/{ServiceSid}/Sessions/{SessionSid}/Participants",
    sids: SESSION,
    methods: {
      GET: (ctx) => {
        const found = session(ctx);
        return ok(
          listBody(
            proxyLists(ctx),
            ctx.pathname,
            "participants",
            found.participants,
            childOf(ctx, "KP", found.sid),
            ctx.query,
            (p) => renderParticipant(ctx.app, p),
          ),
        );
      },
    },
  },
  {
    path: "/v1/Services/{ServiceSid}/Sessions/{SessionSid}/Participants/{Sid}",
    sids: { ...SESSION, Sid: ["KP"] },
    methods: {
      GET: (ctx) => {
        const found = ctx.app.store.participant(param(ctx, "Sid"), session(ctx).sid);
        if (!found) throw notFound(ctx.pathname);
        return ok(renderParticipant(ctx.app, found));
      },
    },
  },
  {
    path: "/v1/Services/{ServiceSid}/Sessions/{SessionSid}/Interactions",
    sids: SESSION,
    methods: {
      GET: (ctx) => {
        const found = session(ctx);
        return ok(
          listBody(
            proxyLists(ctx),
            ctx.pathname,
            "interactions",
            found.interactions,
            childOf(ctx, "KI", found.sid),
            ctx.query,
            (i) => renderInteraction(ctx.app, i),
          ),
        );
      },
    },
  },
  {
    path: "/v1/Services/{ServiceSid}/Sessions/{SessionSid}/Interactions/{Sid}",
    sids: { ...SESSION, Sid: ["KI"] },
    methods: {
      GET: (ctx) => ok(renderInteraction(ctx.app, interaction(ctx))),
      // Deleting an interaction leaves its Messages/Calls in place (they become orphans): no cascade.
      DELETE: (ctx) => {
        const found = interaction(ctx);
        assertDeletable(ctx);
        ctx.app.store.deleteInteraction(found);
        return NO_CONTENT;
      },
    },
  },
];
