import type { TaskProgressMode } from '../../progress';
import type { Row } from '../../tables/csv';
import type { Run } from '../../train';
import type { Preset } from '../presets';

/** The steps of a reproduction, in the order `reproduce` runs them. */
export const STEP_ORDER = ['train', 'geometry', 'rewinding', 'double_descent', 'gradients', 'probes', 'mlp_contrast', 'report'] as const;
export type StepName = (typeof STEP_ORDER)[number];

/**
 * What a step sees of the experiment that runs it: the preset, the results folder and its tables, the
 * main run, the progress channel. `Experiment` (experiment.ts) is one; the steps name this interface, not
 * that class, so that the class can hold the table of steps without the steps importing it back.
 */
export interface StepContext {
  readonly preset: Preset;
  /** The results folder. */
  readonly out: string;
  readonly progress: Exclude<TaskProgressMode, 'auto'>;
  /** Directory of the main training run: `<out>/run`. */
  readonly runDir: string;
  /** A file of the results folder. */
  file(name: string): string;
  /** Rows of a tidy table in the results folder (`geometry` → geometry.csv); [] if absent. */
  table(name: string): Row[];
  /** The main training run (after the `train` step). */
  run(): Run;
  /** Copy a table written in the run directory into the results folder. */
  publish(fileInRunDir: string): void;
  /** A message in the experiment's progress channel. */
  log(text: string): void;
}

/** One step of a reproduction: what it needs, which preset section it reads, what it writes, and how it runs. */
export interface Step {
  name: StepName;
  title: string;
  /** Steps that must finish first. */
  needs: StepName[];
  /** The preset section whose settings this step uses (null: none of its own); a change of it reruns the step. */
  section: keyof Preset | null;
  /** Files and folders it writes (relative to the results folder and to the run directory), removed when its settings change. */
  outputs: string[];
  /**
   * Outputs that stay when the section differs only in `keys`, because the step checks them item by
   * item itself (a width sweep's finished points are read back when only the widths changed).
   */
  keep?: { keys: string[]; outputs: string[] };
  /** Resumable: a rerun after an interruption continues where it stopped. */
  run(exp: StepContext): Promise<void>;
}
