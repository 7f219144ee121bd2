/**
 * API v2010 one level down: a Message's Media, a Call's Recordings, a Recording's Transcriptions (list,
 * fetch, delete). Nothing cascades: deleting a parent leaves its children, which become orphans.
 *
 * A child stays reachable under its parent's path after the parent was deleted (Twilio does not say; the
 * emulator assumes so, or an orphaned Media could never be erased or verified), and a deleted child is 404.
 */
import { notFinalized, notFound } from "./errors.js";
import { list2010Body } from "./paging-2010.js";
import type { CallRecord, MessageRecord, RecordingRecord } from "./records.js";
import { renderMedia, renderRecording, renderTranscription } from "./render-children.js";
import { type ApiResponse, assertDeletable, NO_CONTENT, type Route, type RouteContext } from "./router.js";
import { SortedIndex } from "./sorted-index.js";

const ACCOUNT = { AccountSid: ["AC"] } as const;
const MESSAGE = { ...ACCOUNT, MessageSid: ["SM", "MM"] } as const;
const CALL = { ...ACCOUNT, CallSid: ["CA"] } as const;
const RECORDING = { ...ACCOUNT, RecordingSid: ["RE"] } as const;

function ok(body: unknown): ApiResponse {
  return { status: 200, body };
}

function account(ctx: RouteContext): string {
  if (ctx.params.AccountSid !== ctx.app.accountSid) throw notFound(ctx.pathname);
  return ctx.app.accountSid;
}

/** A parent, live or deleted; archived ones are 404 like the parent itself. */
function parentMessage(ctx: RouteContext): MessageRecord {
  account(ctx);
  const found = ctx.app.store.anyResource(ctx.params.MessageSid ?? "");
  if (!found || !("media" in found) || ctx.app.store.isArchived(found)) throw notFound(ctx.pathname);
  return found;
}

function parentCall(ctx: RouteContext): CallRecord {
  account(ctx);
  const found = ctx.app.store.anyResource(ctx.params.CallSid ?? "");
  if (!found || !("recordings" in found) || ctx.app.store.isArchived(found)) throw notFound(ctx.pathname);
  return found;
}

function parentRecording(ctx: RouteContext): RecordingRecord {
  account(ctx);
  const found = ctx.app.store.anyRecording(ctx.params.RecordingSid ?? "");
  if (!found) throw notFound(ctx.pathname);
  return found;
}

function child<T extends { sid: string; live: boolean }>(ctx: RouteContext, items: readonly T[]): T {
  const found = items.find((item) => item.sid === ctx.params.Sid);
  if (!found?.live) throw notFound(ctx.pathname);
  return found;
}

function listOf<T extends { sid: string; live: boolean; createdMs: number }, R>(
  ctx: RouteContext,
  key: string,
  items: readonly T[],
  render: (item: T) => R,
): ApiResponse {
  return ok(
    list2010Body({
      path: ctx.pathname,
      key,
      index: new SortedIndex(items),
      locate: (sid) => items.find((item) => item.sid === sid),
      query: ctx.query,
      deletedAnchor: ctx.app.policy().deletedAnchor,
      render,
    }),
  );
}

export const CHILD_ROUTES: readonly Route[] = [
  {
    path: "/2010-04-01/Accounts/{AccountSid}/Messages/{MessageSid}/Media.json",
    sids: MESSAGE,
    methods: {
      GET: (ctx) =>
        listOf(ctx, "media_list", parentMessage(ctx).media, (m) => renderMedia(ctx.app.accountSid, m)),
    },
  },
  {
    path: "/2010-04-01/Accounts/{AccountSid}/Messages/{MessageSid}/Media/{Sid}.json",
    sids: { ...MESSAGE, Sid: ["ME"] },
    methods: {
      GET: (ctx) => ok(renderMedia(ctx.app.accountSid, child(ctx, parentMessage(ctx).media))),
      DELETE: (ctx) => {
        const found = child(ctx, parentMessage(ctx).media);
        assertDeletable(ctx);
        ctx.app.store.deleteMedia(found);
        return NO_CONTENT;
      },
    },
  },
  {
    path: "/2010-04-01/Accounts/{AccountSid}/Calls/{CallSid}/Recordings.json",
    sids: CALL,
    methods: {
      GET: (ctx) =>
        listOf(ctx, "recordings", parentCall(ctx).recordings, (r) => renderRecording(ctx.app.accountSid, r)),
    },
  },
  {
    path: "/2010-04-01/Accounts/{AccountSid}/Calls/{CallSid}/Recordings/{Sid}.json",
    sids: { ...CALL, Sid: ["RE"] },
    methods: {
      GET: (ctx) => ok(renderRecording(ctx.app.accountSid, child(ctx, parentCall(ctx).recordings))),
      // https://www.twilio.com/docs/errors/20009: a Recording still `processing` cannot be deleted yet.
      DELETE: (ctx) => {
        const found = child(ctx, parentCall(ctx).recordings);
        assertDeletable(ctx);
        if (found.status !== "completed") throw notFinalized("Recording", found.sid, found.status);
        ctx.app.store.deleteRecording(found);
        return NO_CONTENT;
      },
    },
  },
  {
    path: "/2010-04-01/Accounts/{AccountSid}/Recordings/{RecordingSid}/Transcriptions.json",
    sids: RECORDING,
    methods: {
      GET: (ctx) =>
        listOf(ctx, "transcriptions", parentRecording(ctx).transcriptions, (t) =>
          renderTranscription(ctx.app.accountSid, t),
        ),
    },
  },
  {
    path: "/2010-04-01/Accounts/{AccountSid}/Recordings/{RecordingSid}/Transcriptions/{Sid}.json",
    sids: { ...RECORDING, Sid: ["TR"] },
    methods: {
      GET: (ctx) =>
        ok(renderTranscription(ctx.app.accountSid, child(ctx, parentRecording(ctx).transcriptions))),
      DELETE: (ctx) => {
        const found = child(ctx, parentRecording(ctx).transcriptions);
        assertDeletable(ctx);
        if (found.status !== "completed") throw notFinalized("Transcription", found.sid, found.status);
        ctx.app.store.deleteTranscription(found);
        return NO_CONTENT;
      },
    },
  },
];
