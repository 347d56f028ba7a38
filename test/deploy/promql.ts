/**
 * The metric names a PromQL expression reads, without a full parser: an identifier is a metric name unless it is
 * a function or aggregation (followed by `(`), a keyword, or a label name (inside `{…}`, or in the list after
 * `by`, `without`, `on`, `ignoring`, `group_left`, `group_right`). Strings, comments, numbers, durations, range
 * and subquery brackets `[…]` and Grafana variables (`$__rate_interval`, `${job}`) are skipped. A selector that
 * names its metric with `{__name__="…"}` counts too.
 */
export function metricNames(expr: string): string[] {
  const names = new Set<string>();
  let i = 0;
  while (i < expr.length) {
    const char = expr[i];
    if (/\s/.test(char)) i++;
    else if (char === '#') i = lineEnd(expr, i);
    else if (char === '"' || char === "'" || char === '`') i = stringEnd(expr, i);
    else if (char === '{') {
      const end = closing(expr, i, '{', '}');
      const named = /(?:^|[{,\s])__name__\s*=\s*(["'`])([^"'`]+)\1/.exec(expr.slice(i, end));
      if (named) names.add(named[2]);
      i = end;
    } else if (char === '[') i = closing(expr, i, '[', ']');
    else if (char === '$') i = variableEnd(expr, i);
    else if (/[0-9.]/.test(char)) i = numberEnd(expr, i);
    else if (/[A-Za-z_:]/.test(char)) {
      const end = wordEnd(expr, i, /[\w:]/);
      const word = expr.slice(i, end);
      const next = skipSpace(expr, end);
      if (GROUPING.has(word.toLowerCase())) i = expr[next] === '(' ? closing(expr, next, '(', ')') : end;
      else {
        if (expr[next] !== '(' && !KEYWORDS.has(word.toLowerCase())) names.add(word);
        i = end;
      }
    } else i++;
  }
  return [...names];
}

/** Followed by a list of label names in parentheses. */
const GROUPING = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right']);

/** Binary operators and modifiers spelt as words, aggregations (`sum by (…) (…)`), and the number literals. */
const KEYWORDS = new Set([
  'and',
  'or',
  'unless',
  'bool',
  'offset',
  'atan2',
  'sum',
  'min',
  'max',
  'avg',
  'group',
  'stddev',
  'stdvar',
  'count',
  'count_values',
  'bottomk',
  'topk',
  'quantile',
  'limitk',
  'limit_ratio',
  'inf',
  'nan',
]);

function skipSpace(text: string, from: number): number {
  let i = from;
  while (i < text.length && /\s/.test(text[i])) i++;
  return i;
}

function wordEnd(text: string, from: number, pattern: RegExp): number {
  let i = from + 1;
  while (i < text.length && pattern.test(text[i])) i++;
  return i;
}

/** A number (`0.99`, `1e-3`, `0x1f`, `Inf` is a keyword) or a duration (`5m`, `1h30m`). */
function numberEnd(text: string, from: number): number {
  let i = from + 1;
  const exponent = () => /[+-]/.test(text[i]) && /^(\d+\.?\d*|\.\d+)[eE]$/.test(text.slice(from, i));
  while (i < text.length && (/[\w.]/.test(text[i]) || exponent())) i++;
  return i;
}

function lineEnd(text: string, from: number): number {
  const end = text.indexOf('\n', from);
  return end === -1 ? text.length : end + 1;
}

/** After the closing quote; backslash escapes apply except in backtick (raw) strings. */
function stringEnd(text: string, from: number): number {
  const quote = text[from];
  let i = from + 1;
  while (i < text.length && text[i] !== quote) i += text[i] === '\\' && quote !== '`' ? 2 : 1;
  return i + 1;
}

/** After the bracket that closes the one at `from`, skipping strings (a label value may hold any bracket). */
function closing(text: string, from: number, open: string, close: string): number {
  let depth = 0;
  let i = from;
  while (i < text.length) {
    const char = text[i];
    if (char === '"' || char === "'" || char === '`') {
      i = stringEnd(text, i);
      continue;
    }
    if (char === open) depth++;
    if (char === close && --depth === 0) return i + 1;
    i++;
  }
  throw new Error(`PromQL: unbalanced "${open}" at ${from} in ${text}`);
}

/** `$name`, `$__range` or `${name:format}`. */
function variableEnd(text: string, from: number): number {
  if (text[from + 1] === '{') return closing(text, from + 1, '{', '}');
  return wordEnd(text, from, /\w/);
}
