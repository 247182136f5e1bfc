/**
 * Practice-mode feedback: GET /api/delivery/session/items/{itemId}/feedback scores the
 * candidate's latest STORED responses of one item of their own session (item-bank scoreItem)
 * and returns the feedback those outcomes make visible (item-bank visibleFeedback), plus the
 * correct responses when the item's itemSessionControl has showSolution. An exam whose
 * itemSessionControl allows neither gets 403 `feedback_not_allowed`: a normal exam never
 * sends feedback content or keys to the browser.
 */
import { z } from '@hono/zod-openapi';
import { runTemplateProcessing, toJson, visibleFeedback, type Json } from '../../item-bank/index.ts';
import type { RouteModule } from '../http/deps.ts';
import { Forbidden } from '../http/errors.ts';
import { defineRoute } from '../http/route.ts';
import { ownItem } from './candidate-item.ts';
import { deliveryRuntime } from './runtime.ts';
import { itemSeed, latestByItem, scorerFor } from './scoring.ts';

const NodeSchema = z.unknown().openapi({ description: 'Body node tree {name, attrs, children}' });

const getFeedback = defineRoute(['candidate'], {
  method: 'get', path: '/api/delivery/session/items/{itemId}/feedback', tags: ['delivery'],
  summary: 'Practice mode: feedback (and solution) for your latest saved responses to an item',
  request: { params: z.object({ itemId: z.string().min(1).max(200) }) },
  responses: {
    200: {
      description: 'Visible feedback; solution only when the test shows solutions',
      content: {
        'application/json': {
          schema: z.object({
            itemId: z.string(),
            answered: z.boolean(),
            modal: z.array(z.object({ identifier: z.string(), title: z.string().optional(), node: NodeSchema })),
            inline: z.array(z.object({ identifier: z.string(), element: z.string(), node: NodeSchema })),
            solution: z.record(z.string(), z.unknown()).optional().openapi({ description: 'responseId -> correct value (DESIGN.md JSON form)' }),
          }).openapi('ItemFeedback'),
        },
      },
    },
    403: { description: 'feedback_not_allowed: the exam shows no feedback or solutions', content: { 'application/json': { schema: z.unknown() } } },
  },
});

export const deliveryFeedbackRoutes: RouteModule = (app, deps) => {
  const svc = deliveryRuntime(deps).service;

  app.openapi(getFeedback, async (c) => {
    const key = c.req.valid('param').itemId;
    const { session, planned, loaded } = await ownItem(c, svc, key);
    const { showFeedback, showSolution } = planned.control;
    if (!showFeedback && !showSolution) throw new Forbidden(`the exam shows no feedback or solutions for item '${key}'`, undefined, 'feedback_not_allowed');
    await svc.settle(session.id);
    const history = (await deps.store.responses.history(session.id)).filter((r) => r.itemIdentifier === planned.key);
    const responses = latestByItem(history).get(planned.key) ?? {};
    const seed = itemSeed(session, planned.key);
    const out: { itemId: string; answered: boolean; modal: unknown[]; inline: unknown[]; solution?: Record<string, Json> } = { itemId: planned.key, answered: history.length > 0, modal: [], inline: [] };
    if (showFeedback) {
      const outcomes = scorerFor(loaded).score(responses, { seed }).outcomes;
      const fb = visibleFeedback(loaded.item, outcomes);
      out.modal = fb.modal.map((m) => ({ identifier: m.identifier, title: m.title, node: m.node }));
      out.inline = fb.inline.map((m) => ({ identifier: m.identifier, element: m.element, node: m.node }));
    }
    if (showSolution) {
      // Template processing may change the correct response of a cloned item: same seed as scoring.
      const correct = runTemplateProcessing(loaded.item, seed).correct;
      out.solution = Object.fromEntries(Object.entries(correct).filter(([, v]) => v != null).map(([k, v]) => [k, toJson(v)]));
    }
    c.header('Cache-Control', 'no-store');
    return c.json(out as never, 200);
  });
};
