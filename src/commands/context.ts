import type { Command } from "commander";
import type { ApiClient, ClientHooks } from "../api/client.js";
import { type ClientConfig, type GlobalFlags, resolveConfig } from "../config.js";
import type { IOStreams } from "../io.js";

/** What every command gets from `cli.ts`: the streams and the environment (tests pass their own). */
export interface CliContext {
  io(): Promise<IOStreams>;
  env: NodeJS.ProcessEnv;
}

export function globalsOf(command: Command): GlobalFlags {
  return command.optsWithGlobals<GlobalFlags>();
}

export interface Connection {
  client: ApiClient;
  config: ClientConfig;
}

/** Builds the HTTP client (and, with --verbose, logs where requests go); `hooks.gate` bounds requests in flight. */
export type Connect = (hooks?: Omit<ClientHooks, "onRequest">) => Promise<Connection>;

/**
 * Resolves credentials and hosts now (a usage error when they are missing, while the flags are parsed)
 * and returns what builds the HTTP client when `run` needs it. got is imported only then, so `--help`
 * and `--version` stay fast. Tests pass the emulator's environment to get a real client.
 */
export function connector(io: IOStreams, globals: GlobalFlags, env: NodeJS.ProcessEnv): Connect {
  const config = resolveConfig(globals, env);
  return async (hooks = {}) => {
    if (config.profile) {
      const { name, file, chosenBy, warnings, notes } = config.profile;
      if (globals.verbose) io.err(`credentials from twilio-cli profile '${name}' (${chosenBy}) in ${file}`);
      for (const warning of warnings) io.err(`proxy-ix: warning: ${warning}`);
      if (!globals.quiet) for (const note of notes) io.err(`proxy-ix: ${note}`);
    }
    const { proxyAgents } = await import("../api/proxy-agent.js");
    const proxies = proxyAgents([config.proxyOrigin, config.apiOrigin]);
    if (globals.verbose) {
      for (const route of proxies.routes) {
        if (route.via) io.err(`${route.origin} through proxy ${route.via}`);
        else if (route.reason !== "no proxy set") io.err(`${route.origin} direct (${route.reason})`);
      }
    }
    const { createApiClient } = await import("../api/client.js");
    const client = createApiClient(config, {
      ...hooks,
      agentFor: proxies.agentFor,
      onRequest: globals.verbose
        ? (log) =>
            io.err(
              `${log.method} ${log.path} ${log.status} ${log.ms}ms${log.retries > 0 ? ` retry ${log.retries}` : ""}`,
            )
        : undefined,
    });
    return { client, config };
  };
}
