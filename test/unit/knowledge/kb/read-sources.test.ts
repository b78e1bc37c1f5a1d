import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { parseCsv } from '../../../../knowledge/kb/csv.js';
import { readFaqCsv, readFaqJsonl } from '../../../../knowledge/kb/read-faq.js';
import { readMarkdown } from '../../../../knowledge/kb/read-markdown.js';
import { readSources, singleFileSource } from '../../../../knowledge/kb/read-sources.js';
import { contentHash, embeddedTexts } from '../../../../knowledge/kb/types.js';

describe('CSV parser', () => {
  test('quoted fields with commas, doubled quotes and newlines; CRLF; BOM; blank lines', () => {
    const rows = parseCsv('\uFEFFid,question\r\n1,"a, ""b"""\r\n\r\n2,"line1\nline2"\n');
    expect(rows).toEqual([
      { line: 1, fields: ['id', 'question'] },
      { line: 2, fields: ['1', 'a, "b"'] },
      { line: 4, fields: ['2', 'line1\nline2'] },
    ]);
  });
  test('an unterminated quote is an error', () => {
    expect(() => parseCsv('a,"b\n')).toThrow(/unterminated/);
  });
});

describe('FAQ readers', () => {
  test('JSONL: question or example_questions, language detected, errors name the line', () => {
    const entries = readFaqJsonl(
      'faq.jsonl',
      [
        '{"faq_id":"r1","question":"七天无理由退货吗","example_questions":["能退吗","七天无理由退货吗"],"answer":"支持"}',
        '',
        '{"id":"e1","example_questions":["How long is shipping?","delivery time"]}',
      ].join('\n'),
    );
    expect(entries).toEqual([
      { source: 'faq.jsonl', entryId: 'r1', title: '七天无理由退货吗', answer: '支持', examples: ['能退吗'], language: 'zh', chunks: [] },
      { source: 'faq.jsonl', entryId: 'e1', title: 'How long is shipping?', answer: '', examples: ['delivery time'], language: 'en', chunks: [] },
    ]);
    expect(() => readFaqJsonl('faq.jsonl', '{"faq_id":"a","question":"q"}\n{oops')).toThrow(/faq\.jsonl:2: invalid JSON/);
    expect(() => readFaqJsonl('faq.jsonl', '{"faq_id":"a"}')).toThrow(/faq\.jsonl:1: .*question/);
    expect(() => readFaqJsonl('faq.jsonl', '{"faq_id":"a","question":"q"}\n{"faq_id":"a","question":"r"}')).toThrow(/:2: duplicate id "a" \(first on line 1\)/);
  });

  test('CSV: header columns in any order, examples split on " | ", rows without id numbered', () => {
    const csv = 'answer,question,examples,language\n"3-5天, 偏远地区7天",发货后多久到,多久到 | 几天能到,zh\nAbout a week,How long to Europe?,,en\n';
    expect(readFaqCsv('ship.csv', csv)).toEqual([
      {
        source: 'ship.csv',
        entryId: 'row-1',
        title: '发货后多久到',
        answer: '3-5天, 偏远地区7天',
        examples: ['多久到', '几天能到'],
        language: 'zh',
        chunks: [],
      },
      { source: 'ship.csv', entryId: 'row-2', title: 'How long to Europe?', answer: 'About a week', examples: [], language: 'en', chunks: [] },
    ]);
    expect(() => readFaqCsv('bad.csv', 'id,answer\n1,x\n')).toThrow(/bad\.csv:1: header needs a "question" column/);
  });
});

describe('Markdown reader', () => {
  test('one entry per heading with its text; long sections are chunked with their heading', async () => {
    const long = '尺码偏大的款式建议选小一码。'.repeat(60);
    const md = `# 尺码指南\n\n总体说明。\n\n## 女装上衣\n\n${long}\n\n## Men's\n\nMeasure your chest.\n\n\`\`\`\n# not a heading\n\`\`\`\n`;
    const entries = await readMarkdown('size.md', md);
    expect(entries.map((e) => [e.entryId, e.title, e.language])).toEqual([
      ['尺码指南', '尺码指南', 'zh'],
      ['尺码指南/女装上衣', '女装上衣', 'zh'],
      ['尺码指南/men-s', "Men's", 'en'],
    ]);
    const tops = entries[1];
    expect(tops?.chunks.length).toBeGreaterThan(1);
    for (const chunk of tops?.chunks ?? []) {
      expect(chunk.startsWith('女装上衣\n')).toBe(true);
      expect(chunk.length).toBeLessThanOrEqual('女装上衣\n'.length + 400);
    }
    expect(entries[2]?.answer).toContain('# not a heading');
  });
});

describe('readSources', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kb-src-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('walks a folder, names sources relative to it, skips other files', async () => {
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'faq.jsonl'), '{"faq_id":"a","question":"发票怎么开","answer":"下单后申请"}\n');
    writeFileSync(join(dir, 'sub', 'guide.md'), '## Returns\n\nWithin 7 days.\n');
    writeFileSync(join(dir, 'notes.txt'), 'ignored');
    const entries = await readSources(dir);
    expect(entries.map((e) => `${e.source}#${e.entryId}`)).toEqual(['faq.jsonl#a', 'sub/guide.md#returns']);
    expect((await readSources(join(dir, 'faq.jsonl'))).map((e) => e.source)).toEqual(['faq.jsonl']);
  });

  test('a file read on its own takes the stored name its path ends with, so it replaces what a folder ingest stored', async () => {
    mkdirSync(join(dir, 'zh'));
    writeFileSync(join(dir, 'zh', 'faq.jsonl'), '{"faq_id":"b","question":"多久发货","answer":"48 小时内"}\n');
    const stored = (await readSources(dir)).map((e) => e.source);
    expect(stored).toContain('zh/faq.jsonl');
    expect((await readSources(join(dir, 'zh', 'faq.jsonl'), stored)).map((e) => `${e.source}#${e.entryId}`)).toEqual(['zh/faq.jsonl#b']);
    // The root faq.jsonl is another file: the longest match wins, whole segments only.
    expect(singleFileSource(join(dir, 'zh', 'faq.jsonl'), ['faq.jsonl', 'zh/faq.jsonl'])).toBe('zh/faq.jsonl');
    expect(singleFileSource(join(dir, 'faq.jsonl'), ['faq.jsonl', 'zh/faq.jsonl'])).toBe('faq.jsonl');
    expect(singleFileSource('/srv/kb/xzh/faq.jsonl', ['zh/faq.jsonl'])).toBe('faq.jsonl');
    expect(singleFileSource('/srv/copy/my-faq/zh/faq.jsonl', ['zh/faq.jsonl', 'en/faq.jsonl'])).toBe('zh/faq.jsonl');
    // Nothing stored under that path: the file name, as before.
    expect(singleFileSource(join(dir, 'zh', 'faq.jsonl'), ['en/faq.jsonl'])).toBe('faq.jsonl');
  });

  test('content hash changes with what is embedded or shown, embedded texts are unique', () => {
    const base = { title: 'q', answer: 'a', examples: ['x', 'q'], language: 'zh' as const, chunks: [] };
    expect(contentHash(base)).toBe(contentHash({ ...base }));
    expect(contentHash(base)).not.toBe(contentHash({ ...base, answer: 'b' }));
    expect(contentHash(base)).not.toBe(contentHash({ ...base, examples: ['y'] }));
    expect(embeddedTexts(base)).toEqual(['q', 'x']);
  });
});
