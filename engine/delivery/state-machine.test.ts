import { describe, expect, it } from 'vitest';
import { SESSION_STATES, TRANSITIONS, SessionTransitionError, assertTransition, canTransition, nextState } from './state-machine.ts';

describe('session state machine', () => {
  it('allows the normal path scheduled -> admitted -> in_progress -> paused -> in_progress -> submitted -> scored', () => {
    let s = nextState('scheduled', 'admit');
    s = nextState(s, 'start');
    s = nextState(s, 'pause');
    s = nextState(s, 'resume');
    s = nextState(s, 'submit');
    s = nextState(s, 'score');
    expect(s).toBe('scored');
    expect(nextState(s, 'rescore')).toBe('scored');
  });

  it('refuses every pair not in the table with a typed error naming from and to', () => {
    let refused = 0;
    for (const from of SESSION_STATES) {
      for (const to of SESSION_STATES) {
        const ok = TRANSITIONS[from].includes(to);
        expect(canTransition(from, to)).toBe(ok);
        if (!ok) {
          refused++;
          try {
            assertTransition(from, to);
            expect.unreachable();
          } catch (e) {
            expect(e).toBeInstanceOf(SessionTransitionError);
            expect((e as SessionTransitionError).from).toBe(from);
            expect((e as SessionTransitionError).to).toBe(to);
            expect((e as Error).message).toContain(`'${from}'`);
            expect((e as Error).message).toContain(`'${to}'`);
          }
        }
      }
    }
    expect(refused).toBeGreaterThan(40);
  });

  it('voided is final; submitted cannot go back to in_progress; resume needs paused', () => {
    expect(() => nextState('voided', 'start')).toThrow(SessionTransitionError);
    expect(() => nextState('submitted', 'start')).toThrow(/submitted/);
    expect(() => nextState('in_progress', 'resume')).toThrow(SessionTransitionError);
    expect(() => nextState('paused', 'start')).toThrow(SessionTransitionError);
    expect(() => nextState('timed_out', 'rescore')).toThrow(SessionTransitionError);
    expect(nextState('paused', 'time_out')).toBe('timed_out');
  });
});
