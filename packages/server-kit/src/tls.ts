import { webcrypto } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type * as X509 from '@peculiar/x509';

type KeyPair = webcrypto.CryptoKeyPair;

/** Loaded only when a certificate must be made, so ordinary starts do not pay for it. */
async function loadX509(): Promise<typeof X509> {
  await import('reflect-metadata'); // @peculiar/x509 2.x resolves its services through tsyringe
  const x509 = await import('@peculiar/x509');
  x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);
  return x509;
}

const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const CA_LIFETIME_DAYS = 3650;
/** Browsers cap publicly trusted leaves at 398 days; a private CA is exempt, but stay under it anyway. */
const LEAF_LIFETIME_DAYS = 397;
const LEAF_RENEW_BEFORE_DAYS = 30;
const DAY_MS = 86_400_000;
const DEFAULT_NAMES = ['localhost', '127.0.0.1', '::1'];

export interface DevCertificates {
  caFile: string;
  certFile: string;
  keyFile: string;
  caPem: string;
  certPem: string;
  keyPem: string;
  /** Subject alternative names of the leaf certificate. */
  names: string[];
}

interface LeafManifest {
  names: string[];
  notAfter: string;
}

function toPem(der: ArrayBuffer, label: string): string {
  const b64 = Buffer.from(der).toString('base64');
  return `-----BEGIN ${label}-----\n${b64.replace(/.{1,64}/g, '$&\n')}-----END ${label}-----\n`;
}

function withNewline(pem: string): string {
  return pem.endsWith('\n') ? pem : `${pem}\n`;
}

function fromPem(pem: string): ArrayBuffer {
  const b64 = pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
  const buf = Buffer.from(b64, 'base64');
  return buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
}

function serial(): string {
  // Positive 16-byte serial (RFC 5280 §4.1.2.2).
  const bytes = webcrypto.getRandomValues(new Uint8Array(16));
  bytes[0] = (bytes[0] ?? 0) & 0x7f;
  return Buffer.from(bytes).toString('hex');
}

function writeAtomic(file: string, data: string, mode: number): void {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, data, { mode });
  fs.renameSync(tmp, file);
}

async function withLock<T>(dir: string, fn: () => Promise<T>): Promise<T> {
  const lock = path.join(dir, '.lock');
  const deadline = Date.now() + 15_000;
  for (;;) {
    try {
      fs.mkdirSync(lock);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const age = Date.now() - (fs.statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > 30_000) fs.rmSync(lock, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`timed out waiting for the certificate lock ${lock}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }
  try {
    return await fn();
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

async function createCa(now: Date) {
  const x509 = await loadX509();
  const keys = (await webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify'])) as KeyPair;
  const id = Buffer.from(webcrypto.getRandomValues(new Uint8Array(4))).toString('hex');
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: `CN=extauth-sandbox local development CA ${id}, O=extauth-sandbox`,
    notBefore: new Date(now.getTime() - DAY_MS),
    notAfter: new Date(now.getTime() + CA_LIFETIME_DAYS * DAY_MS),
    keys,
    signingAlgorithm: ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  const keyPem = toPem(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey), 'PRIVATE KEY');
  return { certPem: withNewline(cert.toString('pem')), keyPem };
}

async function createLeaf(caCertPem: string, caKeyPem: string, names: string[], now: Date) {
  const x509 = await loadX509();
  const caCert = new x509.X509Certificate(caCertPem);
  const caKey = await webcrypto.subtle.importKey('pkcs8', fromPem(caKeyPem), ALGORITHM, false, ['sign']);
  const keys = (await webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify'])) as KeyPair;
  const notAfter = new Date(now.getTime() + LEAF_LIFETIME_DAYS * DAY_MS);
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: `CN=${names[0] ?? 'localhost'}, O=extauth-sandbox`,
    issuer: caCert.subject,
    notBefore: new Date(now.getTime() - DAY_MS),
    notAfter,
    publicKey: keys.publicKey,
    signingKey: caKey,
    signingAlgorithm: ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth], false),
      new x509.SubjectAlternativeNameExtension(
        names.map((n) => (net.isIP(n) ? { type: 'ip' as const, value: n } : { type: 'dns' as const, value: n })),
      ),
      await x509.AuthorityKeyIdentifierExtension.create(caCert, false),
    ],
  });
  const keyPem = toPem(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey), 'PRIVATE KEY');
  return { certPem: withNewline(cert.toString('pem')), keyPem, notAfter };
}

function sameNames(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((n, i) => n === b[i]);
}

/**
 * Loads the local development CA and the server certificate from `dir`, creating them on first use
 * and re-issuing the leaf when the host names change or it nears expiry. Safe to call from several
 * processes sharing the folder (a lock directory serialises creation).
 */
export async function ensureDevCertificates(options: {
  dir: string;
  hostnames?: readonly string[];
  now?: Date;
}): Promise<DevCertificates> {
  const { dir } = options;
  const now = options.now ?? new Date();
  const names = [...new Set([...DEFAULT_NAMES, ...(options.hostnames ?? [])].map((n) => n.toLowerCase()))].sort();
  const files = {
    caFile: path.join(dir, 'ca.pem'),
    caKeyFile: path.join(dir, 'ca-key.pem'),
    certFile: path.join(dir, 'server.pem'),
    keyFile: path.join(dir, 'server-key.pem'),
    manifestFile: path.join(dir, 'server.json'),
  };

  const readIfCurrent = (): DevCertificates | undefined => {
    try {
      const manifest = JSON.parse(fs.readFileSync(files.manifestFile, 'utf8')) as LeafManifest;
      const renewAt = new Date(manifest.notAfter).getTime() - LEAF_RENEW_BEFORE_DAYS * DAY_MS;
      if (!sameNames(manifest.names, names) || now.getTime() > renewAt) return undefined;
      return {
        caFile: files.caFile,
        certFile: files.certFile,
        keyFile: files.keyFile,
        caPem: fs.readFileSync(files.caFile, 'utf8'),
        certPem: fs.readFileSync(files.certFile, 'utf8'),
        keyPem: fs.readFileSync(files.keyFile, 'utf8'),
        names,
      };
    } catch {
      return undefined;
    }
  };

  const current = readIfCurrent();
  if (current) return current;

  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  return withLock(dir, async () => {
    const again = readIfCurrent();
    if (again) return again;
    let caPem: string;
    let caKeyPem: string;
    if (fs.existsSync(files.caFile) && fs.existsSync(files.caKeyFile)) {
      caPem = fs.readFileSync(files.caFile, 'utf8');
      caKeyPem = fs.readFileSync(files.caKeyFile, 'utf8');
    } else {
      const ca = await createCa(now);
      caPem = ca.certPem;
      caKeyPem = ca.keyPem;
      writeAtomic(files.caKeyFile, caKeyPem, 0o600);
      writeAtomic(files.caFile, caPem, 0o644);
    }
    const leaf = await createLeaf(caPem, caKeyPem, names, now);
    writeAtomic(files.keyFile, leaf.keyPem, 0o600);
    writeAtomic(files.certFile, leaf.certPem + caPem, 0o644);
    writeAtomic(files.manifestFile, JSON.stringify({ names, notAfter: leaf.notAfter.toISOString() }, null, 2), 0o644);
    return {
      caFile: files.caFile,
      certFile: files.certFile,
      keyFile: files.keyFile,
      caPem,
      certPem: leaf.certPem + caPem,
      keyPem: leaf.keyPem,
      names,
    };
  });
}
