import * as fs from 'fs';
import * as path from 'path';
import { DATASET_NAMES, locateDataset, type DatasetName } from '../data';
import { InputError } from '../errors';
import { atomicWriteFileSync, atomicWriteJsonSync } from '../io/atomicWrite';
import { guardOutputDir, readJsonOrNull } from '../io/outputPath';
import { readCsv, upsertCsv, type Row } from '../tables/csv';
import { readFrame, type DataFrame } from '../tables/frames';
import { openRun, type Run } from '../train';
import { resolveProgressMode, writeProgressLine, type ProgressMode, type ResolvedProgressMode } from '../progress/progressMode';
import { getPreset, type Preset, type PresetName } from './presets';
import { STEPS, STEP_ORDER, type StepContext, type StepName } from './steps';

/** Where results go when no `out` is given: `results/<preset>` under the repository root. */
export function defaultResultsDir(preset: string): string {
  if (process.env.MEMGEO_RESULTS_DIR) return path.join(process.env.MEMGEO_RESULTS_DIR, preset);
  let dir = path.resolve(__dirname, '..', '..', '..');
  if (!fs.existsSync(path.join(dir, 'package.json'))) dir = process.cwd();
  return path.join(dir, 'results', preset);
}

export interface ExperimentOptions {
  /** Results folder (default `results/<preset>`). */
  out?: string;
  progress?: ProgressMode;
}

/**
 * One reproduction of the paper at a preset: a results folder that holds the main training run
 * (`run/`: config, checkpoints, metrics.csv and the tables computed from it), the double-descent runs,
 * every tidy table, the figures and the report. Steps are
 * resumable and recorded in `.steps/`; a finished step is never redone, and a folder made with a
 * different preset is refused rather than mixed.
 *
 * @example
 * const exp = openExperiment('smoke');
 * await exp.ensure('geometry');            // trains first if needed
 * const rows = exp.table('geometry');
 */
export class Experiment implements StepContext {
  readonly preset: Preset;
  readonly out: string;
  readonly progress: ResolvedProgressMode;

  constructor(preset: Preset, options: ExperimentOptions = {}) {
    this.preset = preset;
    this.out = path.resolve(options.out ?? defaultResultsDir(preset.name));
    this.progress = resolveProgressMode(options.progress);
    this.reconcilePreset();
  }

  /**
   * Compare the preset with the one the folder was made with. A different main-run (`train`)
   * section is refused: every result depends on that run. A different section of one analysis
   * invalidates that step only: its marker and outputs are removed so it is recomputed with the new
   * settings (and the report with it), never mixed with rows computed under the old ones.
   */
  private reconcilePreset(): void {
    const presetFile = path.join(this.out, 'preset.json');
    guardOutputDir(this.out, { what: 'a results folder', refuse: foreignResultsReason });
    if (fs.existsSync(presetFile)) {
      const existing = readJsonOrNull(presetFile) as Preset | null;
      if (!existing || typeof existing.name !== 'string')
        throw new InputError(
          `${presetFile} is damaged (not a preset memgeo wrote); delete the results folder ${this.out} to start it over, or use another --out folder`,
        );
      const same = (k: keyof Preset) => JSON.stringify(existing[k]) === JSON.stringify(this.preset[k]);
      if (existing.name !== this.preset.name || !same('train')) {
        throw new InputError(
          `${this.out} holds results of ${existing.name !== this.preset.name ? `preset '${existing.name}'` : 'a main run with other training settings'}; use another --out folder or delete it`,
        );
      }
      const stale = STEP_ORDER.filter((step) => STEPS[step].section !== null && !same(STEPS[step].section!));
      if (stale.length > 0) {
        for (const step of stale) {
          const keep = STEPS[step].keep;
          const changed = changedKeys(existing[STEPS[step].section!], this.preset[STEPS[step].section!]);
          this.invalidate(step, keep && changed.every((k) => keep.keys.includes(k)) ? keep.outputs : []);
        }
        this.invalidate('report');
        this.log(`preset settings changed for ${stale.join(', ')}: recomputing ${stale.length === 1 ? 'it' : 'them'} and the report`);
      }
    }
    atomicWriteJsonSync(presetFile, this.preset);
  }

  /** Forget a step: remove its marker and its output files (in the results folder and the run directory), except `keep`. */
  invalidate(step: StepName, keep: string[] = []): void {
    for (const f of [path.join('.steps', `${step}.json`), ...STEPS[step].outputs.filter((o) => !keep.includes(o))]) {
      for (const base of [this.out, this.runDir]) fs.rmSync(path.join(base, f), { recursive: true, force: true });
    }
  }

  /** Path of a file in the results folder. */
  file(name: string): string {
    return path.join(this.out, name);
  }

  /** Rows of a tidy table in the results folder (`geometry` → geometry.csv); [] if absent. */
  table(name: string): Row[] {
    return readCsv(this.file(name.endsWith('.csv') ? name : `${name}.csv`));
  }

  /**
   * A tidy table of the results folder as a danfojs DataFrame (`geometry` → geometry.csv), for
   * `query`, `groupby`, `describe`; `showTable(frame)` renders it in a notebook. The CSV is unchanged.
   */
  frame(name: string): DataFrame {
    const file = this.file(name.endsWith('.csv') ? name : `${name}.csv`);
    if (!fs.existsSync(file)) throw new InputError(`${file} does not exist yet: run the step that writes it first (exp.ensure(...))`);
    return readFrame(file);
  }

