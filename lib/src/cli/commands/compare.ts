import * as fs from 'fs';
import { atomicWriteFileSync } from '../../io/atomicWrite';
import { guardOutputFile } from '../../io/outputPath';
import { compareFindings, FINDINGS_FILE, readFindings } from '../../report';
import { markdownTable } from '../../tables/markdownTable';
import { UsageError, type Command } from '../command';
import { flags, parseFlags } from '../options';

const HEADING = '# memgeo: findings across presets';

const usage = `usage: memgeo compare DIR DIR... [--out FILE]

Puts the verdicts of two or more results folders side by side (e.g. results/default results/cifar):
one row per claim of the report, for each folder its verdict and the numbers behind it. Reads each
folder's ${FINDINGS_FILE}, which the report step of 'memgeo reproduce' writes. Prints a markdown table.

options:
  --out FILE   also write the table to FILE (markdown); an existing file is replaced only when an earlier
               'memgeo compare' wrote it`;

export const command: Command = {
  name: 'compare',
  summary: "the report's verdicts of several results folders (presets) side by side",
  usage,
  async run(argv) {
    const { values, positionals } = parseFlags(argv, flags('out'), true);
    if (positionals.length < 2) throw new UsageError(`give at least two results folders\n\n${usage}`);
    const tables = positionals.map((dir) => readFindings(dir));
    const md = [
      HEADING,
      '',
      `Folders: ${positionals.map((d) => `\`${d}\``).join(', ')}.`,
      '',
      markdownTable(compareFindings(tables)),
      '',
    ].join('\n');
    if (values.out) {
      guardOutputFile(values.out, {
        what: 'a comparison',
        isOurs: (f) => fs.readFileSync(f, 'utf8').startsWith(HEADING),
      });
      atomicWriteFileSync(values.out, md);
    }
    process.stdout.write(md);
    return 0;
  },
};
