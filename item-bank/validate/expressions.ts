/** The expression elements of QTI 2.2/3.0 processing, by canonical (2.x) name. */
export const EXPRESSION_OPS = new Set(`baseValue variable default correct mapResponse mapResponsePoint null randomInteger randomFloat
multiple ordered containerSize isNull index fieldValue random member delete contains substring not and or anyN match stringMatch
patternMatch equal equalRounded inside lt gt lte gte durationLT durationGTE sum product subtract divide power integerDivide
integerModulus truncate round roundTo integerToFloat customOperator mathOperator statsOperator max min mathConstant gcd lcm repeat
recordEx testVariables outcomeMaximum outcomeMinimum numberCorrect numberIncorrect numberPresented numberResponded numberSelected`.split(/\s+/));

/** Expressions that name an item variable in `identifier`. */
export const VARIABLE_REFS = new Set(['variable', 'default', 'correct', 'mapResponse', 'mapResponsePoint']);

/** Test-level expressions that are only meaningful in outcomeProcessing of a test. */
export const TEST_ONLY_OPS = new Set(['testVariables', 'outcomeMaximum', 'outcomeMinimum', 'numberCorrect', 'numberIncorrect', 'numberPresented', 'numberResponded', 'numberSelected']);

/** Built-in item variables that need no declaration. */
export const BUILTIN_ITEM_VARIABLES = new Set(['completionStatus', 'numAttempts', 'duration']);

/**
 * Interaction kind -> allowed cardinalities and base types of the response it is bound to
 * (QTI 2.2 information model, "must be bound to a response variable with...").
 */
export const INTERACTION_BINDING: Record<string, { cardinality: string[]; baseType: string[] }> = {
  choice: { cardinality: ['single', 'multiple'], baseType: ['identifier'] },
  inlineChoice: { cardinality: ['single'], baseType: ['identifier'] },
  textEntry: { cardinality: ['single'], baseType: ['string', 'integer', 'float'] },
  extendedText: { cardinality: ['single', 'multiple', 'ordered', 'record'], baseType: ['string', 'integer', 'float'] },
  order: { cardinality: ['ordered'], baseType: ['identifier'] },
  match: { cardinality: ['single', 'multiple'], baseType: ['directedPair'] },
  associate: { cardinality: ['single', 'multiple'], baseType: ['pair'] },
  gapMatch: { cardinality: ['single', 'multiple'], baseType: ['directedPair'] },
  hottext: { cardinality: ['single', 'multiple'], baseType: ['identifier'] },
  hotspot: { cardinality: ['single', 'multiple'], baseType: ['identifier'] },
  selectPoint: { cardinality: ['single', 'multiple'], baseType: ['point'] },
  graphicOrder: { cardinality: ['ordered'], baseType: ['identifier'] },
  graphicAssociate: { cardinality: ['single', 'multiple'], baseType: ['pair'] },
  graphicGapMatch: { cardinality: ['single', 'multiple'], baseType: ['directedPair'] },
  slider: { cardinality: ['single'], baseType: ['integer', 'float'] },
  upload: { cardinality: ['single'], baseType: ['file'] },
  drawing: { cardinality: ['single'], baseType: ['file'] },
  positionObject: { cardinality: ['single', 'multiple'], baseType: ['point'] },
  media: { cardinality: ['single'], baseType: ['integer'] },
  endAttempt: { cardinality: ['single'], baseType: ['boolean'] },
};

/** XHTML elements allowed in QTI item bodies (plus MathML's root and a few media elements of 3.0). */
export const BODY_ELEMENTS = new Set(`a abbr acronym address b bdo bdi big blockquote br caption cite code col colgroup dd dfn div dl dt em
h1 h2 h3 h4 h5 h6 hr i img kbd li object ol p param pre q rb rp rt rtc ruby samp small span strong sub sup table tbody td tfoot th
thead tr tt ul var audio video source track figure figcaption article aside footer header nav section label del ins mark u s
math include`.split(/\s+/));
