/** Runtime environment shared by compiled expressions and rules. */
import type { AssessmentItem, BaseType, OutcomeDeclaration, QtiValue, ResponseDeclaration, VariableDeclarationBase } from '../model/types.ts';
import type { Rng } from './rng.ts';

/** Processing cannot go on: unsupported feature or a rule the item cannot satisfy. */
export class QtiProcessingError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = 'QtiProcessingError';
    this.code = code;
  }
}

/** One item as seen by test-level outcome processing. */
export interface TestItemState {
  /** assessmentItemRef identifier. */
  identifier: string;
  categories: string[];
  /** Identifiers of the enclosing sections, outermost first. */
  sections: string[];
  weights: Record<string, number>;
  vals: Record<string, QtiValue>;
  decls: Record<string, VariableDeclarationBase & Partial<OutcomeDeclaration>>;
  presented: boolean;
  responded: boolean;
  selected: boolean;
  /** undefined when the item has no correct responses to compare with. */
  correct: boolean | undefined;
}

export interface Env {
  /** Current values of every variable in scope (responses, outcomes, template variables). */
  vals: Record<string, QtiValue>;
  /** Correct responses (template processing may change them). */
  correct: Record<string, QtiValue>;
  /** Default values (template processing may change them). */
  defaults: Record<string, QtiValue>;
  rng: Rng;
  items?: TestItemState[];
}

/** What the compiler knows about the variables in scope. */
export interface CompileScope {
  level: 'item' | 'test';
  decls: Map<string, VariableDeclarationBase & Partial<ResponseDeclaration> & Partial<OutcomeDeclaration>>;
  /** Test-level: item declarations by assessmentItemRef identifier, when known. */
  item?: AssessmentItem;
}

export type Evaluator = (env: Env) => QtiValue;

export const BUILTIN_TYPES: Record<string, BaseType> = { numAttempts: 'integer', duration: 'duration', completionStatus: 'identifier' };
