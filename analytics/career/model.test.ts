import { describe, expect, it } from 'vitest';
import { buildSyntheticDataset } from '../../fixtures/career/dataset.ts';
import { baselineScores } from './baseline.ts';
import { evaluateHead, topKAccuracy } from './evaluate.ts';
import { integratedGradients, explainByOcclusion } from './explain.ts';
import { FEATURE_COUNT, featureIndex } from './features.ts';
import { CareerModel } from './model.ts';
import { expectedCalibrationError, fitTemperature, softmaxRows } from './calibration.ts';

// Small cohorts keep this file to a few seconds; the full-size figures are in bench/career.ts.
const train = buildSyntheticDataset(4000, 11);
const test = buildSyntheticDataset(1500, 12);
const opts = { fieldLabels: train.fieldLabels, clusterLabels: train.clusterLabels, seed: 5, epochs: 10, batchSize: 256, learningRate: 0.005 };
const modelPromise = CareerModel.train(train, opts);

describe('career model', () => {
  it('learns the synthetic signal far above chance and above the similarity baseline', async () => {
    const model = await modelPromise;
    const p = await model.predict(test.X, test.n);
    const F = train.fieldLabels.length, C = train.clusterLabels.length;
    const field = evaluateHead(p.field, test.yField, F);
    const cluster = evaluateHead(p.cluster, test.yCluster, C);
    // Chance top-3 is 3/23 = 13% for fields and 3/16 = 19% for clusters.
    expect(field.top3).toBeGreaterThan(0.35);
    expect(cluster.top3).toBeGreaterThan(0.45);
    const base = topKAccuracy(baselineScores(test.X, test.n).field, test.yField, F);
    expect(field.top3).toBeGreaterThan(base.top3);
    expect(field.ece).toBeLessThan(0.08);
  });

  it('is deterministic for a seed and survives a save/load round trip', async () => {
    const small = buildSyntheticDataset(600, 3);
    const o = { ...opts, epochs: 2 };
    const a = await CareerModel.train(small, o);
    const b = await CareerModel.train(small, o);
    const wa = await a.toArtifacts(), wb = await b.toArtifacts();
    expect(Buffer.from(wa.weights).equals(Buffer.from(wb.weights))).toBe(true);
    expect(wa.manifest.temperature).toEqual(wb.manifest.temperature);
    const c = await CareerModel.train(small, { ...o, seed: 6 });
    expect(Buffer.from((await c.toArtifacts()).weights).equals(Buffer.from(wa.weights))).toBe(false);
    const restored = await CareerModel.fromArtifacts(JSON.parse(JSON.stringify(wa.manifest)), wa.weights.slice());
    const pa = await a.predict(small.X, 50), pr = await restored.predict(small.X, 50);
    expect(Array.from(pr.field)).toEqual(Array.from(pa.field));
    for (const m of [a, b, c, restored]) m.dispose();
  });

  it('refuses weights that do not fit the manifest', async () => {
    const model = await modelPromise;
    const { manifest, weights } = await model.toArtifacts();
    await expect(CareerModel.fromArtifacts(manifest, weights.slice(0, 100))).rejects.toThrow(/too short/);
    await expect(CareerModel.fromArtifacts({ ...manifest, featureSchemaVersion: 'x' }, weights)).rejects.toThrow(/built for features x/);
  });

  it('moves the attribution of an input that drives a class', async () => {
    const model = await modelPromise;
    const arts = model.clusterLabels.indexOf('Arts, Audio/Video Technology & Communications');
    const x = Float32Array.from(test.X.subarray(0, FEATURE_COUNT));
    x[featureIndex('interest.present')] = 1;
    for (const l of 'RIASEC') x[featureIndex(`interest.${l}`)] = 0.4;
    const high = Float32Array.from(x), low = Float32Array.from(x);
    high[featureIndex('interest.A')] = 1; // 40/40 Artistic
    low[featureIndex('interest.A')] = 0;
    const ig = async (v: Float32Array) => (await integratedGradients(model, v, 'cluster', arts)).groups.find((g) => g.group === 'interest.A')!.delta;
    const up = await ig(high), down = await ig(low);
    expect(up).toBeGreaterThan(0);
    expect(up).toBeGreaterThan(down + 0.5);
    // Occlusion agrees: a strong Artistic interest pushes the Arts cluster up, a weak one pushes it down.
    const ex = await explainByOcclusion(model, high, 1, 3, { cluster: [arts] });
    const exLow = await explainByOcclusion(model, low, 1, 3, { cluster: [arts] });
    const lowArts = exLow[0].cluster.find((r) => r.index === arts)!;
    expect(lowArts.contributions.find((c) => c.group === 'interest.A')!.delta).toBeLessThan(0);
    const artsResult = ex[0].cluster.find((r) => r.index === arts);
    expect(artsResult).toBeDefined();
    expect(artsResult!.contributions.find((c) => c.group === 'interest.A')!.delta).toBeGreaterThan(0);
  });
});

describe('calibration', () => {
  it('fits a temperature that undoes over-confident logits and lowers ECE', () => {
    // Logits scaled by 3 from well-calibrated ones: the fitted temperature should be close to 3.
    const k = 4, n = 4000;
    const logits = new Float32Array(n * k), labels = new Int32Array(n);
    let s = 1;
    const rnd = () => ((s = (s * 16807) % 2147483647) / 2147483647);
    for (let i = 0; i < n; i++) {
      const base = Array.from({ length: k }, () => rnd() * 3);
      const p = softmaxRows(Float32Array.from(base), k);
      let u = rnd(), y = 0;
      while (y < k - 1 && (u -= p[y]) > 0) y++;
      labels[i] = y;
      base.forEach((b, j) => (logits[i * k + j] = 3 * b));
    }
    const t = fitTemperature(logits, labels, k);
    expect(t).toBeGreaterThan(2.4);
    expect(t).toBeLessThan(3.6);
    const before = expectedCalibrationError(softmaxRows(logits, k), labels, k).ece;
    const after = expectedCalibrationError(softmaxRows(logits, k, t), labels, k).ece;
    expect(after).toBeLessThan(before);
    expect(after).toBeLessThan(0.05);
  });
});
