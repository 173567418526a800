import type { Row } from '../tables/csv';
import { frameHtml, frameText, type DataFrame, type FrameHtmlOptions } from '../tables/frames';
import { displayBundle } from './display';

/**
 * Show a table in a notebook as Jupyter shows a pandas frame: an HTML table (first and last rows of a
 * long one) with a plain-text copy for consoles and nbconvert's text output.
 */
export function showTable(data: DataFrame | Row[], opts: FrameHtmlOptions = {}): void {
  displayBundle({ 'text/html': frameHtml(data, opts), 'text/plain': frameText(data, opts) });
}
