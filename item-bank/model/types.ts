/**
 * The typed QTI model shared by QTI 2.1, 2.2 and 3.0. Element and attribute names are the 2.x
 * camelCase ones; `qtiVersion` records where an object came from.
 */
import type { QtiNode } from '../xml/parse.ts';

export type { QtiNode };

export type QtiVersion = '2.1' | '2.2' | '3.0';

export type BaseType =
  | 'identifier' | 'boolean' | 'integer' | 'float' | 'string' | 'point' | 'pair'
  | 'directedPair' | 'duration' | 'file' | 'uri' | 'intOrIdentifier';

export type Cardinality = 'single' | 'multiple' | 'ordered' | 'record';

export const BASE_TYPES: readonly BaseType[] = [
  'identifier', 'boolean', 'integer', 'float', 'string', 'point', 'pair', 'directedPair', 'duration', 'file', 'uri', 'intOrIdentifier',
];
export const CARDINALITIES: readonly Cardinality[] = ['single', 'multiple', 'ordered', 'record'];

/** A problem found while reading or checking QTI. Never thrown for bad input. */
export interface Problem {
  severity: 'error' | 'warning';
  code: string;
  message: string;
  path?: string;
  line?: number;
  column?: number;
}

/**
 * A QTI value as used inside processing. NULL is `null`. Single values hold a primitive:
 * identifier/string/uri/intOrIdentifier -> string, integer/float/duration (seconds) -> number,
 * boolean -> boolean, point -> [x, y], pair/directedPair -> [a, b], file -> FileValue.
 * Containers hold an array of such primitives; record holds named QtiValues.
 */
export type QtiValue = SingleValue | ContainerValue | RecordValue | null;

export type Primitive = string | number | boolean | [number, number] | [string, string] | FileValue;

export interface FileValue {
  name: string;
  mimeType: string;
  contentBase64: string;
}

export interface SingleValue {
  cardinality: 'single';
  baseType: BaseType;
  value: Primitive;
}

export interface ContainerValue {
  cardinality: 'multiple' | 'ordered';
  baseType: BaseType;
  values: Primitive[];
}

export interface RecordValue {
  cardinality: 'record';
  fields: Record<string, QtiValue>;
}

/** Raw `<value>` elements as written (text plus optional fieldIdentifier/baseType for records). */
export interface RawValue {
  text: string;
  fieldIdentifier?: string;
  baseType?: BaseType;
}

export interface VariableDeclarationBase {
  identifier: string;
  cardinality: Cardinality;
  baseType?: BaseType;
  defaultValue?: QtiValue;
  defaultInterpretation?: string;
  line?: number;
  column?: number;
}

export interface MapEntry {
  mapKey: Primitive;
  mappedValue: number;
  caseSensitive: boolean;
}

export interface Mapping {
  lowerBound?: number;
  upperBound?: number;
  defaultValue: number;
  entries: MapEntry[];
}

export type Shape = 'circle' | 'rect' | 'poly' | 'ellipse' | 'default';

export interface AreaMapEntry {
  shape: Shape;
  coords: number[];
  mappedValue: number;
}

export interface AreaMapping {
  lowerBound?: number;
  upperBound?: number;
  defaultValue: number;
  entries: AreaMapEntry[];
}

export interface ResponseDeclaration extends VariableDeclarationBase {
  correctResponse?: QtiValue;
  correctInterpretation?: string;
  mapping?: Mapping;
  areaMapping?: AreaMapping;
}

export interface MatchTable {
  kind: 'matchTable';
  defaultValue?: QtiValue;
  entries: { sourceValue: number; targetValue: QtiValue }[];
}

export interface InterpolationTable {
  kind: 'interpolationTable';
  defaultValue?: QtiValue;
  entries: { sourceValue: number; includeBoundary: boolean; targetValue: QtiValue }[];
}

export interface OutcomeDeclaration extends VariableDeclarationBase {
  interpretation?: string;
  longInterpretation?: string;
  normalMaximum?: number;
  normalMinimum?: number;
  masteryValue?: number;
  externalScored?: string;
  views?: string[];
  lookupTable?: MatchTable | InterpolationTable;
}

