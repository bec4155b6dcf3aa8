import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { compileCalendar, ROUND_THE_CLOCK, ROUND_THE_CLOCK_ID } from '../../src/clocks/calendar.ts';
import {
  CLOCK_NAMES, ClockPlanError, DEFAULT_DURATIONS_MS, GRADES, planClock, resolvePolicy,
  type ClockName, type Grade, type SlaPolicy,
} from '../../src/clocks/plan-clock.ts';

const M = 60_000;
const H = 60 * M;

const office = compileCalendar({
  timeZone: 'Asia/Shanghai',
  workingDays: ['mon', 'tue', 'wed', 'thu', 'fri'],
  workingHours: [['08:30', '12:00'], ['13:30', '17:30']],
  official: 'cn',
  extraHolidays: [],
  extraWorkdays: [],
});

const sh = (local: string) => Date.parse(`${local.replace(' ', 'T')}:00+08:00`);
const show = (ms: number) => new Date(ms + 8 * H).toISOString().slice(0, 16).replace('T', ' ');
const shown = (p: { warnAt: number; dueAt: number; provinceAt: number }) => ({ warnAt: show(p.warnAt), dueAt: show(p.dueAt), provinceAt: show(p.provinceAt) });

describe('clocks and grades', () => {
  it('names the five clocks of §5 and the two grades', () => {
    assert.deepEqual([...CLOCK_NAMES], ['triage', 'initial_reply', 'resolution', 'commitment', 'follow_up']);
    assert.deepEqual([...GRADES], ['ordinary', 'important']);
  });

  const table: [ClockName, number, number][] = [
    ['triage', 2 * H, 30 * M],
    ['initial_reply', 24 * H, 4 * H],
    ['resolution', 72 * H, 24 * H],
    ['commitment', 48 * H, 24 * H],
    ['follow_up', 72 * H, 24 * H],
  ];
  for (const [clock, ordinary, important] of table) {
    it(`${clock} defaults to ${ordinary / H} h ordinary, ${important / H} h important (§5)`, () => {
      assert.deepEqual({ ...DEFAULT_DURATIONS_MS[clock] }, { ordinary, important });
    });
  }
});

describe('planClock', () => {
  // [case, clock, start (Shanghai), duration, warn, due, province] — computed by hand on the office calendar.
  const table: [string, ClockName, string, number, string, string, string][] = [
    ['2 h triage from Friday 17:00 warns Monday 09:36', 'triage', '2025-03-07 17:00', 2 * H,
      '2025-03-10 09:36', '2025-03-10 10:00', '2025-03-10 11:00'],
    ['30 min triage across lunch', 'triage', '2025-03-10 11:50', 30 * M,
      '2025-03-10 13:44', '2025-03-10 13:50', '2025-03-10 14:05'],
    ['4 h initial reply over Spring Festival 2025', 'initial_reply', '2025-01-27 16:00', 4 * H,
      '2025-02-05 10:12', '2025-02-05 11:00', '2025-02-05 14:30'],
    ['72 h resolution over two weeks', 'resolution', '2025-03-10 08:30', 72 * H,
      '2025-03-19 15:06', '2025-03-21 14:30', '2025-03-28 11:30'],
    ['triage dispatched on a Sunday', 'triage', '2025-03-09 15:00', 2 * H,
      '2025-03-10 10:06', '2025-03-10 10:30', '2025-03-10 11:30'],
  ];
  for (const [name, clock, start, duration, warnAt, dueAt, provinceAt] of table) {
    it(name, () => {
      const p = planClock({ clock, startedAt: sh(start), durationMs: duration, calendar: office });
      assert.equal(p.startedAt, sh(start));
      assert.deepEqual(shown(p), { warnAt, dueAt, provinceAt });
    });
  }

  it('counts round the clock on 24x7, holidays included', () => {
    const p = planClock({ clock: 'resolution', startedAt: sh('2025-01-24 17:00'), durationMs: 24 * H, calendar: ROUND_THE_CLOCK });
    assert.deepEqual(shown(p), { warnAt: '2025-01-25 12:12', dueAt: '2025-01-25 17:00', provinceAt: '2025-01-26 05:00' });
  });

  it('re-times from the original start when the grade changes', () => {
    const startedAt = sh('2025-03-07 17:00');
    const ordinary = planClock({ clock: 'triage', startedAt, durationMs: DEFAULT_DURATIONS_MS.triage.ordinary, calendar: office });
    const important = planClock({ clock: 'triage', startedAt, durationMs: DEFAULT_DURATIONS_MS.triage.important, calendar: office });
    assert.equal(important.startedAt, ordinary.startedAt);
    assert.deepEqual(shown(important), { warnAt: '2025-03-07 17:24', dueAt: '2025-03-07 17:30', provinceAt: '2025-03-10 08:45' });
  });

  describe('commitment with a promised time', () => {
    const table: [string, string, string, string, string, string][] = [
      ['promise on Monday noon: 4 working hours', '2025-03-07 17:00', '2025-03-10 12:00',
        '2025-03-10 11:12', '2025-03-10 12:00', '2025-03-10 15:30'],
      ['promise on Saturday: 30 working minutes', '2025-03-07 17:00', '2025-03-08 10:00',
        '2025-03-07 17:24', '2025-03-08 10:00', '2025-03-10 08:45'],
      ['promise with no working time before it: escalation not before the due time', '2025-03-07 18:00', '2025-03-08 10:00',
        '2025-03-07 18:00', '2025-03-08 10:00', '2025-03-08 10:00'],
    ];
    for (const [name, start, promised, warnAt, dueAt, provinceAt] of table) {
      it(name, () => {
        const p = planClock({ clock: 'commitment', startedAt: sh(start), durationMs: 48 * H, calendar: office, promisedAt: sh(promised) });
        assert.deepEqual(shown(p), { warnAt, dueAt, provinceAt });
      });
    }

    it('wins over the default round the clock', () => {
      const startedAt = sh('2025-03-07 17:00');
      const p = planClock({ clock: 'commitment', startedAt, durationMs: 48 * H, calendar: ROUND_THE_CLOCK, promisedAt: startedAt + 10 * H });
      assert.deepEqual(p, { startedAt, warnAt: startedAt + 8 * H, dueAt: startedAt + 10 * H, provinceAt: startedAt + 15 * H });
    });

    it('without a promise the duration applies', () => {
      const startedAt = sh('2025-03-07 17:00');
      const p = planClock({ clock: 'commitment', startedAt, durationMs: 48 * H, calendar: ROUND_THE_CLOCK, promisedAt: null });
      assert.equal(p.dueAt, startedAt + 48 * H);
    });
  });

  const refused: [string, Parameters<typeof planClock>[0]][] = [
    ['an unknown clock', { clock: 'lunch' as ClockName, startedAt: 0, durationMs: H, calendar: ROUND_THE_CLOCK }],
    ['a zero duration', { clock: 'triage', startedAt: 0, durationMs: 0, calendar: ROUND_THE_CLOCK }],
    ['a negative duration', { clock: 'triage', startedAt: 0, durationMs: -H, calendar: ROUND_THE_CLOCK }],
    ['a fractional duration', { clock: 'triage', startedAt: 0, durationMs: 1.5, calendar: ROUND_THE_CLOCK }],
    ['a start that is not a time', { clock: 'triage', startedAt: Number.NaN, durationMs: H, calendar: ROUND_THE_CLOCK }],
    ['a promise on another clock', { clock: 'triage', startedAt: 0, durationMs: H, calendar: ROUND_THE_CLOCK, promisedAt: H }],
    ['a promise before the start', { clock: 'commitment', startedAt: H, durationMs: H, calendar: ROUND_THE_CLOCK, promisedAt: 0 }],
    ['a promise at the start', { clock: 'commitment', startedAt: H, durationMs: H, calendar: ROUND_THE_CLOCK, promisedAt: H }],
  ];
  for (const [name, input] of refused) {
    it(`refuses ${name}`, () => assert.throws(() => planClock(input), ClockPlanError));
  }
});

