/**
 * Environment parsing for the SeatGrid k6 scenarios (k6's `__ENV`, filled by `-e NAME=value`). A bad value throws
 * in the init stage, so the run stops before it starts instead of measuring something else.
 */

/** An environment variable, or undefined when unset or blank (so `-e X=` means "use the default"). */
export function env(name: string): string | undefined {
  const value = __ENV[name];
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

/** A number from the environment; a bad value stops the run in the init stage instead of skewing it. */
export function envNumber(name: string, fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  const raw = env(name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min || value > max) {
    throw new Error(`${name}=${raw}: expected a number between ${min} and ${max}`);
  }
  return value;
}

export function envInt(name: string, fallback: number, min = 1, max = Number.MAX_SAFE_INTEGER): number {
  const value = envNumber(name, fallback, min, max);
  if (!Number.isInteger(value)) throw new Error(`${name}=${env(name)}: expected an integer`);
  return value;
}

export function envBool(name: string, fallback: boolean): boolean {
  const raw = env(name);
  if (raw === undefined) return fallback;
  if (/^(1|true|yes|on)$/i.test(raw)) return true;
  if (/^(0|false|no|off)$/i.test(raw)) return false;
  throw new Error(`${name}=${raw}: expected true/false`);
}

export interface Duration {
  /** As k6 options want it, e.g. "30m". */
  text: string;
  seconds: number;
}

/** Parses k6-style durations: "500ms", "45s", "30m", "1h30m", "1m30s". */
export function parseDuration(text: string): number {
  if (!/^(\d+(\.\d+)?(ms|s|m|h))+$/.test(text)) throw new Error(`"${text}" is not a duration like 90s, 30m or 1h30m`);
  const unit: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600 };
  let seconds = 0;
  const part = /(\d+(?:\.\d+)?)(ms|s|m|h)/g;
  for (let m = part.exec(text); m !== null; m = part.exec(text)) seconds += Number(m[1]) * unit[m[2]];
  return seconds;
}

export function envDuration(name: string, fallback: string): Duration {
  const text = env(name) ?? fallback;
  try {
    return { text, seconds: parseDuration(text) };
  } catch (error) {
    throw new Error(`${name}: ${String(error)}`);
  }
}