  /** Directory of the main training run (config, checkpoints, metrics.csv): `<out>/run`. */
  get runDir(): string {
    return path.join(this.out, 'run');
  }

  /** The main training run (after the `train` step). */
  run(): Run {
    if (!fs.existsSync(path.join(this.runDir, 'config.json')))
      throw new InputError(`${this.out}: the main run has not been trained yet (step 'train')`);
    return openRun(this.runDir);
  }

  /** Copy a table written in the run directory (e.g. geometry.csv) into the results folder. */
  publish(fileInRunDir: string): void {
    const from = path.join(this.runDir, fileInRunDir);
    atomicWriteFileSync(this.file(path.basename(fileInRunDir)), fs.readFileSync(from));
  }

  isDone(step: StepName): boolean {
    return fs.existsSync(path.join(this.out, '.steps', `${step}.json`));
  }

  /** Run `step` (after the steps it needs) unless it has finished before. */
  async ensure(step: StepName): Promise<void> {
    const def = STEPS[step];
    if (!def) throw new InputError(`unknown step '${step}'; steps: ${STEP_ORDER.join(', ')}`);
    for (const need of def.needs) await this.ensure(need);
    if (this.isDone(step)) return;
    this.log(`== ${step}: ${def.title}`);
    const t0 = performance.now();
    await def.run(this);
    const seconds = (performance.now() - t0) / 1000;
    upsertCsv(
      this.file('timings.csv'),
      [{ step, seconds: Math.round(seconds * 10) / 10, finished_at: new Date().toISOString() }],
      ['step', 'seconds', 'finished_at'],
      ['step'],
    );
    atomicWriteJsonSync(path.join(this.out, '.steps', `${step}.json`), { step, seconds, finishedAt: new Date().toISOString() });
  }

  /** A message in the experiment's progress channel. */
  log(text: string): void {
    writeProgressLine(this.progress, text);
  }
}

/**
 * Why a non-empty folder is not taken as a results folder (null: it is one, made by memgeo). A
 * training run or a sweep folder is never taken as one: its tables would be overwritten.
 */
function foreignResultsReason(dir: string, entries: string[]): string | null {
  if (entries.includes('config.json'))
    return 'it is a memgeo training run (config.json), not a results folder (a results folder holds its run in run/)';
  if (entries.includes('sweep.json')) return 'it is a memgeo width-sweep folder, not a results folder';
  if (entries.includes('preset.json')) return null;
  const shown = entries.filter((f) => !f.startsWith('.')).slice(0, 3);
  return `it is not empty and holds no memgeo results (no preset.json; it has ${(shown.length ? shown : entries.slice(0, 3)).join(', ')}${entries.length > 3 ? ', ...' : ''})`;
}

/** Top-level keys whose values differ between two preset sections. */
function changedKeys(a: unknown, b: unknown): string[] {
  const x = (a ?? {}) as Record<string, unknown>;
  const y = (b ?? {}) as Record<string, unknown>;
  return [...new Set([...Object.keys(x), ...Object.keys(y)])].filter((k) => JSON.stringify(x[k]) !== JSON.stringify(y[k]));
}

/** Open (or create) the results folder of a preset. */
export function openExperiment(
  preset: PresetName | string | Preset = process.env.MEMGEO_PRESET || 'default',
  options: ExperimentOptions = {},
): Experiment {
  return new Experiment(getPreset(preset), options);
}

/**
 * Refuse work whose datasets are not on this machine (e.g. CIFAR-100 without the user's binary files)
 * before anything is written, with the dataset's own instructions for getting it. Names that are not
 * datasets memgeo loads by name are left to the loader.
 */
export function requireDatasets(names: unknown[], purpose: string): void {
  for (const name of new Set(names)) {
    if (typeof name !== 'string' || !(DATASET_NAMES as readonly string[]).includes(name)) continue;
    const loc = locateDataset(name as DatasetName);
    if (loc.missing.length > 0)
      throw new InputError(
        `${purpose} needs the dataset ${name}, which is not available here (missing ${loc.missing.join(', ')}${loc.missing.some((m) => m.startsWith('directory ')) ? '' : ` in ${loc.dir}`}${loc.origin === 'default' ? '' : `, from ${loc.origin}`}). ${loc.howToGet}`,
      );
  }
}

/** `requireDatasets` for every dataset a preset uses (its main run and its width sweep). */
export function requirePresetDatasets(preset: Preset): void {
  requireDatasets([preset.train.dataset, preset.doubleDescent.base.dataset], `preset '${preset.name}'`);
}

/**
 * Run every step of a preset (or the named ones and what they need), skipping finished steps.
 * Returns the seconds of each step as recorded in timings.csv. A preset whose datasets are missing is
 * refused before the results folder is touched (`requirePresetDatasets`).
 */
export async function reproduce(
  preset: PresetName | string | Preset,
  options: ExperimentOptions & { steps?: StepName[] } = {},
): Promise<{ out: string; timings: Row[] }> {
  requirePresetDatasets(getPreset(preset));
  const exp = openExperiment(preset, options);
  for (const step of options.steps ?? STEP_ORDER) await exp.ensure(step);
  return { out: exp.out, timings: exp.table('timings') };
}
