import { extractLastJsonObject, NoJsonDocumentError } from './extract-json';
import { benchStdout, snnTrainingOutput } from './perf-fixtures.test-helpers';

// What TensorFlow and Node print around a bench's document in real runs.
const TF_LOG = [
  '2026-11-28 15:02:11.123456: I tensorflow/core/platform/cpu_feature_guard.cc:210] This TensorFlow binary is optimized to use available CPU instructions {AVX2 AVX512F FMA}',
  '(node:12345) Warning: CRISTAL_CPU_BACKEND {"code":"x"}',
];

describe('extractLastJsonObject', () => {
  it('finds the pretty-printed document between TensorFlow log lines and a later non-JSON line', () => {
    const document = snnTrainingOutput();
    const stdout = benchStdout(document, { before: TF_LOG, after: ['done in 41 s', 'Warning: 3 tensors were not disposed'] });
    expect(extractLastJsonObject(stdout)).toEqual(document);
  });

  it('takes the last of several documents', () => {
    const stdout = benchStdout({ run: 1 }, { after: ['between', JSON.stringify({ run: 2 }, null, 2), 'trailing text'] });
    expect(extractLastJsonObject(stdout)).toEqual({ run: 2 });
  });

  it('reads braces, brackets and escaped quotes inside strings as text', () => {
    const document = { message: 'a "} ]" inside', nested: { list: ['{', '}', '\\'] } };
    expect(extractLastJsonObject(benchStdout(document, { before: ['{ this line only starts with a brace'] }))).toEqual(document);
  });

  it('accepts a compact one-line document followed by text on the same line, and CRLF line ends', () => {
    expect(extractLastJsonObject('log\r\n{"a":1,"b":[2,3]} <- the report\r\nbye\r\n')).toEqual({ a: 1, b: [2, 3] });
  });

  it('does not take a nested object of a truncated later document for a document', () => {
    // the second document was cut off (a killed bench): its indented inner objects are not documents
    const complete = JSON.stringify({ benchmark: 'first' }, null, 2);
    const truncated = JSON.stringify({ benchmark: 'second', results: [{ batch: 32 }, { batch: 128 }] }, null, 2).slice(0, -20);
    expect(extractLastJsonObject([complete, truncated].join('\n'))).toEqual({ benchmark: 'first' });
  });

  it('ignores a top-level array and braces in the middle of a line', () => {
    expect(extractLastJsonObject('{"doc":true}\n[1, 2, 3]\nvalue {"x": 1}\n')).toEqual({ doc: true });
  });

  it('says what it expected and shows the end of the output when there is no document', () => {
    const attempt = () => extractLastJsonObject([...TF_LOG, 'Error: weights not found', '    at main (bench.ts:10:5)'].join('\n'));
    expect(attempt).toThrow(NoJsonDocumentError);
    expect(attempt).toThrow(/no JSON document in the output: expected a line starting with "\{"/);
    expect(attempt).toThrow(/The output ends with:\n[\s\S]*Error: weights not found\n {4}at main/);
    expect(() => extractLastJsonObject('')).toThrow('The output is empty.');
  });
});
