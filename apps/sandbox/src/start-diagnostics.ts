import net from 'node:net';
import { type AppReadiness, notReadySentence } from './readiness.js';

export interface StartDiagnosticsInput {
  /** IDP_ISSUER as both apps have it. */
  issuer: string;
  /** The names on the sandbox's leaf certificate (localhost, 127.0.0.1, ::1 and SANDBOX_HOSTNAMES). */
  certificateNames: readonly string[];
  /** What both apps' /readyz said; the panel's checks the issuer's discovery through its back channel. */
  readiness: readonly AppReadiness[];
  /** SANDBOX_DATA_DIR, named when storage does not answer. */
  dataDir: string;
}

const bare = (host: string) => host.replace(/^\[(.*)\]$/, '$1').toLowerCase();

/**
 * What is wrong with a started sandbox, each as one sentence naming the setting to change: an app
 * whose /readyz is not 200 (for the panel: the IdP's discovery, what a login would meet), and an
 * issuer host the certificate does not name. Empty when the sandbox is ready.
 */
export function diagnoseStartedSandbox(input: StartDiagnosticsInput): string[] {
  const sentences: string[] = [];
  const host = bare(new URL(input.issuer).hostname);
  const names = input.certificateNames.map(bare);
  const onCertificate =
    names.includes(host) || (!net.isIP(host) && names.some((n) => n.startsWith('*.') && host.endsWith(n.slice(1))));
  if (!onCertificate) {
    sentences.push(
      `IDP_ISSUER's host ${host} is not on the sandbox certificate (${names.join(', ')}): add ${host} to SANDBOX_HOSTNAMES and restart, or correct IDP_ISSUER.`,
    );
  }
  for (const result of input.readiness) {
    if (result.ready) continue;
    // The panel's back channel meets the same missing certificate name; one piece of advice is enough.
    if (!onCertificate && result.reason.includes('SANDBOX_HOSTNAMES')) continue;
    sentences.push(notReadySentence(result, input.dataDir));
  }
  return sentences;
}
