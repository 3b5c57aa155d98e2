/** The frame of a self-contained HTML report: one file, its style inline, nothing fetched. Pure. */

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** An id usable in a URL fragment, from any text. */
export function anchor(...parts: string[]): string {
  return parts
    .join('-')
    .replace(/[^A-Za-z0-9_-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .toLowerCase();
}

const STYLE = `
body { font: 14px/1.45 system-ui, sans-serif; margin: 1.5em auto; max-width: 1200px; padding: 0 1em; color: #222; }
h1 { font-size: 1.5em; } h2 { font-size: 1.25em; border-bottom: 1px solid #ddd; padding-bottom: .2em; margin-top: 1.6em; }
h3 { font-size: 1.05em; }
.passed { color: #1a7f37; } .failed, .aborted { color: #cf222e; } .skipped { color: #777; }
.badge { display: inline-block; border-radius: 4px; padding: 0 .45em; font-weight: 600; font-size: .9em; }
.badge.passed { background: #dafbe1; } .badge.failed, .badge.aborted { background: #ffebe9; } .badge.skipped { background: #eee; }
table { border-collapse: collapse; width: 100%; margin: .5em 0; }
th, td { border: 1px solid #ddd; padding: .3em .5em; text-align: left; vertical-align: top; }
th { background: #f6f8fa; }
tr.failed td, tr.aborted td { background: #fff5f5; }
pre { background: #f6f8fa; padding: .5em; overflow-x: auto; margin: .2em 0; white-space: pre-wrap; word-break: break-all; }
code { font-size: .92em; }
.failure { border: 2px solid #cf222e; border-radius: 6px; padding: .4em .9em; margin: .8em 0; background: #fffafa; }
.snapshot { border: 1px solid #ddd; border-radius: 6px; padding: .5em; margin: .8em 0; overflow-x: auto; }
.snapshot svg { max-width: 100%; height: auto; }
.muted { color: #666; }
`;

export function page(title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
${body}
</body>
</html>
`;
}

/** An SVG file's text, made fit to sit inside HTML: without its XML prolog, doctype and comments. */
export function inlineSvg(svg: string): string {
  return svg
    .replace(/<\?xml[^>]*\?>/g, '')
    .replace(/<!DOCTYPE[^>]*>/gi, '')
    .replace(/<!--[\s\S]*?-->/g, '')
    .trim();
}
