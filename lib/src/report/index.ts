// The reproduction report: one section per paper finding (claim, figure, numbers, verdict).
export { writeReport } from './writeReport';
export type { WrittenReport } from './writeReport';
export type { FindingCheck, NumberTable, ReportSection, ReportMeta } from './types';
