import type { FileReport, ReportedIncompatibility } from './check.js';

export const FORMATS = ['human', 'json', 'junit', 'github'] as const;
export type Format = (typeof FORMATS)[number];

export function exitCodeOf(reports: readonly FileReport[]): 0 | 1 | 2 {
  if (reports.some((report) => report.error !== undefined)) return 2;
  return reports.every((report) => report.compatible) ? 0 : 1;
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

function summary(report: FileReport): string {
  const who = report.subject ? `${report.file} (subject ${report.subject})` : report.file;
  if (report.error) return `${who}: ${report.error}`;
  if (report.checkedAgainst.length === 0) {
    return report.level === 'NONE'
      ? `${who}: compatibility level NONE, nothing to check`
      : `${who}: no previous version, nothing to check`;
  }
  const versions = plural(report.checkedAgainst.length, 'previous version');
  return report.compatible
    ? `${who} is ${report.level} compatible with ${versions}`
    : `${who} is not ${report.level} compatible: ${plural(report.incompatibilities.length, 'problem')} against ${versions}`;
}

/** Where a problem is in the new schema file: only problems whose reader is the new schema point into it. */
function lineOf(_report: FileReport, incompatibility: ReportedIncompatibility): number | undefined {
  return incompatibility.line;
}

function human(reports: readonly FileReport[]): string {
  const lines: string[] = [];
  for (const report of reports) {
    const mark = report.error ? 'error' : report.compatible ? 'ok' : 'FAIL';
    lines.push(`${mark.padEnd(5)} ${summary(report)}`);
    let against: string | undefined;
    for (const incompatibility of report.incompatibilities) {
      if (incompatibility.against !== against) {
        against = incompatibility.against;
        lines.push(`      against ${against}:`);
      }
      const line = lineOf(report, incompatibility);
      const where = `${incompatibility.location}${line ? ` (${report.file}:${line})` : ''}`;
      lines.push(`        ${incompatibility.type} at ${where}: ${incompatibility.message}`);
      // JSON Schema and Protobuf problems have no separate message: their description says it all.
      if (incompatibility.description !== incompatibility.message)
        lines.push(`          ${incompatibility.description}`);
    }
  }
  const failed = reports.filter((report) => !report.compatible && !report.error).length;
  const errors = reports.filter((report) => report.error).length;
  lines.push('');
  lines.push(
    errors > 0
      ? `${plural(errors, 'file')} could not be checked`
      : failed > 0
        ? `${plural(failed, 'schema')} of ${reports.length} incompatible`
        : `All ${plural(reports.length, 'schema')} compatible`,
  );
  return `${lines.join('\n')}\n`;
}

function json(reports: readonly FileReport[]): string {
  return `${JSON.stringify(
    {
      compatible: exitCodeOf(reports) === 0,
      results: reports.map((report) => ({
        file: report.file,
        ...(report.subject ? { subject: report.subject } : {}),
        level: report.level,
        compatible: report.compatible,
        checkedAgainst: report.checkedAgainst,
        ...(report.error ? { error: report.error } : {}),
        incompatibilities: report.incompatibilities.map((i) => ({
          type: i.type,
          message: i.message,
          location: i.location,
          direction: i.direction,
          against: i.against,
          description: i.description,
          line: lineOf(report, i),
        })),
      })),
    },
    null,
    2,
  )}\n`;
}

function xml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

function junit(reports: readonly FileReport[]): string {
  const cases: string[] = [];
  let failures = 0;
  let errors = 0;
  for (const report of reports) {
    const name = xml(`${report.level} compatibility`);
    const classname = xml(report.subject ? `${report.file} (${report.subject})` : report.file);
    if (report.error) {
      errors++;
      cases.push(
        `    <testcase classname="${classname}" name="${name}">\n      <error message="${xml(report.error)}"/>\n    </testcase>`,
      );
    } else if (!report.compatible) {
      failures++;
      const body = report.incompatibilities
        .map((i) => `${i.type} at ${i.location} against ${i.against}: ${i.message}\n${i.description}`)
        .join('\n\n');
      cases.push(
        `    <testcase classname="${classname}" name="${name}">\n      <failure message="${xml(summary(report))}" type="${report.incompatibilities[0]?.type ?? 'INCOMPATIBLE'}">${xml(body)}</failure>\n    </testcase>`,
      );
    } else {
      cases.push(`    <testcase classname="${classname}" name="${name}"/>`);
    }
  }
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="samsa-registry check" tests="${reports.length}" failures="${failures}" errors="${errors}">`,
    `  <testsuite name="schema compatibility" tests="${reports.length}" failures="${failures}" errors="${errors}">`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}

/** GitHub Actions workflow commands: one annotation per problem, on the schema file's line where known. */
function github(reports: readonly FileReport[]): string {
  const escapeData = (text: string) => text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
  const escapeProperty = (text: string) => escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
  const lines: string[] = [];
  for (const report of reports) {
    if (report.error) {
      lines.push(
        `::error file=${escapeProperty(report.file)},title=Schema check failed::${escapeData(report.error)}`,
      );
      continue;
    }
    for (const i of report.incompatibilities) {
      const line = lineOf(report, i);
      const props = [
        `file=${escapeProperty(report.file)}`,
        ...(line ? [`line=${line}`] : []),
        `title=${escapeProperty(`${i.type} (${report.level})`)}`,
      ];
      lines.push(
        `::error ${props.join(',')}::${escapeData(`${i.description} [${i.location}; against ${i.against}]`)}`,
      );
    }
    if (report.compatible)
      lines.push(`::notice file=${escapeProperty(report.file)}::${escapeData(summary(report))}`);
  }
  return `${lines.join('\n')}\n`;
}

export function formatReports(reports: readonly FileReport[], format: Format): string {
  switch (format) {
    case 'human':
      return human(reports);
    case 'json':
      return json(reports);
    case 'junit':
      return junit(reports);
    case 'github':
      return github(reports);
  }
}