describe('resolvePolicy', () => {
  const policy = (id: string, category: string | null, grade: Grade, clock: ClockName, durationMs: number, calendarId = 'office'): SlaPolicy =>
    ({ id, category, grade, clock, durationMs, calendarId });
  const policies: SlaPolicy[] = [
    policy('general-triage', null, 'ordinary', 'triage', 3 * H),
    policy('signal-triage', 'signal', 'ordinary', 'triage', 1 * H, ROUND_THE_CLOCK_ID),
    policy('billing-triage', 'billing', 'ordinary', 'triage', 4 * H, 'billing-office'),
    policy('general-triage-important', null, 'important', 'triage', 20 * M),
    policy('signal-resolution', 'signal', 'ordinary', 'resolution', 48 * H),
  ];

  // [case, category, grade, clock, expected]
  const table: [string, string | null, Grade, ClockName, { policyId: string | null; durationMs: number; calendarId: string }][] = [
    ['a policy for the category wins over a general one', 'signal', 'ordinary', 'triage',
      { policyId: 'signal-triage', durationMs: 1 * H, calendarId: '24x7' }],
    ['another category has its own', 'billing', 'ordinary', 'triage',
      { policyId: 'billing-triage', durationMs: 4 * H, calendarId: 'billing-office' }],
    ['a category without its own policy takes the general one', 'data', 'ordinary', 'triage',
      { policyId: 'general-triage', durationMs: 3 * H, calendarId: 'office' }],
    ['a ticket without category takes the general one', null, 'ordinary', 'triage',
      { policyId: 'general-triage', durationMs: 3 * H, calendarId: 'office' }],
    ['the grade must match', 'signal', 'important', 'triage',
      { policyId: 'general-triage-important', durationMs: 20 * M, calendarId: 'office' }],
    ['the clock must match', 'signal', 'ordinary', 'resolution',
      { policyId: 'signal-resolution', durationMs: 48 * H, calendarId: 'office' }],
    ['no match: the §5 default round the clock', 'data', 'ordinary', 'resolution',
      { policyId: null, durationMs: 72 * H, calendarId: '24x7' }],
    ['no match for commitment: 24 h important', 'signal', 'important', 'commitment',
      { policyId: null, durationMs: 24 * H, calendarId: '24x7' }],
  ];
  for (const [name, category, grade, clock, expected] of table) {
    it(name, () => {
      assert.deepEqual(resolvePolicy(policies, { category, grade, clock }), expected);
      assert.deepEqual(resolvePolicy([...policies].reverse(), { category, grade, clock }), expected, 'order does not matter');
    });
  }

  it('falls back to the §5 table with no policies at all', () => {
    for (const clock of CLOCK_NAMES) {
      for (const grade of GRADES) {
        assert.deepEqual(resolvePolicy([], { category: 'signal', grade, clock }), {
          policyId: null, durationMs: DEFAULT_DURATIONS_MS[clock][grade], calendarId: ROUND_THE_CLOCK_ID,
        });
      }
    }
  });

  it('breaks an impossible tie by the smallest id', () => {
    const tie = [policy('b', null, 'ordinary', 'triage', 2 * H), policy('a', null, 'ordinary', 'triage', 1 * H)];
    assert.equal(resolvePolicy(tie, { category: 'x', grade: 'ordinary', clock: 'triage' }).policyId, 'a');
  });
});
