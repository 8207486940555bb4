import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import nodemailer from 'nodemailer';
import { createMailer } from './mailer.js';
import { composeMessage } from './messages.js';

const content = {
  brand: 'WebPros',
  to: 'ana+test@example.com',
  subject: 'Your <code>',
  greeting: 'Hello Ana,',
  paragraphs: ['Use this link within 24 hours.', 'Ignore this email if it was not you & <nobody> else.'],
  action: { label: 'Enable multi-factor authentication', url: 'https://localhost:8443/x?a=1&b=2' },
};

describe('composeMessage', () => {
  test('writes a plain-text part with every paragraph, the link as a bare URL and a signature', () => {
    const message = composeMessage(content);
    assert.equal(
      message.text,
      [
        'Hello Ana,',
        '',
        'Use this link within 24 hours.',
        '',
        'Ignore this email if it was not you & <nobody> else.',
        '',
        'Enable multi-factor authentication: https://localhost:8443/x?a=1&b=2',
        '',
        'The WebPros Account team',
        '',
      ].join('\n'),
    );
  });

  test('escapes every value in the HTML part', () => {
    const message = composeMessage(content);
    assert.match(message.html, /you &amp; &lt;nobody&gt; else\./);
    assert.match(message.html, /href="https:\/\/localhost:8443\/x\?a=1&amp;b=2"/);
    assert.doesNotMatch(message.html, /<nobody>/);
  });
});

describe('createMailer', () => {
  test('sends a multipart message with a text/plain part from the configured sender', async () => {
    const captured: string[] = [];
    // A transport that builds the MIME message exactly as SMTP would send it, and keeps it.
    const transport = nodemailer.createTransport({
      name: 'capture',
      version: '1',
      send(mail, done) {
        mail.message.build((err, raw) => {
          if (err) return done(err, undefined as never);
          captured.push(raw.toString('utf8'));
          done(null, { envelope: mail.message.getEnvelope(), messageId: mail.message.messageId() });
        });
      },
    });
    const mailer = createMailer(transport, '"WebPros Account" <no-reply@example.com>');
    const sent = await mailer.send(composeMessage(content));
    mailer.close();
    assert.match(sent.messageId, /^<.+@.+>$/);
    const raw = captured[0] ?? '';
    assert.match(raw, /^From: "?WebPros Account"? <no-reply@example\.com>\r?$/m);
    assert.match(raw, /^To: ana\+test@example\.com\r?$/m);
    assert.match(raw, /^Subject: Your <code>\r?$/m);
    assert.match(raw, /^Content-Type: multipart\/alternative/m);
    assert.match(raw, /^Content-Type: text\/plain; charset=utf-8\r?$/m);
    assert.match(raw, /^Content-Type: text\/html; charset=utf-8\r?$/m);
    assert.match(raw, /Ignore this email if it was not you & <nobody> else\./);
  });
});
