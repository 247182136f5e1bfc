import { readFileSync } from 'node:fs';
import { CareerModel, type ModelManifest } from './model.ts';

/**
 * The default model shipped with Assay (trained on SYNTHETIC data by `assay career train`;
 * see its model card). Read relative to this module, never from the working directory.
 */
export const DEFAULT_MODEL_URL = new URL('./default-model/', import.meta.url);

/** Manifest and weights of the shipped model, or null when it has not been built. */
export function readDefaultModelArtifacts(): { manifest: ModelManifest; weights: Uint8Array } | null {
  try {
    const manifest = JSON.parse(readFileSync(new URL('model.json', DEFAULT_MODEL_URL), 'utf8')) as ModelManifest;
    const weights = new Uint8Array(readFileSync(new URL('weights.bin', DEFAULT_MODEL_URL)));
    return { manifest, weights };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

/** Load the shipped model (throws with a clear message when it is missing). */
export async function loadDefaultModel(): Promise<CareerModel> {
  const a = readDefaultModelArtifacts();
  if (!a) throw new Error('the default career model is missing (analytics/career/default-model); run `assay career train --out analytics/career/default-model`');
  return CareerModel.fromArtifacts(a.manifest, a.weights);
}
