#!/usr/bin/env node
/**
 * `memgeo` command line. Subcommands are the files in `cli/commands/`; each exports `command`.
 * Errors that are the user's to fix (UsageError, bad input) print one line and exit 2.
 */
import * as path from 'path';
import { loadPlugin, loadPlugins, pluginList, reportError, type Command } from './command';

function help(commands: Map<string, Command>): string {
  return [
    'usage: memgeo <command> [options]',
    '',
    'commands:',
    ...pluginList(commands),
    '',
    "'memgeo <command> --help' shows a command's options.",
  ].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const dir = path.join(__dirname, 'commands');
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(help(loadPlugins(dir, 'command')));
    return name ? 0 : 2;
  }
  const cmd = loadPlugin(dir, 'command', name);
  if (!cmd) {
    console.error(`memgeo: unknown command '${name}'\n\n${help(loadPlugins(dir, 'command'))}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(cmd.usage);
    return 0;
  }
  try {
    return await cmd.run(rest);
  } catch (err) {
    return reportError(err, `memgeo ${name}`);
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
