/**
 * Set algebra on topic filters, for deciding a SUBSCRIBE before any message exists: does a
 * filter match at least one topic that the ACL lets the client read?
 *
 * A filter is handled as its levels ("a/+/#" → ["a", "+", "#"]). Matching follows MQTT §4.7:
 * '+' fills one level, '#' any number of levels including none ("a/#" matches "a"), and a
 * wildcard in the first level never matches a topic starting with '$'.
 */

export type Levels = readonly string[];

const MULTI = '#';
const SINGLE = '+';

function isWildcard(level: string): boolean {
  return level === SINGLE || level === MULTI;
}

export function toLevels(filter: string): Levels {
  return filter.split('/');
}

/**
 * The filter matching exactly the topics both filters match, or undefined when no topic matches
 * both. Filters are closed under intersection: level by level a literal beats '+', and '#' takes
 * whatever the other filter has left.
 */
export function intersectFilters(a: Levels, b: Levels): Levels | undefined {
  const first = [a[0]!, b[0]!];
  // A leading wildcard cannot reach $-topics, so it meets no literal starting with '$'.
  if (first.some(isWildcard) && first.some((level) => !isWildcard(level) && level.startsWith('$'))) return undefined;
  const out: string[] = [];
  for (let i = 0; ; i++) {
    const x = a[i];
    const y = b[i];
    if (x === MULTI) return nonEmpty([...out, ...b.slice(i)]);
    if (y === MULTI) return nonEmpty([...out, ...a.slice(i)]);
    if (x === undefined || y === undefined) return x === y ? out : undefined;
    if (x === SINGLE) out.push(y);
    else if (y === SINGLE || x === y) out.push(x);
    else return undefined;
  }
}

/** "+" ∩ "/#" would be the topic "", which does not exist. */
function nonEmpty(levels: Levels): Levels | undefined {
  return levels.length === 1 && levels[0] === '' ? undefined : levels;
}

/** A deny filter and how far it has matched the topic being built. */
interface Cursor {
  readonly levels: Levels;
  readonly at: number;
}

/** Searches stop here; an undecided search counts as "not covered", i.e. the caller allows. */
const STEP_BUDGET = 20_000;

/**
 * True when every topic `filter` matches is also matched by one of `covers` (a union of filters).
 *
 * The search builds topics level by level. Whether a filter matches a level depends only on
 * whether the level equals one of the filters' literals at that depth, so where `filter` has a
 * wildcard it is enough to try each such literal plus one value equal to none of them. '#' in
 * `filter` may also end the topic or go on; it need not go deeper than the longest cover, since
 * beyond that every cover has either matched with its own '#' or failed.
 *
 * The search is exponential in the worst case; past STEP_BUDGET it gives up and answers false,
 * which only ever lets a subscription through (delivery is still checked message by message).
 */
export function isCoveredBy(filter: Levels, covers: readonly Levels[]): boolean {
  // Every branch of the search must be covered, so it is a plain worklist, kept on the heap: a
  // filter of any depth never costs the call stack. Popped depth first, in the order of `values`.
  const pending: Branch[] = [{ at: 0, depth: 0, cursors: covers.map((levels) => ({ levels, at: 0 })), onlyEmpty: false }];
  let steps = 0;
  for (let branch = pending.pop(); branch !== undefined; branch = pending.pop()) {
    if (++steps > STEP_BUDGET) return false;
    const { at, depth, cursors, onlyEmpty } = branch;
    const level = filter[at];
    // No topic is empty: '#' cannot end one before its first level, and a topic ending after
    // one empty level ("" itself) does not exist, so it needs no cover.
    const mayEnd = level === undefined || (level === MULTI && depth > 0);
    if (mayEnd && !onlyEmpty && !cursors.some(endsHere)) return false;
    if (level === undefined) continue;
    if (cursors.length === 0) return false;
    const values = isWildcard(level) ? candidates(cursors, depth) : [level];
    const next = level === MULTI ? at : at + 1;
    for (let v = values.length - 1; v >= 0; v--) {
      const advanced = advance(cursors, values[v]!, depth);
      if (advanced !== undefined) pending.push({ at: next, depth: depth + 1, cursors: advanced, onlyEmpty: depth === 0 && values[v] === '' });
    }
  }
  return true;
}

/** Where the search stands: the filter's level `at`, the topic's level `depth`, the covers still matching. */
interface Branch {
  readonly at: number;
  readonly depth: number;
  readonly cursors: readonly Cursor[];
  readonly onlyEmpty: boolean;
}

/** The covers still matching once the topic's level `depth` is `value`; undefined when a '#' covers the rest. */
function advance(cursors: readonly Cursor[], value: string, depth: number): Cursor[] | undefined {
  const advanced: Cursor[] = [];
  for (const cursor of cursors) {
    const wanted = cursor.levels[cursor.at];
    if (wanted === undefined) continue;
    if (isWildcard(wanted) && depth === 0 && value.startsWith('$')) continue;
    if (wanted === MULTI) return undefined;
    if (wanted === SINGLE || wanted === value) advanced.push({ levels: cursor.levels, at: cursor.at + 1 });
  }
  return advanced;
}

/** A topic ending at this point is matched by the cover: it is used up, or only "#" is left. */
function endsHere(cursor: Cursor): boolean {
  return cursor.at === cursor.levels.length || (cursor.at === cursor.levels.length - 1 && cursor.levels[cursor.at] === MULTI);
}

/** The level values worth trying where the filter has a wildcard: the covers' literals, and one more. */
function candidates(cursors: readonly Cursor[], depth: number): string[] {
  const literals = new Set<string>();
  for (const cursor of cursors) {
    const level = cursor.levels[cursor.at];
    if (level !== undefined && !isWildcard(level) && !(depth === 0 && level.startsWith('$'))) literals.add(level);
  }
  let other = 'x';
  while (literals.has(other)) other += 'x';
  return [...literals, other];
}
