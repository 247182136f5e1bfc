/**
 * Element and attribute name normalisation between QTI 3.0 (`qti-choice-interaction`,
 * `response-identifier`) and QTI 2.x (`choiceInteraction`, `responseIdentifier`).
 * The 2.x camelCase names are canonical in the model.
 */

/** 3.0 names whose mechanical camelCase form differs from the 2.x name. */
const SPECIAL_30_TO_2X: Record<string, string> = {
  'qti-duration-lt': 'durationLT',
  'qti-duration-gte': 'durationGTE',
  'qti-content-body': 'contentBody',
};

/** 2.x names whose mechanical kebab form differs from the 3.0 name (reverse of the above). */
const SPECIAL_2X_TO_30: Record<string, string> = {
  durationLT: 'qti-duration-lt',
  durationGTE: 'qti-duration-gte',
};

const cache30 = new Map<string, string>();

export function kebabToCamel(s: string): string {
  return s.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

export function camelToKebab(s: string): string {
  return s.replace(/([A-Z])/g, (c) => '-' + c.toLowerCase());
}

/** `qti-choice-interaction` -> `choiceInteraction`; other names unchanged. */
export function canonicalElementName(name: string): string {
  if (!name.startsWith('qti-')) return name;
  let c = cache30.get(name);
  if (c === undefined) {
    c = SPECIAL_30_TO_2X[name] ?? kebabToCamel(name.slice(4));
    cache30.set(name, c);
  }
  return c;
}

/** `choiceInteraction` -> `qti-choice-interaction` (for QTI elements only). */
export function qti3ElementName(canonical: string): string {
  return SPECIAL_2X_TO_30[canonical] ?? 'qti-' + camelToKebab(canonical);
}

/** 3.0 attribute names are kebab-case; data-* and aria-* attributes keep their form. */
export function canonicalAttrName(name: string): string {
  if (!name.includes('-') || name.startsWith('data-') || name.startsWith('aria-')) return name;
  return kebabToCamel(name);
}

/** Reverse of canonicalAttrName for 3.0 output. */
export function qti3AttrName(name: string): string {
  if (name.startsWith('data-') || name.startsWith('aria-') || name.startsWith('xml') || name.includes(':')) return name;
  return camelToKebab(name);
}

/**
 * Every element of the QTI 2.x information model (the names that get the `qti-` prefix in 3.0).
 * Used to tell QTI elements from XHTML/MathML ones when writing 3.0.
 */
export const QTI_ELEMENTS = new Set<string>(`assessmentItem assessmentTest assessmentSection assessmentItemRef assessmentSectionRef testPart
responseDeclaration outcomeDeclaration templateDeclaration contextDeclaration correctResponse defaultValue value mapping mapEntry
areaMapping areaMapEntry interpretation lookupTable matchTable matchTableEntry interpolationTable interpolationTableEntry
stylesheet itemBody rubricBlock responseProcessing templateProcessing outcomeProcessing modalFeedback testFeedback
feedbackInline feedbackBlock templateInline templateBlock printedVariable prompt
choiceInteraction simpleChoice inlineChoiceInteraction inlineChoice textEntryInteraction extendedTextInteraction
orderInteraction matchInteraction simpleMatchSet simpleAssociableChoice associateInteraction gapMatchInteraction gap gapText gapImg
hottextInteraction hottext hotspotInteraction hotspotChoice selectPointInteraction graphicOrderInteraction
graphicAssociateInteraction associableHotspot graphicGapMatchInteraction sliderInteraction uploadInteraction
mediaInteraction drawingInteraction positionObjectInteraction positionObjectStage endAttemptInteraction customInteraction
portableCustomInteraction interactionModules interactionModule interactionMarkup templateVariable contextVariable
responseCondition responseIf responseElseIf responseElse setOutcomeValue lookupOutcomeValue exitResponse responseProcessingFragment
templateCondition templateIf templateElseIf templateElse setTemplateValue setCorrectResponse setDefaultValue templateConstraint exitTemplate
outcomeCondition outcomeIf outcomeElseIf outcomeElse exitTest outcomeProcessingFragment
baseValue variable default correct mapResponse mapResponsePoint null randomInteger randomFloat multiple ordered containerSize isNull
index fieldValue random member delete contains substring not and or anyN match stringMatch patternMatch equal equalRounded inside
lt gt lte gte durationLT durationGTE sum product subtract divide power integerDivide integerModulus truncate round roundTo
integerToFloat customOperator mathOperator statsOperator max min mathConstant gcd lcm repeat recordEx
testVariables outcomeMaximum outcomeMinimum numberCorrect numberIncorrect numberPresented numberResponded numberSelected
itemSessionControl timeLimits preCondition branchRule selection ordering weight variableMapping templateDefault itemSubset
sectionPart contentBody catalogInfo catalog card cardEntry companionMaterialsInfo`.split(/\s+/));
