export { main } from './main';
export { UsageError } from './command';
export { parseNumber, parseNumberList } from './options';
export type { Command } from './command';
