import { describe, expect, it } from 'vitest';
import { SecretMasker } from './mask';
import { CappedText, lastLines, maskedText, OutputChannel } from './output';

describe('CappedText', () => {
  it('keeps exactly the last bytes across growth and wrap-around', () => {
    let seed = 7;
    const random = (): number => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    for (const limit of [1, 5, 100, 4096, 70_000]) {
      const capture = new CappedText(limit);
      let whole = '';
      for (let i = 0; i < 200; i++) {
        const length = Math.floor(random() * limit * 0.7) + 1;
        const piece = String.fromCharCode(97 + (i % 26)).repeat(length);
        capture.append(piece);
        whole += piece;
        if (whole.length > 4 * limit) whole = whole.slice(-2 * limit);
        expect(capture.text()).toBe(whole.slice(-limit));
      }
    }
  });

  it('never returns half a multi-byte character after dropping old bytes', () => {
    const capture = new CappedText(5);
    capture.append('ééé');
    expect(capture.text()).toBe('éé');
    capture.append('x');
    expect(capture.text()).toBe('ééx');
  });
});

describe('maskedText', () => {
  it('drops a secret remainder at the start of a truncated capture', () => {
    const masker = new SecretMasker();
    masker.register('0123456789abcdef');
    const capture = new CappedText(30);
    capture.append('xxxxxxxx0123456789abcdef tail\nnext ');
    capture.append('0123456789abcdef!');
    // The ring now starts inside the first secret ("ef tail..."), which must not show; the
    // second secret straddles the point where the kept text would start.
    expect(capture.truncated).toBe(true);
    expect(capture.text()).toBe('ef tail\nnext 0123456789abcdef!');
    expect(maskedText(capture, masker)).toBe('***!');
    const roomy = new CappedText(45);
    roomy.append('x'.repeat(20) + '0123456789abcdef tail\nnext 0123456789abcdef!');
    expect(maskedText(roomy, masker)).toBe('next ***!');
  });
});

describe('OutputChannel', () => {
  it('decodes characters split across byte chunks and masks before splitting lines', () => {
    const masker = new SecretMasker();
    masker.register('multi\nline secret');
    const chunks: string[] = [];
    const lines: string[] = [];
    const capture = new CappedText(1000);
    const channel = new OutputChannel('stdout', masker, { onChunk: (_s, data) => chunks.push(data), onLine: (_s, line) => lines.push(line) }, capture);
    const bytes = Buffer.from('é multi\nline secret\r\nend');
    for (let i = 0; i < bytes.length; i++) channel.write(bytes.subarray(i, i + 1));
    channel.end();
    expect(chunks.join('')).toBe('é ***\r\nend');
    expect(lines).toEqual(['é ***', 'end']);
    expect(maskedText(capture, masker)).toBe('é ***\r\nend');
  });
});

describe('lastLines', () => {
  it('returns the last lines without the final newline', () => {
    expect(lastLines('a\nb\r\nc\n', 2)).toBe('b\nc');
  });
});
