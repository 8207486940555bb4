import assert from 'node:assert/strict';
import { test } from 'node:test';
import { html, raw } from './html.js';

test('escapes interpolated text and attributes', () => {
  const evil = `"><script>alert('x')</script>`;
  assert.equal(
    html`<input value="${evil}">`.value,
    '<input value="&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;">',
  );
});

test('nests html fragments and arrays without double escaping', () => {
  const items = ['a<b', 'c'].map((t) => html`<li>${t}</li>`);
  assert.equal(html`<ul>${items}</ul>`.value, '<ul><li>a&lt;b</li><li>c</li></ul>');
  assert.equal(html`${raw('<b>')}${null}${undefined}${false}`.value, '<b>');
});
