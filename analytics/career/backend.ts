import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { createRequire } from 'node:module';
import path from 'node:path';

/**
 * Chooses the TensorFlow.js backend once per process: the native tfjs-node when it is installed
 * (its install-time download is often blocked, so it is optional), else wasm with the .wasm
 * files loaded from node_modules (no network), else the plain cpu backend with a log line.
 */
let ready: Promise<string> | undefined;

/** Make sure a backend is ready; returns its name. `log` receives one line when falling back. */
export function ensureBackend(log: (line: string) => void = (l) => console.warn(l)): Promise<string> {
  ready ??= (async () => {
    const require = createRequire(import.meta.url);
    try {
      require.resolve('@tensorflow/tfjs-node');
      const name = '@tensorflow/tfjs-node';
      await import(name);
      if (await tf.setBackend('tensorflow')) return 'tensorflow';
    } catch {
      // Not installed: the usual case.
    }
    try {
      const dir = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'));
      setWasmPaths(path.join(dir, 'dist') + path.sep);
      if (await tf.setBackend('wasm')) { await tf.ready(); return 'wasm'; }
      throw new Error('setBackend(wasm) returned false');
    } catch (err) {
      log(`career model: wasm backend unavailable (${(err as Error).message}); falling back to the slower cpu backend`);
      await tf.setBackend('cpu');
      await tf.ready();
      return 'cpu';
    }
  })();
  return ready;
}

export { tf };
