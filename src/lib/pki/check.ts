import { namesIn, type CertificateFacts, type InspectedCertificate } from './inspect.js';
import { ipBytes } from './names.js';

/**
 * The TLS clients a student's broker meets, each with its own rules (reproduced in
 * shared/reference/cert-psk.md §3):
 * - mosquitto-2.0: mosquitto_pub/sub 2.0.x match the host against DNS and IP entries, then the
 *   CN as a string unless there is a DNS entry.
 * - mosquitto-2.1: mosquitto_pub/sub 2.1 and later (and Node.js) use OpenSSL's checks: an IP
 *   host only matches IP entries, a name only DNS entries (the CN when there are none).
 * - esp32: arduino-esp32 2.x, mbedTLS 2.28: with a SAN extension only its DNS entries count,
 *   compared with the host string even when that is an IP address.
 * - esp8266: BearSSL, the same name rule; no check at all with connect(IPAddress).
 */
export const STACKS = ['mosquitto-2.0', 'mosquitto-2.1', 'esp32', 'esp8266'] as const;
export type Stack = (typeof STACKS)[number];

const OPENSSL: readonly Stack[] = ['mosquitto-2.0', 'mosquitto-2.1'];
const BOARDS: readonly Stack[] = ['esp32', 'esp8266'];

/** A reason some stacks refuse the certificate, whatever host they connect to. */
export interface Finding {
  readonly stacks: readonly Stack[];
  readonly text: string;
}

export interface HostCheck {
  readonly host: string;
  /** Per stack, why it refuses; an empty list means it accepts. */
  readonly refusals: Readonly<Record<Stack, readonly string[]>>;
  readonly notes: readonly string[];
}

/** Whether mosquitto with require_certificate takes it from a client, and as which user. */
export interface ClientUse {
  readonly refusals: readonly string[];
  /** The username use_identity_as_username gives (the CN). */
  readonly username: string | undefined;
}

export interface CheckReport {
  readonly certificate: CertificateFacts;
  readonly ca: CertificateFacts | undefined;
  /** What the certificate is for, from its basic constraints and extended key usage. */
  readonly roles: { readonly ca: boolean; readonly server: boolean; readonly client: boolean };
  /** 'verified': signed by the CA given; 'unchecked': no CA given; 'same': the CA itself. */
  readonly chain: 'verified' | 'broken' | 'unchecked' | 'same';
  readonly findings: readonly Finding[];
  readonly hosts: readonly HostCheck[];
  readonly client: ClientUse | undefined;
  readonly notes: readonly CheckNote[];
}

/** Something worth knowing about the certificate beyond whether it is accepted; the command words it. */
export type CheckNote =
  /** No CA was given, so the signature was not checked. */
  | 'chain-unchecked'
  /** The certificate checked is the CA itself, which clients trust, not what the broker serves. */
  | 'is-ca'
  /** Some IP addresses are IP entries only, which ESP32 and ESP8266 do not match. */
  | 'ip-only-entries'
  /** Boards check the dates too, so they need the time before they connect. */
  | 'board-clock';

export interface CheckInput {
  readonly cert: InspectedCertificate;
  readonly ca?: InspectedCertificate;
  /** Hosts to judge; none means every name a server certificate carries. */
  readonly hosts: readonly string[];
  readonly now: Date;
}

/** Explains a certificate: what it is, and which client accepts it for which host, and why not. */
export function checkCertificate(input: CheckInput): CheckReport {
  const facts = input.cert.facts;
  const eku = facts.extendedKeyUsage;
  const roles = {
    ca: facts.basicConstraints?.ca === true,
    server: eku === undefined || eku.includes('serverAuth') || eku.includes('anyExtendedKeyUsage'),
    client: eku === undefined || eku.includes('clientAuth') || eku.includes('anyExtendedKeyUsage'),
  };
  const same = input.ca !== undefined && input.ca.x509.raw.equals(input.cert.x509.raw);
  const signed = input.ca === undefined || same ? undefined : signedBy(input.cert, input.ca);
  const chainFindings = input.ca === undefined || same ? [] : chainProblems(input.cert, input.ca, input.now);
  const findings = [...validityProblems(facts, 'It', input.now), ...strengthProblems(facts), ...serverUsageProblems(facts), ...chainFindings];
  // A client or CA certificate has no host to judge unless asked.
  const hostList = input.hosts.length > 0 ? input.hosts : roles.server && !roles.ca ? namesIn(facts) : [];
  const hosts = hostList.map((host) => checkHost(facts, host, findings));
  const chain = signed === undefined ? (same ? 'same' : 'unchecked') : signed ? 'verified' : 'broken';
  return {
    certificate: facts,
    ca: input.ca?.facts,
    roles,
    chain,
    findings,
    hosts,
    client: roles.client && !roles.ca ? clientUse(facts, chainFindings, input.now) : undefined,
    notes: notesFor(facts, chain),
  };
}

