// extauth-sandbox IdP: progressive enhancements only; every page works without this file.
(() => {
  const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789-_.!@#%+=';
  const LENGTH = 20;

  // Rejection sampling over crypto.getRandomValues: uniform, no modulo bias.
  function generatePassword() {
    const limit = 256 - (256 % ALPHABET.length);
    let out = '';
    while (out.length < LENGTH) {
      const bytes = crypto.getRandomValues(new Uint8Array(LENGTH * 2));
      for (const b of bytes) {
        if (b < limit && out.length < LENGTH) out += ALPHABET[b % ALPHABET.length];
      }
    }
    return out;
  }

  // "Generate": fill the password field with a strong password and show it.
  for (const button of document.querySelectorAll('[data-generate-password]')) {
    button.addEventListener('click', (event) => {
      const input = document.getElementById(button.getAttribute('data-generate-password') || '');
      if (!input) return;
      event.preventDefault();
      input.type = 'text';
      input.value = generatePassword();
      input.focus();
      input.select();
    });
  }

  // The six code boxes: one digit each, focus moves on, a pasted or autofilled code spreads over
  // them, and the combined code goes into the plain `code` field (hidden once this runs).
  for (const form of document.querySelectorAll('[data-code-form]')) {
    const boxes = Array.from(form.querySelectorAll('[data-code-boxes] input'));
    const plain = form.querySelector('input[name="code"]');
    const fallback = form.querySelector('[data-code-fallback]');
    if (boxes.length === 0 || !plain) continue;
    if (fallback) fallback.hidden = true;
    const sync = () => {
      plain.value = boxes.map((b) => b.value).join('');
    };
    const spread = (text, start) => {
      const digits = text.replace(/\D/g, '').slice(0, boxes.length - start);
      digits.split('').forEach((d, i) => {
        boxes[start + i].value = d;
      });
      const next = Math.min(start + digits.length, boxes.length - 1);
      boxes[next].focus();
      sync();
    };
    boxes.forEach((box, index) => {
      box.removeAttribute('maxlength');
      box.addEventListener('input', () => {
        const value = box.value;
        if (value.replace(/\D/g, '').length > 1) {
          spread(value, index);
          return;
        }
        box.value = value.replace(/\D/g, '');
        if (box.value && index < boxes.length - 1) boxes[index + 1].focus();
        sync();
      });
      box.addEventListener('paste', (event) => {
        const text = (event.clipboardData || window.clipboardData).getData('text');
        if (!/\d/.test(text)) return;
        event.preventDefault();
        spread(text, index);
      });
      box.addEventListener('keydown', (event) => {
        if (event.key === 'Backspace' && !box.value && index > 0) boxes[index - 1].focus();
      });
    });
    form.addEventListener('submit', sync);
  }

  // "Copy code": shown only when this script runs; the code itself stays selectable text. What
  // happened is written into the button's aria-live="polite" status, so a screen reader says it
  // too (a changed button label is not reliably announced).
  for (const button of document.querySelectorAll('[data-copy-code]')) {
    const source = document.getElementById(button.getAttribute('data-copy-code') || '');
    const status = document.getElementById(button.getAttribute('data-copy-status') || '');
    if (!source) continue;
    button.hidden = false;
    let clear;
    const say = (message) => {
      if (!status) return;
      clearTimeout(clear);
      status.textContent = message;
      clear = setTimeout(() => {
        status.textContent = '';
      }, 4000);
    };
    button.addEventListener('click', () => {
      const text = source.textContent.trim();
      const done = () => say('Copied');
      const selectIt = () => {
        const range = document.createRange();
        range.selectNodeContents(source);
        const selection = window.getSelection();
        selection.removeAllRanges();
        selection.addRange(range);
        say('The code is selected: copy it with your keyboard.');
      };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text).then(done, selectIt);
      } else {
        selectIt();
      }
    });
  }
})();