export interface TemplateDeclaration extends VariableDeclarationBase {
  paramVariable: boolean;
  mathVariable: boolean;
}

/** A processing expression (baseValue, variable, sum, match, ...). */
export interface Expr {
  /** Canonical QTI element name, e.g. `match`, `mapResponse`. */
  op: string;
  attrs: Record<string, string>;
  args: Expr[];
  /** Text content (baseValue). */
  text?: string;
  line?: number;
  column?: number;
}

/** One branch of a condition: `cond` absent for the else branch. */
export interface Branch {
  cond?: Expr;
  rules: Rule[];
}

export type Rule =
  | { kind: 'condition'; branches: Branch[]; line?: number; column?: number }
  | { kind: 'setOutcomeValue' | 'setTemplateValue' | 'setCorrectResponse' | 'setDefaultValue'; identifier: string; expr: Expr; line?: number; column?: number }
  | { kind: 'lookupOutcomeValue'; identifier: string; expr: Expr; line?: number; column?: number }
  | { kind: 'exitResponse' | 'exitTest' | 'exitTemplate'; line?: number; column?: number }
  | { kind: 'fragment'; rules: Rule[]; line?: number; column?: number }
  | { kind: 'templateConstraint'; expr: Expr; line?: number; column?: number };

/** Standard response-processing templates Assay knows. */
export type StandardTemplate = 'match_correct' | 'map_response' | 'map_response_point';

export interface ResponseProcessing {
  /** The template URI or href as written, if any. */
  template?: string;
  templateLocation?: string;
  /** Recognised standard template (rules are then generated from it). */
  standardTemplate?: StandardTemplate;
  rules: Rule[];
}

export type InteractionKind =
  | 'choice' | 'inlineChoice' | 'textEntry' | 'extendedText' | 'order' | 'match' | 'associate' | 'gapMatch'
  | 'hottext' | 'hotspot' | 'selectPoint' | 'graphicOrder' | 'graphicAssociate' | 'graphicGapMatch' | 'slider'
  | 'upload' | 'media' | 'drawing' | 'positionObject' | 'endAttempt' | 'custom' | 'portableCustom';

/** A choice-like element of an interaction (simpleChoice, inlineChoice, gapText, hottext, hotspotChoice, ...). */
export interface Choice {
  identifier: string;
  /** Canonical element name, e.g. `simpleChoice`, `gap`, `associableHotspot`. */
  element: string;
  fixed: boolean;
  matchMax?: number;
  matchMin?: number;
  matchGroup?: string[];
  templateIdentifier?: string;
  showHide?: 'show' | 'hide';
  /** Shape and coords for hotspots. */
  shape?: Shape;
  coords?: number[];
  node: QtiNode;
}

export interface Interaction {
  kind: InteractionKind;
  /** Canonical element name, e.g. `choiceInteraction`. */
  element: string;
  responseIdentifier: string;
  attrs: Record<string, string>;
  shuffle: boolean;
  maxChoices?: number;
  minChoices?: number;
  /** Choices in document order (for match: both sets concatenated; see matchSets). */
  choices: Choice[];
  /** matchInteraction: the two simpleMatchSets. */
  matchSets?: Choice[][];
  /** gapMatch / graphicGapMatch: the gaps (gap or associableHotspot) separate from the draggables. */
  gaps?: Choice[];
  prompt?: QtiNode;
  /** The image/object of graphic interactions. */
  object?: QtiNode;
  node: QtiNode;
  line?: number;
  column?: number;
}

export interface ModalFeedback {
  outcomeIdentifier: string;
  identifier: string;
  showHide: 'show' | 'hide';
  title?: string;
  node: QtiNode;
}

export interface Stylesheet {
  href: string;
  type?: string;
  media?: string;
  title?: string;
}

/** Item metadata: LOM/QTI fields plus Assay's own (filled by the package reader from the manifest). */
export interface ItemMetadata {
  title?: string;
  language?: string;
  subject?: string;
  keywords?: string[];
  difficulty?: string;
  skill?: string;
  /** CEFR band A1..C2 or the 6-level framework band 1..6. */
  level?: string;
  itModule?: string;
  grade?: string;
  irt?: { model?: string; a?: number; b?: number; c?: number; d?: number; thresholds?: number[] };
  toolName?: string;
  toolVersion?: string;
  [extra: string]: unknown;
}