function validityProblems(facts: CertificateFacts, subject: string, now: Date): Finding[] {
  if (now < facts.notBefore) return [{ stacks: STACKS, text: `${subject} is not valid before ${day(facts.notBefore)}.` }];
  if (now > facts.notAfter) return [{ stacks: STACKS, text: `${subject} expired on ${day(facts.notAfter)}.` }];
  return [];
}

/** Debian's OpenSSL runs at security level 2 and mbedTLS's default profile has the same floor. */
function strengthProblems(facts: CertificateFacts): Finding[] {
  const found: Finding[] = [];
  if (facts.key.type === 'RSA' && facts.key.bits !== undefined && facts.key.bits < 2048) {
    found.push({ stacks: [...OPENSSL, 'esp32'], text: `Its RSA key has ${facts.key.bits} bits; OpenSSL and mbedTLS want 2048 or more (mosquitto will not even load it).` });
  }
  if (facts.signature.hash === 'MD5') found.push({ stacks: STACKS, text: 'It is signed with MD5, which no current TLS stack accepts.' });
  if (facts.signature.hash === 'SHA-1') {
    found.push({ stacks: [...OPENSSL, 'esp32'], text: 'It is signed with SHA-1, which OpenSSL 3 ("ca md too weak") and mbedTLS refuse.' });
  }
  return found;
}

/** As a server certificate: OpenSSL and mbedTLS enforce the EKU, mbedTLS and BearSSL the key usage. */
function serverUsageProblems(facts: CertificateFacts): Finding[] {
  const found: Finding[] = [];
  const eku = facts.extendedKeyUsage;
  if (eku !== undefined && !eku.includes('serverAuth') && !eku.includes('anyExtendedKeyUsage')) {
    found.push({ stacks: [...OPENSSL, 'esp32'], text: 'Its extended key usage lacks serverAuth: it is not a server certificate.' });
  }
  const usages = facts.keyUsage?.usages;
  if (usages !== undefined && !usages.includes('digitalSignature')) {
    found.push({ stacks: BOARDS, text: 'Its key usage lacks digitalSignature, which ECDHE key exchange needs.' });
  }
  return found;
}

function signedBy(cert: InspectedCertificate, ca: InspectedCertificate): boolean {
  return cert.facts.issuer === ca.facts.subject && cert.x509.verify(ca.x509.publicKey);
}

function chainProblems(cert: InspectedCertificate, ca: InspectedCertificate, now: Date): Finding[] {
  const leaf = cert.facts;
  const root = ca.facts;
  if (leaf.issuer !== root.subject) {
    return [{ stacks: STACKS, text: `It was issued by "${leaf.issuer}", not by the CA given ("${root.subject}").` }];
  }
  if (!signedBy(cert, ca)) {
    return [{ stacks: STACKS, text: `Its signature does not verify with the key of the CA given ("${root.subject}").` }];
  }
  const found: Finding[] = [...validityProblems(root, 'The CA', now)];
  if (leaf.authorityKeyId !== undefined && root.subjectKeyId !== undefined && leaf.authorityKeyId !== root.subjectKeyId) {
    found.push({
      stacks: OPENSSL,
      text: "Its authority key id is not the CA's key id, so OpenSSL cannot build the chain (boards ignore the id).",
    });
  }
  if (root.basicConstraints?.ca === false) {
    found.push({ stacks: STACKS, text: 'The CA is marked CA:FALSE: it may not sign certificates.' });
  } else if (root.basicConstraints === undefined) {
    found.push(
      root.version === 1
        ? { stacks: ['esp8266'], text: 'The CA is a version 1 certificate, which BearSSL does not take as a CA.' }
        : { stacks: BOARDS, text: 'The CA has no basicConstraints CA:TRUE, which mbedTLS and BearSSL require.' },
    );
  }
  if (root.keyUsage !== undefined && !root.keyUsage.usages.includes('keyCertSign')) {
    found.push({ stacks: STACKS, text: 'The CA\'s key usage lacks keyCertSign: it may not sign certificates.' });
  }
  // Same subject as issuer and nothing (AKI) telling them apart: OpenSSL's X509_check_issued says self-signed.
  if (cert.x509.checkIssued(cert.x509)) {
    found.push({ stacks: OPENSSL, text: 'Its subject is the same as its issuer\'s, so OpenSSL takes it for a self-signed certificate.' });
  }
  return found;
}

