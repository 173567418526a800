import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { InputError } from '../errors';

/**
 * `file://` model saving and loading for TensorFlow.js in Node without `@tensorflow/tfjs-node` (whose
 * native library cannot be installed everywhere): the same layout tfjs-node writes, a folder with
 * `model.json` (topology + weights manifest) and `weights.bin`, so `model.save('file://dir')` and
 * `tf.loadLayersModel('file://dir/model.json')` work in notebooks and scripts either way. Registered
 * only when no other handler claims `file://` (tfjs-node's is used when present).
 */
export function fileModelHandler(target: string): tf.io.IOHandler {
  const dir = target.endsWith('model.json') ? path.dirname(target) : target;
  const modelJson = path.join(dir, 'model.json');
  return {
    async save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
      if (artifacts.modelTopology instanceof ArrayBuffer) throw new Error('file:// save: binary model topologies are not supported');
      fs.mkdirSync(dir, { recursive: true });
      const weightData = artifacts.weightData === undefined ? new ArrayBuffer(0) : tf.io.CompositeArrayBuffer.join(artifacts.weightData);
      const json: Record<string, unknown> = {
        modelTopology: artifacts.modelTopology,
        format: artifacts.format,
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy,
        weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs ?? [] }],
      };
      if (artifacts.trainingConfig) json.trainingConfig = artifacts.trainingConfig;
      if (artifacts.signature) json.signature = artifacts.signature;
      if (artifacts.userDefinedMetadata) json.userDefinedMetadata = artifacts.userDefinedMetadata;
      if (artifacts.modelInitializer) json.modelInitializer = artifacts.modelInitializer;
      // weights first, then model.json, each replaced whole: a folder is never left with a model.json
      // that points at missing or half-written weights
      const write = (file: string, data: string | Uint8Array) => {
        fs.writeFileSync(`${file}.tmp`, data);
        fs.renameSync(`${file}.tmp`, file);
      };
      write(path.join(dir, 'weights.bin'), new Uint8Array(weightData));
      write(modelJson, JSON.stringify(json));
      return {
        modelArtifactsInfo: {
          dateSaved: new Date(),
          modelTopologyType: 'JSON',
          modelTopologyBytes: JSON.stringify(artifacts.modelTopology).length,
          weightSpecsBytes: JSON.stringify(artifacts.weightSpecs ?? []).length,
          weightDataBytes: weightData.byteLength,
        },
      };
    },
    async load(): Promise<tf.io.ModelArtifacts> {
      if (!fs.existsSync(modelJson)) throw new InputError(`no model.json in ${dir} (save one with model.save('file://${dir}'))`);
      const json = JSON.parse(fs.readFileSync(modelJson, 'utf8')) as tf.io.ModelJSON;
      return tf.io.getModelArtifactsForJSON(json, async (manifest) => {
        const specs: tf.io.WeightsManifestEntry[] = [];
        const buffers: ArrayBuffer[] = [];
        for (const group of manifest) {
          specs.push(...group.weights);
          for (const p of group.paths) {
            const file = path.join(dir, p);
            if (!fs.existsSync(file)) throw new InputError(`${modelJson} lists weights file ${p}, which is missing`);
            const b = fs.readFileSync(file);
            buffers.push(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer);
          }
        }
        return [specs, tf.io.CompositeArrayBuffer.join(buffers)];
      });
    },
  };
}

const SCHEME = 'file://';
let registered = false;

/** Register `fileModelHandler` for `file://` URLs unless a handler (tfjs-node's) is already there; idempotent. */
export function registerFileModelIO(): void {
  if (registered) return;
  registered = true;
  const probe = `${SCHEME}/memgeo-probe`;
  if (tf.io.getSaveHandlers(probe).length === 0) {
    tf.io.registerSaveRouter((url: string | string[]) =>
      typeof url === 'string' && url.startsWith(SCHEME) ? fileModelHandler(url.slice(SCHEME.length)) : (null as unknown as tf.io.IOHandler),
    );
  }
  if (tf.io.getLoadHandlers(probe).length === 0) {
    tf.io.registerLoadRouter((url: string | string[]) =>
      typeof url === 'string' && url.startsWith(SCHEME) ? fileModelHandler(url.slice(SCHEME.length)) : (null as unknown as tf.io.IOHandler),
    );
  }
}

registerFileModelIO();
