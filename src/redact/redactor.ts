// Pseudonymises a finished Diagnosis so a report can be attached to a ticket: hosts, IPs, pod and
// node names, users in home paths, buckets and storage accounts, e-mails and secrets become stable
// placeholders (`host-1`, `ip-2`, `bucket-1`, `secret-3` …), the same everywhere. Flink identities
// (job, checkpoint, attempt ids, operator names) and configuration keys are kept. Reporters never
// see the originals; the CLI only decides whether to redact and where the mapping goes.

import { isIPv4, isIPv6 } from 'node:net';
import type { ConfigEntry, Diagnosis } from '../model.js';
import { NOT_SENT, OPEN, Pseudonyms, type RedactionEntry } from './pseudonyms.js';
import { CODE_ROOTS, HARMLESS, HOST_KEY, K8S_SAFE, looksLikeName, looksRandom, MASK, PUBLIC_ENDPOINTS, PUBLIC_HOSTS, SECRET_KEY, SERVICE_SUFFIXES, TLDS, TOKEN, USER_KEY, type RedactionKind } from './vocabulary.js';

export type { RedactionEntry } from './pseudonyms.js';
export type { RedactionKind } from './vocabulary.js';

/** A stable pseudonymiser for one report: the same value always gets the same name. */
export class Redactor {
  private readonly names = new Pseudonyms();
  private literal: RegExp | null = null;

  /** Redacts a deep copy of the diagnosis; the input is left untouched. */
  redactDiagnosis(d: Diagnosis): Diagnosis {
    // Pass 1 discovers every sensitive value anywhere; pass 2 also replaces each discovered value
    // wherever it occurs, even where no rule would recognise it (a pod name in a file name …).
    // A JSON copy, not structuredClone: objects shared between findings must be redacted once each.
    this.walkDiagnosis(JSON.parse(JSON.stringify(d)) as Diagnosis);
    this.literal = this.names.literal();
    const copy = JSON.parse(JSON.stringify(d)) as Diagnosis;
    this.walkDiagnosis(copy);
    return copy;
  }

  /** Redacts free text (evidence lines, summaries, operator and job names). */
  text(s: string): string {
    return this.finish(this.textRaw(s));
  }

  /**
   * A fingerprint's normalised message: its masks (`<host>`, `<n>` …) stay as they are (they are
   * no names), the text between them is redacted, and what is left of a secret the masks cut in
   * pieces (a key or token with digits masked) is replaced by that secret's pseudonym.
   */
  maskedText(s: string): string {
    let out = '';
    let last = 0;
    for (const m of s.matchAll(MASK)) {
      out += this.textRaw(s.slice(last, m.index)) + m[0];
      last = m.index + m[0].length;
    }
    out += this.textRaw(s.slice(last));
    // Pieces of a discovered name or secret: any piece of a secret; of a name, pieces that are not
    // plain words (they hold a digit, a separator or mixed case: `gke-acme-prod-default-pool-`).
    const known = this.names.entries.filter((e) => e.kind !== 'ip' && e.original.length >= 8);
    if (known.length > 0) {
      out = out.replace(/[A-Za-z0-9+/=_.-]{6,}/g, (piece) => {
        const wordy = !/[\d_.\/+=-]/.test(piece) && !(/[a-z]/.test(piece) && /[A-Z]/.test(piece));
        const whole = known.find((e) => (e.kind === 'secret' || !wordy) && e.original.includes(piece));
        return whole ? this.put(whole.kind, whole.original) : piece;
      });
    }
    return this.finish(out);
  }

  /** The mapping, in the order the pseudonyms were assigned. */
  mapping(): RedactionEntry[] {
    return this.names.mapping();
  }

  /** The mapping as a small text file (pseudonym → original), for the user's own use only. */
  mappingText(): string {
    return this.names.mappingText();
  }

  // ── traversal ────────────────────────────────────────────────────────────────────────────

