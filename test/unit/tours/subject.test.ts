// Subject tags read tag by tag, with words no tag expression can match skipped, give what splitting all the
// tags at once gave (kept here as the reference), against generated subjects of tags, separators and spaces.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseSubject, readTagWord, type TagWords } from '../../../extension/tours/series';

function referenceWords(tags: readonly string[]): TagWords {
  const words = { version: null, number: null, total: null, rfc: false, resend: false };
  for (const w of tags.join(' ').split(/[\s,]+/).filter(Boolean)) readTagWord(w, words);
  return words;
}

const WORDS = ['PATCH', 'patch', 'RFC', 'rfc', 'RFCv2', 'RESEND', 'resend', 'v4', 'V12', 'PATCHv8', 'net-next', '3/6', '07/34', '1/2/3', 'x', 'v', 'Rv1', '\u00e9', '0/0'];
const SEPARATORS = [' ', ',', ', ', '\t', '\u00a0', '\u2003', '  ', ''];

test('the tags of a subject read as splitting them all at once read them', () => {
  const tag = fc.array(fc.tuple(fc.constantFrom(...WORDS), fc.constantFrom(...SEPARATORS)), { maxLength: 6 }).map((ws) => ws.map(([w, s]) => w + s).join(''));
  fc.assert(fc.property(fc.array(tag, { maxLength: 4 }), fc.constantFrom('', 'Re: ', 'Fwd: re: '), (tags, reply) => {
    const info = parseSubject(`${reply}${tags.map((t) => `[${t}]`).join(' ')} title`);
    const { version, number, total, rfc, resend } = info;
    assert.deepEqual({ version, number, total, rfc, resend }, referenceWords(tags));
  }), { numRuns: 500 });
});
