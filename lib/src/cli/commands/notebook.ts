import * as fs from 'fs';
import * as path from 'path';
import { type Command, UsageError } from '../command';
import { parseFlags, parseNumber } from '../options';
import { startNotebookServer, trustNotebooks } from '../../notebook/server';
import { JUPYTER_SERVER_APT_PACKAGE } from '../../notebook/jupyterSetup';

const usage = `usage: memgeo notebook [--port P] [--dir DIR] [--no-trust]

Opens memgeo's notebooks: registers the tslab kernel (TypeScript) under the repository
(.jupyter/, never your home), installs the local Plotly bundle for interactive figures (offline),
and starts Jupyter Notebook on notebooks/ with the tslab kernel as the default. It listens on
127.0.0.1 only, with a random token: open the URL it prints. Ctrl-C stops it.

Needs classic Jupyter Notebook: apt-get install -y --no-install-recommends ${JUPYTER_SERVER_APT_PACKAGE}
(or pip's 'notebook<7', with MEMGEO_JUPYTER_PYTHON set to that python).

options:
  --port P     port on 127.0.0.1 (default 8888; 0 = any free port); a port in use is refused
  --dir DIR    folder to serve (default: the repository's notebooks/)
  --no-trust   do not mark the served folder's notebooks as trusted (trusted notebooks run their
               stored outputs' scripts: the "interactive version" of each figure)`;

/** The repository this memgeo belongs to: where node_modules/.bin/tslab is (the library's workspace root, else the cwd or a parent). */
function repositoryRoot(): string {
  const candidates = [path.resolve(__dirname, '..', '..', '..', '..')];
  for (let d = process.cwd(); ; d = path.dirname(d)) {
    candidates.push(d);
    if (path.dirname(d) === d) break;
  }
  const found = candidates.find((d) => fs.existsSync(path.join(d, 'node_modules', '.bin', 'tslab')));
  if (!found) throw new UsageError("tslab is not installed here: run 'npm ci' in the memgeo repository");
  return found;
}

export const command: Command = {
  name: 'notebook',
  summary: 'start Jupyter Notebook on notebooks/ with the tslab kernel (127.0.0.1, token URL)',
  usage,
  async run(argv) {
    const { values } = parseFlags(argv, {
      port: { type: 'string' },
      dir: { type: 'string' },
      'no-trust': { type: 'boolean', default: false },
    });
    const port = parseNumber(values.port, '--port', { integer: true, min: 0, max: 65535 }) ?? 8888;
    const root = repositoryRoot();
    const dir = path.resolve(values.dir ?? path.join(root, 'notebooks'));
    if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new UsageError(`--dir: ${dir} is not a folder`);
    const server = await startNotebookServer({ root, dir, port, onLog: (s) => process.stderr.write(s) });
    if (!values['no-trust']) {
      const notebooks = fs
        .readdirSync(dir)
        .filter((f) => f.endsWith('.ipynb'))
        .map((f) => path.join(dir, f));
      const n = trustNotebooks(notebooks);
      if (n > 0) console.log(`trusted ${n} notebook(s) in ${dir} (their figures' interactive versions can run)`);
    }
    console.log(`Jupyter Notebook is serving ${dir} with the tslab kernel (TypeScript) on 127.0.0.1:${server.port}`);
    console.log(`open: ${server.url}`);
    console.log('Ctrl-C stops it.');
    const stop = () => void server.stop();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    const code = await server.exited;
    process.removeListener('SIGINT', stop);
    process.removeListener('SIGTERM', stop);
    return code === 0 || code === null ? 0 : 1;
  },
};
