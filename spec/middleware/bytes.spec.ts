import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseBytes } from '../../lib/middleware/bytes.js';

describe('parseBytes()', () => {
  it('reads numbers and unit strings (powers of 1024)', () => {
    assert.equal(parseBytes(0), 0);
    assert.equal(parseBytes(1234.9), 1234);
    assert.equal(parseBytes('100kb'), 102400);
    assert.equal(parseBytes('1.5MB'), 1572864);
    assert.equal(parseBytes(' 2 gb '), 2 * 1024 ** 3);
    assert.equal(parseBytes('512'), 512);
    assert.equal(parseBytes('512b'), 512);
    assert.equal(parseBytes('1tb'), 1024 ** 4);
  });

  it('throws TypeError for anything else', () => {
    for (const bad of ['', 'kb', '1.2.3kb', '1pb', '-1kb', '1e3', 'ten', NaN, Infinity, -1, null, undefined, {}, [], true]) {
      assert.throws(() => parseBytes(bad), TypeError, String(bad));
    }
  });
});
