/**
 * A small line-based Markdown reader for the docs tests: fenced code blocks, headings, and the
 * text units prose checks work on (a table row, a list item or a paragraph), each with the
 * 1-based line numbers of the file.
 */

/** A fenced code block (``` or ~~~). */
export interface CodeBlock {
  /** First word of the info string (`ts`, `typescript`, `sh`, ...), lower case. */
  readonly lang: string;
  /** Line of the first line of code (the line after the opening fence). */
  readonly line: number;
  readonly code: string;
}

/** A heading. */
export interface Heading {
  readonly level: number;
  readonly text: string;
  readonly line: number;
}

/** An inline code span inside a unit. */
export interface Span {
  /** Text between the backticks, trimmed. */
  readonly text: string;
  readonly line: number;
  /** Offset of the opening backtick in the unit's text. */
  readonly offset: number;
  /** For a table row: the header of the span's column (empty otherwise). */
  readonly column: string;
}

/** A table row, a list item (with its continuation lines) or a paragraph. */
export interface Unit {
  readonly kind: 'row' | 'item' | 'paragraph';
  readonly line: number;
  /** The unit's text, lines joined with '\n'. */
  readonly text: string;
  /** For a table row: the table's header cells. */
  readonly header: string[];
  /** Headings above the unit, outermost first (the nearest of each level). */
  readonly headings: Heading[];
  /** For a table row: the text of the paragraph or item right before the table. */
  readonly intro?: Unit;
  readonly spans: Span[];
}

/** A parsed Markdown file. */
export interface MarkdownDoc {
  readonly file: string;
  readonly blocks: CodeBlock[];
  readonly units: Unit[];
}

const FENCE = /^\s*(`{3,}|~{3,})\s*([^\s`]*)/;
const HEADING = /^(#{1,6})\s+(.*?)\s*#*\s*$/;
const LIST_ITEM = /^\s*(?:[-*+]|\d+\.)\s+/;

/** Splits a table row into cells, keeping `|` inside code spans and `\|`. */
export function tableCells(row: string): string[] {
  const cells: string[] = [];
  let cur = '';
  let inCode = false;
  const s = row.trim().replace(/^\|/, '').replace(/\|$/, '');
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '\\' && s[i + 1] === '|') {
      cur += '|';
      i++;
    } else if (c === '`') {
      inCode = !inCode;
      cur += c;
    } else if (c === '|' && !inCode) {
      cells.push(cur);
      cur = '';
    } else {
      cur += c;
    }
  }
  cells.push(cur);
  return cells.map(x => x.trim());
}

/** Index of the cell of a table row that contains an offset. */
function columnAt(row: string, offset: number): number {
  let col = -1;
  let inCode = false;
  for (let i = 0; i < offset; i++) {
    const c = row[i];
    if (c === '\\' && row[i + 1] === '|') i++;
    else if (c === '`') inCode = !inCode;
    else if (c === '|' && !inCode) col++;
  }
  return Math.max(col, 0);
}

/** Inline code spans of a text (single or multiple backticks, possibly across lines). */
export function codeSpans(text: string, firstLine: number, column = ''): Span[] {
  const spans: Span[] = [];
  const re = /(`+)([\s\S]*?[^`])\1(?!`)/g;
  for (const m of text.matchAll(re)) {
    const before = text.slice(0, m.index);
    spans.push({
      text: m[2].trim(),
      line: firstLine + (before.match(/\n/g)?.length ?? 0),
      offset: m.index!,
      column,
    });
  }
  return spans;
}

/** Reads a Markdown text. */
export function parseMarkdown(file: string, text: string): MarkdownDoc {
  const lines = text.split('\n');
  const blocks: CodeBlock[] = [];
  const units: Unit[] = [];
  const headingStack: Heading[] = [];
  let current: { kind: 'item' | 'paragraph'; line: number; lines: string[] } | undefined;
  let lastProse: Unit | undefined;

  const flush = () => {
    if (!current) return;
    const unitText = current.lines.join('\n');
    const unit: Unit = {
      kind: current.kind,
      line: current.line,
      text: unitText,
      header: [],
      headings: [...headingStack],
      spans: codeSpans(unitText, current.line),
    };
    units.push(unit);
    lastProse = unit;
    current = undefined;
  };

  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    const fence = FENCE.exec(line);
    if (fence) {
      flush();
      const marker = fence[1];
      const start = i + 1;
      let j = start;
      while (j < lines.length && !(lines[j].trim().startsWith(marker[0].repeat(marker.length)) && lines[j].trim().replace(/[`~]/g, '') === '')) j++;
      blocks.push({ lang: fence[2].toLowerCase(), line: start + 1, code: lines.slice(start, j).join('\n') + '\n' });
      i = j + 1;
      continue;
    }
    const heading = HEADING.exec(line);
    if (heading) {
      flush();
      const h: Heading = { level: heading[1].length, text: heading[2], line: i + 1 };
      while (headingStack.length && headingStack[headingStack.length - 1].level >= h.level) headingStack.pop();
      headingStack.push(h);
      lastProse = undefined;
      i++;
      continue;
    }
    if (line.trim().startsWith('|')) {
      flush();
      const intro = lastProse;
      const header = tableCells(line);
      let j = i + 1;
      if (j < lines.length && /^\s*\|?\s*:?-{3,}/.test(lines[j])) j++;
      for (; j < lines.length && lines[j].trim().startsWith('|'); j++) {
        const row = lines[j];
        const spans = codeSpans(row, j + 1).map(sp => ({ ...sp, column: header[columnAt(row, sp.offset)] ?? '' }));
        units.push({ kind: 'row', line: j + 1, text: lines[j], header, headings: [...headingStack], intro, spans });
      }
      lastProse = undefined;
      i = j;
      continue;
    }
    if (line.trim() === '' || line.trim().startsWith('<!--')) {
      flush();
      i++;
      continue;
    }
    if (LIST_ITEM.test(line)) {
      flush();
      current = { kind: 'item', line: i + 1, lines: [line] };
    } else if (current) {
      current.lines.push(line);
    } else {
      current = { kind: 'paragraph', line: i + 1, lines: [line] };
    }
    i++;
  }
  flush();
  return { file, blocks, units };
}
