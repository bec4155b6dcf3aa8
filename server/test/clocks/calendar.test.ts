import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import chineseDays from 'chinese-days';
import {
  addWorkingTime, CalendarError, compileCalendar, isWorkingDate, OFFICIAL_CN_YEARS, ROUND_THE_CLOCK,
  workingTimeBetween, type CalendarDefinition,
} from '../../src/clocks/calendar.ts';

const M = 60_000;
const H = 60 * M;

/** The usual office: Monday to Friday, 8:30–12:00 and 13:30–17:30 in Shanghai (7.5 h a day). */
const office: CalendarDefinition = {
  timeZone: 'Asia/Shanghai',
  workingDays: ['mon', 'tue', 'wed', 'thu', 'fri'],
  workingHours: [['08:30', '12:00'], ['13:30', '17:30']],
  official: 'cn',
  extraHolidays: [],
  extraWorkdays: [],
};
const cn = compileCalendar(office);

/** `2025-03-07 17:00` in Shanghai → epoch ms. */
const sh = (local: string) => Date.parse(`${local.replace(' ', 'T')}:00+08:00`);
/** Epoch ms → `2025-03-07 17:00` in Shanghai, so failures read like the expectations. */
const show = (ms: number) => new Date(ms + 8 * H).toISOString().slice(0, 16).replace('T', ' ');

function* datesOf(from: string, to: string): Generator<string> {
  for (let t = Date.parse(`${from}T00:00Z`); t <= Date.parse(`${to}T00:00Z`); t += 24 * H) yield new Date(t).toISOString().slice(0, 10);
}

describe('official Chinese holidays and make-up days', () => {
  // [date, working?, why] — from the State Council notices as listed by chinese-days.
  const table: [string, boolean, string][] = [
    ['2024-01-01', false, 'New Year 2024 (Mon)'],
    ['2024-02-04', true, 'make-up Sunday before Spring Festival 2024'],
    ['2024-02-09', true, "Spring Festival eve 2024 (Fri) is worked"],
    ...[...datesOf('2024-02-10', '2024-02-17')].map((d): [string, boolean, string] => [d, false, 'Spring Festival 2024']),
    ['2024-02-18', true, 'make-up Sunday after Spring Festival 2024'],
    ['2024-04-04', false, 'Qingming 2024 (Thu)'],
    ['2024-04-07', true, 'make-up Sunday for Qingming 2024'],
    ['2024-04-28', true, 'make-up Sunday for Labour Day 2024'],
    ['2024-05-01', false, 'Labour Day 2024 (Wed)'],
    ['2024-05-11', true, 'make-up Saturday for Labour Day 2024'],
    ['2024-06-10', false, 'Dragon Boat 2024 (Mon)'],
    ['2024-09-14', true, 'make-up Saturday for Mid-autumn 2024'],
    ['2024-09-16', false, 'Mid-autumn 2024 (Mon)'],
    ['2024-09-29', true, 'make-up Sunday before National Day 2024'],
    ['2024-09-30', true, 'Monday before National Day 2024'],
    ...[...datesOf('2024-10-01', '2024-10-07')].map((d): [string, boolean, string] => [d, false, 'National Day 2024']),
    ['2024-10-08', true, 'back to work after National Day 2024'],
    ['2024-10-12', true, 'make-up Saturday after National Day 2024'],
    ['2024-10-13', false, 'an ordinary Sunday'],
    ['2025-01-01', false, 'New Year 2025 (Wed)'],
    ['2025-01-26', true, 'make-up Sunday before Spring Festival 2025'],
    ['2025-01-27', true, 'Monday before Spring Festival 2025'],
    ...[...datesOf('2025-01-28', '2025-02-04')].map((d): [string, boolean, string] => [d, false, 'Spring Festival 2025']),
    ['2025-02-05', true, 'back to work after Spring Festival 2025'],
    ['2025-02-08', true, 'make-up Saturday after Spring Festival 2025'],
    ['2025-02-09', false, 'an ordinary Sunday'],
    ['2025-04-04', false, 'Qingming 2025 (Fri)'],
    ['2025-04-27', true, 'make-up Sunday for Labour Day 2025'],
    ['2025-05-05', false, 'Labour Day 2025 (Mon)'],
    ['2025-06-02', false, 'Dragon Boat 2025 (Mon)'],
    ['2025-09-28', true, 'make-up Sunday before National Day 2025'],
    ...[...datesOf('2025-10-01', '2025-10-08')].map((d): [string, boolean, string] => [d, false, 'National Day and Mid-autumn 2025']),
    ['2025-10-09', true, 'back to work after National Day 2025'],
    ['2025-10-11', true, 'make-up Saturday after National Day 2025'],
    ['2026-01-01', false, 'New Year 2026 (Thu)'],
    ['2026-01-02', false, 'New Year 2026 (Fri)'],
    ['2026-01-04', true, 'make-up Sunday after New Year 2026'],
    ['2026-02-14', true, 'make-up Saturday before Spring Festival 2026'],
    ...[...datesOf('2026-02-15', '2026-02-23')].map((d): [string, boolean, string] => [d, false, 'Spring Festival 2026']),
    ['2026-02-24', true, 'back to work after Spring Festival 2026'],
    ['2026-02-28', true, 'make-up Saturday after Spring Festival 2026'],
    ['2026-04-06', false, 'Qingming 2026 (Mon)'],
    ['2026-05-05', false, 'Labour Day 2026 (Tue)'],
    ['2026-05-09', true, 'make-up Saturday for Labour Day 2026'],
    ['2026-06-19', false, 'Dragon Boat 2026 (Fri)'],
    ['2026-09-20', true, 'make-up Sunday before National Day 2026'],
    ['2026-09-25', false, 'Mid-autumn 2026 (Fri)'],
    ...[...datesOf('2026-10-01', '2026-10-07')].map((d): [string, boolean, string] => [d, false, 'National Day 2026']),
    ['2026-10-08', true, 'back to work after National Day 2026'],
    ['2026-10-10', true, 'make-up Saturday after National Day 2026'],
  ];
  for (const [date, working, why] of table) {
    it(`${date} ${working ? 'is' : 'is not'} a working day: ${why}`, () => assert.equal(isWorkingDate(cn, date), working));
  }

  it('agrees with chinese-days isWorkday() on every date of 2024–2026', () => {
    for (const date of datesOf('2024-01-01', '2026-12-31')) assert.equal(isWorkingDate(cn, date), chineseDays.isWorkday(date), date);
  });

  it('covers 2024, 2025 and 2026', () => {
    for (const y of [2024, 2025, 2026]) assert.ok(OFFICIAL_CN_YEARS.includes(y));
  });
});

