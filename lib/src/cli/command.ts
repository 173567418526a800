import * as fs from 'fs';
import * as path from 'path';
import { fileSystemError } from '../io/outputPath';

/**
 * A CLI subcommand: `npx memgeo <name> ...`. Each lives in its own file under `cli/commands/` and is
 * found by `cli/main.ts` without a central list, so a new command is one new file.
 */
export interface Command {
  /** The word after `memgeo`, e.g. `mftma`. */
  name: string;
  /** One line for `memgeo --help`. */
  summary: string;
  /** Full usage text for `memgeo <name> --help`. */
  usage: string;
  /** Run with the arguments after the command word; resolves to the exit code. */
  run(argv: string[]): Promise<number>;
}

/** An error whose message is shown to the user as-is (no stack trace), exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/**
 * The plugins of a folder: every compiled file in `dir` that exports `exportName` (`command` in
 * cli/commands/, `target` in cli/bench/), by name, in file order. A new command or bench target is
 * one new file; there is no central list to keep in step.
 */
export function loadPlugins(dir: string, exportName: 'command' | 'target'): Map<string, Command> {
  const plugins = new Map<string, Command>();
  for (const file of fs.readdirSync(dir).sort()) {
    if (!file.endsWith('.js')) continue;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const plugin = (require(path.join(dir, file)) as Record<string, Command | undefined>)[exportName];
    if (plugin) plugins.set(plugin.name, plugin);
  }
  return plugins;
}

/**
 * The plugin called `name`: the file `name.js` when it is that plugin (commands are named after their
 * files), else whichever file exports it. Loading one file spares a command the start-up cost of every
 * other (the training commands load tfjs: ~0.15 s before `memgeo mftma` could start).
 */
export function loadPlugin(dir: string, exportName: 'command' | 'target', name: string): Command | undefined {
  const file = path.join(dir, `${name}.js`);
  if (/^[a-z][a-z0-9-]*$/.test(name) && fs.existsSync(file)) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const plugin = (require(file) as Record<string, Command | undefined>)[exportName];
    if (plugin?.name === name) return plugin;
  }
  return loadPlugins(dir, exportName).get(name);
}

/** One `  name  summary` line per plugin, the names padded to one width (for a --help listing). */
export function pluginList(plugins: Map<string, Command>): string[] {
  const width = Math.max(...[...plugins.keys()].map((k) => k.length), 4);
  return [...plugins.values()].map((p) => `  ${p.name.padEnd(width)}  ${p.summary}`);
}

/**
 * Print an error a command threw and return the exit code: errors that are the user's to fix
 * (UsageError, InputError, a bad flag, a file-system failure with a path) as one line after `prefix`,
 * exit 2; anything else with its stack, exit 1.
 */
export function reportError(err: unknown, prefix: string): number {
  const e = err as Error;
  const code = (e as NodeJS.ErrnoException)?.code ?? '';
  if (e && (e.name === 'UsageError' || e.name === 'InputError' || code.startsWith('ERR_PARSE_ARGS'))) {
    console.error(`${prefix}: ${e.message}`);
    return 2;
  }
  // A file-system failure that no writer translated (it has a path and an errno code) is still the
  // user's to fix (permissions, a file in the way): say what and where, without a stack trace.
  const errno = e as NodeJS.ErrnoException;
  if (errno?.path && errno.code) {
    const clear = fileSystemError(
      errno,
      errno.syscall === 'mkdir'
        ? 'create folder'
        : errno.syscall === 'open' || errno.syscall === 'read' || errno.syscall === 'scandir' || errno.syscall === 'stat'
          ? 'access'
          : 'write',
      errno.path,
    );
    if (clear.name === 'InputError') {
      console.error(`${prefix}: ${clear.message}`);
      return 2;
    }
  }
  console.error(`${prefix}: ${e?.stack ?? String(err)}`);
  return 1;
}

/**
 * Run a plugin from its own file (`node lib/dist/cli/bench/epoch.js ...`) as `memgeo` would: --help
 * prints its usage, errors get the CLI's exit codes; `prefix` starts the error lines (e.g. `bench epoch`).
 */
export function runAsScript(plugin: Command, prefix: string): void {
  const argv = process.argv.slice(2);
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(plugin.usage);
    return;
  }
  plugin.run(argv).then(
    (code) => {
      process.exitCode = code;
    },
    (err) => {
      process.exitCode = reportError(err, prefix);
    },
  );
}
