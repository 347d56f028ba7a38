/** `$$`, `${NAME}`, `${NAME:-default}`, `${NAME-default}`, `${NAME:?error}`, `${NAME?error}` and `$NAME`. */
const REFERENCE = /\$(?:(\$)|\{(\w+)(?:(:?)([-?])([^}]*))?\}|(\w+))/g;

type Environment = Record<string, string | undefined>;

function substitute(text: string, env: Environment): string {
  return text.replace(REFERENCE, (_, dollar: string | undefined, braced: string | undefined, colon: string, operator: string, argument: string, bare: string | undefined) => {
    if (dollar) return '$';
    const name = (braced ?? bare)!;
    const value = env[name];
    const missing = colon ? !value : value === undefined;
    if (!missing || !operator) return value ?? '';
    if (operator === '?') throw new Error(`docker-compose.yml needs ${name}: ${argument}`);
    return argument;
  });
}

/**
 * A parsed compose file with its variables substituted the way `docker compose` does (values only, not keys), for
 * an environment with none of them set unless `env` says otherwise: what `docker compose up` runs without a `.env`.
 */
export function interpolated<T>(node: T, env: Environment = {}): T {
  if (typeof node === 'string') return substitute(node, env) as T;
  if (Array.isArray(node)) return node.map((item) => interpolated(item, env)) as T;
  if (node === null || typeof node !== 'object') return node;
  return Object.fromEntries(Object.entries(node).map(([key, value]) => [key, interpolated(value, env)])) as T;
}