describe('addWorkingTime on the office calendar', () => {
  // [case, start (Shanghai), duration, due (Shanghai)] — computed by hand.
  const table: [string, string, number, string][] = [
    ['2 h from Friday 17:00 runs over the weekend', '2025-03-07 17:00', 2 * H, '2025-03-10 10:00'],
    ['80 % of 2 h from Friday 17:00', '2025-03-07 17:00', 96 * M, '2025-03-10 09:36'],
    ['150 % of 2 h from Friday 17:00', '2025-03-07 17:00', 3 * H, '2025-03-10 11:00'],
    ['spans the lunch break', '2025-03-10 11:00', 2 * H, '2025-03-10 14:30'],
    ['used up at the end of the morning: due 12:00, not 13:30', '2025-03-10 10:00', 2 * H, '2025-03-10 12:00'],
    ['used up at the end of the day: due 17:30, not next morning', '2025-03-10 15:30', 2 * H, '2025-03-10 17:30'],
    ['starts during lunch', '2025-03-10 12:30', 1 * H, '2025-03-10 14:30'],
    ['starts at the start of lunch', '2025-03-10 12:00', 1 * M, '2025-03-10 13:31'],
    ['starts before opening', '2025-03-10 06:00', 1 * H, '2025-03-10 09:30'],
    ['starts after closing', '2025-03-10 18:00', 1 * H, '2025-03-11 09:30'],
    ['starts at midnight', '2025-03-11 00:00', 30 * M, '2025-03-11 09:00'],
    ['starts on a Saturday', '2025-03-08 10:00', 30 * M, '2025-03-10 09:00'],
    ['a full working day', '2025-03-10 08:30', 7.5 * H, '2025-03-10 17:30'],
    ['24 working hours', '2025-03-10 08:30', 24 * H, '2025-03-13 10:00'],
    ['72 working hours', '2025-03-10 08:30', 72 * H, '2025-03-21 14:30'],
    ['zero duration outside hours stays put', '2025-03-08 10:00', 0, '2025-03-08 10:00'],
    ['Spring Festival 2025: make-up Sunday 26 Jan is worked', '2025-01-24 17:00', 2 * H, '2025-01-26 10:00'],
    ['Spring Festival 2025: 28 Jan–4 Feb skipped', '2025-01-27 17:00', 1 * H, '2025-02-05 09:00'],
    ['Spring Festival 2025: make-up Saturday 8 Feb is worked', '2025-02-07 17:00', 1 * H, '2025-02-08 09:00'],
    ['National Day 2024: 1–7 Oct skipped', '2024-09-30 16:00', 4 * H, '2024-10-08 11:00'],
    ['National Day 2024: make-up Sunday 29 Sep is worked', '2024-09-28 12:00', 1 * H, '2024-09-29 09:30'],
    ['National Day 2025: 1–8 Oct skipped', '2025-09-30 17:00', 1 * H, '2025-10-09 09:00'],
    ['Spring Festival 2026: make-up Saturday 14 Feb is worked', '2026-02-13 17:00', 1 * H, '2026-02-14 09:00'],
    ['Spring Festival 2026: 15–23 Feb skipped', '2026-02-14 17:00', 1 * H, '2026-02-24 09:00'],
    ['New Year 2026 across the year end: make-up Sunday 4 Jan', '2025-12-31 17:00', 1 * H, '2026-01-04 09:00'],
    ['National Day 2026: 1–7 Oct skipped', '2026-09-30 17:00', 1 * H, '2026-10-08 09:00'],
  ];
  for (const [name, start, duration, due] of table) {
    it(name, () => assert.equal(show(addWorkingTime(cn, sh(start), duration)), due));
  }

  it('counts from the instant, whatever offset it was written with', () => {
    assert.equal(show(addWorkingTime(cn, Date.parse('2025-03-07T09:00:00Z'), 2 * H)), '2025-03-10 10:00');
  });

  it('refuses a negative duration and non-finite instants', () => {
    assert.throws(() => addWorkingTime(cn, sh('2025-03-10 09:00'), -1), RangeError);
    assert.throws(() => addWorkingTime(cn, Number.NaN, H), RangeError);
    assert.throws(() => workingTimeBetween(cn, 0, Number.POSITIVE_INFINITY), RangeError);
  });
});

