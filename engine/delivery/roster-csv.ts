/**
 * Roster CSV import: one candidate a row. Every bad row is reported with its line number,
 * column and reason; good rows are returned for storing only when the caller decides
 * (the route stores nothing when any row is bad, so a fixed file can simply be re-sent).
 *
 * Columns (header row required, order free, names case-insensitive):
 *   candidate_id (required, the pseudonymous candidate id), ticket_code (optional, generated
 *   when empty), room (optional room name), extra_minutes, extra_percent (accommodations),
 *   large_font, screen_reader (true/false/1/0/yes/no, optional).
 */

export interface RosterRow {
  line: number;
  candidateId: string;
  ticketCode: string | null;
  room: string | null;
  accommodations: {
    extraMinutes?: number;
    extraPercent?: number;
    largeFont?: boolean;
    screenReader?: boolean;
  };
}

export interface RosterProblem {
  line: number;
  column?: string;
  message: string;
}

export interface RosterParseResult {
  rows: RosterRow[];
  problems: RosterProblem[];
}

const KNOWN = ['candidate_id', 'ticket_code', 'room', 'extra_minutes', 'extra_percent', 'large_font', 'screen_reader'] as const;
const TICKET_RE = /^[A-Za-z0-9-]{4,32}$/;

/** RFC 4180 CSV: quoted fields, doubled quotes, CRLF or LF. Returns rows with their 1-based line. */
export function parseCsv(text: string): { line: number; cells: string[] }[] | { error: string; line: number } {
  const out: { line: number; cells: string[] }[] = [];
  let cells: string[] = [];
  let cell = '';
  let line = 1;
  let rowLine = 1;
  let quoted = false;
  let i = 0;
  if (text.charCodeAt(0) === 0xfeff) i = 1; // BOM from spreadsheet exports
  for (; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i++;
        } else quoted = false;
      } else {
        if (ch === '\n') line++;
        cell += ch;
      }
      continue;
    }
    if (ch === '"' && cell === '') quoted = true;
    else if (ch === ',') {
      cells.push(cell);
      cell = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      cells.push(cell);
      if (!(cells.length === 1 && cells[0] === '')) out.push({ line: rowLine, cells });
      cells = [];
      cell = '';
      line++;
      rowLine = line;
    } else cell += ch;
  }
  if (quoted) return { error: 'a quoted field is not closed', line: rowLine };
  cells.push(cell);
  if (!(cells.length === 1 && cells[0] === '')) out.push({ line: rowLine, cells });
  return out;
}

function parseBool(v: string): boolean | undefined | 'bad' {
  const s = v.trim().toLowerCase();
  if (s === '') return undefined;
  if (['1', 'true', 'yes', 'y', 'có', 'co'].includes(s)) return true;
  if (['0', 'false', 'no', 'n', 'không', 'khong'].includes(s)) return false;
  return 'bad';
}

/** Parse and check a roster CSV. Never throws. */
export function parseRosterCsv(text: string, limits = { maxRows: 100_000 }): RosterParseResult {
  const problems: RosterProblem[] = [];
  const rows: RosterRow[] = [];
  const parsed = parseCsv(text);
  if (!Array.isArray(parsed)) return { rows, problems: [{ line: parsed.line, message: parsed.error }] };
  if (parsed.length === 0) return { rows, problems: [{ line: 1, message: 'the file is empty: expected a header row with candidate_id' }] };
  const header = parsed[0]!.cells.map((h) => h.trim().toLowerCase());
  const col = new Map<string, number>();
  header.forEach((h, i) => {
    if (!(KNOWN as readonly string[]).includes(h)) problems.push({ line: 1, column: h, message: `unknown column '${h}' (known: ${KNOWN.join(', ')})` });
    else if (col.has(h)) problems.push({ line: 1, column: h, message: `column '${h}' appears twice` });
    else col.set(h, i);
  });
  if (!col.has('candidate_id')) problems.push({ line: 1, column: 'candidate_id', message: 'missing required column candidate_id' });
  if (problems.length) return { rows, problems };
  if (parsed.length - 1 > limits.maxRows) return { rows, problems: [{ line: 1, message: `too many rows: ${parsed.length - 1} > ${limits.maxRows}` }] };

  const seenCandidate = new Map<string, number>();
  const seenTicket = new Map<string, number>();
  for (const { line, cells } of parsed.slice(1)) {
    const get = (name: string) => (col.has(name) ? (cells[col.get(name)!] ?? '').trim() : '');
    const before = problems.length;
    if (cells.length !== header.length) problems.push({ line, message: `expected ${header.length} cells, found ${cells.length}` });
    const candidateId = get('candidate_id');
    if (!candidateId) problems.push({ line, column: 'candidate_id', message: 'candidate_id is empty' });
    else if (seenCandidate.has(candidateId)) problems.push({ line, column: 'candidate_id', message: `candidate '${candidateId}' is already on line ${seenCandidate.get(candidateId)}` });
    const ticket = get('ticket_code');
    if (ticket && !TICKET_RE.test(ticket)) problems.push({ line, column: 'ticket_code', message: `ticket code '${ticket}' must be 4-32 letters, digits or '-'` });
    else if (ticket && seenTicket.has(ticket)) problems.push({ line, column: 'ticket_code', message: `ticket code '${ticket}' is already on line ${seenTicket.get(ticket)}` });
    const acc: RosterRow['accommodations'] = {};
    for (const [name, key, max] of [['extra_minutes', 'extraMinutes', 600], ['extra_percent', 'extraPercent', 300]] as const) {
      const v = get(name);
      if (v === '') continue;
      const n = Number(v);
      if (!Number.isFinite(n) || n < 0 || n > max) problems.push({ line, column: name, message: `'${v}' is not a number from 0 to ${max}` });
      else if (n > 0) acc[key] = n;
    }
    for (const [name, key] of [['large_font', 'largeFont'], ['screen_reader', 'screenReader']] as const) {
      const b = parseBool(get(name));
      if (b === 'bad') problems.push({ line, column: name, message: `'${get(name)}' is not true/false` });
      else if (b !== undefined) acc[key] = b;
    }
    if (problems.length === before) {
      seenCandidate.set(candidateId, line);
      if (ticket) seenTicket.set(ticket, line);
      rows.push({ line, candidateId, ticketCode: ticket || null, room: get('room') || null, accommodations: acc });
    }
  }
  return { rows, problems };
}
