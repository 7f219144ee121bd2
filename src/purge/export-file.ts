import type { FileHandle } from "node:fs/promises";
import { UsageError } from "../errors.js";
import { terminalText } from "../render/terminal-text.js";

/** How much of the end of an existing file is read at a time, looking for its last newline. */
const TAIL_CHUNK = 64 * 1024;

/**
 * The `--export` audit trail: one NDJSON line per Interaction (format v2, export-line.ts), written
 * before anything of it is deleted.
 *
 * Its lines (export-line.ts) hold no personal data, but files of older versions do, and the trail says
 * what an account held: so only the running user's own regular file is used: a new file is created
 * with O_EXCL and mode 0600; an existing one must be a regular file (a FIFO or device is refused at
 * once, never waited on: opened O_NONBLOCK), owned by the running user and unreadable by others, and
 * is never reached through a symbolic link (O_NOFOLLOW on the last path component). It is opened for
 * appending, never truncated past its last whole line.
 *
 * Each line is one write(2) of the whole line. A torn line (a short write on a full disk, or power lost
 * before the datasync) always belongs to an Interaction that was not deleted, since its DELETE waits for
 * the line's datasync; so a short write is cut back off at once and reported as the append's failure,
 * and a torn last line left by an earlier run is removed when the file is opened (reported in
 * `repaired`), so that every NDJSON reader can read the whole file. A file that does not look like an
 * export is refused untouched rather than truncated. `append` resolves only once a
 * datasync covering the line has finished; concurrent appends share one datasync (group commit). An
 * Interaction in flight at a crash may appear twice (at-least-once).
 */
export class ExportFile {
  private tail: Promise<void> = Promise.resolve();
  private syncing: Promise<void> | null = null;
  private nextSync: Promise<void> | null = null;
  /** Set when a short write could not be cut back off: nothing more may be appended after it. */
  private broken: Error | null = null;

  private constructor(
    private readonly handle: FileHandle,
    readonly path: string,
    /** What was repaired when the file was opened, for the user to read; null if nothing was. */
    readonly repaired: string | null,
  ) {}

