/**
 * Processing rules (response, template and outcome processing) compiled into closures.
 * A compiled rule returns true when an exit rule (exitResponse, exitTemplate, exitTest) fired.
 */
import type { BaseType, Primitive, QtiValue, Rule, VariableDeclarationBase } from '../model/types.ts';
import { compileExpr } from './expressions.ts';
import { QtiProcessingError, type CompileScope, type Env } from './env.ts';

export type CompiledRule = (env: Env) => boolean;

/** A templateConstraint was not satisfied: template processing must start again. */
export class TemplateConstraintViolation extends Error {}

/**
 * Converts a value to its declaration's type as setOutcomeValue/setTemplateValue do:
 * integer <-> float, single -> container.
 */
export function coerceToDecl(decl: VariableDeclarationBase, v: QtiValue): QtiValue {
  if (v === null) return null;
  const bt = decl.baseType;
  if (decl.cardinality === 'record') return v.cardinality === 'record' ? v : null;
  if (v.cardinality === 'record') return null;
  if (decl.cardinality === 'single') {
    if (v.cardinality !== 'single') return v.values.length === 1 ? { cardinality: 'single', baseType: bt ?? v.baseType, value: convert(v.values[0], v.baseType, bt) } : null;
    if (bt && bt !== v.baseType) return { cardinality: 'single', baseType: bt, value: convert(v.value, v.baseType, bt) };
    return v;
  }
  const values = v.cardinality === 'single' ? [v.value] : v.values;
  return { cardinality: decl.cardinality, baseType: bt ?? v.baseType, values: values.map((p) => convert(p, v.baseType, bt)) };
}

/** A float given to an integer variable is truncated; other values pass as they are. */
function convert(p: Primitive, from: BaseType, to: BaseType | undefined): Primitive {
  return to === 'integer' && from === 'float' && typeof p === 'number' ? Math.trunc(p) : p;
}

function lineOf(r: Rule): string {
  return r.line ? ` (line ${r.line}, column ${r.column})` : '';
}

/** Compiles a list of rules. Throws QtiProcessingError for undeclared targets or unsupported expressions. */
export function compileRules(rules: Rule[], scope: CompileScope): CompiledRule {
  const compiled = rules.map((r) => compileRule(r, scope));
  if (compiled.length === 1) return compiled[0];
  return (env) => {
    for (const c of compiled) if (c(env)) return true;
    return false;
  };
}

function compileRule(r: Rule, scope: CompileScope): CompiledRule {
  switch (r.kind) {
    case 'condition': {
      const branches = r.branches.map((b) => ({ cond: b.cond ? compileExpr(b.cond, scope) : undefined, body: compileRules(b.rules, scope) }));
      return (env) => {
        for (const b of branches) {
          if (b.cond) {
            const v = b.cond(env);
            // NULL counts as false
            if (!(v !== null && v.cardinality === 'single' && v.value === true)) continue;
          }
          return b.body(env);
        }
        return false;
      };
    }
    case 'setOutcomeValue':
    case 'setTemplateValue':
    case 'setCorrectResponse':
    case 'setDefaultValue': {
      const d = scope.decls.get(r.identifier);
      if (!d) throw new QtiProcessingError('rules.undeclared', `<${r.kind}>${lineOf(r)} sets undeclared variable '${r.identifier}'`);
      const f = compileExpr(r.expr, scope);
      const id = r.identifier;
      if (r.kind === 'setCorrectResponse') return (env) => ((env.correct[id] = coerceToDecl(d, f(env))), false);
      if (r.kind === 'setDefaultValue') return (env) => ((env.defaults[id] = coerceToDecl(d, f(env))), false);
      return (env) => ((env.vals[id] = coerceToDecl(d, f(env))), false);
    }
    case 'lookupOutcomeValue': {
      const d = scope.decls.get(r.identifier);
      if (!d) throw new QtiProcessingError('rules.undeclared', `<lookupOutcomeValue>${lineOf(r)} sets undeclared variable '${r.identifier}'`);
      const table = d.lookupTable;
      if (!table) throw new QtiProcessingError('rules.lookupTable', `<lookupOutcomeValue>${lineOf(r)}: outcome '${r.identifier}' has no matchTable or interpolationTable`);
      const f = compileExpr(r.expr, scope);
      const id = r.identifier;
      return (env) => {
        const v = f(env);
        const x = v !== null && v.cardinality === 'single' && typeof v.value === 'number' ? v.value : null;
        let out: QtiValue = table.defaultValue ?? null;
        if (x !== null) {
          if (table.kind === 'matchTable') {
            const hit = table.entries.find((en) => en.sourceValue === x);
            if (hit) out = hit.targetValue;
          } else {
            const hit = table.entries.find((en) => (en.includeBoundary ? x >= en.sourceValue : x > en.sourceValue));
            if (hit) out = hit.targetValue;
          }
        }
        env.vals[id] = coerceToDecl(d, out);
        return false;
      };
    }
    case 'exitResponse':
    case 'exitTest':
    case 'exitTemplate':
      return () => true;
    case 'fragment':
      return compileRules(r.rules, scope);
    case 'templateConstraint': {
      const f = compileExpr(r.expr, scope);
      return (env) => {
        const v = f(env);
        if (!(v !== null && v.cardinality === 'single' && v.value === true)) throw new TemplateConstraintViolation();
        return false;
      };
    }
  }
}
