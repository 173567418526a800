export { readCsv, toCsv, writeCsv, upsertCsv } from './csv';
export type { ReadCsvOptions, Row } from './csv';
