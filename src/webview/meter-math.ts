// Level meter arithmetic: peak of a block, dB, position on the meter scale, and fall/hold ballistics. No DOM.

/** Lowest level the meter shows, in dBFS. */
export const METER_FLOOR_DB = -60;

/** Largest absolute sample of a block. */
export function peakOf(samples: Float32Array): number {
  let peak = 0;
  for (let i = 0; i < samples.length; i++) {
    const value = Math.abs(samples[i]);
    if (value > peak) peak = value;
  }
  return peak;
}

/** Amplitude to dBFS (-Infinity for silence). */
export function amplitudeToDb(amplitude: number): number {
  return amplitude > 0 ? 20 * Math.log10(amplitude) : -Infinity;
}

/** dB to amplitude. */
export function dbToAmplitude(db: number): number {
  return db === -Infinity ? 0 : Math.pow(10, db / 20);
}

/** Position of a level on a meter from METER_FLOOR_DB (0) to 0 dBFS (1); louder than 0 dBFS is 1. */
export function meterFraction(db: number, floorDb = METER_FLOOR_DB): number {
  if (!(db > floorDb)) return 0;
  return Math.min(1, (db - floorDb) / -floorDb);
}

/** Meter ballistics: instant rise, a steady fall, and a peak marker held for a moment. */
export class MeterBallistics {
  private levelDb = -Infinity;
  private holdDb = -Infinity;
  private holdAge = 0;

  constructor(
    private readonly fallDbPerSecond = 24,
    private readonly holdSeconds = 1.2,
  ) {}

  /** Feeds the newest block peak (dB) after `dt` seconds; returns the level and the held peak. */
  update(peakDb: number, dt: number): { level: number; hold: number } {
    const fallen = this.levelDb - this.fallDbPerSecond * dt;
    this.levelDb = Math.max(peakDb, fallen);
    this.holdAge += dt;
    if (peakDb >= this.holdDb || this.holdAge > this.holdSeconds) {
      this.holdDb = peakDb;
      this.holdAge = 0;
    }
    return { level: this.levelDb, hold: this.holdDb };
  }
}
