/**
 * Who is calling: the principal that the session middleware puts on the request context.
 * Routes read it with `principalOf(c)`; proctor-ui may `import type` these shapes.
 */
export const ROLES = ['candidate', 'proctor', 'author', 'counsellor', 'admin'] as const;
export type Role = (typeof ROLES)[number];
export const STAFF_ROLES = ['admin', 'author', 'proctor', 'counsellor'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

export interface StaffPrincipal {
  kind: 'staff';
  userId: string;
  username: string;
  displayName?: string | null;
  role: StaffRole;
  /** Schools the user is scoped to (counsellors, proctors); empty = no school scope. */
  schoolIds: string[];
}

export interface CandidatePrincipal {
  kind: 'candidate';
  candidateId: string;
  role: 'candidate';
  schoolIds: string[];
  /** The exam event and roster entry the ticket belongs to. */
  eventId: string;
  rosterId: string;
  ticketCode: string;
}

export type Principal = StaffPrincipal | CandidatePrincipal;

/** Public view of a principal (GET /api/auth/me). */
export type Me = Principal;