describe('workingTimeBetween on the office calendar', () => {
  const table: [string, string, string, number][] = [
    ['over the weekend', '2025-03-07 17:00', '2025-03-10 10:00', 2 * H],
    ['a whole day from before opening to after closing', '2025-03-10 06:00', '2025-03-10 20:00', 7.5 * H],
    ['across lunch', '2025-03-10 11:00', '2025-03-10 14:30', 2 * H],
    ['within lunch', '2025-03-10 12:05', '2025-03-10 13:25', 0],
    ['a weekend', '2025-03-08 00:00', '2025-03-10 00:00', 0],
    ['across Spring Festival 2025', '2025-01-27 08:30', '2025-02-05 08:30', 7.5 * H],
    ['72 working hours', '2025-03-10 08:30', '2025-03-21 14:30', 72 * H],
    ['the same instant', '2025-03-10 09:00', '2025-03-10 09:00', 0],
    ['backwards is negative', '2025-03-10 10:00', '2025-03-07 17:00', -2 * H],
  ];
  for (const [name, from, to, ms] of table) {
    it(name, () => assert.equal(workingTimeBetween(cn, sh(from), sh(to)), ms));
  }

  it('inverts addWorkingTime, which returns the earliest such instant', () => {
    let seed = 20250307; // a fixed LCG keeps the test deterministic
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const from = sh('2024-01-01 00:00');
    for (let i = 0; i < 2000; i++) {
      const start = from + Math.floor(next() * 2.9 * 365) * 24 * H + Math.floor(next() * 24 * 60) * M;
      const duration = Math.floor(next() * 120 * H / M) * M + 1;
      const due = addWorkingTime(cn, start, duration);
      assert.equal(workingTimeBetween(cn, start, due), duration, `${show(start)} + ${duration}`);
      assert.equal(workingTimeBetween(cn, start, due - 1), duration - 1, `${show(start)} + ${duration} is the earliest`);
    }
  });
});

describe('extra holidays and working days', () => {
  const table: [string, Partial<CalendarDefinition>, string, number, string][] = [
    ['an extra holiday on a Monday', { official: null, extraHolidays: ['2025-03-10'] }, '2025-03-07 17:00', 2 * H, '2025-03-11 10:00'],
    ['an extra working Saturday', { official: null, extraWorkdays: ['2025-03-08'] }, '2025-03-07 17:00', 2 * H, '2025-03-08 10:00'],
    ['without official days Spring Festival is ordinary', { official: null }, '2025-01-27 17:00', 1 * H, '2025-01-28 09:00'],
    ['an extra holiday wins over an official make-up day', { extraHolidays: ['2025-01-26'] }, '2025-01-24 17:00', 2 * H, '2025-01-27 10:00'],
    ['an extra working day wins over an official holiday', { extraWorkdays: ['2025-02-03'] }, '2025-01-27 17:00', 1 * H, '2025-02-03 09:00'],
    ['extras may be omitted', { extraHolidays: undefined, extraWorkdays: undefined }, '2025-01-24 17:00', 2 * H, '2025-01-26 10:00'],
  ];
  for (const [name, change, start, duration, due] of table) {
    it(name, () => assert.equal(show(addWorkingTime(compileCalendar({ ...office, ...change }), sh(start), duration)), due));
  }
});

