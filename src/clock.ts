/** The source of "now" for everything time-dependent, so tests can control time. */
export type Clock = () => Date;

export const systemClock: Clock = () => new Date();
