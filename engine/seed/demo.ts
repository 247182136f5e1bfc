/**
 * Demo data for a fresh database: one school and class, a demo account per staff role, a few
 * candidates with ticket codes and PINs, one item bank with the QTI items of fixtures/demo/,
 * one assessmentTest and one published exam event with its room and roster.
 *
 * Passwords and PINs are random (never shipped in the code); they are printed at start and
 * kept in `<dataDir>/demo-logins.json` (mode 0600) so the console can show them again.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { JsonValue, Store } from '../store/types.ts';
import type { AuditService } from '../audit/service.ts';
import { hashPassword } from '../auth/password.ts';
import { generatePin, hashPin } from '../auth/secrets.ts';
import type { StaffRole } from '../auth/principal.ts';
import { parseItem, parseTest } from '../../item-bank/index.ts';

export interface DemoLogins {
  staff: Array<{ role: StaffRole; username: string; password: string }>;
  candidates: Array<{ name: string; ticketCode: string; pin: string }>;
  event: { code: string; title: string };
}

const FIXTURES = fileURLToPath(new URL('../../fixtures/demo/', import.meta.url));
export const DEMO_LOGINS_FILE = 'demo-logins.json';

const STAFF: Array<{ role: StaffRole; username: string; displayName: string }> = [
  { role: 'admin', username: 'admin', displayName: 'Quản trị viên (Admin)' },
  { role: 'author', username: 'author', displayName: 'Nguyễn Thị Soạn (Author)' },
  { role: 'proctor', username: 'proctor', displayName: 'Trần Văn Giám (Proctor)' },
  { role: 'counsellor', username: 'counsellor', displayName: 'Lê Thị Tư Vấn (Counsellor)' },
];

const STUDENTS = ['Nguyễn Văn An', 'Trần Thị Bình', 'Lê Minh Châu', 'Phạm Quốc Dũng', 'Võ Thị Em'];

/** A password that is easy to type from the console: 4 groups of 4 lowercase letters/digits. */
function demoPassword(): string {
  const a = 'abcdefghjkmnpqrstuvwxyz23456789';
  const b = randomBytes(16);
  let s = '';
  for (let i = 0; i < 16; i++) s += a[b[i] % a.length] + (i % 4 === 3 && i < 15 ? '-' : '');
  return s;
}

/** JSON-safe copy of a parsed model (drops undefined, Maps are not used by the model). */
function plain(v: unknown): JsonValue {
  return JSON.parse(JSON.stringify(v ?? null)) as JsonValue;
}

/** True when there is nothing to lose: no staff user exists yet. */
export async function needsSeed(store: Store): Promise<boolean> {
  return (await store.users.count()) === 0;
}

/**
 * Seeds the demo in one transaction and returns the logins. Refuses when users exist.
 * `secret` is the server secret (PIN hashes).
 */
