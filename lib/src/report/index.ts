// The reproduction report: one section per paper finding (claim, figure, numbers, verdict).
export { writeReport } from './writeReport';
export {
  compareFindings,
  findingsRows,
  readFindings,
  siblingFindingsDirs,
  FINDINGS_COLUMNS,
  FINDINGS_FILE,
  verdictOf,
} from './findingsTable';
export type { Verdict } from './findingsTable';
export type { WrittenReport } from './writeReport';
export type { FindingCheck, NumberTable, ReportSection, ReportMeta } from './types';
