import { describe, expect, it } from 'vitest';
import { parseCsv, parseRosterCsv } from './roster-csv.ts';

describe('roster CSV', () => {
  it('parses quoted cells, CRLF and a BOM', () => {
    const r = parseCsv('\ufeffa,b\r\n"x, ""y""",2\n');
    expect(r).toEqual([{ line: 1, cells: ['a', 'b'] }, { line: 2, cells: ['x, "y"', '2'] }]);
  });

  it('returns good rows with accommodations and reports each bad row with line and column', () => {
    const csv = [
      'candidate_id,ticket_code,room,extra_minutes,extra_percent,large_font',
      'S001,T-0001,R1,,,',
      'S002,,R1,15,,yes',
      ',T-0003,R1,,,',
      'S004,T-0001,R2,,,',
      'S005,T-0005,R2,abc,,',
      'S006,T-0006,R2,,25,maybe',
      'S001,T-0007,R2,,,',
      'S008,bad code!,R2,,,',
    ].join('\n');
    const { rows, problems } = parseRosterCsv(csv);
    expect(rows.map((r) => r.candidateId)).toEqual(['S001', 'S002']);
    expect(rows[1]).toMatchObject({ ticketCode: null, room: 'R1', accommodations: { extraMinutes: 15, largeFont: true } });
    const byLine = Object.fromEntries(problems.map((p) => [p.line, p.column]));
    expect(byLine).toEqual({ 4: 'candidate_id', 5: 'ticket_code', 6: 'extra_minutes', 7: 'large_font', 8: 'candidate_id', 9: 'ticket_code' });
    expect(problems.find((p) => p.line === 5)!.message).toContain('line 2');
  });

  it('refuses a file without candidate_id or with unknown columns', () => {
    expect(parseRosterCsv('name,room\nA,R1').problems.map((p) => p.message).join(' ')).toMatch(/unknown column 'name'.*candidate_id/);
    expect(parseRosterCsv('').problems[0]!.message).toMatch(/empty/);
    expect(parseRosterCsv('candidate_id\n"open').problems[0]!.message).toMatch(/not closed/);
  });
});
