#!/usr/bin/env node
/**
 * `memgeo` command line. Subcommands are the files in `cli/commands/`; each exports `command`.
 * Errors that are the user's to fix (UsageError, bad input) print one line and exit 2.
 */
import * as fs from 'fs';
import * as path from 'path';
import { fileSystemError } from '../io/outputPath';
import type { Command } from './command';

function loadCommands(): Map<string, Command> {
  const dir = path.join(__dirname, 'commands');
  const commands = new Map<string, Command>();
  for (const file of fs.readdirSync(dir).sort()) {
    if (!file.endsWith('.js')) continue;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(path.join(dir, file)) as { command?: Command };
    if (mod.command) commands.set(mod.command.name, mod.command);
  }
  return commands;
}

function help(commands: Map<string, Command>): string {
  const width = Math.max(...[...commands.keys()].map((k) => k.length), 4);
  const lines = [...commands.values()].map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return ['usage: memgeo <command> [options]', '', 'commands:', ...lines, '', "'memgeo <command> --help' shows a command's options."].join(
    '\n',
  );
}

export async function main(argv: string[]): Promise<number> {
  const commands = loadCommands();
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(help(commands));
    return name ? 0 : 2;
  }
  const cmd = commands.get(name);
  if (!cmd) {
    console.error(`memgeo: unknown command '${name}'\n\n${help(commands)}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(cmd.usage);
    return 0;
  }
  try {
    return await cmd.run(rest);
  } catch (err) {
    const e = err as Error;
    const code = (e as NodeJS.ErrnoException)?.code ?? '';
    if (e && (e.name === 'UsageError' || e.name === 'InputError' || code.startsWith('ERR_PARSE_ARGS'))) {
      console.error(`memgeo ${name}: ${e.message}`);
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
        console.error(`memgeo ${name}: ${clear.message}`);
        return 2;
      }
    }
    console.error(`memgeo ${name}: ${e?.stack ?? String(err)}`);
    return 1;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err) => {
      console.error(err);
      process.exitCode = 1;
    },
  );
}
