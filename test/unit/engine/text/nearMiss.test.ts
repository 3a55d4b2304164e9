import { strict as assert } from 'node:assert';
import { NearMisses } from '../../../../src/engine/text/nearMiss';

describe('NearMisses (likely typos)', () => {
  const text = [
    'function total(items) {',
    '  let quantity = 0;',
    '  for (const item of items) quantity += item.quantity;',
    '  retrun quantity + quantiy;',
    '}',
    'const parseConfig = load(); const Quantity = 1; const urlHash = "a9f3e7c21b";',
  ].join('\n');
  const misses = new NearMisses(text);

  it('finds a word written once, one swap or one dropped letter from a word used elsewhere', () => {
    // `retrun` has no neighbour in this text, `quantiy` has `quantity`.
    assert.equal(misses.meant('quantiy'), 'quantity');
    assert.equal(new NearMisses(`${text}\nreturn 1;`).meant('retrun'), 'return');
  });

  it('leaves alone words used more than once, new names with no neighbour, plurals, case changes and short words', () => {
    assert.equal(misses.meant('quantity'), undefined);
    assert.equal(misses.meant('parseConfig'), undefined);
    assert.equal(misses.meant('urlHash'), undefined);
    assert.equal(misses.meant('retrun'), undefined);
    // `items`/`item`: a plural; `Quantity`/`quantity`: a change of case.
    assert.equal(misses.meant('Quantity'), undefined);
    assert.equal(new NearMisses('let item = 1; item++; print(items)').meant('items'), undefined);
    assert.equal(new NearMisses('let abc = 1; abc++; abd').meant('abd'), undefined);
  });
});
