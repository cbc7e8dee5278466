import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { ErrorCode, MqttError } from '../src/lib/errors.js';
import {
  assertTopicFilter,
  assertTopicName,
  isValidTopicFilter,
  isValidTopicName,
  parseSharedSubscription,
  topicMatches,
} from '../src/lib/topic.js';

const LONE_HIGH = '\ud83d';
const LONE_LOW = '\ude00';
const EMOJI = '\u{1f600}'; // 2 UTF-16 code units, 4 UTF-8 bytes

function assertThrowsInvalidTopic(fn: () => void, message: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof MqttError, 'expected an MqttError');
    assert.equal(err.code, ErrorCode.InvalidTopic);
    assert.match(err.message, message);
    return true;
  });
}

// ---------------------------------------------------------------------------------------------
// Reference implementations: deliberately naive (split on '/', regexes, Buffer.byteLength) so the
// randomized checks compare the hand-optimised scans against something obviously right.

function refWellFormed(s: string): boolean {
  // With the u flag a surrogate pair is one code point, so \p{Cs} only finds lone surrogates.
  return s.length > 0 && Buffer.byteLength(s, 'utf8') <= 65535 && !s.includes('\0') && !/\p{Cs}/u.test(s);
}

function refValidName(s: string): boolean {
  return refWellFormed(s) && !s.includes('+') && !s.includes('#');
}

function refValidPlainFilter(s: string): boolean {
  if (s.length === 0) return false;
  const levels = s.split('/');
  return levels.every((level, i) => {
    if (level.includes('+') && level !== '+') return false;
    if (level.includes('#') && (level !== '#' || i !== levels.length - 1)) return false;
    return true;
  });
}