describe('years the official data does not cover', () => {
  const last = OFFICIAL_CN_YEARS[OFFICIAL_CN_YEARS.length - 1];

  for (const date of ['2003-06-02', '2099-06-01', `${last + 1}-03-02`]) {
    it(`refuses to classify ${date} instead of guessing`, () => {
      assert.throws(() => isWorkingDate(cn, date), (e: unknown) => {
        assert.ok(e instanceof CalendarError);
        assert.match(e.message, new RegExp(`holidays of ${date.slice(0, 4)} are not known`));
        return true;
      });
    });
  }

  it(`fails when a limit runs past ${last} into an uncovered year`, () => {
    assert.throws(() => addWorkingTime(cn, sh(`${last}-12-31 17:00`), 8 * H), new RegExp(`${last + 1}`));
  });

  it('does not fail when the limit ends inside a covered year', () => {
    assert.equal(show(addWorkingTime(cn, sh('2026-12-31 17:00'), 30 * M)), '2026-12-31 17:30');
  });

  it('extra days answer for a date without official data', () => {
    const cal = compileCalendar({ ...office, extraHolidays: ['2099-01-01'], extraWorkdays: ['2099-01-03'] });
    assert.equal(isWorkingDate(cal, '2099-01-01'), false);
    assert.equal(isWorkingDate(cal, '2099-01-03'), true);
  });

  it('a calendar without official days works in any year', () => {
    const cal = compileCalendar({ ...office, official: null });
    assert.equal(show(addWorkingTime(cal, sh('2099-01-02 17:00'), 1 * H)), '2099-01-05 09:00');
  });
});

describe('24x7', () => {
  const start = sh('2025-01-24 17:00');
  it('adds round the clock, holidays included', () => {
    assert.equal(addWorkingTime(ROUND_THE_CLOCK, start, 2 * H), start + 2 * H);
    assert.equal(addWorkingTime(ROUND_THE_CLOCK, start, 200 * H), start + 200 * H);
  });
  it('measures round the clock, also beyond the official data', () => {
    assert.equal(workingTimeBetween(ROUND_THE_CLOCK, start, start + 13 * H), 13 * H);
    assert.equal(workingTimeBetween(ROUND_THE_CLOCK, start + 13 * H, start), -13 * H);
    assert.equal(isWorkingDate(ROUND_THE_CLOCK, '2099-01-01'), true);
  });
});

describe('time zones', () => {
  const berlinOffice = compileCalendar({
    timeZone: 'Europe/Berlin', workingDays: ['mon', 'tue', 'wed', 'thu', 'fri'], workingHours: [['08:00', '16:00']], official: null,
  });
  const berlinAllDay = compileCalendar({
    timeZone: 'Europe/Berlin', workingDays: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'], workingHours: [['00:00', '24:00']],
  });
  const nySunday = (hours: [string, string]) => compileCalendar({ timeZone: 'America/New_York', workingDays: ['sun'], workingHours: [hours] });

  it('working hours are wall-clock hours of the zone, across a DST change', () => {
    assert.equal(addWorkingTime(berlinOffice, Date.parse('2025-03-28T15:00:00+01:00'), 2 * H), Date.parse('2025-03-31T09:00:00+02:00'));
  });
  it('the spring-forward day has 23 hours', () => {
    assert.equal(workingTimeBetween(berlinAllDay, Date.parse('2025-03-29T00:00:00+01:00'), Date.parse('2025-03-31T00:00:00+02:00')), 47 * H);
  });
  it('the fall-back day has 25 hours', () => {
    assert.equal(workingTimeBetween(berlinAllDay, Date.parse('2025-10-25T00:00:00+02:00'), Date.parse('2025-10-27T00:00:00+01:00')), 49 * H);
  });
  it('a period starting in the spring-forward gap starts after it', () => {
    const cal = nySunday(['02:00', '04:00']); // 02:00–03:00 does not exist on 2025-03-09
    assert.equal(workingTimeBetween(cal, Date.parse('2025-03-09T00:00:00-05:00'), Date.parse('2025-03-10T00:00:00-04:00')), 1 * H);
    assert.equal(addWorkingTime(cal, Date.parse('2025-03-08T12:00:00-05:00'), 30 * M), Date.parse('2025-03-09T03:30:00-04:00'));
  });
  it('a period over the fall-back hour lasts an hour longer', () => {
    const cal = nySunday(['01:00', '02:00']); // 01:00–02:00 happens twice on 2025-11-02
    assert.equal(workingTimeBetween(cal, Date.parse('2025-11-02T00:00:00-04:00'), Date.parse('2025-11-03T00:00:00-05:00')), 2 * H);
  });
});

