import { EntityScoreSummary } from '@internal/plugin-scorecard-common';

const escape = (text: string) =>
  text.replace(/[<>&"']/g, c => `&#${c.charCodeAt(0)};`);

/** A small shields-style SVG badge with the entity's score and level. */
export function renderBadge(summary: EntityScoreSummary | undefined): string {
  let text = 'not evaluated';
  let color = '#9f9f9f';
  if (summary && summary.score !== null) {
    text = `${Math.round(summary.score * 100)}%${
      summary.level ? ` ${summary.level}` : ''
    }`;
    if (summary.criticalFailing) {
      text += ' critical failing';
      color = '#e05d44';
    } else if (summary.score >= 0.8) {
      color = '#4c1';
    } else if (summary.score >= 0.5) {
      color = '#dfb317';
    } else {
      color = '#fe7d37';
    }
  }
  const label = 'scorecard';
  const lw = 6 * label.length + 10;
  const vw = 6 * text.length + 10;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${
    lw + vw
  }" height="20" role="img" aria-label="${label}: ${escape(
    text,
  )}"><rect width="${lw}" height="20" fill="#555"/><rect x="${lw}" width="${vw}" height="20" fill="${color}"/><g fill="#fff" font-family="Verdana,DejaVu Sans,sans-serif" font-size="11"><text x="5" y="14">${label}</text><text x="${
    lw + 5
  }" y="14">${escape(text)}</text></g></svg>`;
}
