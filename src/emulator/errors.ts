/**
 * Twilio's error body: `{code, message, more_info, status}`, with more_info pointing at the code's page.
 * Route handlers throw ApiError; the server turns it into this body.
 */

export interface TwilioErrorBody {
  code: number;
  message: string;
  more_info: string;
  status: number;
}

export class ApiError extends Error {
  override name = "ApiError";

  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }

  body(): TwilioErrorBody {
    return errorBody(this.status, this.code, this.message);
  }
}

export function errorBody(status: number, code: number, message: string): TwilioErrorBody {
  return { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status };
}

/** https://www.twilio.com/docs/errors/20404 */
export function notFound(pathname: string): ApiError {
  return new ApiError(404, 20404, `The requested resource ${pathname} was not found`);
}

/** A bad path SID or query value. Twilio answers these with 400 and a 2xxxx code. */
export function invalidParameter(message: string): ApiError {
  return new ApiError(400, 20001, message);
}

/** https://www.twilio.com/docs/errors/20003 */
export function authenticate(): ApiError {
  return new ApiError(401, 20003, "Authenticate", { "WWW-Authenticate": 'Basic realm="Twilio API"' });
}

/** https://www.twilio.com/docs/errors/20004 */
export function methodNotAllowed(method: string, allowed: readonly string[]): ApiError {
  return new ApiError(405, 20004, `Method not allowed: ${method}`, { Allow: allowed.join(", ") });
}

/** https://www.twilio.com/docs/errors/20009: a Message or Call still in flight cannot be deleted. */
export function notFinalized(kind: string, sid: string, status: string): ApiError {
  return new ApiError(
    409,
    20009,
    `Cannot delete ${kind} ${sid}: it is not finalized yet (status '${status}'). Retry once it has completed.`,
  );
}

/** https://www.twilio.com/docs/errors/80615: the account's data is under legal hold, so nothing may be deleted. */
export function legalHold(): ApiError {
  return new ApiError(403, 80615, "Unable to delete the resource: the account is under a legal hold");
}