  private walkDiagnosis(d: Diagnosis): void {
    for (const s of d.inputs) {
      s.name = this.path(s.name);
      s.hosts = s.hosts.map((h) => this.host(h));
      s.resourceIds = s.resourceIds.map((r) => this.resourceId(r));
      if (s.roleReason) s.roleReason = this.text(s.roleReason);
      if (s.entrypoint) s.entrypoint = this.text(s.entrypoint);
    }
    for (const w of d.warnings) {
      w.source = this.path(w.source);
      w.message = this.text(w.message);
    }
    for (const f of [...d.findings, ...d.muted]) {
      f.hosts = f.hosts.map((h) => this.host(h));
      f.config = f.config.map((c) => this.config(c));
      for (const k of ['summary', 'cause', 'remediation', 'verify', 'title'] as const) f[k] = this.text(f[k]);
      f.impact = f.impact.map((t) => this.text(t));
      f.tasks = f.tasks.map((t) => this.text(t));
      f.unchecked = f.unchecked.map((t) => this.text(t));
      f.references = f.references.map((t) => this.text(t));
      for (const e of f.evidence) this.evidence(e);
      for (const q of f.consequences) {
        q.title = this.text(q.title);
        for (const e of q.evidence) this.evidence(e);
      }
      // The causal chain, the per-job breakdown and the analyses' facts: any string in them.
      const rec = f as unknown as Record<string, unknown>;
      for (const k of ['chain', 'byJob', 'facts', 'configChange', 'causeNotFound']) if (rec[k] !== undefined) rec[k] = this.deep(rec[k]);
    }
    d.config = d.config.map((c) => this.config(c));
    for (const g of d.unknown) {
      g.message = this.maskedText(g.message);
      g.sources = g.sources.map((x) => this.path(x));
      g.sample = { source: this.path(g.sample.source), line: g.sample.line, text: g.sample.text.map((t) => this.text(t)) };
      g.record = g.record.map((t) => this.text(t));
      for (const o of g.occurrences) o.source = this.path(o.source);
    }
    for (const c of d.checkpoints) {
      c.source = this.path(c.source);
      if (c.reason) c.reason = this.text(c.reason);
    }
    for (const r of d.checkpointRuns) r.source = this.path(r.source);
    for (const j of d.jobTransitions) {
      j.source = this.path(j.source);
      j.name = this.text(j.name);
      if (j.cause) j.cause = this.text(j.cause);
    }
    // Optional fields added by reporters' helpers or later versions: redact any string in them.
    const known = new Set(['findings', 'muted', 'inputs', 'config', 'unknown', 'warnings', 'checkpoints', 'checkpointRuns', 'jobTransitions', 'stats', 'interrupted']);
    const rec = d as unknown as Record<string, unknown>;
    for (const k of Object.keys(rec)) if (!known.has(k)) rec[k] = this.deep(rec[k]);
  }