function checkHost(facts: CertificateFacts, host: string, findings: readonly Finding[]): HostCheck {
  const matches: Record<Stack, boolean> = {
    'mosquitto-2.0': matchesMosquitto20(facts, host),
    'mosquitto-2.1': matchesOpenSsl(facts, host),
    esp32: matchesBoard(facts, host),
    esp8266: matchesBoard(facts, host),
  };
  const refusals = Object.fromEntries(
    STACKS.map((stack) => [
      stack,
      [...(matches[stack] ? [] : [nameProblem(facts, host, stack)]), ...findings.filter((f) => f.stacks.includes(stack)).map((f) => f.text)],
    ]),
  ) as Record<Stack, string[]>;
  const notes: string[] = [];
  if (ipBytes(host) !== undefined && !matches.esp8266) {
    notes.push('An ESP8266 that connects with an IPAddress object (not a string) skips the name check and gets past this.');
  }
  return { host, refusals, notes };
}

function nameProblem(facts: CertificateFacts, host: string, stack: Stack): string {
  const dns = facts.altNames?.dns ?? [];
  const isIp = ipBytes(host) !== undefined;
  if (facts.altNames === undefined) return `${host} is not its common name (${facts.commonName ?? 'none'}), and it has no subject alternative names.`;
  if (stack === 'mosquitto-2.1' && isIp) return `${host} is not among its IP entries (${list(facts.altNames.ip)}); an IP address never matches a DNS entry or the CN.`;
  if (stack === 'esp32' || stack === 'esp8266') {
    const why = isIp && facts.altNames.ip.some((ip) => sameIp(ip, host)) ? ' It is an IP entry, but mbedTLS 2.x and BearSSL compare DNS entries only.' : '';
    return `${host} is not among its DNS entries (${list(dns)}).${why}`;
  }
  return `${host} is not among its names (${list(namesIn(facts))}).`;
}

/** mosquitto 2.0.x lib/tls_mosq.c: DNS entries, IP entries, then the CN only if there was no DNS entry. */
function matchesMosquitto20(facts: CertificateFacts, host: string): boolean {
  const san = facts.altNames;
  if (san !== undefined) {
    if (san.dns.some((name) => dnsMatches(name, host))) return true;
    if (san.ip.some((ip) => sameIp(ip, host))) return true;
    if (san.dns.length > 0) return false;
  }
  return facts.commonName !== undefined && dnsMatches(facts.commonName, host);
}

/** X509_check_ip / X509_check_host: IP hosts against IP entries only; names against DNS entries, the CN when none. */
function matchesOpenSsl(facts: CertificateFacts, host: string): boolean {
  const san = facts.altNames;
  if (ipBytes(host) !== undefined) return san?.ip.some((ip) => sameIp(ip, host)) ?? false;
  if (san !== undefined && san.dns.length > 0) return san.dns.some((name) => dnsMatches(name, host));
  return facts.commonName !== undefined && dnsMatches(facts.commonName, host);
}

/** mbedTLS 2.x and BearSSL: with a SAN extension only its DNS entries count, compared as text; else the CN. */
function matchesBoard(facts: CertificateFacts, host: string): boolean {
  if (facts.altNames !== undefined) return facts.altNames.dns.some((name) => dnsMatches(name, host));
  return facts.commonName !== undefined && dnsMatches(facts.commonName, host);
}

/** Case-insensitive; `*.example.com` stands for exactly one more label, never for an address. */
function dnsMatches(pattern: string, host: string): boolean {
  const p = pattern.toLowerCase();
  const h = host.toLowerCase().replace(/\.$/, '');
  if (!p.startsWith('*.')) return p === h;
  if (ipBytes(h) !== undefined) return false;
  const dot = h.indexOf('.');
  return dot > 0 && h.slice(dot + 1) === p.slice(2);
}

function sameIp(a: string, b: string): boolean {
  const x = ipBytes(a);
  const y = ipBytes(b);
  return x !== undefined && y !== undefined && x.equals(y);
}

function clientUse(facts: CertificateFacts, chainFindings: readonly Finding[], now: Date): ClientUse {
  const refusals = [
    ...validityProblems(facts, 'It', now).map((f) => f.text),
    ...chainFindings.filter((f) => f.stacks.includes('mosquitto-2.1')).map((f) => f.text),
  ];
  if (facts.commonName === undefined || facts.commonName === '') {
    refusals.push('It has no CN, and use_identity_as_username takes the username from the CN ("not authorised").');
  }
  return { refusals, username: facts.commonName };
}

function notesFor(facts: CertificateFacts, chain: CheckReport['chain']): CheckNote[] {
  const notes: CheckNote[] = [];
  if (chain === 'unchecked') notes.push('chain-unchecked');
  if (chain === 'same') notes.push('is-ca');
  if (facts.basicConstraints?.ca !== true && facts.altNames !== undefined && facts.altNames.ip.some((ip) => !facts.altNames?.dns.includes(ip))) {
    notes.push('ip-only-entries');
  }
  notes.push('board-clock');
  return notes;
}

function list(names: readonly string[]): string {
  return names.length === 0 ? 'none' : names.join(', ');
}

function day(date: Date): string {
  return date.toISOString().slice(0, 10);
}
