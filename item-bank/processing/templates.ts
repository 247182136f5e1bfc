/**
 * The standard response-processing templates (match_correct, map_response, map_response_point)
 * as rule trees, so a template-scored item runs through the same compiled code as any other.
 * They score RESPONSE into SCORE, as the templates define.
 */
import type { Expr, Rule, StandardTemplate } from '../model/types.ts';

const v = (op: string, attrs: Record<string, string> = {}, args: Expr[] = [], text?: string): Expr => ({ op, attrs, args, text });
const setScore = (e: Expr): Rule => ({ kind: 'setOutcomeValue', identifier: 'SCORE', expr: e });
const RESPONSE = v('variable', { identifier: 'RESPONSE' });

export function standardTemplateRules(t: StandardTemplate): Rule[] {
  const zero = v('baseValue', { baseType: 'float' }, [], '0');
  switch (t) {
    case 'match_correct':
      return [{
        kind: 'condition',
        branches: [
          { cond: v('match', {}, [RESPONSE, v('correct', { identifier: 'RESPONSE' })]), rules: [setScore(v('baseValue', { baseType: 'float' }, [], '1'))] },
          { rules: [setScore(zero)] },
        ],
      }];
    case 'map_response':
    case 'map_response_point':
      return [{
        kind: 'condition',
        branches: [
          { cond: v('isNull', {}, [RESPONSE]), rules: [setScore(zero)] },
          { rules: [setScore(v(t === 'map_response' ? 'mapResponse' : 'mapResponsePoint', { identifier: 'RESPONSE' }))] },
        ],
      }];
  }
}
