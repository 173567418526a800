export { readCsv, toCsv, writeCsv, upsertCsv } from './csv';
export type { Row } from './csv';
