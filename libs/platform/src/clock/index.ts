export { CLOCK, FixedClock, SystemClock, type Clock, type DurationParts } from './clock.js';
export { ClockModule } from './clock.module.js';