export async function seedDemo(store: Store, audit: AuditService, secret: Buffer, dataDir?: string): Promise<DemoLogins> {
  if (!(await needsSeed(store))) throw new Error('the database already has users; the demo is only seeded into an empty database');
  const staff = await Promise.all(STAFF.map(async (s) => ({ ...s, password: demoPassword(), hash: '' })));
  for (const s of staff) s.hash = await hashPassword(s.password);

  const itemFiles = readdirSync(join(FIXTURES, 'items')).filter((f) => f.endsWith('.xml')).sort();
  const items = itemFiles.map((f) => {
    const xml = readFileSync(join(FIXTURES, 'items', f), 'utf8');
    const parsed = parseItem(xml, { path: `fixtures/demo/items/${f}` });
    if (!parsed.item) throw new Error(`demo item ${f} does not parse: ${parsed.problems.map((p) => p.message).join('; ')}`);
    return { file: f, xml, item: parsed.item };
  });
  const testXml = readFileSync(join(FIXTURES, 'test.xml'), 'utf8');
  const testParsed = parseTest(testXml, { path: 'fixtures/demo/test.xml' }) as { test?: unknown };

  const now = Date.now();
  const eventCode = 'DEMO-2026';
  const result = await store.transaction(async (tx) => {
    const school = await tx.schools.create({ code: 'DEMO-THPT', name: 'Trường THPT Mẫu (Demo High School)', district: 'Quận 1, TP.HCM' });
    const klass = await tx.schools.createClass({ schoolId: school.id, name: '12A1', grade: 12, schoolYear: '2026-2027' });
    const users: Record<string, string> = {};
    for (const s of staff) {
      const u = await tx.users.create({ username: s.username, passwordHash: s.hash, role: s.role, displayName: s.displayName });
      users[s.role] = u.id;
      if (s.role === 'proctor' || s.role === 'counsellor') await tx.users.addSchool(u.id, school.id);
    }
    const bank = await tx.itemBanks.createBank({ code: 'DEMO', name: 'Ngân hàng câu hỏi mẫu (Demo item bank)', language: 'vi', subject: 'mixed', description: 'A handful of QTI 2.2 items for the demo' });
    for (const it of items) {
      await tx.itemBanks.saveItemVersion({
        bankId: bank.id,
        identifier: it.item.identifier,
        qtiXml: it.xml,
        model: plain(it.item),
        metadata: { title: it.item.title ?? null, source: `fixtures/demo/items/${it.file}` },
      });
    }
    const { test } = await tx.tests.save({ bankId: bank.id, identifier: 'demo-test', title: 'Bài kiểm tra mẫu / Demo test', qtiXml: testXml, model: plain(testParsed.test) });
    const event = await tx.events.create({
      code: eventCode,
      title: 'Kỳ thi thử 2026 (Demo exam)',
      testId: test.id,
      opensAt: now - 3600_000,
      closesAt: now + 30 * 24 * 3600_000,
      status: 'published',
      settings: { durationSeconds: 1800, showResults: 'score' },
      createdBy: users.author,
      publishedAt: now,
    });
    const room = await tx.events.createRoom({ eventId: event.id, name: 'Phòng 01', capacity: 30 });
    await tx.events.addProctor(room.id, users.proctor);
    const candidates = [];
    for (let i = 0; i < STUDENTS.length; i++) {
      const cand = await tx.candidates.create(
        { schoolId: school.id, classId: klass.id, grade: 12 },
        { fullName: STUDENTS[i], studentCode: `HS${String(i + 1).padStart(4, '0')}`, dateOfBirth: `2009-0${(i % 9) + 1}-1${i}` },
      );
      const ticketCode = `${eventCode}-${String(i + 1).padStart(3, '0')}`;
      const pin = generatePin();
      candidates.push({ id: cand.id, name: STUDENTS[i], ticketCode, pin });
    }
    await tx.events.addRoster(candidates.map((c) => ({ eventId: event.id, candidateId: c.id, roomId: room.id, ticketCode: c.ticketCode, pinHash: hashPin(secret, c.ticketCode, c.pin) })));
    return { event, users, candidates };
  });
  await audit.record({ action: 'exam.published', actor: `user:${result.users.author}`, target: `event:${result.event.id}`, details: { code: eventCode, seeded: true } });
  const logins: DemoLogins = {
    staff: staff.map((s) => ({ role: s.role, username: s.username, password: s.password })),
    candidates: result.candidates.map((c) => ({ name: c.name, ticketCode: c.ticketCode, pin: c.pin })),
    event: { code: eventCode, title: result.event.title },
  };
  if (dataDir) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(join(dataDir, DEMO_LOGINS_FILE), JSON.stringify(logins, null, 2) + '\n', { mode: 0o600 });
  }
  return logins;
}

/** The demo logins saved at seed time, if the file is still there. */
export function readDemoLogins(dataDir: string): DemoLogins | undefined {
  const f = join(dataDir, DEMO_LOGINS_FILE);
  if (!existsSync(f)) return undefined;
  try {
    return JSON.parse(readFileSync(f, 'utf8')) as DemoLogins;
  } catch {
    return undefined;
  }
}

/** Console lines telling how to log in as each role. */
export function formatDemoLogins(url: string, l: DemoLogins): string {
  const lines = [`Demo logins (also in ${DEMO_LOGINS_FILE} in the data directory):`];
  for (const s of l.staff) lines.push(`  ${s.role.padEnd(11)} ${url}/  username ${s.username.padEnd(11)} password ${s.password}`);
  lines.push(`  candidate   ${url}/  (tab "Thí sinh / Candidate") for exam ${l.event.code}:`);
  for (const c of l.candidates) lines.push(`              ticket ${c.ticketCode}  PIN ${c.pin}   (${c.name})`);
  return lines.join('\n');
}
