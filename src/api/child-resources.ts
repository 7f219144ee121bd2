/**
 * API v2010 one level down: a Message's Media, a Call's Recordings, a Recording's Transcriptions
 * (twilio_api_v2010.json: `…/Messages/{MessageSid}/Media.json`, `…/Calls/{CallSid}/Recordings.json`,
 * `…/Recordings/{RecordingSid}/Transcriptions.json`). Every answer is checked to answer the question
 * asked: a child listed under another parent or account is never acted on.
 */
import { ResponseShapeError } from "../errors.js";
import type { ApiClient } from "./client.js";
import { mismatches } from "./identity.js";
import { paginate } from "./paginate.js";

/** A listed child: only what deciding and deleting need (no content, no numbers). */
export interface ListedChild {
  sid: string;
}

/** The Message asked for, checked to be it; `num_media` as Twilio sends it (a string, e.g. "0"). */
export async function fetchMessageMediaCount(
  client: ApiClient,
  url: string,
  sid: string,
): Promise<string | null> {
  const body = await client.getJson<Record<string, unknown>>(url);
  const wrong = mismatches(body, { sid, account_sid: client.accountSid });
  if (wrong.length > 0) {
    throw new ResponseShapeError(
      `GET ${new URL(url).pathname}: the response does not answer the request (its ${wrong.join(", ")} differ): not acted on`,
    );
  }
  return typeof body.num_media === "string" ? body.num_media : null;
}

/**
 * Every child of one parent, all pages. `parentField` names the field that must hold the parent's SID
 * (Media: `parent_sid`, Recording: `call_sid`, Transcription: `recording_sid`).
 */
export async function listChildren(
  client: ApiClient,
  listUrl: string,
  key: string,
  parentField: string,
  parentSid: string,
): Promise<ListedChild[]> {
  const children: ListedChild[] = [];
  for await (const page of paginate<Record<string, unknown>>(client, listUrl, key, "v2010")) {
    for (const item of page.items) {
      const wrong = mismatches(item, { [parentField]: parentSid, account_sid: client.accountSid });
      if (wrong.length > 0) {
        throw new ResponseShapeError(
          `GET ${new URL(listUrl).pathname}: the server listed an item of another parent (its ${wrong.join(", ")} differ): stopping, nothing under ${parentSid} is deleted`,
        );
      }
      children.push({ sid: item.sid as string });
    }
  }
  return children;
}
