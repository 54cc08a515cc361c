// What a capture's expect.yaml asks of flink-doctor's JSON report, and the check of a report
// against it. Used by the lab after each run and by the capture tests.

const SEVERITY = ['info', 'warning', 'error', 'critical'];

/**
 * expect.yaml:
 *   fires: [ids]            pattern ids that must be found (findings or muted findings)
 *   absent: [ids]           pattern ids that must not be found
 *   maxSeverity: info       no finding may be more severe (healthy runs)
 *   finding:                details of the first id of fires
 *     jobs, checkpoints, hosts: every listed value must be in the finding's list
 *     config: [keys]        each key must be shown with its file and line
 */
export function checkReport(report, expect) {
  const problems = [];
  const findings = [...(report.findings ?? []), ...(report.muted ?? [])];
  const ids = new Set(findings.map((f) => f.id));
  for (const f of findings) for (const c of f.consequences ?? []) if (c.pattern !== false && c.id) ids.add(c.id);
  for (const id of expect.fires ?? []) if (!ids.has(id)) problems.push(`${id} not found (found: ${[...new Set(findings.map((f) => f.id))].join(', ') || 'nothing'})`);
  for (const id of expect.absent ?? []) if (findings.some((f) => f.id === id)) problems.push(`${id} found, but must not be`);
  if (expect.maxSeverity) {
    const max = SEVERITY.indexOf(expect.maxSeverity);
    for (const f of report.findings ?? []) if (SEVERITY.indexOf(f.severity) > max) problems.push(`${f.id} is ${f.severity}, above ${expect.maxSeverity}`);
  }
  const want = expect.finding;
  if (want) {
    const f = (report.findings ?? []).find((x) => x.id === want.id);
    if (!f) problems.push(`no finding ${want.id} to compare details with`);
    else {
      for (const key of ['jobs', 'checkpoints', 'hosts']) {
        for (const v of want[key] ?? []) if (!(f[key] ?? []).map(String).includes(String(v))) problems.push(`${want.id}: ${key} lacks ${v} (has ${(f[key] ?? []).join(', ') || 'none'})`);
      }
      for (const k of want.config ?? []) {
        const c = (f.config ?? []).find((x) => x.key === k);
        if (!c) problems.push(`${want.id}: config lacks ${k}`);
        else if (!c.source || !c.line) problems.push(`${want.id}: config ${k} without file and line`);
      }
      if (want.remediation && !String(f.remediation ?? '').includes(want.remediation)) problems.push(`${want.id}: remediation lacks "${want.remediation}"`);
    }
  }
  return problems;
}
