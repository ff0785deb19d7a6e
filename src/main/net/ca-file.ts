/**
 * A certificate-authority file a person adds, checked before Token Desk trusts it:
 * PEM certificates only, each a CA, each valid today. What a person sees before
 * agreeing (subject, issuer, dates, SHA-256 fingerprint) comes from here.
 *
 * A server's own (leaf) certificate is refused: Node trusts a certificate only as
 * the root of a chain, so a leaf either does nothing or pins one server until its
 * certificate is renewed and everything fails again. The person is told to ask for
 * the authority's certificate instead. A private key is refused loudly and nothing
 * of the file is kept: a key pasted by mistake must not end up in settings.
 */
import { X509Certificate } from 'node:crypto';
import { DeskError } from '../desk-error.js';

export interface CaCertificate {
  subject: string;
  issuer: string;
  /** ISO 8601. */
  notBefore: string;
  notAfter: string;
  /** SHA-256 of the DER, as colon-separated upper-case hex (what browsers show). */
  fingerprint256: string;
  isCA: boolean;
  /** The certificate alone, as PEM: what is stored and handed to TLS. */
  pem: string;
}

/** Far above any real bundle of company roots; a larger paste is not one. */
const MAX_FILE_CHARS = 1024 * 1024;
const MAX_CERTIFICATES = 50;

const BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;

/** `now` null skips the date checks (describing one already kept). */
export function inspectCaFile(pem: unknown, now: number | null = Date.now()): CaCertificate[] {
  if (typeof pem !== 'string' || pem.length === 0) {
    throw refused('The file is empty. Choose a PEM file with BEGIN CERTIFICATE in it.');
  }
  if (pem.length > MAX_FILE_CHARS) {
    throw refused(
      'The file is larger than 1 MB, which no file of certificate authorities is. Choose the PEM file your IT department gave you.',
    );
  }
  // Checked before anything else, on the raw text: one key anywhere refuses the whole file.
  if (/-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/.test(pem)) {
    throw new DeskError(
      'ca_file_private_key',
      'This file holds a PRIVATE KEY. A private key must never leave the server it belongs to, so Token Desk did not keep this file or any part of it. Choose the certificate authority’s certificate: a file with BEGIN CERTIFICATE and no key. If the key was shared by mistake, tell whoever runs that server.',
    );
  }
  const blocks = [...pem.matchAll(BLOCK)];
  if (blocks.length === 0) {
    throw refused(
      'This is not a PEM certificate file (no BEGIN CERTIFICATE … END CERTIFICATE in it). Export the certificate authority as PEM (Base64) and choose that file.',
    );
  }
  const other = blocks.find((block) => block[1] !== 'CERTIFICATE');
  if (other) {
    throw refused(
      `The file holds a ${other[1]!.toLowerCase()}, not only certificates. Choose a file with BEGIN CERTIFICATE blocks only.`,
    );
  }
  if (blocks.length > MAX_CERTIFICATES) {
    throw refused(
      `The file holds ${blocks.length} certificates; Token Desk takes at most ${MAX_CERTIFICATES} from one file. Choose your company's own authorities only.`,
    );
  }
  return blocks.map((block, index) => inspectOne(block[0], index, blocks.length, now));
}

function inspectOne(pem: string, index: number, count: number, now: number | null): CaCertificate {
  const which = count > 1 ? `Certificate ${index + 1} of ${count} in the file` : 'The certificate';
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(pem);
  } catch {
    throw refused(`${which} could not be read: the file is damaged or not a certificate.`);
  }
  const subject = oneLine(certificate.subject);
  const notBefore = Date.parse(certificate.validFrom);
  const notAfter = Date.parse(certificate.validTo);
  if (!Number.isFinite(notBefore) || !Number.isFinite(notAfter)) {
    throw refused(`${which} (${subject}) has validity dates Token Desk cannot read.`);
  }
  if (now !== null && notAfter < now) {
    throw refused(
      `${which} (${subject}) expired on ${new Date(notAfter).toISOString().slice(0, 10)}. Ask your IT department for the current one.`,
    );
  }
  if (now !== null && notBefore > now) {
    throw refused(
      `${which} (${subject}) is not valid until ${new Date(notBefore).toISOString().slice(0, 10)}. Check this computer's clock, or ask your IT department.`,
    );
  }
  if (!certificate.ca) {
    throw refused(
      `${which} (${subject}) is a server's own certificate, not a certificate authority's. Ask your IT department for the certificate of the authority that signed it (its root CA).`,
    );
  }
  return {
    subject,
    issuer: oneLine(certificate.issuer),
    notBefore: new Date(notBefore).toISOString(),
    notAfter: new Date(notAfter).toISOString(),
    fingerprint256: certificate.fingerprint256,
    isCA: true,
    pem: certificate.toString(),
  };
}

/** Node gives the distinguished name one attribute a line; shown on one line, cut to length. */
function oneLine(name: string): string {
  return name.split('\n').filter(Boolean).join(', ').slice(0, 300);
}

function refused(message: string): DeskError {
  return new DeskError('ca_file_refused', message);
}
