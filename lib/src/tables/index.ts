export { readCsv, toCsv, writeCsv, upsertCsv } from './csv';
export type { ReadCsvOptions, Row } from './csv';
export { toFrame, frameRows, readFrame, frameHtml, frameText } from './frames';
export type { DataFrame, FrameHtmlOptions } from './frames';
export { markdownTable } from './markdownTable';
export type { TextTable } from './markdownTable';
