/** API v2010: fetch and delete the Messages and Calls that Proxy interactions link to. */
import { notFinalized, notFound } from "./errors.js";
import { renderCall, renderMessage } from "./render-api.js";
import { type ApiResponse, assertDeletable, NO_CONTENT, type Route, type RouteContext } from "./router.js";
import { isFinalCallStatus, isFinalMessageStatus } from "./statuses.js";

/** Another account's SID is "not found" here: the emulator holds exactly one account. */
function account(ctx: RouteContext): string {
  const sid = ctx.params.AccountSid ?? "";
  if (sid !== ctx.app.accountSid) throw notFound(ctx.pathname);
  return sid;
}

/**
 * A record past the retention window still exists in Twilio's archive, but the API says 20404 to GET and
 * DELETE alike (13 months by default, 7–400 days by account setting); the emulator keeps it in state.
 */
function message(ctx: RouteContext) {
  account(ctx);
  const found = ctx.app.store.message(ctx.params.Sid ?? "");
  if (!found || ctx.app.store.isArchived(found)) throw notFound(ctx.pathname);
  return found;
}

function call(ctx: RouteContext) {
  account(ctx);
  const found = ctx.app.store.call(ctx.params.Sid ?? "");
  if (!found || ctx.app.store.isArchived(found)) throw notFound(ctx.pathname);
  return found;
}

function ok(body: unknown): ApiResponse {
  return { status: 200, body };
}

export const API_ROUTES: readonly Route[] = [
  {
    path: "/2010-04-01/Accounts/{AccountSid}/Messages/{Sid}.json",
    sids: { AccountSid: ["AC"], Sid: ["SM", "MM"] },
    methods: {
      GET: (ctx) => ok(renderMessage(ctx.app.accountSid, message(ctx))),
      DELETE: (ctx) => {
        const found = message(ctx);
        assertDeletable(ctx);
        if (!isFinalMessageStatus(found.status)) throw notFinalized("Message", found.sid, found.status);
        ctx.app.store.deleteMessage(found);
        return NO_CONTENT;
      },
    },
  },
  {
    path: "/2010-04-01/Accounts/{AccountSid}/Calls/{Sid}.json",
    sids: { AccountSid: ["AC"], Sid: ["CA"] },
    methods: {
      GET: (ctx) => ok(renderCall(ctx.app.accountSid, call(ctx))),
      DELETE: (ctx) => {
        const found = call(ctx);
        assertDeletable(ctx);
        if (!isFinalCallStatus(found.status)) throw notFinalized("Call", found.sid, found.status);
        ctx.app.store.deleteCall(found);
        return NO_CONTENT;
      },
    },
  },
];
