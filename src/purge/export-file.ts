import type { FileHandle } from "node:fs/promises";
import { UsageError } from "../errors.js";

/**
 * The `--export` audit trail: one NDJSON line per Interaction, written before anything of it is deleted.
 * Opened for appending (never truncated) and created with mode 0600, since it holds personal data; an
 * existing file that others can read is refused. Lines are appended one at a time, whole
 * (appendFile loops over short writes), and `append` resolves only once a datasync covering the line
 * has finished, so the line is on disk before the DELETE it precedes. Concurrent appends share one
 * datasync (group commit). An Interaction in flight at a crash may appear twice (at-least-once).
 */
export class ExportFile {
  private tail: Promise<void> = Promise.resolve();
  private syncing: Promise<void> | null = null;
  private nextSync: Promise<void> | null = null;

  private constructor(
    private readonly handle: FileHandle,
    readonly path: string,
  ) {}

  /** Opens the file up front, so an unwritable path is a usage error before anything is deleted. */
  static async open(path: string): Promise<ExportFile> {
    // Loaded here, not at start-up: only a purge with --export needs it.
    const { constants, open } = await import("node:fs/promises");
    let handle: FileHandle;
    try {
      handle = await open(path, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT, 0o600);
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code ?? "error";
      throw new UsageError(`--export: cannot write '${path}' (${reason}); nothing was deleted`, {
        cause: error,
      });
    }
    const stats = await handle.stat();
    const { mode } = stats;
    if (stats.isFile() && (mode & 0o077) !== 0) {
      await handle.close();
      throw new UsageError(
        `--export: '${path}' can be read by others (mode ${(mode & 0o777).toString(8)}); it will hold personal data: chmod 600 it first`,
      );
    }
    return new ExportFile(handle, path);
  }

  async append(record: unknown): Promise<void> {
    const line = `${JSON.stringify(record)}\n`;
    const written = this.tail.then(() => this.handle.appendFile(line));
    // Keep the queue going even if this write fails; the failure is this caller's.
    this.tail = written.catch(() => undefined);
    await written;
    await this.sync();
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