describe('calendar validation', () => {
  // [case, body change, field named in the error]
  const table: [string, Record<string, unknown> | null, string][] = [
    ['not an object', null, 'calendar'],
    ['unknown time zone', { timeZone: 'Mars/Olympus' }, 'timeZone'],
    ['missing time zone', { timeZone: undefined }, 'timeZone'],
    ['no working days', { workingDays: [] }, 'workingDays'],
    ['working days not a list', { workingDays: 'mon' }, 'workingDays'],
    ['unknown day name', { workingDays: ['mon', 'funday'] }, 'workingDays[1]'],
    ['capitalised day name', { workingDays: ['Mon'] }, 'workingDays[0]'],
    ['repeated day', { workingDays: ['mon', 'mon'] }, 'workingDays[1]'],
    ['no working hours', { workingHours: [] }, 'workingHours'],
    ['working hours not a list', { workingHours: '08:30-17:30' }, 'workingHours'],
    ['period not a pair', { workingHours: [['08:30']] }, 'workingHours[0]'],
    ['start not HH:MM', { workingHours: [['8:30', '12:00']] }, 'workingHours[0][0]'],
    ['minutes out of range', { workingHours: [['08:60', '12:00']] }, 'workingHours[0][0]'],
    ['start at 24:00', { workingHours: [['24:00', '24:00']] }, 'workingHours[0][0]'],
    ['end past 24:00', { workingHours: [['08:30', '24:01']] }, 'workingHours[0][1]'],
    ['end not a string', { workingHours: [['08:30', 1200]] }, 'workingHours[0][1]'],
    ['end before start', { workingHours: [['12:00', '08:30']] }, 'workingHours[0]'],
    ['empty period', { workingHours: [['08:30', '08:30']] }, 'workingHours[0]'],
    ['overlapping periods', { workingHours: [['08:30', '12:00'], ['11:00', '17:00']] }, 'workingHours[1]'],
    ['periods out of order', { workingHours: [['13:30', '17:30'], ['08:30', '12:00']] }, 'workingHours[1]'],
    ['unknown official calendar', { official: 'us' }, 'official'],
    ['impossible date', { extraHolidays: ['2025-02-30'] }, 'extraHolidays[0]'],
    ['date without leading zeros', { extraHolidays: ['2025-2-3'] }, 'extraHolidays[0]'],
    ['dates not a list', { extraHolidays: '2025-02-03' }, 'extraHolidays'],
    ['date as a number', { extraWorkdays: [20250101] }, 'extraWorkdays[0]'],
    ['a day both off and worked', { extraHolidays: ['2025-03-10'], extraWorkdays: ['2025-03-08', '2025-03-10'] }, 'extraWorkdays[1]'],
  ];
  for (const [name, change, field] of table) {
    it(`refuses ${name}`, () => {
      const body = change === null ? null : { ...office, ...change };
      assert.throws(() => compileCalendar(body as unknown as CalendarDefinition), (e: unknown) => {
        assert.ok(e instanceof CalendarError);
        assert.equal(e.field, field);
        assert.ok(e.reason.length > 0);
        assert.ok(e.message.includes(field) && e.message.includes(e.reason));
        return true;
      });
    });
  }

  const accepted: [string, Partial<CalendarDefinition>][] = [
    ['a period up to midnight', { workingHours: [['00:00', '24:00']] }],
    ['adjacent periods', { workingHours: [['08:00', '12:00'], ['12:00', '13:00']] }],
    ['every day of the week', { workingDays: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] }],
    ['official null', { official: null }],
    ['UTC', { timeZone: 'UTC' }],
  ];
  for (const [name, change] of accepted) {
    it(`accepts ${name}`, () => assert.doesNotThrow(() => compileCalendar({ ...office, ...change })));
  }

  it('refuses to classify an invalid date', () => {
    assert.throws(() => isWorkingDate(cn, '2025-13-01'), CalendarError);
  });

  it('keeps the definition it was compiled from', () => {
    assert.deepEqual(cn.definition, { ...office });
  });
});
