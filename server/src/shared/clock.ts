/** The time source, injected everywhere so tests can freeze and move it. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock tests set by hand. */
export class ManualClock implements Clock {
  private t: number;
  constructor(start: string | number = Date.now()) {
    this.t = typeof start === 'number' ? start : Date.parse(start);
  }
  now(): number { return this.t; }
  set(at: string | number): void { this.t = typeof at === 'number' ? at : Date.parse(at); }
  advance(ms: number): void { this.t += ms; }
}
