// What the redactor treats as a name, a secret or public: harmless values, public hosts and
// endpoints, top-level domains, code package roots, cloud storage endpoints, and the
// configuration keys whose values are secrets, hosts or users.

import { isIPv4 } from 'node:net';

/** Kinds of redacted values; each has its own numbering. */
export type RedactionKind = 'host' | 'ip' | 'user' | 'bucket' | 'account' | 'email' | 'secret';

/** Values that carry no information about the site and stay as they are. */
export const HARMLESS = new Set(['localhost', 'localhost.localdomain', '127.0.0.1', '0.0.0.0', '::1', '::', 'flink', 'root']);
/** Public documentation hosts that references point to. */
export const PUBLIC_HOSTS = /(^|\.)(apache\.org|github\.com|github\.io|githubusercontent\.com|stackoverflow\.com|kubernetes\.io|rocksdb\.org|amazon\.com|microsoft\.com|google\.com|openjdk\.org|oracle\.com|maven\.org|ververica\.com)$/i;
/** Public object-store endpoints named whole (path-style URLs: the bucket is the first path segment). */
export const PUBLIC_ENDPOINTS = /^(?:storage\.googleapis\.com|storage\.cloud\.google\.com|s3(?:[.-][a-z0-9-]+)?\.amazonaws\.com(?:\.cn)?)$/i;
/** Masks the unknown-failure fingerprints put in place of variable parts (`<host>`, `<host:port>`, `<n>` …): kept as they are. */
export const MASK = /<[a-z]+(?::[a-z]+)?>/g;
/** Top-level domains that mark a dotted token as a host name (class names end in a capitalised word instead). */
export const TLDS = new Set('com net org io local internal lan corp intra intranet cloud dev app svc localdomain home arpa cn de uk fr nl jp ru eu us co ai in br au ch se no fi dk es it pl be at cz kr sg hk tw ca biz info'.split(' '));
/** Java/Scala package roots: a dotted token starting with one of these is code, not a host. */
export const CODE_ROOTS = /^(java|javax|jdk|sun|scala|akka|pekko|kotlin|org\.apache|org\.rocksdb|io\.netty|com\.google|com\.amazonaws|software\.amazon|com\.microsoft|com\.fasterxml|org\.slf4j|ch\.qos|org\.eclipse)\./;
/** Cloud storage endpoints: the label before the suffix is an account or bucket, the suffix is kept. */
export const SERVICE_SUFFIXES: Array<[RegExp, RedactionKind]> = [
  [/\.(?:blob|dfs|file|queue|table)\.core\.windows\.net$/i, 'account'],
  [/\.(?:blob|dfs|file)\.core\.chinacloudapi\.cn$/i, 'account'],
  [/\.s3(?:[.-][a-z0-9-]+)?\.amazonaws\.com(?:\.cn)?$/i, 'bucket'],
  [/\.storage\.googleapis\.com$/i, 'bucket'],
  [/\.oss-[a-z0-9-]+\.aliyuncs\.com$/i, 'bucket'],
];
/** Key names whose values are secrets (checked on the last segments of a key). */
export const SECRET_KEY = /(pass(word|wd)?|pwd|secret|token|credential|api[._-]?key|access[._-]?key|account\.key|private[._-]?key|auth[._-]?params|service[._-]?key|basic[._-]?auth|jaas\.config|sas[._-]?token|signature|^sig$|x-amz-signature|x-amz-credential|x-amz-security-token|awsaccesskeyid|session[._-]?token|client[._-]?secret|http-headers)/i;
/** Key names whose values are host names or host:port lists. */
export const HOST_KEY = /(^|[._-])(address|host|hostname|bind-host|quorum|bootstrap\.servers|servers|brokers|namenode)$/i;
/** Key names whose values are user names. */
export const USER_KEY = /(^|[._-])(user|username|user\.name|principal|login)$/i;

export const TOKEN = '[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?';
export const K8S_SAFE = '[bcdfghjklmnpqrstvwxz2456789]';

/** A token after "host", "pod" … that names a machine rather than being an ordinary word or an id. */
export function looksLikeName(tok: string): boolean {
  if (HARMLESS.has(tok.toLowerCase())) return false;
  if (!/[-._\d]/.test(tok)) return false;
  if (/^[\d.]+$/.test(tok) && !isIPv4(tok)) return false; // numbers, versions
  if (/^[0-9a-f]{32}$/i.test(tok)) return false; // Flink ids
  if (/^container_/.test(tok)) return false; // YARN container ids are Flink/YARN identities
  if (/^[A-Za-z]+(\.[A-Z][A-Za-z]*)+$/.test(tok)) return false; // Class.Name
  return true;
}

/** A token mixing upper and lower case and digits (not hex, not a path): a key or a token. */
export function looksRandom(s: string): boolean {
  const core = s.replace(/=+$/, '');
  if (/^[0-9a-f]+$/i.test(core)) return false; // hex ids (Flink job, vertex, attempt ids)
  return /[A-Z]/.test(core) && /[a-z]/.test(core) && /\d/.test(core) && !/^\//.test(core);
}
