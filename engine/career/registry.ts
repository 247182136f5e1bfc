/**
 * Career model versions in the store's model_versions table: the manifest and model card go
 * in `card`, metrics in `metrics`, the float32 weights in `weights`. When no version is
 * registered the shipped default (trained on synthetic data) is used.
 */
import { CareerModel, buildModelCard, readDefaultModelArtifacts, type CareerMetrics, type ModelManifest } from '../../analytics/career/index.ts';
import type { JsonValue, Repositories } from '../store/index.ts';

export const CAREER_MODEL_NAME = 'career';

export interface ActiveModel {
  model: CareerModel;
  /** e.g. "career v3" or "career default (synthetic, shipped)". */
  version: string;
  synthetic: boolean;
  card: string;
}

/** Register a trained model as the next version; returns its version number. */
export async function registerModel(store: Repositories, model: CareerModel, metrics: CareerMetrics | null): Promise<number> {
  const { manifest, weights } = await model.toArtifacts();
  const next = ((await store.models.latest(CAREER_MODEL_NAME))?.version ?? 0) + 1;
  const card = buildModelCard(manifest, metrics, `v${next}`);
  const row = await store.models.save({
    name: CAREER_MODEL_NAME,
    card: { manifest: { ...manifest, metrics: metrics as unknown as Record<string, unknown>, card } as unknown as JsonValue, text: card },
    metrics: (metrics ?? null) as unknown as JsonValue,
    weights: Buffer.from(weights.buffer, weights.byteOffset, weights.byteLength),
  });
  return row.version;
}

const cache = new Map<string, ActiveModel>();

/** The model to use: a given version, else the latest registered, else the shipped default. */
export async function activeModel(store: Repositories, version?: number): Promise<ActiveModel> {
  const row = version ? await store.models.get(CAREER_MODEL_NAME, version) : await store.models.latest(CAREER_MODEL_NAME);
  if (version && !row) throw new Error(`career model version ${version} is not registered`);
  if (row && row.weights) {
    const key = `${row.id}`;
    const hit = cache.get(key);
    if (hit) return hit;
    const card = row.card as unknown as { manifest: ModelManifest; text: string };
    const w = row.weights as Buffer;
    const model = await CareerModel.fromArtifacts(card.manifest, new Uint8Array(w.buffer, w.byteOffset, w.byteLength));
    const active = { model, version: `${CAREER_MODEL_NAME} v${row.version}`, synthetic: card.manifest.training.synthetic, card: card.text };
    cache.set(key, active);
    return active;
  }
  return defaultModel();
}

/** The shipped default model (cached). */
export async function defaultModel(): Promise<ActiveModel> {
  const hit = cache.get('default');
  if (hit) return hit;
  const a = readDefaultModelArtifacts();
  if (!a) throw new Error('no career model is registered and the shipped default (analytics/career/default-model) is missing');
  const model = await CareerModel.fromArtifacts(a.manifest, a.weights);
  const active = { model, version: `${CAREER_MODEL_NAME} default (synthetic, shipped)`, synthetic: a.manifest.training.synthetic, card: a.manifest.card ?? buildModelCard(a.manifest, null, 'default') };
  cache.set('default', active);
  return active;
}
