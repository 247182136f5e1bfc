/**
 * The ONE repository test suite, run against every dialect on a real server
 * (store.sqlite.test.ts: a temp SQLite file; store.pg.test.ts: the run's PostgreSQL server).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getTableConfig, type SQLiteTable } from 'drizzle-orm/sqlite-core';
import * as schema from './schema.sqlite.ts';
import type { JsonValue, Store } from './types.ts';
import { isStoreError } from './errors.ts';

/** Makes a fresh, empty store each call; `cleanup` runs after the suite. */
export interface StoreFactory {
  make(): Promise<Store>;
  /** A second connection (another "engine process") to the database of a store `make` returned. */
  connect(store: Store): Promise<Store>;
  cleanup?(): Promise<void>;
}

const sortByKey = <T extends { key: string }>(rows: T[]) => [...rows].sort((x, y) => x.key.localeCompare(y.key));

let uniq = 0;
const u = (p: string) => `${p}-${Date.now().toString(36)}-${++uniq}`;

/**
 * A transaction held open on purpose (PostgreSQL lock tests): the body calls `reached()` once it
 * holds what it should and then awaits `held`; the test awaits `inside`, acts, then `release()`s.
 */
function hold() {
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  let reached!: () => void;
  const inside = new Promise<void>((r) => (reached = r));
  return { release, held, inside, reached };
}

