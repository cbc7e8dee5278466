const WHITESPACE = new Set([' ', '\t', '\n', '\r']);
const STRUCTURE = new Set(['{', '}', '[', ']', ',', ':', '"', ' ', '\t', '\n', '\r']);

/**
 * Lays out JSON text that JSON.parse has accepted, either compact (indent '') or the way
 * JSON.stringify(value, null, indent) does at nesting `depth`, copying every string and number
 * as written. Going through JSON.parse and JSON.stringify instead would round big numbers
 * (12345678901234567890) and drop duplicate keys of the sender's document.
 */
export function respaceJson(text: string, indent: string, depth: number): string {
  let out = '';
  let level = depth;
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (WHITESPACE.has(c)) {
      i++;
    } else if (c === '"') {
      let end = i + 1;
      while (text[end] !== '"') end += text[end] === '\\' ? 2 : 1;
      out += text.slice(i, end + 1);
      i = end + 1;
    } else if (c === '{' || c === '[') {
      const next = skipWhitespace(text, i + 1);
      if (text[next] === (c === '{' ? '}' : ']')) {
        out += c === '{' ? '{}' : '[]';
        i = next + 1;
      } else {
        level++;
        out += c + lineBreak(indent, level);
        i++;
      }
    } else if (c === '}' || c === ']') {
      level--;
      out += lineBreak(indent, level) + c;
      i++;
    } else if (c === ',') {
      out += `,${lineBreak(indent, level)}`;
      i++;
    } else if (c === ':') {
      out += indent === '' ? ':' : ': ';
      i++;
    } else {
      let end = i + 1;
      while (end < text.length && !STRUCTURE.has(text[end]!)) end++;
      out += text.slice(i, end);
      i = end;
    }
  }
  return out;
}

function lineBreak(indent: string, level: number): string {
  return indent === '' ? '' : `\n${indent.repeat(level)}`;
}

function skipWhitespace(text: string, from: number): number {
  let i = from;
  while (i < text.length && WHITESPACE.has(text[i]!)) i++;
  return i;
}