  private deep(v: unknown): unknown {
    if (typeof v === 'string') return this.text(v);
    if (Array.isArray(v)) return v.map((x) => this.deep(x));
    if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      for (const k of Object.keys(o)) o[k] = k === 'source' && typeof o[k] === 'string' ? this.path(o[k] as string) : this.deep(o[k]);
      return o;
    }
    return v;
  }

  private evidence(e: { source: string; text: string }): void {
    e.source = this.path(e.source);
    e.text = this.text(e.text);
  }

  /** A configuration entry: the key keeps its shape (accounts inside it are redacted), the value by what the key means. */
  config(c: ConfigEntry): ConfigEntry {
    const key = this.text(c.key);
    return { ...c, key, value: this.configValue(c.key, c.value), source: this.path(c.source) };
  }

  private configValue(key: string, value: string): string {
    return this.finish(this.configValueRaw(key, value));
  }

  private configValueRaw(key: string, value: string): string {
    const v = value.trim();
    if (v === '' || /^\*+$/.test(v)) return value;
    if (SECRET_KEY.test(key)) return this.put('secret', v);
    if (HOST_KEY.test(key)) return v.replace(/[^\s,;]+/g, (part) => this.hostPortRaw(this.textRaw(part)));
    if (USER_KEY.test(key) && /^[\w.@-]+$/.test(v) && !HARMLESS.has(v)) return v.includes('@') ? this.put('email', v) : this.put('user', v);
    return this.textRaw(value);
  }

  /** `key=value`, `key: value`, `"key": "value"`: the value is redacted by what the key means. */
  private keyValues(s: string): string {
    const re = /([A-Za-z0-9_.-]+)(["']?\s*(?:=|:\s|:(?=["'])|->)\s*["']?)([^\s"'&;,]+)/g;
    let out = '';
    let last = 0;
    let m: RegExpExecArray | null;
    while ((m = re.exec(s))) {
      const rep = this.keyValue(m[0], m[1]!, m[2]!, m[3]!);
      if (rep === m[0]) {
        re.lastIndex = m.index + m[1]!.length + m[2]!.length;
        continue;
      }
      out += s.slice(last, m.index) + rep;
      last = m.index + m[0].length;
    }
    return out + s.slice(last);
  }

  /** A whole value known to be a host, IP, pod or resource id. */
  host(h: string): string {
    if (isIPv6(h.replace(/%.*/, ''))) return this.finish(this.ipRaw(h));
    const m = /^(.*?)(:\d+)?$/.exec(h)!;
    return this.finish(this.hostRaw(m[1]!) + (m[2] ?? ''));
  }

  /** resourceId() inside a text being processed (placeholders not yet named). */
  private resourceIdRaw(r: string): string {
    if (/^container_/.test(r) || r.startsWith(OPEN)) return r;
    const m = /^(.+?)([:_]\d+-[0-9a-f]{6})$/.exec(r);
    return m ? this.hostRaw(m[1]!) + m[2] : this.hostRaw(r);
  }

  /** A TaskManager resource id: `host:port-hex` (standalone), a pod name (Kubernetes), a YARN container id (kept). */
  resourceId(r: string): string {
    if (/^container_/.test(r)) return r;
    const m = /^(.+?):(\d+)-([0-9a-f]{6})$/.exec(r);
    return m ? this.finish(this.hostRaw(m[1]!) + `:${m[2]}-${m[3]}`) : this.host(r);
  }

  /** A source path: directories as text, the Flink log-file naming convention understood. */
  path(p: string): string {
    if (p.startsWith('<')) return p;
    const slash = Math.max(p.lastIndexOf('/'), p.lastIndexOf('\\'));
    const dir = p.slice(0, slash + 1);
    const base = p.slice(slash + 1);
    const std = /^(flink-)([^-]*-)?((?:standalonesession|taskexecutor|standalonejob|kubernetes-session|kubernetes-application|kubernetes-taskmanager|historyserver|sql-gateway|zookeeper|yarn-session|yarn-taskmanager)-\d+-)(.+?)(\.(?:log|out|err)(?:\.\d+)?(?:\.gz)?)$/.exec(base);
    let b: string;
    if (std) {
      const user = std[2] ? std[2].slice(0, -1) : '';
      const u = user && !HARMLESS.has(user) && !/^(kubernetes|yarn|standalone)$/.test(user) ? this.put('user', user) + '-' : std[2] ?? '';
      b = std[1]! + u + std[3]! + this.hostRaw(std[4]!) + std[5]!;
    } else b = this.textRaw(base);
    return this.finish(this.textRaw(dir) + b);
  }

  // ── rules ────────────────────────────────────────────────────────────────────────────────

  private textRaw(s: string): string {
    if (!s) return s;
    let t = s;
    if (this.literal) t = t.replace(this.literal, (m) => this.put(this.names.kindOf(m), m));
    for (const rule of this.rules) t = t.replace(rule.re, rule.fn as (...a: string[]) => string);
    return t;
  }

  private readonly rules: Array<{ re: RegExp; fn: (...a: any[]) => string }> = [
    // PEM blocks and JWTs, AWS key ids, bearer / basic credentials
    { re: /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)/g, fn: (m: string) => this.put('secret', m) },
    { re: /\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g, fn: (m: string) => this.put('secret', m) },
    { re: /\b(?:AKIA|ASIA|AGPA|AIDA|AROA)[A-Z0-9]{16}\b/g, fn: (m: string) => this.put('secret', m) },
    { re: /\b(Bearer|Basic|Token)(\s+)([A-Za-z0-9._~+/=-]{8,})/g, fn: (_m: string, a: string, b: string, v: string) => a + b + this.put('secret', v) },
    // Node names of managed Kubernetes: GKE (gke-<cluster>-<pool>-<hash>-<id>) and AKS (aks-<pool>-<n>-vmss<id>), whole
    { re: /(?<![\w.-])(?:gke-[a-z0-9-]+?-[0-9a-f]{8}-[a-z0-9]{4}|aks-[a-z0-9]+-\d{8}-vmss[0-9a-z]{6})(?![\w-])/g, fn: (m: string) => this.hostRaw(m) },
    // YARN containers with their host: container_…(host:port)
    { re: /(container_[A-Za-z0-9_]+\()([A-Za-z0-9][A-Za-z0-9._-]*)(?=:\d+\))/g, fn: (_m: string, pre: string, h: string) => pre + this.hostRaw(h) },
    // TaskManager and JobManager working directories named after the pod or resource id: …/tm_<id>/
    { re: /(\/(?:tm|jm)_)([^/\s'"]+)/g, fn: (_m: string, pre: string, id: string) => pre + this.resourceIdRaw(id) },
    // Path-style object-store URLs: the bucket is the first path segment
    { re: /(https?:\/\/(?:storage\.googleapis\.com|storage\.cloud\.google\.com|s3(?:[.-][a-z0-9-]+)?\.amazonaws\.com(?:\.cn)?)\/)([A-Za-z0-9._-]+)/gi, fn: (_m: string, pre: string, b: string) => pre + this.put('bucket', b) },
    // Oracle thin URLs: user/password@host
    { re: /(jdbc:oracle:[a-z]+:)([^/\s@:]+)\/([^@\s]+)@/gi, fn: (_m: string, a: string, u: string, p: string) => a + this.put('user', u) + '/' + this.put('secret', p) + '@' },
    // URIs: scheme://[userinfo@]authority[path][?query]
    { re: new RegExp(`\\b([a-zA-Z][a-zA-Z0-9+.-]*(?::[a-zA-Z][a-zA-Z0-9+.-]*)*):\\/\\/((?:[^\\s/?#@:"'<>\\]\\[)]*:[^\\s?#@"'<>]*|[^\\s/?#@:"'<>\\]\\[)]*)@)?(\\[[0-9A-Fa-f:.%\\w]+\\]|[^\\s/?#:"'<>,;)\\]]*)(:\\d+)?`, 'g'), fn: (_m: string, scheme: string, ui: string | undefined, host: string, port: string | undefined) => this.uri(scheme, ui, host, port) },
    // Flink's configuration dump, then query-string and config-line secrets (key=value, key: value)
    { re: /((?:configuration property|Dynamic property|dynamic property): )([^\s,]+), ([^\n]*)/g, fn: (_m: string, pre: string, key: string, value: string) => pre + this.textRaw(key) + ', ' + this.configValueRaw(key, value) },
    { re: /^[\s\S]*$/g, fn: (m: string) => (m ? this.keyValues(m) : m) },
    // home directories
    { re: /(\/home\/|\/Users\/|[A-Za-z]:\\Users\\|[A-Za-z]:\/Users\/)([^/\\\s:'"]+)/g, fn: (m: string, pre: string, user: string) => (HARMLESS.has(user) || user.startsWith(OPEN) ? m : pre + this.put('user', user)) },
    // user names named as such in log lines
    { re: /((?:OS current user|Hadoop user set to|Current Hadoop\/Kerberos user|user\.name=|-Duser\.name=|login user|for user)[:\s]\s*'?)([A-Za-z_][A-Za-z0-9._-]*)/gi, fn: (m: string, pre: string, user: string) => (HARMLESS.has(user) ? m : pre + this.put('user', user)) },
    // e-mail addresses and Kerberos principals
    { re: new RegExp(`(?<![${NOT_SENT}\\w.+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,}\\b`, 'g'), fn: (m: string) => this.put('email', m) },
    // task locations: "on <resource id> @ <host> (dataPort=…)"
    { re: new RegExp(`(\\bon )(${TOKEN})( @ )(${TOKEN})(?= \\(dataPort=)`, 'g'), fn: (_m: string, a: string, rid: string, b: string, h: string) => a + this.hostRaw(rid) + b + this.hostRaw(h) },
    { re: new RegExp(`( @ )(${TOKEN})(?= \\(dataPort=)`, 'g'), fn: (_m: string, a: string, h: string) => a + this.hostRaw(h) },
    // names given by context: ResourceID, pod, node, host, container
    { re: new RegExp(`(\\b(?:ResourceID|resource ?id|TaskManager with id|TaskExecutor|pod(?: name)?|node(?: ?name)?|host(?: ?name)?|container(?: name)?|machine)\\s*[:=]?\\s*['"]?)(${TOKEN})`, 'gi'), fn: (m: string, pre: string, tok: string) => (looksLikeName(tok) ? pre + this.hostRaw(tok) : m) },
    // Kubernetes pod names: Flink TaskManager pods and Deployment pods (random suffixes use a vowel-free alphabet)
    { re: new RegExp(`(?<![${NOT_SENT}\\w.-])[a-z0-9](?:[a-z0-9-]*[a-z0-9])?-taskmanager-\\d+-\\d+(?![\\w-])`, 'g'), fn: (m: string) => this.hostRaw(m) },
    { re: new RegExp(`(?<![${NOT_SENT}\\w.-])[a-z0-9](?:[a-z0-9-]*[a-z0-9])?-${K8S_SAFE}{5,10}-${K8S_SAFE}{5}(?![\\w-])`, 'g'), fn: (m: string) => (/\d/.test(m.slice(-12)) ? this.hostRaw(m) : m) },
    // IPv4 (with optional port), IPv6
    { re: new RegExp(`(?<![${NOT_SENT}\\w.])(?:\\d{1,3}\\.){3}\\d{1,3}(?![\\w]|\\.\\d)`, 'g'), fn: (m: string) => (isIPv4(m) ? this.ipRaw(m) : m) },
    { re: new RegExp(`(?<![${NOT_SENT}\\w:.])[0-9A-Fa-f]{0,4}:[0-9A-Fa-f:.]{2,45}(?:%[\\w.]+)?(?![\\w:])`, 'g'), fn: (m: string) => this.ipv6Candidate(m) },
    // dotted host names ending in a known top-level domain, and cloud storage endpoints
    { re: new RegExp(`(?<![${NOT_SENT}\\w.\\-/$])[A-Za-z0-9_](?:[A-Za-z0-9_-]*[A-Za-z0-9])?(?:\\.[A-Za-z0-9_](?:[A-Za-z0-9_-]*[A-Za-z0-9])?)+`, 'g'), fn: (m: string) => this.dottedName(m) },
    // plain host names with a port: worker-17:45678, hadoop01:8020
    { re: new RegExp(`(?<![${NOT_SENT}\\w.$/-])([A-Za-z][A-Za-z0-9-]*[A-Za-z0-9])(?=:\\d{2,5}(?![\\d:]))`, 'g'), fn: (m: string) => (/[\d-]/.test(m) && !/^(?:utf|iso|http|https|tcp|udp|chk|step|attempt|line|col|version)-?\d*$/i.test(m) ? this.hostRaw(m) : m) },
    // long random-looking strings (keys): mixed case and digits, base64 alphabet
    { re: new RegExp(`(?<![${NOT_SENT}\\w+/=])[A-Za-z0-9+/]{32,}={0,2}(?![\\w+/=])`, 'g'), fn: (m: string) => (looksRandom(m) ? this.put('secret', m) : m) },
  ];

  private uri(scheme: string, ui: string | undefined, host: string, port: string | undefined): string {
    const s = scheme.toLowerCase();
    let userinfo = '';
    if (ui) {
      const info = ui.slice(0, -1);
      if (/^(akka|pekko)/.test(s) || info.startsWith(OPEN)) userinfo = ui;
      else if (/^(wasbs?|abfss?)$/.test(s)) userinfo = this.put('bucket', info) + '@';
      else {
        const colon = info.indexOf(':');
        const user = colon >= 0 ? info.slice(0, colon) : info;
        const pass = colon >= 0 ? info.slice(colon + 1) : null;
        const u = !user || user.startsWith(OPEN) || HARMLESS.has(user) ? user : /^(AKIA|ASIA)/.test(user) || user.length >= 16 ? this.put('secret', user) : this.put('user', user);
        const p = pass === null ? '' : ':' + (pass === '' || /^\uE000[\uE010-\uE019]+\uE001$/.test(pass) ? pass : this.put('secret', pass));
        userinfo = u + p + '@';
      }
    }
    let h = host;
    if (!h || h.startsWith(OPEN)) h = host;
    else if (/^(s3[an]?|gs|oss|cos|cosn|obs|r2|b2|swift)$/.test(s)) h = this.put('bucket', host);
    else if (host.startsWith('[')) h = '[' + this.ipv6Candidate(host.slice(1, -1)) + ']';
    else h = this.hostRaw(host);
    return `${scheme}://${userinfo}${h}${port ?? ''}`;
  }

  private keyValue(m: string, key: string, sep: string, value: string): string {
    if (!key || value.startsWith(OPEN) || /^\*+$/.test(value) || /^(null|none|true|false|\*+|<[^>]*>|\[hidden\]|\{\}|\$\{.*\})$/i.test(value)) return m;
    if (SECRET_KEY.test(key) && !/^(from|in|for|is|was|the|not|and|to|of)$/i.test(value)) return key + sep + this.put('secret', value.replace(/[)\].]+$/, '')) + value.slice(value.replace(/[)\].]+$/, '').length);
    if (USER_KEY.test(key) && /^[\w.@-]+$/.test(value) && !HARMLESS.has(value) && sep.includes('=')) return key + sep + (value.includes('@') ? this.put('email', value) : this.put('user', value));
    if (HOST_KEY.test(key) && sep.trim() !== '') return key + sep + value.replace(/[^,;]+/g, (part) => this.hostPortRaw(part));
    return m;
  }

  private hostPortRaw(part: string): string {
    if (part.startsWith(OPEN)) return part;
    const m = /^(\[[^\]]+\]|[^:]+)(:\d+)?(.*)$/.exec(part);
    if (!m) return part;
    return this.hostRaw(m[1]!.replace(/^\[|\]$/g, '')) + (m[2] ?? '') + m[3];
  }

  /** A host-like token: IP, service endpoint (account/bucket kept apart) or plain host name. */
  private hostRaw(h: string): string {
    if (!h || h.startsWith(OPEN) || HARMLESS.has(h.toLowerCase())) return h;
    if (isIPv4(h)) return this.ipRaw(h);
    if (isIPv6(h.replace(/%.*/, ''))) return this.ipRaw(h);
    for (const [suffix, kind] of SERVICE_SUFFIXES) {
      const m = suffix.exec(h);
      if (m) return this.put(kind, h.slice(0, m.index)) + m[0];
    }
    if (PUBLIC_HOSTS.test(h) || PUBLIC_ENDPOINTS.test(h)) return h;
    return this.put('host', h);
  }

  private ipRaw(ip: string): string {
    if (HARMLESS.has(ip)) return ip;
    return this.put('ip', ip);
  }

  private ipv6Candidate(m: string): string {
    const core = m.replace(/\.+$/, '');
    const bare = core.replace(/%.*/, '');
    if ((core.match(/:/g) ?? []).length < 2 || !isIPv6(bare) || HARMLESS.has(bare)) return m;
    // times like 09:16:10 are not addresses: require a `::` or eight groups
    if (!bare.includes('::') && bare.split(':').length < 8) return m;
    return this.ipRaw(core) + m.slice(core.length);
  }

  private dottedName(m: string): string {
    if (CODE_ROOTS.test(m + '.')) return m;
    for (const [suffix, kind] of SERVICE_SUFFIXES) {
      const s = suffix.exec(m);
      if (s) {
        const before = m.slice(0, s.index);
        const dot = before.lastIndexOf('.');
        return before.slice(0, dot + 1) + this.put(kind, before.slice(dot + 1)) + s[0];
      }
    }
    const labels = m.split('.');
    const tld = labels[labels.length - 1]!;
    // A known top-level domain in lower case, or a name written all in capitals (HADOOP01.CORP.EXAMPLE.COM).
    if (!TLDS.has(tld.toLowerCase()) || (tld !== tld.toLowerCase() && m !== m.toUpperCase())) return m;
    if (PUBLIC_HOSTS.test(m) || PUBLIC_ENDPOINTS.test(m) || HARMLESS.has(m.toLowerCase())) return m;
    return this.put('host', m);
  }

  // ── pseudonyms ───────────────────────────────────────────────────────────────────────────

  private put(kind: RedactionKind, original: string): string {
    return this.names.put(kind, original);
  }

  private finish(s: string): string {
    return this.names.finish(s);
  }
}