function refValidFilter(s: string): boolean {
  if (!refWellFormed(s)) return false;
  const levels = s.split('/');
  if (levels[0] !== '$share') return refValidPlainFilter(s);
  const group = levels[1];
  if (group === undefined || group === '' || /[+#]/.test(group)) return false;
  return refValidPlainFilter(levels.slice(2).join('/'));
}

function refMatchLevels(f: string[], n: string[]): boolean {
  const [fh, ...ft] = f;
  const [nh, ...nt] = n;
  if (fh === undefined) return nh === undefined;
  if (fh === '#') return true;
  if (nh === undefined) return false;
  if (fh !== '+' && fh !== nh) return false;
  return refMatchLevels(ft, nt);
}

function refMatches(filter: string, name: string): boolean {
  if (!refValidFilter(filter) || !refValidName(name)) return false;
  const levels = filter.split('/');
  const f = levels[0] === '$share' ? levels.slice(2) : levels;
  if (name.startsWith('$') && (f[0] === '+' || f[0] === '#')) return false;
  return refMatchLevels(f, name.split('/'));
}

// ---------------------------------------------------------------------------------------------

describe('topic', () => {
  describe('topic names', () => {
    const valid: [string, string][] = [
      ['a', 'a single character'],
      ['sport/tennis/player1', 'ordinary levels'],
      ['/', "'/' alone: two empty levels"],
      ['//', 'three empty levels'],
      ['/finance', 'a leading empty level'],
      ['finance/', 'a trailing empty level'],
      ['a//b', 'an empty level in the middle'],
      ['Accounts payable', 'spaces are allowed'],
      ['$SYS/broker/uptime', "'$' topics can be published to by the server"],
      ['$share/g/x', '$share has no special meaning in a name'],
      ['caf\u00e9/\u20ac/\u4e2d', 'multi-byte characters'],
      [`face/${EMOJI}`, 'a surrogate pair (astral character)'],
      ['\ufeffbom', 'U+FEFF must not be stripped and is allowed'],
      ['\u0001\u007f', 'control characters other than U+0000 are allowed (SHOULD NOT, not MUST NOT)'],
      ['a'.repeat(65535), 'exactly 65535 bytes'],
    ];
    for (const [name, reason] of valid) {
      it(`accepts ${reason}`, () => {
        assert.equal(isValidTopicName(name), true);
        assert.doesNotThrow(() => {
          assertTopicName(name);
        });
      });
    }

    const invalid: [string, string, RegExp][] = [
      ['', 'the empty string', /is empty/],
      ['a/+', "'+' in a name", /wildcard '\+' at index 2/],
      ['+', "'+' alone", /wildcard '\+'/],
      ['sport/#', "'#' in a name", /wildcard '#' at index 6/],
      ['a#b', "'#' inside a level", /wildcard '#'/],
      ['a\u0000b', 'U+0000', /U\+0000 .*index 1/],
      ['\u0000', 'U+0000 alone', /U\+0000/],
      [`a${LONE_HIGH}`, 'a lone high surrogate at the end', /lone surrogate U\+D83D at index 1.*not valid UTF-8/],
      [`${LONE_HIGH}a`, 'a high surrogate followed by a non-surrogate', /lone surrogate U\+D83D at index 0/],
      [`a${LONE_LOW}b`, 'a lone low surrogate', /lone surrogate U\+DE00 at index 1/],
      [`${LONE_LOW}${LONE_HIGH}`, 'a reversed surrogate pair', /lone surrogate U\+DE00/],
      ['a'.repeat(65536), 'more than 65535 code units', /65536 bytes in UTF-8, longer than the 65535-byte limit/],
    ];
    for (const [name, reason, message] of invalid) {
      it(`rejects ${reason}`, () => {
        assert.equal(isValidTopicName(name), false);
        assertThrowsInvalidTopic(() => {
          assertTopicName(name);
        }, message);
      });
    }

    it('reports the first problem in the name', () => {
      assertThrowsInvalidTopic(() => {
        assertTopicName('a\u0000/+');
      }, /U\+0000/);
      assertThrowsInvalidTopic(() => {
        assertTopicName('a/+\u0000');
      }, /wildcard '\+'/);
    });

    it('keeps the message short for a long name', () => {
      try {
        assertTopicName('x'.repeat(70000));
        assert.fail('expected a throw');
      } catch (err) {
        assert.ok(err instanceof MqttError);
        assert.ok(err.message.length < 200, err.message);
      }
    });
  });

  describe('length limits in UTF-8 bytes', () => {
    // [string, its UTF-8 byte count]; the byte count is asserted too so the table cannot lie.
    const cases: [string, number, string][] = [
      ['a'.repeat(65535), 65535, 'ASCII'],
      ['a'.repeat(65536), 65536, 'ASCII'],
      ['\u00e9'.repeat(32767) + 'a', 65535, '2-byte characters'],
      ['\u00e9'.repeat(32768), 65536, '2-byte characters'],
      ['\u20ac'.repeat(21845), 65535, '3-byte characters (21845 code units, the longest never counted)'],
      ['\u20ac'.repeat(21845) + 'a', 65536, '3-byte characters just past the uncounted length'],
      [EMOJI.repeat(16383) + 'abc', 65535, '4-byte characters (surrogate pairs)'],
      [EMOJI.repeat(16383) + 'abcd', 65536, '4-byte characters (surrogate pairs)'],
      ['\u20ac'.repeat(65535), 196605, '3-byte characters, 65535 code units'],
    ];
    for (const [s, bytes, what] of cases) {
      const ok = bytes <= 65535;
      it(`${ok ? 'accepts' : 'rejects'} ${bytes} bytes of ${what}`, () => {
        assert.equal(Buffer.byteLength(s, 'utf8'), bytes);
        assert.equal(isValidTopicName(s), ok, 'as a name');
        assert.equal(isValidTopicFilter(s), ok, 'as a filter');
        if (ok) {
          assertTopicName(s);
          assertTopicFilter(s);
        } else {
          const message = new RegExp(`is ${bytes} bytes in UTF-8`);
          assertThrowsInvalidTopic(() => {
            assertTopicName(s);
          }, message);
          assertThrowsInvalidTopic(() => {
            assertTopicFilter(s);
          }, message);
        }
      });
    }

    it('counts wildcards and the $share prefix towards the limit of a filter', () => {
      const body = '\u20ac'.repeat(21843); // 65529 bytes in 21843 code units
      assert.equal(Buffer.byteLength(`${body}/+/a/#`), 65535);
      assert.equal(isValidTopicFilter(`${body}/+/a/#`), true);
      assert.equal(isValidTopicFilter(`${body}/+/ab/#`), false);
      assertThrowsInvalidTopic(() => {
        assertTopicFilter(`${body}/+/ab/#`);
      }, /65536 bytes/);
      const shared = `$share/g/${'a'.repeat(65535 - 9)}`;
      assert.equal(Buffer.byteLength(shared), 65535);
      assert.equal(isValidTopicFilter(shared), true);
      assert.equal(isValidTopicFilter(`${shared}b`), false);
      assert.equal(parseSharedSubscription(`${shared}b`), undefined);
    });
  });

  describe('topic filters', () => {
    const valid: [string, string][] = [
      ['sport/tennis/player1', 'no wildcards'],
      ['#', "'#' alone"],
      ['+', "'+' alone"],
      ['sport/#', "'#' as the last level"],
      ['sport/tennis/#', "'#' after several levels"],
      ['sport/+/player1', "'+' in the middle"],
      ['+/tennis/#', "'+' and '#' together"],
      ['+/+', "'+' in every level"],
      ['/+', "'+' after an empty level"],
      ['+/', "'+' before an empty level"],
      ['/#', "'#' after an empty level"],
      ['//#', "'#' after two empty levels"],
      ['/', "'/' alone"],
      ['a//b', 'an empty level'],
      ['$SYS/#', 'a $SYS filter'],
      ['$share/group/sport/#', 'a shared subscription'],
      ['$share/g/+', 'a shared subscription on a single-level wildcard'],
      ['$share/g//', "a shared subscription on '/'"],
      ['$share/g/$share/h/x', 'a shared subscription whose filter starts with $share (no nesting)'],
      ['$sharex/a', "a first level that only starts with '$share'"],
      ['a/$share/g', "'$share' not in the first level"],
      [`${EMOJI}/+`, 'a surrogate pair'],
    ];
    for (const [filter, reason] of valid) {
      it(`accepts ${reason}`, () => {
        assert.equal(isValidTopicFilter(filter), true);
        assert.doesNotThrow(() => {
          assertTopicFilter(filter);
        });
      });
    }

    const invalid: [string, string, RegExp][] = [
      ['', 'the empty string', /is empty/],
      ['sport/tennis#', "'#' sharing its level", /'#' at index 12 sharing its level/],
      ['#a', "'#' followed by characters in its level", /'#' at index 0 sharing its level/],
      ['sport/tennis/#/ranking', "'#' before the last level", /'#' at index 13 before the last level/],
      ['#/', "'#' before an empty last level", /'#' at index 0 before the last level/],
      ['##', "'##'", /'#' at index 0 sharing its level/],
      ['sport+', "'+' after characters in its level", /'\+' at index 5 sharing its level/],
      ['+sport', "'+' before characters in its level", /'\+' at index 0 sharing its level/],
      ['sport/+player1', "'+' inside a level", /'\+' at index 6 sharing its level/],
      ['++', "'++'", /'\+' at index 0 sharing its level/],
      ['+#', "'+#' in one level", /'\+' at index 0 sharing its level/],
      ['a/\u0000', 'U+0000', /U\+0000 .*index 2/],
      [`a/${LONE_HIGH}/+`, 'a lone high surrogate', /lone surrogate U\+D83D at index 2/],
      [LONE_LOW, 'a lone low surrogate', /lone surrogate U\+DE00/],
      ['$share', "'$share' alone", /empty share name/],
      ['$share/', "'$share/'", /empty share name/],
      ['$share//sport', 'an empty share name', /empty share name/],
      ['$share/group', 'a share name without a filter', /no topic filter after the share name/],
      ['$share/group/', 'a share name followed by an empty filter', /no topic filter after the share name/],
      ['$share/gr+oup/sport', "'+' in the share name", /share name "gr\+oup" contains the wildcard '\+'/],
      ['$share/+/sport', "'+' as the share name", /contains the wildcard '\+'/],
      ['$share/#/sport', "'#' as the share name", /contains the wildcard '#'/],
      ['$share/#', "'#' as the share name with no filter", /contains the wildcard '#'/],
      ['$share/g\u0000/a', 'U+0000 in the share name', /share name contains U\+0000/],
      [`$share/g${LONE_HIGH}/a`, 'a lone surrogate in the share name', /share name contains a lone surrogate/],
      ['$share/group/sport#', 'an invalid filter after the share name', /shared subscription whose topic filter has '#'/],
      ['$share/group/#/a', "'#' not last in the shared filter", /shared subscription whose topic filter has '#' at index 13 before/],
    ];
    for (const [filter, reason, message] of invalid) {
      it(`rejects ${reason}`, () => {
        assert.equal(isValidTopicFilter(filter), false);
        assertThrowsInvalidTopic(() => {
          assertTopicFilter(filter);
        }, message);
      });
    }
  });

  describe('parseSharedSubscription', () => {
    const cases: [string, { group: string; filter: string } | undefined][] = [
      ['$share/group/sport/#', { group: 'group', filter: 'sport/#' }],
      ['$share/g/+', { group: 'g', filter: '+' }],
      ['$share/g//', { group: 'g', filter: '/' }],
      ['$share/g/#', { group: 'g', filter: '#' }],
      ['$share/$g\u20ac/a', { group: '$g\u20ac', filter: 'a' }],
      ['$share/g/$share/h/x', { group: 'g', filter: '$share/h/x' }],
      ['sport/#', undefined],
      ['$SYS/#', undefined],
      ['$sharex/g/a', undefined],
      ['a/$share/g/a', undefined],
      // Malformed ones are undefined too; isValidTopicFilter is what sets them apart.
      ['$share', undefined],
      ['$share/', undefined],
      ['$share//a', undefined],
      ['$share/g', undefined],
      ['$share/g/', undefined],
      ['$share/g+/a', undefined],
      ['$share/g/a+', undefined],
    ];
    for (const [filter, expected] of cases) {
      it(`parses ${JSON.stringify(filter)}`, () => {
        assert.deepEqual(parseSharedSubscription(filter), expected);
      });
    }
  });

  describe('topicMatches', () => {
    // [filter, name, matches, where the example comes from]
    const table: [string, string, boolean, string][] = [
      // MQTT 5 §4.7.1.2 multi-level wildcard
      ['sport/tennis/player1/#', 'sport/tennis/player1', true, '§4.7.1.2: # matches the parent'],
      ['sport/tennis/player1/#', 'sport/tennis/player1/ranking', true, '§4.7.1.2'],
      ['sport/tennis/player1/#', 'sport/tennis/player1/score/wimbledon', true, '§4.7.1.2'],
      ['sport/tennis/player1/#', 'sport/tennis/player2', false, 'different level'],
      ['sport/tennis/player1/#', 'sport/tennis', false, 'shorter than the parent'],
      ['sport/tennis/player1/#', 'sport/tennis/player10', false, 'a level with the same prefix'],
      ['sport/#', 'sport', true, '§4.7.1.2: sport/# matches sport'],
      ['sport/#', 'sport/', true, 'an empty child level'],
      ['sport/#', 'sports', false, 'a longer first level'],
      ['#', 'sport/tennis/player1', true, '# matches everything'],
      ['#', '/', true, "# matches '/'"],
      ['/#', '/', true, "/# matches '/'"],
      ['/#', 'a', false, "/# needs an empty first level"],
      // MQTT 5 §4.7.1.3 single-level wildcard
      ['sport/tennis/+', 'sport/tennis/player1', true, '§4.7.1.3'],
      ['sport/tennis/+', 'sport/tennis/player2', true, '§4.7.1.3'],
      ['sport/tennis/+', 'sport/tennis/player1/ranking', false, '§4.7.1.3: one level only'],
      ['sport/+', 'sport', false, '§4.7.1.3: sport/+ does not match sport'],
      ['sport/+', 'sport/', true, '§4.7.1.3: sport/+ matches sport/ (+ matches an empty level)'],
      ['+/+', '/finance', true, '§4.7.1.3'],
      ['/+', '/finance', true, '§4.7.1.3'],
      ['+', '/finance', false, '§4.7.1.3'],
      ['+', 'finance', true, '+ alone'],
      ['+', '/', false, "'/' has two levels"],
      ['+/+', '/', true, 'two empty levels'],
      ['+/#', 'a', true, '# after + matches the parent'],
      ['+/tennis/#', 'sport/tennis/player1/ranking', true, 'both wildcards'],
      ['a/+/c', 'a//c', true, '+ matches an empty middle level'],
      ['a/+/c', 'a/c', false, '+ needs a level'],
      // §4.7.2 topics beginning with $
      ['#', '$SYS/broker/uptime', false, '§4.7.2: # does not match $SYS'],
      ['+/monitor/Clients', '$SYS/monitor/Clients', false, '§4.7.2'],
      ['$SYS/#', '$SYS/monitor/Clients', true, '§4.7.2'],
      ['$SYS/monitor/+', '$SYS/monitor/Clients', true, '§4.7.2'],
      ['+/x', '$SYS/x', false, 'a leading + does not match $'],
      ['+', '$', false, "a leading + does not match '$'"],
      ['#', 'a/$SYS', true, "'$' only matters at the start of the name"],
      ['a/+', 'a/$x', true, "'$' in a later level is ordinary"],
      ['$SYS', '$SYS', true, 'exact $ topic'],
      // exact matching and case
      ['ACCOUNTS', 'Accounts', false, 'case sensitive'],
      ['Accounts payable', 'Accounts payable', true, 'spaces'],
      ['/', '/', true, "'/' equals itself"],
      ['a/b', 'a/b/', false, 'a trailing empty level counts'],
      ['a/b/', 'a/b', false, 'a trailing empty level counts'],
      ['a//b', 'a/b', false, 'an empty level counts'],
      ['caf\u00e9/+', 'caf\u00e9/\u20ac', true, 'multi-byte characters'],
      // $share
      ['$share/g/sport/#', 'sport/tennis', true, 'matches on the filter after the share name'],
      ['$share/g/sport/#', '$share/g/sport/tennis', false, 'the $share prefix is not part of the match'],
      ['$share/g/#', '$SYS/x', false, 'the $ rule applies to the inner filter'],
      ['$share/g/$SYS/#', '$SYS/x', true, 'an inner $SYS filter'],
      ['$share/g/+', 'g', true, 'inner +'],
      // invalid input never matches
      ['sport+', 'sport+', false, 'invalid filter'],
      ['sport/#/x', 'sport/#/x', false, 'invalid filter'],
      ['a/+', 'a/+', false, 'invalid name'],
      ['#', 'a/#', false, 'invalid name'],
      ['#', '', false, 'empty name'],
      ['', '', false, 'empty filter'],
      ['#', 'a\u0000', false, 'U+0000 in the name'],
      ['#', `a${LONE_HIGH}`, false, 'lone surrogate in the name'],
      ['$share//x', 'x', false, 'malformed shared subscription'],
      ['$share/g', 'g', false, 'malformed shared subscription'],
    ];
    for (const [filter, name, expected, why] of table) {
      it(`${expected ? 'matches' : 'does not match'} ${JSON.stringify(filter)} against ${JSON.stringify(name)} (${why})`, () => {
        assert.equal(topicMatches(filter, name), expected);
        assert.equal(refMatches(filter, name), expected, 'reference implementation disagrees with the table');
      });
    }
  });

  describe('randomized properties', () => {
    // A fixed-seed PRNG keeps failures reproducible; the seed is in every assertion message.
    function mulberry32(seed: number): () => number {
      let a = seed >>> 0;
      return () => {
        a = (a + 0x6d2b79f5) >>> 0;
        let t = a;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
      };
    }
    const SEED = 0x5eed;
    const rand = mulberry32(SEED);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
    const int = (max: number): number => Math.floor(rand() * max);

    const NAME_LEVELS = ['a', 'b', 'sport', '', '$SYS', '$', 'x$', '\u00e9', '\u20ac', EMOJI, ' ', 'A'];
    const randomName = (): string => {
      const n = 1 + int(5);
      const levels = Array.from({ length: n }, () => pick(NAME_LEVELS));
      // A single empty level is the empty string, which is not a topic.
      return levels.join('/') || 'a';
    };
    // Names whose first level is '$share' would turn into shared subscriptions when used as filters.
    const usableAsFilter = (name: string): boolean => name.split('/')[0] !== '$share';

    it('accepts every generated name, and the name as a filter matches itself', () => {
      for (let i = 0; i < 3000; i++) {
        const name = randomName();
        const msg = `seed ${SEED}, name ${JSON.stringify(name)}`;
        assert.equal(isValidTopicName(name), true, msg);
        assert.equal(isValidTopicFilter(name), true, msg);
        if (usableAsFilter(name)) assert.equal(topicMatches(name, name), true, msg);
      }
    });

    it("still matches after replacing any set of levels by '+'", () => {
      for (let i = 0; i < 3000; i++) {
        const name = randomName();
        const levels = name.split('/');
        const filterLevels = levels.map((level, j) => (rand() < 0.4 && !(j === 0 && name.startsWith('$')) ? '+' : level));
        const filter = filterLevels.join('/');
        const msg = `seed ${SEED}, filter ${JSON.stringify(filter)}, name ${JSON.stringify(name)}`;
        assert.equal(topicMatches(filter, name), true, msg);
        assert.equal(topicMatches(`$share/grp/${filter}`, name), true, msg);
        // One level fewer or more never matches without '#'.
        assert.equal(topicMatches(`${filter}/+`, name), false, msg);
        assert.equal(topicMatches(filter, `${name}/x`), false, msg);
      }
    });

    it("matches after appending '/#' to any prefix of the levels", () => {
      for (let i = 0; i < 3000; i++) {
        const name = randomName();
        const levels = name.split('/');
        const cut = int(levels.length + 1);
        const filter = cut === 0 ? '#' : `${levels.slice(0, cut).join('/')}/#`;
        const expected = !(cut === 0 && name.startsWith('$'));
        const msg = `seed ${SEED}, filter ${JSON.stringify(filter)}, name ${JSON.stringify(name)}`;
        assert.equal(topicMatches(filter, name), expected, msg);
      }
    });

    it('agrees with a naive reference on random filter/name pairs', () => {
      const FILTER_LEVELS = [...NAME_LEVELS, '+', '+', '#', '#'];
      let matches = 0;
      for (let i = 0; i < 20000; i++) {
        const name = randomName();
        const n = 1 + int(5);
        let filter = Array.from({ length: n }, () => pick(FILTER_LEVELS)).join('/');
        if (rand() < 0.1) filter = `$share/${pick(['g', '', '+', 'a#'])}/${filter}`;
        const expected = refMatches(filter, name);
        if (expected) matches++;
        const msg = `seed ${SEED}, filter ${JSON.stringify(filter)}, name ${JSON.stringify(name)}`;
        assert.equal(topicMatches(filter, name), expected, msg);
      }
      assert.ok(matches > 500, `too few matching pairs generated (${matches}) to be meaningful`);
    });

    it('agrees with a naive reference on random strings, and assert* throws exactly when invalid', () => {
      const ATOMS = ['a', '/', '+', '#', '$', '$share', '\u0000', '\u00e9', '\u20ac', EMOJI, LONE_HIGH, LONE_LOW, ''];
      for (let i = 0; i < 20000; i++) {
        const s = Array.from({ length: int(7) }, () => pick(ATOMS)).join('');
        const msg = `seed ${SEED}, string ${JSON.stringify(s)}`;
        const nameOk = refValidName(s);
        const filterOk = refValidFilter(s);
        assert.equal(isValidTopicName(s), nameOk, `${msg} as a name`);
        assert.equal(isValidTopicFilter(s), filterOk, `${msg} as a filter`);
        if (nameOk) assertTopicName(s);
        else assertThrowsInvalidTopic(() => {
          assertTopicName(s);
        }, /^Topic name .* (is|contains|has) /);
        if (filterOk) assertTopicFilter(s);
        else assertThrowsInvalidTopic(() => {
          assertTopicFilter(s);
        }, /^Topic filter .* (is|contains|has) /);
        const shared = parseSharedSubscription(s);
        if (shared !== undefined) {
          assert.equal(filterOk, true, msg);
          assert.equal(`$share/${shared.group}/${shared.filter}`, s, msg);
        }
      }
    });
  });
});
