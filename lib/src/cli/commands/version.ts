import { type Command } from '../command';
import { initBackend } from '../../backend';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const pkg = require('../../../package.json') as { version: string };

export const command: Command = {
  name: 'version',
  summary: 'print the memgeo version, Node version and the TensorFlow.js backend chosen here',
  usage: 'usage: memgeo version [--json]\n\nPrints the package version, Node version and the backend initBackend() picks on this machine.',
  async run(argv) {
    const backend = await initBackend();
    const info = { memgeo: pkg.version, node: process.version, backend };
    console.log(argv.includes('--json') ? JSON.stringify(info) : `memgeo ${info.memgeo} (node ${info.node}, backend ${info.backend})`);
    return 0;
  },
};
