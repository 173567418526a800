export { main } from './main';
export { UsageError, parseNumber, parseNumberList } from './command';
export type { Command } from './command';
