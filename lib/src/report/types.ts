import type { Row } from '../tables/csv';
import type { Figure } from '../plots/figure';

/** One claim of the paper checked against our numbers. `held` is null when the data cannot decide. */
export interface FindingCheck {
  /**
   * Names the claim the same way in every preset (the claim's wording carries preset-specific epochs and
   * layers), so that findings.csv of two results folders can be compared row by row. Unique within a
   * section; left out, the claim's position in the section stands in.
   */
  key?: string;
  claim: string;
  held: boolean | null;
  /** The measured numbers behind the verdict, in words. */
  evidence: string;
}

/** A small table of numbers for the report. */
export interface NumberTable {
  columns: string[];
  rows: (string | number | null)[][];
}

/** One section of the report: one finding of the paper. */
export interface ReportSection {
  id: string;
  title: string;
  /** The paper's claim, paraphrased, with its reliability tag from docs/paper.md where relevant. */
  paperClaim: string;
  figures: { name: string; caption: string; figure: Figure }[];
  numbers?: NumberTable;
  checks: FindingCheck[];
  /** Caveats: what differs from the paper's setting, what to read with care. */
  notes?: string[];
}

/** Run-level facts printed at the top of the report. */
export interface ReportMeta {
  title: string;
  preset: string;
  presetDescription: string;
  backend: string;
  memgeoVersion: string;
  generatedAt: string;
  /** step → seconds */
  timings: { step: string; seconds: number }[];
  /** The setting in words (dataset, model, training-set size, the time the run took), one line each,
   * listed under the preset; when given, it carries the timings instead of the backend line. */
  setting?: string[];
  /** Other results folders' findings.csv rows (`readFindings`), set beside this report's own verdicts. */
  comparison?: { source: string; rows: Row[] }[];
}