  /** Opens the file up front, so an unusable path is a usage error before anything is sent. */
  static async open(path: string): Promise<ExportFile> {
    // Loaded here, not at start-up: only a purge with --export needs it.
    const { constants: c, open } = await import("node:fs/promises");
    const shown = terminalText(path);
    const flags = c.O_RDWR | c.O_APPEND | c.O_NOFOLLOW | c.O_NONBLOCK | c.O_NOCTTY;
    let handle: FileHandle;
    try {
      handle = await open(path, flags | c.O_CREAT | c.O_EXCL, 0o600);
    } catch (error) {
      try {
        if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
        handle = await open(path, flags);
      } catch (reason) {
        throw openError(shown, reason);
      }
    }
    try {
      const repaired = await checkAndRepair(handle, shown);
      return new ExportFile(handle, path, repaired);
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  async append(record: unknown): Promise<void> {
    const written = this.tail.then(() => this.writeLine(Buffer.from(`${JSON.stringify(record)}\n`)));
    // Keep the queue going even if this write fails; the failure is this caller's.
    this.tail = written.catch(() => undefined);
    await written;
    await this.sync();
  }

  /** One write(2) for the whole line; a short one is cut back off, so no later line lands on a torn one. */
  private async writeLine(line: Buffer): Promise<void> {
    if (this.broken) throw this.broken;
    let written: number;
    try {
      // A failed write(2) wrote nothing; only a short one leaves part of a line behind.
      ({ bytesWritten: written } = await this.handle.write(line));
    } catch (error) {
      throw new Error(`--export: writing '${terminalText(this.path)}' failed (${codeOf(error)})`, {
        cause: error,
      });
    }
    if (written === line.length) return;
    let removed = "the partial line was removed";
    try {
      // Appends are serialised, so the last `written` bytes of the file are this line's.
      const { size } = await this.handle.stat();
      await this.handle.truncate(size - written);
    } catch (error) {
      this.broken = new Error(
        `--export: '${terminalText(this.path)}' ends in a torn line that could not be removed (${codeOf(error)}); the next run removes it`,
      );
      removed = this.broken.message;
    }
    throw new Error(
      `--export: short write to '${terminalText(this.path)}' (${written} of ${line.length} bytes; disk full?); ${removed}`,
    );
  }

  /** A datasync that starts after the caller's write: the one in progress may have missed it. */
  private sync(): Promise<void> {
    this.nextSync ??= (this.syncing ?? Promise.resolve()).then(() => {
      this.nextSync = null;
      this.syncing = this.handle.datasync().finally(() => {
        this.syncing = null;
      });
      return this.syncing;
    });
    return this.nextSync;
  }

  async close(): Promise<void> {
    await this.tail;
    await this.handle.close();
  }
}

/** The checks on an opened file, then the repair of a torn last line; returns what was repaired. */
async function checkAndRepair(handle: FileHandle, shown: string): Promise<string | null> {
  const stats = await handle.stat();
  if (!stats.isFile()) {
    throw new UsageError(`--export: '${shown}' is not a regular file; give the path of a file to append to`);
  }
  const uid = process.getuid?.();
  if (uid !== undefined && stats.uid !== uid) {
    throw new UsageError(
      `--export: '${shown}' belongs to another user (uid ${stats.uid}); it will hold personal data: use a file of your own`,
    );
  }
  if ((stats.mode & 0o077) !== 0) {
    throw new UsageError(
      `--export: '${shown}' can be read by others (mode ${(stats.mode & 0o777).toString(8)}); it will hold personal data: chmod 600 it first`,
    );
  }
  return repairTornTail(handle, stats.size, shown);
}

/**
 * Removes a torn last line, but only from what looks like an export file: the fragment must start
 * like one of our lines (`{`) and the last whole line must be a JSON object. Anything else (the wrong
 * file given by mistake) is refused untouched: truncating it could destroy someone's data.
 */
async function repairTornTail(handle: FileHandle, size: number, shown: string): Promise<string | null> {
  if (size === 0) return null;
  const start = Math.max(0, size - TAIL_CHUNK);
  const tail = Buffer.alloc(size - start);
  const { bytesRead } = await handle.read(tail, 0, tail.length, start);
  const text = tail.subarray(0, bytesRead);
  const end = text.lastIndexOf(0x0a);
  const notOurs = () =>
    new UsageError(
      `--export: '${shown}' does not look like an export file (NDJSON, one JSON object a line); nothing was changed: give a new file or an earlier export`,
    );
  // The last whole line, when it is within the tail read; a longer one is not checked.
  const previous = end > 0 ? text.lastIndexOf(0x0a, end - 1) : -1;
  if (end >= 0 && (previous >= 0 || start === 0) && !isJsonObject(text.subarray(previous + 1, end))) {
    throw notOurs();
  }
  if (end === bytesRead - 1) return null;
  // A torn line is shorter than the tail read (an Interaction is a few KB) and starts as ours did.
  if ((end < 0 && start > 0) || text[end + 1] !== 0x7b) throw notOurs();
  const keep = start + end + 1;
  await handle.truncate(keep);
  return `--export: removed a torn last line (${size - keep} bytes) left in '${shown}' by an earlier run that was cut off; its Interaction was not deleted then`;
}

function isJsonObject(line: Buffer): boolean {
  try {
    const value: unknown = JSON.parse(line.toString("utf8"));
    return typeof value === "object" && value !== null && !Array.isArray(value);
  } catch {
    return false;
  }
}

function openError(shown: string, error: unknown): UsageError {
  const code = codeOf(error);
  const why =
    code === "ELOOP"
      ? "is a symbolic link; give the file itself"
      : code === "ENXIO" || code === "EISDIR"
        ? "is not a regular file; give the path of a file to append to"
        : `cannot be written (${code})`;
  // "cannot write" keeps the words scripts and docs already match on.
  const message = why.startsWith("cannot")
    ? `--export: cannot write '${shown}' (${code}); nothing was deleted`
    : `--export: '${shown}' ${why}`;
  return new UsageError(message, { cause: error });
}

function codeOf(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? "error";
}