export interface AssessmentItem {
  kind: 'assessmentItem';
  identifier: string;
  title: string;
  label?: string;
  language?: string;
  adaptive: boolean;
  timeDependent: boolean;
  qtiVersion: QtiVersion;
  toolName?: string;
  toolVersion?: string;
  responseDeclarations: ResponseDeclaration[];
  outcomeDeclarations: OutcomeDeclaration[];
  templateDeclarations: TemplateDeclaration[];
  stylesheets: Stylesheet[];
  /** The itemBody element, faithful (XHTML, MathML, objects, feedback, rubric blocks). */
  itemBody?: QtiNode;
  interactions: Interaction[];
  responseProcessing?: ResponseProcessing;
  templateProcessing?: { rules: Rule[] };
  modalFeedback: ModalFeedback[];
  metadata: ItemMetadata;
  /** Source path, if given to the parser. */
  path?: string;
  /** The whole root element as read (for export of anything the model does not type). */
  source: QtiNode;
}

export interface TimeLimits {
  minTime?: number;
  maxTime?: number;
  allowLateSubmission: boolean;
}

export interface ItemSessionControl {
  maxAttempts?: number;
  showFeedback?: boolean;
  allowReview?: boolean;
  showSolution?: boolean;
  allowComment?: boolean;
  allowSkipping?: boolean;
  validateResponses?: boolean;
}

export interface BranchRule {
  target: string;
  expr: Expr;
}

export interface Weight {
  identifier: string;
  value: number;
}

export interface VariableMapping {
  sourceIdentifier: string;
  targetIdentifier: string;
}

export interface AssessmentItemRef {
  kind: 'assessmentItemRef';
  identifier: string;
  href: string;
  required: boolean;
  fixed: boolean;
  categories: string[];
  weights: Weight[];
  variableMappings: VariableMapping[];
  templateDefaults: { templateIdentifier: string; expr: Expr }[];
  itemSessionControl?: ItemSessionControl;
  timeLimits?: TimeLimits;
  preConditions: Expr[];
  branchRules: BranchRule[];
  line?: number;
  column?: number;
}

export interface Selection {
  select: number;
  withReplacement: boolean;
}

export interface AssessmentSection {
  kind: 'assessmentSection';
  identifier: string;
  title: string;
  visible: boolean;
  keepTogether: boolean;
  required: boolean;
  fixed: boolean;
  selection?: Selection;
  ordering?: { shuffle: boolean };
  itemSessionControl?: ItemSessionControl;
  timeLimits?: TimeLimits;
  preConditions: Expr[];
  branchRules: BranchRule[];
  rubricBlocks: QtiNode[];
  /** Child sections, item refs and section refs (href) in order. */
  parts: (AssessmentSection | AssessmentItemRef | { kind: 'assessmentSectionRef'; identifier: string; href: string })[];
  line?: number;
  column?: number;
}

export interface TestPart {
  identifier: string;
  navigationMode: 'linear' | 'nonlinear';
  submissionMode: 'individual' | 'simultaneous';
  itemSessionControl?: ItemSessionControl;
  timeLimits?: TimeLimits;
  preConditions: Expr[];
  branchRules: BranchRule[];
  sections: AssessmentSection[];
  testFeedback: TestFeedback[];
}

export interface TestFeedback {
  access: 'during' | 'atEnd';
  outcomeIdentifier: string;
  identifier: string;
  showHide: 'show' | 'hide';
  title?: string;
  node: QtiNode;
}

export interface AssessmentTest {
  kind: 'assessmentTest';
  identifier: string;
  title: string;
  qtiVersion: QtiVersion;
  toolName?: string;
  toolVersion?: string;
  outcomeDeclarations: OutcomeDeclaration[];
  testParts: TestPart[];
  outcomeProcessing?: { rules: Rule[] };
  timeLimits?: TimeLimits;
  testFeedback: TestFeedback[];
  stylesheets: Stylesheet[];
  metadata: ItemMetadata;
  path?: string;
  source: QtiNode;
}
