/**
 * /api/career: the counsellor's reports (JSON, HTML, PDF) and class views. Roles: counsellor
 * (students of their schools only) and admin. Every view is audited by the service.
 */
import { z } from '@hono/zod-openapi';
import type { RouteModule } from '../http/deps.ts';
import { defineRoute } from '../http/route.ts';
import { staffOf } from '../auth/guard.ts';
import { CareerReportService } from './service.ts';
import { renderClassView, renderStudentReport } from './report-html.ts';
import { htmlToPdf } from './pdf.ts';
import { activeModel } from './registry.ts';
import type { Lang } from './i18n.ts';

const ROLES = ['counsellor', 'admin'] as const;
const lang = z.enum(['vi', 'en']).default('vi').openapi({ description: 'Report language' });
const idParam = z.object({ id: z.string().min(1).max(100).openapi({ param: { name: 'id', in: 'path' } }) });
const json = (schema: z.ZodType) => ({ 'application/json': { schema } });
const anyObject = z.record(z.string(), z.unknown());

const listStudents = defineRoute(ROLES, {
  method: 'get', path: '/api/career/students', tags: ['career'],
  summary: 'Students of the caller\'s schools, with consent flags and classes',
  request: { query: z.object({ classId: z.string().max(100).optional() }) },
  responses: { 200: { description: 'Students', content: json(z.object({ students: z.array(anyObject), classes: z.array(z.object({ id: z.string(), name: z.string() })) })) } },
});

const reportJson = defineRoute(ROLES, {
  method: 'get', path: '/api/career/students/{id}/report', tags: ['career'],
  summary: 'A student\'s career report as JSON (guidance only; AI part only with consent). Audited.',
  request: { params: idParam, query: z.object({ lang }) },
  responses: { 200: { description: 'Report', content: json(anyObject) } },
});

const reportHtml = defineRoute(ROLES, {
  method: 'get', path: '/api/career/students/{id}/report.html', tags: ['career'],
  summary: 'A student\'s career report as a self-contained HTML page. Audited.',
  request: { params: idParam, query: z.object({ lang }) },
  responses: { 200: { description: 'HTML', content: { 'text/html': { schema: z.string() } } } },
});

const reportPdf = defineRoute(ROLES, {
  method: 'get', path: '/api/career/students/{id}/report.pdf', tags: ['career'],
  summary: 'A student\'s career report as PDF (Chromium). Audited.',
  request: { params: idParam, query: z.object({ lang }) },
  responses: { 200: { description: 'PDF', content: { 'application/pdf': { schema: z.string().openapi({ format: 'binary' }) } } } },
});

const classJson = defineRoute(ROLES, {
  method: 'get', path: '/api/career/classes/{id}', tags: ['career'],
  summary: 'Class view: distribution of orientations (consenting students) and early warnings. Audited.',
  request: { params: idParam, query: z.object({ lang }) },
  responses: { 200: { description: 'Class view', content: json(anyObject) } },
});

const classHtml = defineRoute(ROLES, {
  method: 'get', path: '/api/career/classes/{id}/view.html', tags: ['career'],
  summary: 'Class view as HTML. Audited.',
  request: { params: idParam, query: z.object({ lang }) },
  responses: { 200: { description: 'HTML', content: { 'text/html': { schema: z.string() } } } },
});

const model = defineRoute(ROLES, {
  method: 'get', path: '/api/career/model', tags: ['career'],
  summary: 'The model version reports are made with, and its model card',
  responses: { 200: { description: 'Model', content: json(z.object({ version: z.string(), synthetic: z.boolean(), card: z.string() })) } },
});

export const careerRoutes: RouteModule = (app, { store, audit }) => {
  const service = new CareerReportService(store, audit);

  app.openapi(listStudents, async (c) => {
    const { classId } = c.req.valid('query');
    return c.json(await service.listStudents(staffOf(c), { classId }), 200);
  });

  app.openapi(reportJson, async (c) => {
    const { id } = c.req.valid('param');
    const { lang: l } = c.req.valid('query');
    return c.json(JSON.parse(JSON.stringify(await service.studentReport(staffOf(c), id, 'json', l))) as Record<string, unknown>, 200);
  });

  app.openapi(reportHtml, async (c) => {
    const { id } = c.req.valid('param');
    const { lang: l } = c.req.valid('query');
    const view = await service.studentReport(staffOf(c), id, 'html', l);
    c.header('Cache-Control', 'no-store');
    return c.html(renderStudentReport(view, l as Lang), 200);
  });

  app.openapi(reportPdf, async (c) => {
    const { id } = c.req.valid('param');
    const { lang: l } = c.req.valid('query');
    const view = await service.studentReport(staffOf(c), id, 'pdf', l);
    const pdf = await htmlToPdf(renderStudentReport(view, l as Lang));
    return c.body(pdf as unknown as ArrayBuffer, 200, {
      'Content-Type': 'application/pdf',
      'Content-Disposition': `attachment; filename="career-report-${id.replace(/[^A-Za-z0-9_-]/g, '')}.pdf"`,
      'Cache-Control': 'no-store',
    }) as never;
  });

  app.openapi(classJson, async (c) => {
    const { id } = c.req.valid('param');
    const { lang: l } = c.req.valid('query');
    return c.json(JSON.parse(JSON.stringify(await service.classView(staffOf(c), id, 'json', l))) as Record<string, unknown>, 200);
  });

  app.openapi(classHtml, async (c) => {
    const { id } = c.req.valid('param');
    const { lang: l } = c.req.valid('query');
    const view = await service.classView(staffOf(c), id, 'html', l);
    c.header('Cache-Control', 'no-store');
    return c.html(renderClassView(view, l as Lang), 200);
  });

  app.openapi(model, async (c) => {
    const a = await activeModel(store);
    return c.json({ version: a.version, synthetic: a.synthetic, card: a.card }, 200);
  });
};
