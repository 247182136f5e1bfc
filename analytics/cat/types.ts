/**
 * The CAT contract: a bank item with its content area and enemies, the design (selection, exposure
 * control, content balancing, start, estimator, stopping), the state (responses so far) and the
 * result of one step. The delivery engine stores the state and calls `catStep` after each answer.
 */
import type { IrtItem } from '../irt/model.ts';

/** A calibrated item as CAT sees it. */
export interface CatItem extends IrtItem {
  /** Content area for blueprint balancing (for example 'grammar', 'IU03'). */
  content?: string;
  /** Ids of items that must never be given to the same candidate together with this one. */
  enemies?: string[];
}

export type SelectionMethod = 'mfi' | 'kl' | 'astrat' | 'random';
export type ExposureMethod = 'none' | 'randomesque' | 'sympson-hetter';
export type StartMethod = 'fixed' | 'random' | 'prior';
export type EstimatorMethod = 'eap' | 'map' | 'mle' | 'wle';

export interface CatDesign {
  selection?: {
    /** Default `mfi` (maximum Fisher information at the current θ). */
    method?: SelectionMethod;
    /** a-stratified: number of strata (default 4). */
    strata?: number;
    /** KL: half-width of the integration window is `klZ / √n` (Chang & Ying 1996; default 3). */
    klZ?: number;
  };
  exposure?: {
    /** Default `none`. */
    method?: ExposureMethod;
    /** randomesque: pick at random among this many best items (Kingsbury & Zara 1989; default 5). */
    randomesque?: number;
    /** Sympson–Hetter exposure-control parameters K_i by item id (missing = 1). */
    parameters?: Record<string, number>;
  };
  content?: {
    /** Target proportion of the test per content area; the most under-represented area is served first (Kingsbury & Zara 1989). */
    blueprint: Record<string, number>;
  };
  /** Groups of mutually exclusive items (added to each item's own `enemies`). */
  enemies?: string[][];
  start?: {
    /** Default `fixed`. */
    method?: StartMethod;
    /** fixed: θ to start from (default 0); prior: used when the state carries no `priorTheta`. */
    theta?: number;
    /** random: uniform range (default [−1, 1]). */
    range?: [number, number];
  };
  estimator?: {
    /** Default `eap`. MLE and WLE fall back to EAP while the pattern is all-min or all-max. */
    method?: EstimatorMethod;
    /** Normal prior for EAP/MAP (default N(0, 1)). */
    prior?: { mean: number; sd: number };
  };
  stop?: {
    /** Stop once SE(θ) ≤ this (after `minItems`). */
    seTarget?: number;
    /** Never stop before this many items (default 1). */
    minItems?: number;
    /** Always stop at this many items (default: bank size). */
    maxItems?: number;
    /** Classification by SPRT around each cut (Reckase 1983; Eggen 1999 for several cuts). */
    sprt?: { cuts: number[]; delta?: number; alpha?: number; beta?: number };
  };
  /** Cut scores on θ for the reported classification (SPRT cuts when absent); labels optional (one more than cuts). */
  classification?: { cuts: number[]; labels?: string[] };
}

export interface CatResponse {
  itemId: string;
  category: number;
}

export interface CatState {
  responses: CatResponse[];
  /** θ from earlier information about the candidate (start method `prior`). */
  priorTheta?: number;
}

export type StopReason = 'se-target' | 'max-items' | 'sprt' | 'pool-exhausted';

export interface CatClassification {
  /** 0 = below the first cut, k = at or above cut k. */
  index: number;
  label?: string;
}

export type CatStepResult =
  | { kind: 'item'; itemId: string; theta: number; se: number }
  | { kind: 'stop'; reason: StopReason; theta: number; se: number; classification?: CatClassification };
