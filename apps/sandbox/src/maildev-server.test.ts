import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import { test } from 'node:test';
import { findFreePort } from '@extauth/server-kit/ports';
import { startMailDev } from './maildev-server.js';

/** Speaks just enough SMTP to hand MailDev one message. */
function sendMail(port: number, to: string, body: string): Promise<void> {
  const lines = [
    'EHLO test',
    'MAIL FROM:<a@example.com>',
    `RCPT TO:<${to}>`,
    'DATA',
    `Subject: x\r\n\r\n${body}\r\n.`,
    'QUIT',
  ];
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let step = 0;
    socket.on('data', (chunk) => {
      if (/^\d{3} /m.test(chunk.toString()) && step < lines.length) socket.write(`${lines[step++]}\r\n`);
    });
    socket.on('end', resolve);
    socket.on('error', reject);
  });
}

test('keeps messages in an owner-only folder of its own, removed when it stops', async () => {
  const [smtpPort, webPort] = await Promise.all([findFreePort(), findFreePort()]);
  const maildev = await startMailDev({ host: '127.0.0.1', smtpPort, webPort });
  assert.equal(fs.statSync(maildev.mailDirectory).mode & 0o777, 0o700);
  await sendMail(smtpPort, 'someone@example.com', 'code 123456');
  const res = await fetch(`http://127.0.0.1:${webPort}/api/email`);
  const mails = (await res.json()) as { text?: string }[];
  assert.ok(
    mails.some((m) => m.text?.includes('123456')),
    'MailDev received the message',
  );
  assert.ok(fs.readdirSync(maildev.mailDirectory).length > 0, 'the message is kept in that folder');
  await maildev.stop();
  assert.equal(fs.existsSync(maildev.mailDirectory), false);
});