export function defineStoreSuite(name: string, factory: StoreFactory): void {
  describe(`store (${name})`, () => {
    let store: Store;
    beforeAll(async () => {
      store = await factory.make();
      await store.migrate();
    });
    afterAll(async () => {
      await store?.close();
      await factory.cleanup?.();
    });

    /** A school, candidate, event and session to hang answers on. */
    async function sessionFixture(s: Store = store) {
      const school = await s.schools.create({ code: u('S'), name: 'Trường THCS Lê Lợi' });
      const candidate = await s.candidates.create({ schoolId: school.id, grade: 9 });
      const event = await s.events.create({ code: u('E'), title: 'Tiếng Anh 9' });
      const session = await s.sessions.create({ eventId: event.id, candidateId: candidate.id, state: 'in_progress', seed: '42' });
      return { school, candidate, event, session };
    }

    describe('migrations', () => {
      it('are idempotent and leave a non-empty database', async () => {
        await store.migrate();
        expect(await store.isEmpty()).toBe(false);
      });

      it('create every table and column the schema declares', async () => {
        const tables = (Object.values(schema) as unknown[]).filter((v): v is SQLiteTable => typeof v === 'object' && v !== null && 'getSQL' in v);
        expect(tables.length).toBeGreaterThanOrEqual(20);
        for (const t of tables) {
          const cfg = getTableConfig(t);
          const cols = store.dialect === 'sqlite'
            ? (await store.raw.query<{ name: string }>(`SELECT name FROM pragma_table_info('${cfg.name}')`)).map((r) => r.name)
            : (await store.raw.query<{ name: string }>("SELECT column_name AS name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ?", [cfg.name])).map((r) => r.name);
          expect(cols.sort(), cfg.name).toEqual(cfg.columns.map((c) => c.name).sort());
        }
      });

      it('reports an empty database before migrating', async () => {
        const fresh = await factory.make();
        try {
          expect(await fresh.isEmpty()).toBe(true);
        } finally {
          await fresh.close();
        }
      });
    });

    describe('users', () => {
      it('creates, finds, updates and scopes staff', async () => {
        const name = u('counsellor');
        const user = await store.users.create({ username: name, passwordHash: '$argon2id$x', role: 'counsellor', displayName: 'Cô Lan' });
        expect(user).toMatchObject({ username: name, role: 'counsellor', active: true, displayName: 'Cô Lan' });
        expect(typeof user.id).toBe('string');
        expect(await store.users.getByUsername(name)).toEqual(user);
        expect(await store.users.get('nope')).toBeUndefined();
        const upd = await store.users.update(user.id, { active: false, role: 'proctor' });
        expect(upd).toMatchObject({ active: false, role: 'proctor' });
        expect((await store.users.list({ role: 'proctor', active: false })).map((x) => x.id)).toContain(user.id);
        expect(await store.users.update('nope', { active: true })).toBeUndefined();

        const s1 = await store.schools.create({ code: u('S'), name: 'A' });
        const s2 = await store.schools.create({ code: u('S'), name: 'B' });
        await store.users.addSchool(user.id, s1.id);
        await store.users.addSchool(user.id, s2.id);
        await store.users.addSchool(user.id, s1.id); // no-op
        expect((await store.users.schoolsOf(user.id)).sort()).toEqual([s1.id, s2.id].sort());
        await store.users.removeSchool(user.id, s2.id);
        expect(await store.users.schoolsOf(user.id)).toEqual([s1.id]);
        expect(await store.users.count()).toBeGreaterThanOrEqual(1);
      });

      it('refuses a second user with the same username', async () => {
        const name = u('dup');
        await store.users.create({ username: name, passwordHash: 'h', role: 'author' });
        await expect(store.users.create({ username: name, passwordHash: 'h', role: 'author' })).rejects.toThrow();
      });
    });

    describe('schools, classes, candidates and personal data', () => {
      it('keeps personal data in its own table and erases it on request', async () => {
        const school = await store.schools.create({ code: u('S'), name: 'THPT Nguyễn Du', district: 'Quận 1' });
        expect(await store.schools.getByCode(school.code)).toEqual(school);
        const cls = await store.schools.createClass({ schoolId: school.id, name: '9A1', grade: 9, schoolYear: '2025-2026' });
        expect(await store.schools.listClasses(school.id)).toEqual([cls]);
        const cand = await store.candidates.create({ schoolId: school.id, classId: cls.id, grade: 9, consentCareer: true },
          { fullName: 'Trần Thị Bích', dateOfBirth: '2011-04-02', gender: 'F', studentCode: u('HS') });
        expect(cand).toMatchObject({ schoolId: school.id, classId: cls.id, grade: 9, consentCareer: true });
        expect(Object.keys(cand)).not.toContain('fullName');
        expect(await store.candidates.getPersonalData(cand.id)).toMatchObject({ fullName: 'Trần Thị Bích', dateOfBirth: '2011-04-02' });
        await store.candidates.setPersonalData(cand.id, { fullName: 'Trần Thị Bích Ngọc' });
        expect((await store.candidates.getPersonalData(cand.id))?.fullName).toBe('Trần Thị Bích Ngọc');
        expect((await store.candidates.list({ classId: cls.id })).map((c) => c.id)).toEqual([cand.id]);
        expect(await store.candidates.update(cand.id, { consentCareer: false })).toMatchObject({ consentCareer: false });
        expect(await store.candidates.deletePersonalData(cand.id)).toBe(true);
        expect(await store.candidates.getPersonalData(cand.id)).toBeUndefined();
        expect(await store.candidates.get(cand.id)).toBeDefined();
      });

      it('creates many candidates in one transaction', async () => {
        const school = await store.schools.create({ code: u('S'), name: 'Bulk' });
        const list = Array.from({ length: 1200 }, (_, i) => ({ candidate: { schoolId: school.id, grade: 12 }, personal: i % 2 ? { fullName: `HS ${i}` } : undefined }));
        const made = await store.candidates.createMany(list);
        expect(made).toHaveLength(1200);
        expect(await store.candidates.list({ schoolId: school.id })).toHaveLength(1200);
        expect(await store.candidates.getPersonalData(made[1].id)).toMatchObject({ fullName: 'HS 1' });
        expect(await store.candidates.getPersonalData(made[0].id)).toBeUndefined();
      });
    });

    describe('item banks', () => {
      it('versions items by content hash and keeps parameter versions', async () => {
        const bank = await store.itemBanks.createBank({ code: u('BANK'), name: 'English 9', language: 'en' });
        const xml1 = '<assessmentItem identifier="Q1"/>';
        const a = await store.itemBanks.saveItemVersion({ bankId: bank.id, identifier: 'Q1', qtiXml: xml1, model: { kind: 'choice', n: 4 }, metadata: { skill: 'reading' }, irtParams: { a: 1.2, b: -0.3 } });
        expect(a.status).toBe('created');
        expect(a.version).toMatchObject({ version: 1, model: { kind: 'choice', n: 4 }, irtParams: { a: 1.2, b: -0.3 } });
        const again = await store.itemBanks.saveItemVersion({ bankId: bank.id, identifier: 'Q1', qtiXml: xml1 });
        expect(again.status).toBe('unchanged');
        expect(again.version.id).toBe(a.version.id);
        const b = await store.itemBanks.saveItemVersion({ bankId: bank.id, identifier: 'Q1', qtiXml: xml1 + ' ' });
        expect(b).toMatchObject({ status: 'created', version: { version: 2 } });
        await store.itemBanks.saveItemVersion({ bankId: bank.id, identifier: 'Q2', qtiXml: '<q2/>' });
        const latest = await store.itemBanks.latestVersions(bank.id);
        expect(latest.map((x) => [x.item.identifier, x.version.version])).toEqual([['Q1', 2], ['Q2', 1]]);
        expect((await store.itemBanks.listVersions(a.item.id)).map((v) => v.version)).toEqual([1, 2]);
        expect(await store.itemBanks.getItem(bank.id, 'Q1')).toEqual(a.item);

        const p1 = await store.itemBanks.addParameters({ itemVersionId: b.version.id, model: '2pl', params: { a: 1.1, b: 0.2 }, source: 'import' });
        const p2 = await store.itemBanks.addParameters({ itemVersionId: b.version.id, model: '2pl', params: { a: 1.3, b: 0.1 }, source: 'calibration 2026-05' });
        expect([p1.version, p2.version]).toEqual([1, 2]);
        expect(await store.itemBanks.latestParameters(b.version.id)).toEqual(p2);
      });

      it('stores media bytes and recognises identical content', async () => {
        const bank = await store.itemBanks.createBank({ code: u('BANK'), name: 'Media' });
        const bytes = Buffer.from([0, 1, 2, 255, 254, 10, 13]);
        const m = await store.itemBanks.putMedia({ bankId: bank.id, path: 'img/a.png', mime: 'image/png', bytes });
        expect(m.status).toBe('created');
        expect((await store.itemBanks.putMedia({ bankId: bank.id, path: 'img/a.png', mime: 'image/png', bytes })).status).toBe('unchanged');
        const got = await store.itemBanks.getMedia(bank.id, 'img/a.png');
        expect(Buffer.compare(got!.bytes, bytes)).toBe(0);
        const bytes2 = Buffer.from('new image');
        await store.itemBanks.putMedia({ bankId: bank.id, path: 'img/a.png', mime: 'image/png', bytes: bytes2 });
        expect((await store.itemBanks.getMedia(bank.id, 'img/a.png'))!.bytes.toString()).toBe('new image');
        const listed = await store.itemBanks.listMedia(bank.id);
        expect(listed).toHaveLength(1);
        expect(listed[0]).not.toHaveProperty('bytes');
        expect(listed[0].size).toBe(bytes2.length);
      });
    });

    describe('tests, exam events, rooms and roster', () => {
      it('versions tests and lists the latest', async () => {
        const id = u('TEST');
        const t1 = await store.tests.save({ identifier: id, title: 'v1', qtiXml: '<assessmentTest/>', model: { parts: 1 } });
        expect(t1.status).toBe('created');
        expect((await store.tests.save({ identifier: id, qtiXml: '<assessmentTest/>' })).status).toBe('unchanged');
        const t2 = await store.tests.save({ identifier: id, title: 'v2', qtiXml: '<assessmentTest> </assessmentTest>' });
        expect(t2.test.version).toBe(2);
        expect((await store.tests.latest(id))?.id).toBe(t2.test.id);
        expect((await store.tests.list()).filter((t) => t.identifier === id).map((t) => t.version)).toEqual([2]);
      });

      it('holds events, rooms, proctors and a roster with unique tickets', async () => {
        const { candidate, event } = await sessionFixture();
        const c2 = await store.candidates.create({});
        const proctor = await store.users.create({ username: u('proctor'), passwordHash: 'h', role: 'proctor' });
        const upd = await store.events.update(event.id, { status: 'published', settings: { showResults: true, language: 'vi' }, publishedAt: 1 });
        expect(upd).toMatchObject({ status: 'published', settings: { showResults: true, language: 'vi' } });
        expect((await store.events.list({ status: 'published' })).map((e) => e.id)).toContain(event.id);
        const room = await store.events.createRoom({ eventId: event.id, name: 'P.101', capacity: 30 });
        await store.events.addProctor(room.id, proctor.id);
        expect(await store.events.proctorsOf(room.id)).toEqual([proctor.id]);
        expect(await store.events.roomsOfProctor(proctor.id)).toEqual([room]);
        const t1 = u('T');
        const [r1] = await store.events.addRoster([
          { eventId: event.id, candidateId: candidate.id, roomId: room.id, ticketCode: t1, pinHash: 'x', accommodations: { extraTimePercent: 25 } },
          { eventId: event.id, candidateId: c2.id, ticketCode: u('T') },
        ]);
        expect(await store.events.getRosterByTicket(t1)).toEqual(r1);
        expect(r1.accommodations).toEqual({ extraTimePercent: 25 });
        expect(await store.events.listRoster(event.id, { roomId: room.id })).toHaveLength(1);
        // One bad row (a duplicate ticket) stores nothing of the batch.
        const c3 = await store.candidates.create({});
        await expect(store.events.addRoster([
          { eventId: event.id, candidateId: c3.id, ticketCode: u('T') },
          { eventId: event.id, candidateId: c3.id, ticketCode: t1 },
        ])).rejects.toThrow();
        expect(await store.events.getRosterEntry(event.id, c3.id)).toBeUndefined();
        expect(await store.events.updateRosterEntry(r1.id, { pinHash: null })).toMatchObject({ pinHash: null });
      });
    });

    describe('exam sessions', () => {
      it('updates by compare-and-set on version', async () => {
        const { session } = await sessionFixture();
        expect(session.version).toBe(0);
        const ok = await store.sessions.update(session.id, 0, { state: 'paused', pausedAt: 1000, position: { part: 0, item: 3 } });
        expect(ok).toMatchObject({ ok: true, session: { state: 'paused', version: 1, position: { part: 0, item: 3 } } });
        const stale = await store.sessions.update(session.id, 0, { state: 'voided' });
        expect(stale).toMatchObject({ ok: false, reason: 'conflict', current: { state: 'paused', version: 1 } });
        expect(await store.sessions.update('nope', 0, { state: 'voided' })).toEqual({ ok: false, reason: 'not_found' });
        await store.sessions.touch(session.id, 5000);
        expect(await store.sessions.get(session.id)).toMatchObject({ lastSeenAt: 5000, version: 1 });
      });

      it('touches many sessions at once, never moving last-seen back, without a version bump', async () => {
        const a = (await sessionFixture()).session;
        const b = (await sessionFixture()).session;
        expect(await store.sessions.touchMany([[a.id, 7000], [b.id, 9000]])).toEqual([]);
        expect(await store.sessions.touchMany([[a.id, 6000]])).toEqual([]);
        expect(await store.sessions.get(a.id)).toMatchObject({ lastSeenAt: 7000, version: 0 });
        expect(await store.sessions.get(b.id)).toMatchObject({ lastSeenAt: 9000, version: 0 });
        expect(await store.sessions.touchMany([])).toEqual([]);
      });

      // SQLite has one writer: no other transaction can hold a row while touchMany runs.
      it.runIf(name === 'postgres')('skips, without waiting, a session another transaction holds', async () => {
        const a = (await sessionFixture()).session;
        const b = (await sessionFixture()).session;
        const h = hold();
        const tx = store.transaction(async (t) => {
          await t.sessions.update(a.id, 0, { state: 'paused', pausedAt: 1 });
          h.reached();
          await h.held;
        });
        await h.inside;
        const skipped = await Promise.race([store.sessions.touchMany([[a.id, 5000], [b.id, 5000]]), new Promise((r) => setTimeout(() => r('waited'), 3000))]);
        h.release();
        await tx;
        expect(skipped).toEqual([a.id]);
        expect(await store.sessions.get(b.id)).toMatchObject({ lastSeenAt: 5000 });
        expect(await store.sessions.get(a.id)).toMatchObject({ state: 'paused', lastSeenAt: null });
      });

      it('finds expired sessions through the (state, deadline_at) index, not a table scan', async () => {
        // The time-out sweep runs every few seconds over every session of the day's exams.
        const q = "SELECT id FROM exam_sessions WHERE state IN ('in_progress') AND deadline_at IS NOT NULL AND deadline_at <= 1000 ORDER BY deadline_at";
        if (store.dialect === 'sqlite') {
          const plan = (await store.raw.query<{ detail: string }>(`EXPLAIN QUERY PLAN ${q}`)).map((r) => r.detail).join('\n');
          expect(plan).toContain('exam_sessions_state_deadline_idx');
        } else {
          const idx = await store.raw.query<{ indexdef: string }>("SELECT indexdef FROM pg_indexes WHERE indexname = 'exam_sessions_state_deadline_idx'");
          expect(idx[0]?.indexdef).toMatch(/\(state, deadline_at\)/);
        }
      });

      it('lets exactly one of many concurrent transitions win', async () => {
        const { session } = await sessionFixture();
        const outcomes = await Promise.all(Array.from({ length: 12 }, (_, i) => store.sessions.update(session.id, 0, { state: 'submitted', submittedAt: i })));
        expect(outcomes.filter((o) => o.ok)).toHaveLength(1);
        expect((await store.sessions.get(session.id))?.version).toBe(1);
      });

      it('finds expired sessions and lists by event', async () => {
        const { event, session } = await sessionFixture();
        await store.sessions.update(session.id, 0, { deadlineAt: 10_000 });
        expect((await store.sessions.listExpired(9_999)).map((s) => s.id)).not.toContain(session.id);
        expect((await store.sessions.listExpired(10_000)).map((s) => s.id)).toContain(session.id);
        expect((await store.sessions.listByEvent(event.id, { states: ['in_progress'] })).map((s) => s.id)).toEqual([session.id]);
        expect(await store.sessions.listByEvent(event.id, { states: ['scored'] })).toEqual([]);
        await expect(store.sessions.create({ eventId: event.id, candidateId: session.candidateId, state: 'scheduled', seed: '1' })).rejects.toThrow();
      });
    });

    describe('responses', () => {
      it('appends idempotently: a retry returns the stored row and never overwrites it', async () => {
        const { session } = await sessionFixture();
        const first = await store.responses.append({ sessionId: session.id, itemIdentifier: 'Q1', responseIdentifier: 'RESPONSE', value: 'ChoiceA', clientSeq: 1, receivedAt: 100 });
        expect(first.status).toBe('stored');
        const retry = await store.responses.append({ sessionId: session.id, itemIdentifier: 'Q1', responseIdentifier: 'RESPONSE', value: 'ChoiceB', clientSeq: 1, receivedAt: 200 });
        expect(retry).toEqual({ status: 'duplicate', response: first.response });
        expect(await store.responses.count({ sessionId: session.id })).toBe(1);
      });

      it('keeps the newest client_seq per item whatever the arrival order', async () => {
        const { session } = await sessionFixture();
        const sid = session.id;
        await store.responses.append({ sessionId: sid, itemIdentifier: 'Q1', value: 'C', clientSeq: 3 });
        await store.responses.append({ sessionId: sid, itemIdentifier: 'Q1', value: 'A', clientSeq: 1 }); // late replay
        await store.responses.append({ sessionId: sid, itemIdentifier: 'Q2', value: ['A', 'B'], clientSeq: 2 });
        await store.responses.append({ sessionId: sid, itemIdentifier: 'Q1', value: 'B', clientSeq: 2 });
        const latest = await store.responses.latestResponses(sid);
        expect(latest.map((r) => [r.itemIdentifier, r.clientSeq, r.value])).toEqual([['Q1', 3, 'C'], ['Q2', 2, ['A', 'B']]]);
        const hist = await store.responses.history(sid);
        expect(hist.map((r) => r.clientSeq)).toEqual([3, 1, 2, 2]);
        expect(hist.map((r) => r.id)).toEqual([...hist.map((r) => r.id)].sort((a, b) => a - b));
      });

      it('reads back a text answer that looks like JSON as the text it was ("123", "true", "{...}")', async () => {
        // Regression (PostgreSQL): the driver decodes jsonb, then drizzle's jsonb column parsed
        // the decoded string again, so a typed "123" came back as the number 123.
        const { session } = await sessionFixture();
        const texts = ['123', 'true', 'null', '{"a":1}', '"quoted"', 'A'];
        for (const [i, v] of texts.entries()) await store.responses.append({ sessionId: session.id, itemIdentifier: `T${i}`, value: v, clientSeq: 1 });
        await store.responses.append({ sessionId: session.id, itemIdentifier: 'N', value: 123, clientSeq: 1 });
        const hist = await store.responses.history(session.id);
        expect(hist.map((r) => r.value)).toEqual([...texts, 123]);
        const latest = await store.responses.latestResponses(session.id);
        expect(Object.fromEntries(latest.map((r) => [r.itemIdentifier, r.value]))).toEqual({ ...Object.fromEntries(texts.map((v, i) => [`T${i}`, v])), N: 123 });
      });

      it('appends a batch in one transaction with per-answer status', async () => {
        const { session } = await sessionFixture();
        const b = await sessionFixture();
        await store.responses.append({ sessionId: session.id, itemIdentifier: 'Q5', value: 1, clientSeq: 5 });
        const batch = [
          ...Array.from({ length: 1000 }, (_, i) => ({ sessionId: i % 2 ? session.id : b.session.id, itemIdentifier: `Q${i % 40}`, value: { n: i, s: 'đáp án', ok: i % 3 === 0, nested: [null, 1.5] }, clientSeq: 1000 + i })),
          { sessionId: session.id, itemIdentifier: 'Q5', value: 99, clientSeq: 5 }, // stored earlier
          { sessionId: session.id, itemIdentifier: 'Q1', value: 'dup', clientSeq: 1001 }, // repeats element 1 of this batch
        ];
        const out = await store.responses.appendResponses(batch);
        expect(out).toHaveLength(1002);
        expect(out.slice(0, 1000).every((o) => o.status === 'stored')).toBe(true);
        expect(out[1000]).toMatchObject({ status: 'duplicate', response: { value: 1 } });
        expect(out[1001]).toMatchObject({ status: 'duplicate', response: { id: out[1].response!.id, value: { n: 1, s: 'đáp án', ok: false, nested: [null, 1.5] } } });
        expect(out[2].response).toMatchObject({ sessionId: b.session.id, itemIdentifier: 'Q2', clientSeq: 1002, value: { n: 2, ok: false } });
        expect(await store.responses.count({ sessionId: session.id })).toBe(501);
        expect(await store.responses.count({ sessionId: b.session.id })).toBe(500);
        // Replaying the whole batch stores nothing new.
        const again = await store.responses.appendResponses(batch);
        expect(again.every((o) => o.status === 'duplicate')).toBe(true);
        expect(again.map((o) => o.response!.id)).toEqual(out.map((o) => o.response!.id));
      });

      it('with whileInProgress, stores answers only for sessions in progress; retries of stored ones stay duplicates', async () => {
        const open = (await sessionFixture()).session; // in_progress
        const done = (await sessionFixture()).session;
        expect((await store.responses.appendResponses([{ sessionId: done.id, itemIdentifier: 'Q1', value: 'A', clientSeq: 1 }], { whileInProgress: true }))[0]).toMatchObject({ status: 'stored' });
        expect((await store.sessions.update(done.id, 0, { state: 'submitted', submittedAt: 1 })).ok).toBe(true);
        const out = await store.responses.appendResponses([
          { sessionId: open.id, itemIdentifier: 'Q1', value: 'B', clientSeq: 1 },
          { sessionId: done.id, itemIdentifier: 'Q2', value: 'C', clientSeq: 2 }, // after the submission
          { sessionId: done.id, itemIdentifier: 'Q1', value: 'A', clientSeq: 1 }, // a retry of the one acknowledged before
        ], { whileInProgress: true });
        expect(out.map((o) => o.status)).toEqual(['stored', 'closed', 'duplicate']);
        expect(await store.responses.count({ sessionId: done.id })).toBe(1);
        // Without the option the store does not look at the session's state (seeding, imports).
        expect((await store.responses.appendResponses([{ sessionId: done.id, itemIdentifier: 'Q2', value: 'C', clientSeq: 2 }]))[0]).toMatchObject({ status: 'stored' });
      });

      // SQLite has one writer, so the guard and the submission cannot overlap there. On
      // PostgreSQL (several engine processes) an answer stored by a transaction still open when
      // the session is submitted would be committed after scoring read the answers: acknowledged,
      // yet missing from the first result.
      describe.runIf(name === 'postgres')('whileInProgress against a concurrent submission', () => {
        it('a submission waits for an open transaction that stored an answer, and then sees it', async () => {
          const { session } = await sessionFixture();
          const h = hold();
          const answering = store.transaction(async (t) => {
            const out = await t.responses.appendResponses([{ sessionId: session.id, itemIdentifier: 'Q1', value: 'A', clientSeq: 1 }], { whileInProgress: true });
            h.reached();
            await h.held;
            return out[0]!.status;
          });
          await h.inside;
          // What scoring reads right after the submission committed.
          const submittedThenRead = store.sessions.update(session.id, 0, { state: 'submitted', submittedAt: 1 }).then(async (u) => ({ ok: u.ok, history: await store.responses.history(session.id) }));
          await new Promise((r) => setTimeout(r, 300));
          h.release();
          expect(await answering).toBe('stored');
          const after = await submittedThenRead;
          expect(after.ok).toBe(true);
          expect(after.history.map((r) => r.itemIdentifier)).toEqual(['Q1']);
        });

        it('an answer waits for an open submission and is then refused as closed', async () => {
          const { session } = await sessionFixture();
          const h = hold();
          const submitting = store.transaction(async (t) => {
            const u = await t.sessions.update(session.id, 0, { state: 'submitted', submittedAt: 1 });
            h.reached();
            await h.held;
            return u.ok;
          });
          await h.inside;
          const answer = store.responses.appendResponses([{ sessionId: session.id, itemIdentifier: 'Q1', value: 'A', clientSeq: 1 }], { whileInProgress: true });
          await new Promise((r) => setTimeout(r, 300));
          h.release();
          expect(await submitting).toBe(true);
          expect((await answer)[0]!.status).toBe('closed');
          expect(await store.responses.count({ sessionId: session.id })).toBe(0);
        });
      });

      it('stores nothing of a batch that names an unknown session (foreign key)', async () => {
        const { session } = await sessionFixture();
        await expect(store.responses.appendResponses([
          { sessionId: session.id, itemIdentifier: 'Q1', value: 'A', clientSeq: 1 },
          { sessionId: 'no-such-session', itemIdentifier: 'Q1', value: 'A', clientSeq: 1 },
        ])).rejects.toThrow();
        expect(await store.responses.count({ sessionId: session.id })).toBe(0);
        await expect(store.responses.append({ sessionId: session.id, itemIdentifier: 'Q1', value: 'A', clientSeq: 1.5 })).rejects.toThrow(/clientSeq/);
      });

      it('round-trips every JSON value form', async () => {
        const { session } = await sessionFixture();
        const values: JsonValue[] = [null, true, false, 0, -3, 2.5, '', 'Tiếng Việt ✓', ['A', 'B'], [[1, 2], [3, 4]], { name: 'f.txt', mimeType: 'text/plain', contentBase64: 'aGk=' }, { rec: { x: null } }];
        await store.responses.appendResponses(values.map((value, i) => ({ sessionId: session.id, itemIdentifier: `V${i}`, value, clientSeq: 1 })));
        const got = await store.responses.latestResponses(session.id);
        const byItem = new Map(got.map((r) => [r.itemIdentifier, r.value]));
        values.forEach((v, i) => expect(byItem.get(`V${i}`), `V${i}`).toEqual(v));
      });
    });

    describe('results, incidents, models, outcomes, app sessions', () => {
      it('versions results on rescoring and lists the latest per event', async () => {
        const { event, session } = await sessionFixture();
        const r1 = await store.results.add({ sessionId: session.id, outcomes: { SCORE: 7 }, theta: 0.4, se: 0.3, scaledScore: 7, level: 'B1', itemVersions: { Q1: 'v1' }, parameterVersions: { Q1: 'p1' } });
        const r2 = await store.results.add({ sessionId: session.id, reason: 'key of Q1 corrected', outcomes: { SCORE: 8 }, theta: 0.6, se: 0.3 });
        expect([r1.version, r2.version]).toEqual([1, 2]);
        expect(await store.results.latest(session.id)).toEqual(r2);
        expect(await store.results.list(session.id)).toEqual([r1, r2]);
        expect(await store.results.latestByEvent(event.id)).toEqual([r2]);
      });

      it('numbers concurrent rescorings and imports without gaps or clashes', async () => {
        const { session } = await sessionFixture();
        const made = await Promise.all(Array.from({ length: 8 }, (_, i) => store.results.add({ sessionId: session.id, outcomes: { SCORE: i } })));
        expect(made.map((r) => r.version).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
        const bank = await store.itemBanks.createBank({ code: u('BANK'), name: 'race' });
        const saved = await Promise.all(Array.from({ length: 6 }, (_, i) => store.itemBanks.saveItemVersion({ bankId: bank.id, identifier: 'Q', qtiXml: `<q n="${i % 3}"/>` })));
        expect(new Set(saved.map((s) => s.item.id)).size).toBe(1);
        const versions = await store.itemBanks.listVersions(saved[0].item.id);
        expect(versions.map((v) => v.version)).toEqual(versions.map((_, i) => i + 1));
      });

      it('records incidents', async () => {
        const { event, session } = await sessionFixture();
        await store.incidents.add({ eventId: event.id, sessionId: session.id, kind: 'focus_lost', at: 10 });
        await store.incidents.add({ eventId: event.id, kind: 'note', note: 'Mất điện phòng 101', actor: 'proctor-1', at: 20 });
        expect((await store.incidents.listByEvent(event.id)).map((i) => i.kind)).toEqual(['focus_lost', 'note']);
        expect((await store.incidents.listByEvent(event.id, { since: 15 })).map((i) => i.kind)).toEqual(['note']);
        expect(await store.incidents.listBySession(session.id)).toHaveLength(1);
      });

      it('saves model versions with their weights', async () => {
        const name = u('career');
        const weights = Buffer.from(new Float32Array([0.5, -1.25, 3]).buffer);
        const m1 = await store.models.save({ name, card: { task: 'career' }, metrics: { auc: 0.7 }, weights });
        const m2 = await store.models.save({ name, card: { task: 'career' } });
        expect([m1.version, m2.version]).toEqual([1, 2]);
        expect((await store.models.latest(name))?.id).toBe(m2.id);
        const got = await store.models.get(name, 1);
        expect(new Float32Array(new Uint8Array(got!.weights!).buffer)).toEqual(new Float32Array([0.5, -1.25, 3]));
        expect((await store.models.list(name)).map((m) => m.version)).toEqual([2, 1]);
      });

      it('records career outcomes', async () => {
        const c = await store.candidates.create({});
        await store.careerOutcomes.add({ candidateId: c.id, kind: 'admission', value: { group: 'A01' }, recordedAt: 5 });
        expect(await store.careerOutcomes.listByCandidate(c.id)).toMatchObject([{ kind: 'admission', value: { group: 'A01' } }]);
      });

      it('keeps login sessions until they expire', async () => {
        const user = await store.users.create({ username: u('admin'), passwordHash: 'h', role: 'admin' });
        const idHash = u('h');
        await store.appSessions.create({ idHash, userId: user.id, role: 'admin', csrfToken: 'tok', expiresAt: 1_000 });
        await store.appSessions.touch(idHash, 500, 2_000);
        expect(await store.appSessions.get(idHash)).toMatchObject({ lastSeenAt: 500, expiresAt: 2_000, csrfToken: 'tok' });
        expect(await store.appSessions.deleteExpired(1_999)).toBe(0);
        expect(await store.appSessions.deleteExpired(2_000)).toBeGreaterThanOrEqual(1);
        expect(await store.appSessions.get(idHash)).toBeUndefined();
      });
    });

    describe('login failures (rate limit windows)', () => {
      it('counts failures in a fixed window, restarts an ended one, clears and prunes', async () => {
        const a = u('a:acct'), i = u('i:ip');
        expect(await store.loginFailures.get([a, i])).toEqual([]);
        expect(await store.loginFailures.recordFailure([a, i], 1_000, 60_000)).toEqual(expect.arrayContaining([
          { key: a, failures: 1, pending: 0, pendingUntil: 0, resetAt: 61_000 }, { key: i, failures: 1, pending: 0, pendingUntil: 0, resetAt: 61_000 },
        ]));
        // Inside the window: +1, and the window's end does not move.
        await store.loginFailures.recordFailure([a, i], 30_000, 60_000);
        expect(await store.loginFailures.recordFailure([a], 60_999, 60_000)).toEqual([{ key: a, failures: 3, pending: 0, pendingUntil: 0, resetAt: 61_000 }]);
        expect(sortByKey(await store.loginFailures.get([a, i]))).toEqual(sortByKey([{ key: a, failures: 3, pending: 0, pendingUntil: 0, resetAt: 61_000 }, { key: i, failures: 2, pending: 0, pendingUntil: 0, resetAt: 61_000 }]));
        // Ended (reset_at <= now): a new window of one failure.
        expect(await store.loginFailures.recordFailure([a], 61_000, 60_000)).toEqual([{ key: a, failures: 1, pending: 0, pendingUntil: 0, resetAt: 121_000 }]);
        // The same key twice in one call counts once.
        expect(await store.loginFailures.recordFailure([i, i], 61_000, 60_000)).toEqual([{ key: i, failures: 1, pending: 0, pendingUntil: 0, resetAt: 121_000 }]);
        expect(await store.loginFailures.get([a])).toEqual([{ key: a, failures: 1, pending: 0, pendingUntil: 0, resetAt: 121_000 }]);
        expect((await store.loginFailures.get([a, i, u('none')])).length).toBe(2);
        await store.loginFailures.clear([a]);
        expect(await store.loginFailures.get([a, i])).toEqual([{ key: i, failures: 1, pending: 0, pendingUntil: 0, resetAt: 121_000 }]);
        expect(await store.loginFailures.deleteExpired(120_999)).toBe(0);
        expect(await store.loginFailures.deleteExpired(121_000)).toBeGreaterThanOrEqual(1);
        expect(await store.loginFailures.get([i])).toEqual([]);
      });

      it('counts every one of concurrent failures from two connections', async () => {
        const other = await factory.connect(store);
        try {
          const a = u('a:target'), i = u('i:ip');
          const now = Date.now();
          const n = 40;
          // Both connections fire at once, as two engine processes would under a guessing attack.
          await Promise.all(Array.from({ length: n }, (_, k) => (k % 2 ? other : store).loginFailures.recordFailure([a, i], now, 60_000)));
          expect(sortByKey(await other.loginFailures.get([a, i]))).toEqual(sortByKey([
            { key: a, failures: n, pending: 0, pendingUntil: 0, resetAt: now + 60_000 }, { key: i, failures: n, pending: 0, pendingUntil: 0, resetAt: now + 60_000 },
          ]));
          // A window that ends while both connections fail at once restarts exactly once.
          const later = now + 60_000;
          await Promise.all(Array.from({ length: n }, (_, k) => (k % 2 ? other : store).loginFailures.recordFailure([a], later, 60_000)));
          expect(await store.loginFailures.get([a])).toEqual([{ key: a, failures: n, pending: 0, pendingUntil: 0, resetAt: later + 60_000 }]);
        } finally {
          await other.close();
        }
      });

      it('reserves an attempt while failures + pending are below the limit and the IP is not spent', async () => {
        const a = u('a:acct'), i = u('i:ip'), b = u('a:other');
        const limits = { maxPerAccount: 3, maxPerIp: 3, leaseMs: 30_000 };
        expect(await store.loginFailures.reserve(a, i, 1_000, 60_000, limits)).toEqual({ reserved: true, window: { key: a, failures: 0, pending: 1, pendingUntil: 31_000, resetAt: 61_000 } });
        expect(await store.loginFailures.reserve(a, i, 2_000, 60_000, limits)).toEqual({ reserved: true, window: { key: a, failures: 0, pending: 2, pendingUntil: 32_000, resetAt: 61_000 } });
        // The first one failed: its place becomes a failure (and the IP counts one).
        expect(sortByKey(await store.loginFailures.recordFailure([a, i], 3_000, 60_000, a))).toEqual(sortByKey([
          { key: a, failures: 1, pending: 1, pendingUntil: 32_000, resetAt: 61_000 }, { key: i, failures: 1, pending: 0, pendingUntil: 0, resetAt: 63_000 },
        ]));
        expect(await store.loginFailures.reserve(a, i, 4_000, 60_000, limits)).toMatchObject({ reserved: true, window: { failures: 1, pending: 2 } });
        // 1 + 2 = 3: refused, nothing written; the windows come back for Retry-After.
        const refused = await store.loginFailures.reserve(a, i, 5_000, 60_000, limits);
        expect(refused.reserved).toBe(false);
        expect(sortByKey(refused.reserved ? [] : refused.windows)).toEqual(sortByKey([
          { key: a, failures: 1, pending: 2, pendingUntil: 34_000, resetAt: 61_000 }, { key: i, failures: 1, pending: 0, pendingUntil: 0, resetAt: 63_000 },
        ]));
        // One given back undecided: a place again. Never below 0.
        await store.loginFailures.release(a);
        expect(await store.loginFailures.get([a])).toEqual([{ key: a, failures: 1, pending: 1, pendingUntil: 34_000, resetAt: 61_000 }]);
        expect(await store.loginFailures.reserve(a, i, 6_000, 60_000, limits)).toMatchObject({ reserved: true, window: { failures: 1, pending: 2 } });
        // The lease ended (no reservation for 30 s): the attempts in flight count no more, the failure does.
        expect(await store.loginFailures.reserve(a, i, 36_000, 60_000, limits)).toEqual({ reserved: true, window: { key: a, failures: 1, pending: 1, pendingUntil: 66_000, resetAt: 61_000 } });
        // The window ended: a new one holding only this attempt.
        expect(await store.loginFailures.reserve(a, i, 61_000, 60_000, limits)).toEqual({ reserved: true, window: { key: a, failures: 0, pending: 1, pendingUntil: 91_000, resetAt: 121_000 } });
        // A failure after a success cleared the row: one failure, pending stays 0.
        await store.loginFailures.clear([a]);
        expect(await store.loginFailures.recordFailure([a], 62_000, 60_000, a)).toEqual([{ key: a, failures: 1, pending: 0, pendingUntil: 0, resetAt: 122_000 }]);
        // A spent IP refuses any account, and the refused attempt is not counted for it.
        for (let k = 0; k < 3; k++) await store.loginFailures.recordFailure([i], 63_000, 60_000);
        expect(await store.loginFailures.reserve(b, i, 64_000, 60_000, limits)).toEqual({ reserved: false, windows: [{ key: i, failures: 3, pending: 0, pendingUntil: 0, resetAt: 123_000 }] });
        expect(await store.loginFailures.get([b])).toEqual([]);
        await store.loginFailures.release(b);
        expect(await store.loginFailures.get([b])).toEqual([]);
        expect(await store.loginFailures.reserve(b, i, 64_000, 60_000, { ...limits, maxPerIp: 4 })).toMatchObject({ reserved: true });
        await store.loginFailures.clear([a, b, i]);
        expect(await store.loginFailures.get([a, b, i])).toEqual([]);
        await store.loginFailures.clear([]);
      });

      it('of concurrent reservations from two connections, exactly the places left succeed', async () => {
        const other = await factory.connect(store);
        try {
          const a = u('a:target'), i = u('i:ip');
          const now = Date.now();
          const limits = { maxPerAccount: 5, maxPerIp: 200, leaseMs: 30_000 };
          const burst = async (at: number) => (await Promise.all(Array.from({ length: 40 }, (_, k) => (k % 2 ? other : store).loginFailures.reserve(a, i, at, 60_000, limits)))).filter((r) => r.reserved).length;
          const state = async () => (await store.loginFailures.get([a])).map(({ failures, pending }) => ({ failures, pending }));
          // A key without a row (concurrent INSERTs of one key), then a live window (UPDATEs).
          expect(await burst(now)).toBe(5);
          expect(await store.loginFailures.get([a])).toEqual([{ key: a, failures: 0, pending: 5, pendingUntil: now + 30_000, resetAt: now + 60_000 }]);
          expect(await burst(now + 1)).toBe(0);
          // Two decided as failures (they keep their places), one given back: one place, for 40 at once.
          await Promise.all([store.loginFailures.recordFailure([a, i], now + 2, 60_000, a), other.loginFailures.recordFailure([a, i], now + 2, 60_000, a), other.loginFailures.release(a)]);
          expect(await state()).toEqual([{ failures: 2, pending: 2 }]);
          expect(await burst(now + 3)).toBe(1);
          expect(await state()).toEqual([{ failures: 2, pending: 3 }]);
        } finally {
          await other.close();
        }
      });
    });

    describe('transactions and constraints', () => {
      it('commits together or not at all', async () => {
        const code = u('TX');
        await expect(store.transaction(async (tx) => {
          await tx.schools.create({ code, name: 'rolled back' });
          expect(await tx.schools.getByCode(code)).toBeDefined(); // visible inside
          throw new Error('boom');
        })).rejects.toThrow('boom');
        expect(await store.schools.getByCode(code)).toBeUndefined();
        const made = await store.transaction(async (tx) => {
          const s = await tx.schools.create({ code, name: 'kept' });
          await tx.audit.append({ action: 'school.create', target: s.id });
          return s;
        });
        expect(await store.schools.getByCode(code)).toEqual(made);
      });

      it('reports constraint failures as StoreError without bound values', async () => {
        const name = u('secret-user');
        await store.users.create({ username: name, passwordHash: 'HASH-SHOULD-NOT-LEAK', role: 'admin' });
        const err = await store.users.create({ username: name, passwordHash: 'HASH-SHOULD-NOT-LEAK', role: 'admin' }).catch((e: unknown) => e);
        expect(isStoreError(err, 'unique')).toBe(true);
        expect(String((err as Error).message)).not.toContain('HASH-SHOULD-NOT-LEAK');
        const fk = await store.schools.createClass({ schoolId: 'missing', name: 'x' }).catch((e: unknown) => e);
        expect(isStoreError(fk, 'foreign_key')).toBe(true);
        const batch = await store.responses.appendResponses([{ sessionId: 'missing', itemIdentifier: 'Q', value: 1, clientSeq: 1 }]).catch((e: unknown) => e);
        expect(isStoreError(batch, 'foreign_key')).toBe(true);
      });

      it('isolates a failing call from the calls committed with it', async () => {
        const school = await store.schools.create({ code: u('S'), name: 'iso' });
        const dup = u('dup');
        const calls = [
          ...Array.from({ length: 10 }, (_, i) => store.users.create({ username: i === 9 ? dup : u('ok'), passwordHash: 'h', role: 'author' })),
          store.users.create({ username: dup, passwordHash: 'h', role: 'author' }),
          // multi-statement call whose second chunk fails: must leave nothing behind
          store.candidates.createMany([{ candidate: { schoolId: school.id } }, { candidate: { schoolId: 'missing' } }]),
          store.candidates.create({ schoolId: school.id }),
        ];
        const settled = await Promise.allSettled(calls);
        expect(settled.filter((r) => r.status === 'rejected')).toHaveLength(2);
        expect(settled[11].status).toBe('rejected');
        expect(await store.candidates.list({ schoolId: school.id })).toHaveLength(1);
        expect((await store.users.getByUsername(dup))?.id).toBeDefined();
      });

      it('enforces foreign keys', async () => {
        await expect(store.schools.createClass({ schoolId: 'missing', name: 'x' })).rejects.toThrow();
        await expect(store.raw.query('INSERT INTO responses (session_id, item_identifier, value, client_seq, received_at) VALUES (?, ?, NULL, ?, ?)', ['missing', 'Q', 1, 1])).rejects.toThrow();
      });
    });

    describe('audit log', () => {
      let audit: Store;
      beforeAll(async () => {
        audit = await factory.make(); // its own database: these tests break the chain on purpose
        await audit.migrate();
      });
      afterAll(async () => audit?.close());

      it('chains entries, serialises concurrent appends and detects tampering', async () => {
        const v0 = await audit.audit.verifyAuditChain();
        expect(v0).toEqual({ ok: true, checked: 0 });
        const e1 = await audit.audit.append({ actor: 'admin', action: 'login', details: { ip: '10.0.0.1', at: new Date(0) } as unknown as JsonValue });
        expect(e1).toMatchObject({ seq: 1, prevHash: '0'.repeat(64), details: { ip: '10.0.0.1', at: '1970-01-01T00:00:00.000Z' } });
        await Promise.all(Array.from({ length: 20 }, (_, i) => audit.audit.append({ actor: `p${i}`, action: 'proctor.pause', target: `s${i}`, details: { z: i, a: [i, { y: 'ý', b: true }] } })));
        await audit.audit.appendMany([{ action: 'a' }, { action: 'b' }]);
        const all = await audit.audit.list({ limit: 100 });
        expect(all.map((e) => e.seq)).toEqual(Array.from({ length: 23 }, (_, i) => i + 1));
        for (let i = 1; i < all.length; i++) expect(all[i].prevHash).toBe(all[i - 1].hash);
        expect(await audit.audit.verifyAuditChain()).toEqual({ ok: true, checked: 23, head: { seq: 23, hash: all[22].hash } });
        expect(await audit.audit.list({ action: 'proctor.pause', target: 's3' })).toHaveLength(1);

        // Edit one row behind the store's back.
        await audit.raw.query("UPDATE audit_log SET actor = 'mallory' WHERE seq = ?", [7]);
        expect(await audit.audit.verifyAuditChain()).toEqual({ ok: false, checked: 6, firstBrokenSeq: 7 });
      });

      it('detects a deleted entry', async () => {
        const other = await factory.make();
        try {
          await other.migrate();
          for (let i = 0; i < 5; i++) await other.audit.append({ action: `x${i}` });
          await other.raw.query('DELETE FROM audit_log WHERE seq = ?', [3]);
          expect(await other.audit.verifyAuditChain()).toMatchObject({ ok: false, firstBrokenSeq: 3 });
        } finally {
          await other.close();
        }
      });
    });
  });
}
