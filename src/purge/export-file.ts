import type { FileHandle } from "node:fs/promises";
import { UsageError } from "../errors.js";

/**
 * The `--export` audit trail: one NDJSON line per Interaction, written before anything of it is deleted.
 * Opened for appending (never truncated) and created with mode 0600, since it holds personal data.
 * Each line goes to the kernel with its own write before the first DELETE, so a crash of proxy-ix
 * cannot lose it; an Interaction in flight at a crash may appear twice (at-least-once).
 */
export class ExportFile {
  private constructor(
    private readonly handle: FileHandle,
    readonly path: string,
  ) {}

  /** Opens the file up front, so an unwritable path is a usage error before anything is deleted. */
  static async open(path: string): Promise<ExportFile> {
    // Loaded here, not at start-up: only a purge with --export needs it.
    const { constants, open } = await import("node:fs/promises");
    try {
      const handle = await open(path, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT, 0o600);
      return new ExportFile(handle, path);
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code ?? "error";
      throw new UsageError(`--export: cannot write '${path}' (${reason}); nothing was deleted`, {
        cause: error,
      });
    }
  }

  async append(record: unknown): Promise<void> {
    await this.handle.write(`${JSON.stringify(record)}\n`);
  }

  close(): Promise<void> {
    return this.handle.close();
  }
}
