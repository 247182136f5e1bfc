/**
 * Public API of the QTI item bank (pure: no database, no HTTP, no environment).
 * QTI 2.1, 2.2 and 3.0 items and tests are read into one typed model and processed exactly
 * as the specification says.
 */
export * from './model/types.ts';
export { readXml, elements, child, childrenNamed, textOf, walk } from './xml/parse.ts';
export type { XmlReadResult, XmlProblem, XmlReadOptions } from './xml/parse.ts';
export { canonicalElementName, qti3ElementName, canonicalAttrName, qti3AttrName, QTI_ELEMENTS } from './xml/names.ts';
export { parseItem, itemFromNode, findInteractions, standardTemplateOf, INTERACTION_KINDS, CHOICE_ELEMENTS } from './model/item.ts';
export type { ParseOptions } from './model/item.ts';
export { parseTest, testFromNode } from './model/test.ts';
export { ReadContext, detectVersion } from './model/read-common.ts';
export {
  checkResponse, toJson, QtiResponseError, parsePrimitive, primitiveToText, primitiveFromJson, valueFromRaw, parseDuration,
} from './values.ts';
export type { Json } from './values.ts';
export { createItemScorer, scoreItem, runTemplateProcessing, ItemScorer } from './processing/item-scorer.ts';
export type { ScoreOptions, ScoreResult, TemplateState, TemplateJson } from './processing/item-scorer.ts';
export { processTestOutcomes, evaluateTestExpression } from './processing/test-outcomes.ts';
export type { TestItemResult } from './processing/test-outcomes.ts';
export { compileExpr, SUPPORTED_EXPRESSIONS, roundDecimal } from './processing/expressions.ts';
export { compileRules } from './processing/rules.ts';
export { QtiProcessingError } from './processing/env.ts';
export { mulberry32, shuffleWithFixed, seedToInt } from './processing/rng.ts';
export type { Rng } from './processing/rng.ts';
export { valuesMatch, xsdRegexToJs, pointInShape } from './processing/value-ops.ts';
export { candidateView, shufflesChoices } from './view/candidate.ts';
export type { CandidateView, CandidateInteraction, CandidateChoice, CandidateViewOptions } from './view/candidate.ts';
export { visibleFeedback } from './view/feedback.ts';
export type { VisibleFeedback } from './view/feedback.ts';
export { serializeItem, serializeTest, nodeToXml, convertTree, templateUri, QTI_NAMESPACES } from './serialize/xml.ts';
export type { SerializeOptions } from './serialize/xml.ts';
