/** Time in seconds. */
export type Seconds = number;
/** Time in milliseconds. */
export type Milliseconds = number;
/** Frequency or sample rate in hertz. */
export type Hertz = number;
/** A count of sample frames (one sample per channel). */
export type Frames = number;
/** Level in decibels. */
export type Decibels = number;
/** Real-time factor: render time divided by audio time (below 1 is faster than real time). */
export type RealTimeFactor = number;

/** Frames in one render quantum of every Web Audio context. */
export const RENDER_QUANTUM: Frames = 128;
