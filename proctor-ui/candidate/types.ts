/** Shapes of the delivery API as the player uses them (see docs/delivery.md). */
export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** A node of the item body as the candidate view sends it. */
export interface QtiNode { name: string; attrs: Record<string, string>; children: (QtiNode | string)[] }

export interface CandidateChoice { identifier: string; element: string; fixed?: boolean; matchMax?: number; shape?: string; coords?: number[] }
export interface CandidateInteraction { kind: string; element: string; responseIdentifier: string; attrs: Record<string, string>; choices: CandidateChoice[]; matchSets?: CandidateChoice[][]; gaps?: CandidateChoice[] }
export interface CandidateView {
  identifier: string; title: string; language?: string;
  responses: { identifier: string; cardinality: string; baseType?: string }[];
  body: QtiNode | null; interactions: CandidateInteraction[];
}
export interface DeliveredItem { itemId: string; index: number; view: CandidateView; responses: Record<string, Json>; clientSeq: number | null; control: unknown }

export interface SessionView {
  sessionId: string; eventId: string;
  event: { code: string; title: string; opensAt: number | null; closesAt: number | null; showResults: string; language: string; requireAdmission: boolean };
  state: string; serverNow: number; startedAt: number | null; deadline: number | null; remainingMs: number | null; graceMs: number;
  accommodations: { extraMinutes?: number; extraPercent?: number; largeFont?: boolean; screenReader?: boolean } | null;
  current: { index: number; itemId: string; part: string; navigationMode: string; submissionMode: string } | null;
  items: { key: string; index: number; part: string; sections: string[]; answered: boolean; visited: boolean }[];
}
