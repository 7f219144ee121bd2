import { type Readable, Writable } from "node:stream";
import { BrokenPipeError } from "./errors.js";
import { terminalText } from "./render/terminal-text.js";

/**
 * The streams object (gh's IOStreams): owns stdout/stderr/stdin, knows which is a terminal, and decides
 * colour, prompts and spinners. Data goes to stdout, everything else to stderr.
 *
 * PROXY_IX_FORCE_TTY=1 makes proxy-ix behave as on a terminal although it is piped; the end-to-end
 * tests use it to check terminal output without a pseudo-terminal.
 */
export interface Spinner {
  text: string;
  stop(): void;
}

/** The few styles proxy-ix uses: chalk's when colour is on, plain text otherwise. */
export interface Style {
  bold(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
  red(text: string): string;
}

const plain = (text: string) => text;
const PLAIN: Style = { bold: plain, green: plain, yellow: plain, red: plain };

export interface IOStreams {
  readonly stdout: Writable;
  readonly stderr: Writable;
  readonly isStdoutTTY: boolean;
  readonly isStderrTTY: boolean;
  readonly color: boolean;
  readonly style: Style;
  /** Writes data to stdout, waiting for the pipe to drain so memory stays flat on huge outputs. */
  out(text: string): Promise<void>;
  /** Writes a message line to stderr. */
  err(line: string): void;
  /** Both stdin and stderr are terminals, so a question can be asked and answered. */
  canPrompt(): Promise<boolean>;
  /** An ora spinner on stderr when it is a terminal; null otherwise (and with --quiet). */
  spinner(text: string): Promise<Spinner | null>;
  /** Reads one line from stdin (for confirmations). */
  readLine(): Promise<string>;
}

export interface IOOptions {
  stdout?: Writable & { isTTY?: boolean };
  stderr?: Writable & { isTTY?: boolean };
  stdin?: Readable & { isTTY?: boolean };
  env?: NodeJS.ProcessEnv;
  noColor?: boolean;
  quiet?: boolean;
}

/**
 * Async so that chalk loads only when there is colour to show: never for `--help`, `--version`, pipes
 * and cron. process.stdin is touched only to read a confirmation (creating it costs ~2 ms of start-up).
 */
export async function createIO(options: IOOptions = {}): Promise<IOStreams> {
  const env = options.env ?? process.env;
  const stdout = options.stdout ?? process.stdout;
  const stderr = options.stderr ?? process.stderr;
  const stdinOf = () => options.stdin ?? process.stdin;
  const forced = env.PROXY_IX_FORCE_TTY === "1";
  const isStdoutTTY = forced || Boolean(stdout.isTTY);
  const isStderrTTY = forced || Boolean(stderr.isTTY);
  const color = !options.noColor && !env.NO_COLOR && env.TERM !== "dumb" && isStdoutTTY && !forced;
  const style = color ? new (await import("chalk")).Chalk({ level: 1 }) : PLAIN;
  let broken = false;
  stdout.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") broken = true;
  });

  return {
    stdout,
    stderr,
    isStdoutTTY,
    isStderrTTY,
    color,
    style,
    out(text) {
      if (broken) return Promise.reject(new BrokenPipeError("stdout closed"));
      return new Promise((resolve, reject) => {
        const flushed = stdout.write(text, (error) => {
          if (error && (error as NodeJS.ErrnoException).code === "EPIPE")
            reject(new BrokenPipeError("stdout closed"));
        });
        if (flushed) resolve();
        else stdout.once("drain", resolve);
      });
    },
    err(line) {
      stderr.write(`${line}\n`);
    },
    async canPrompt() {
      if (!isStderrTTY) return false;
      return forced || (options.stdin ? Boolean(options.stdin.isTTY) : (await import("node:tty")).isatty(0));
    },
    async spinner(text) {
      // A pseudo-terminal that reports no width (e.g. under `script` without a terminal) would make
      // ora clear an endless number of lines; no spinner there.
      const columns = (stderr as { columns?: number }).columns ?? 0;
      if (options.quiet || !isStderrTTY || forced || columns <= 0) return null;
      // ora is loaded only when a spinner is shown, to keep start-up fast.
      const { default: ora } = await import("ora");
      const spinner = ora({
        text: terminalText(text),
        stream: stderr,
        color: "cyan",
        isEnabled: true,
      }).start();
      // Whatever a caller puts in the text (it may quote a server), no control character reaches stderr.
      return {
        get text() {
          return spinner.text;
        },
        set text(value: string) {
          spinner.text = terminalText(value);
        },
        stop: () => spinner.stop(),
      };
    },
    readLine() {
      const stdin = stdinOf();
      return new Promise((resolve) => {
        let buffer = "";
        const onData = (chunk: Buffer | string) => {
          buffer += chunk.toString();
          const newline = buffer.indexOf("\n");
          if (newline >= 0) finish(buffer.slice(0, newline));
        };
        const onEnd = () => finish(buffer);
        const finish = (line: string) => {
          stdin.off("data", onData);
          stdin.off("end", onEnd);
          stdin.pause();
          resolve(line.trim());
        };
        stdin.on("data", onData);
        stdin.on("end", onEnd);
        stdin.resume();
      });
    },
  };
}

export interface TestIOOptions {
  stdoutTTY?: boolean;
  stderrTTY?: boolean;
  /** stdin is a terminal: with stderrTTY, a command may ask (and reads `answers`). */
  stdinTTY?: boolean;
  /** Lines typed at the prompts, in order; a question with none left fails the test. */
  answers?: string[];
}

/** The streams of a test (gh's `iostreams.Test()`), with what was written so far. */
export interface TestIO {
  io: IOStreams;
  stdout(): string;
  stderr(): string;
  /** Answers not used yet. */
  answersLeft(): number;
}

/**
 * In-memory, synchronous streams for in-process command tests: every write lands in a buffer at once,
 * terminals are what the test says, no colour and no spinner (as with PROXY_IX_FORCE_TTY), prompts read
 * scripted answers.
 */
export function createTestIO(options: TestIOOptions = {}): TestIO {
  const buffers = { stdout: "", stderr: "" };
  const sink = (name: keyof typeof buffers) =>
    new Writable({
      decodeStrings: false,
      write(chunk: Buffer | string, _encoding, done) {
        buffers[name] += chunk.toString();
        done();
      },
    });
  const answers = [...(options.answers ?? [])];
  const stdout = sink("stdout");
  const stderr = sink("stderr");
  const io: IOStreams = {
    stdout,
    stderr,
    isStdoutTTY: options.stdoutTTY === true,
    isStderrTTY: options.stderrTTY === true,
    color: false,
    style: PLAIN,
    async out(text) {
      stdout.write(text);
    },
    err(line) {
      stderr.write(`${line}\n`);
    },
    async canPrompt() {
      return options.stderrTTY === true && options.stdinTTY === true;
    },
    async spinner() {
      return null;
    },
    async readLine() {
      const answer = answers.shift();
      if (answer === undefined) throw new Error("test IO: a question was asked and no answer was scripted");
      return answer.trim();
    },
  };
  return {
    io,
    stdout: () => buffers.stdout,
    stderr: () => buffers.stderr,
    answersLeft: () => answers.length,
  };
}
