// The two languages of the console must say the same things: every key in both, none empty,
// the same {placeholders}. Run: node --import tsx --test console/test/i18n.test.ts
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { zh } from '../src/i18n/zh.ts';
import { en } from '../src/i18n/en.ts';

const languages: Record<string, Record<string, string>> = { zh, en };

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

test('every key of one language exists in the other', () => {
  for (const [name, dict] of Object.entries(languages)) {
    for (const [otherName, other] of Object.entries(languages)) {
      if (name === otherName) continue;
      const missing = Object.keys(dict).filter((k) => !Object.hasOwn(other, k));
      assert.deepEqual(missing, [], `keys of ${name} missing in ${otherName}`);
    }
  }
});

test('no text is empty', () => {
  for (const [name, dict] of Object.entries(languages)) {
    const empty = Object.entries(dict)
      .filter(([, v]) => typeof v !== 'string' || v.trim() === '')
      .map(([k]) => k);
    assert.deepEqual(empty, [], `empty texts in ${name}`);
  }
});

test('both languages use the same placeholders', () => {
  const differing = Object.keys(zh).filter(
    (k) => JSON.stringify(placeholders(zh[k as keyof typeof zh])) !== JSON.stringify(placeholders(en[k as keyof typeof en] ?? '')),
  );
  assert.deepEqual(differing, [], 'keys whose {placeholders} differ between zh and en');
});

test('no English text left in the Chinese dictionary', () => {
  // A zh text with letters but no CJK character must be one both languages share (netcare,
  // English in the language switch); otherwise it is an untranslated paste.
  const cjk = /[\u3400-\u9fff]/;
  const untranslated = Object.keys(zh).filter((k) => {
    const z = zh[k as keyof typeof zh];
    const words = z.replace(/\{\w+\}/g, '').replace(/[\s\p{P}]/gu, '');
    return words !== '' && !cjk.test(words) && z !== en[k as keyof typeof en];
  });
  assert.deepEqual(untranslated, [], 'zh texts that look untranslated');
});
