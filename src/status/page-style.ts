// The public status page's stylesheet, inlined in every page so the page needs nothing but itself. The
// palette follows the console's tokens (web/src/ui/tokens.css) in spirit, written once as custom properties
// with a prefers-color-scheme override, since the page cannot load the console's CSS. Uptime cells carry
// one-letter classes and no inline style: 50 components × 90 days is 4,500 cells, and each byte of a cell
// costs 4.5 KB of page.

const LIGHT = `--bg:#f8f9fb;--card:#fff;--line:#e4e7ec;--text:#111827;--muted:#4b5565;--accent:#2f5bd3;
--ok:#157a3e;--deg:#c59a00;--part:#e5700f;--maj:#d1242f;--mnt:#2f5bd3;--none:#d0d5dd;
--ok-soft:#e6f5ec;--deg-soft:#fdf6d8;--part-soft:#fff0e0;--maj-soft:#fde8e8;--mnt-soft:#eaf0ff;
--tip:#111827;--on-tip:#fff`;

const DARK = `--bg:#0f1115;--card:#171a21;--line:#2a2f39;--text:#e9ecf1;--muted:#aab2c0;--accent:#7aa2ff;
--ok:#4cc47e;--deg:#e3c14b;--part:#ff9a45;--maj:#ff5c64;--mnt:#7aa2ff;--none:#3a404c;
--ok-soft:#10301e;--deg-soft:#352c0c;--part-soft:#3b240f;--maj-soft:#3d1417;--mnt-soft:#1c2740;
--tip:#f1f3f6;--on-tip:#111827`;

// Class letters: o operational (the default, no class), d degraded, p partial, m major, u maintenance,
// n no data; h1–h4 shorten a cell by how much of the day was up. Banner and badge classes reuse them.
const BASE = `:root{color-scheme:light dark;${LIGHT}}
@media (prefers-color-scheme:dark){:root{${DARK}}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--text);font:15px/1.5 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif}
a{color:var(--accent)}
a.home{color:inherit;text-decoration:none}
.w{max-width:860px;margin:0 auto;padding:16px}
header.top{display:flex;align-items:center;gap:12px;padding:24px 0 8px}
header.top img{max-height:40px;max-width:200px}
h1{font-size:1.5rem;margin:0}h2{font-size:1.15rem;margin:28px 0 10px}h3{font-size:1rem;margin:18px 0 8px}
.card{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:14px 16px;margin:10px 0}
.banner{border-radius:10px;padding:14px 16px;margin:16px 0;font-weight:650;font-size:1.1rem;
background:var(--ok-soft);border-left:6px solid var(--ok)}
.banner.minor{background:var(--deg-soft);border-color:var(--deg)}
.banner.major{background:var(--part-soft);border-color:var(--part)}
.banner.critical{background:var(--maj-soft);border-color:var(--maj)}
.banner.mnt{background:var(--mnt-soft);border-color:var(--mnt)}
.banner small{display:block;font-weight:400;font-size:.8rem;color:var(--muted)}.banner time{font-size:inherit}
.muted,time{color:var(--muted);font-size:.85rem}
.body{white-space:pre-line;overflow-wrap:anywhere;margin:4px 0}
.upd{border-left:3px solid var(--line);padding-left:10px;margin:10px 0}.upd time{display:block}
.tag{display:inline-block;border-radius:999px;padding:0 8px;font-size:.8rem;font-weight:600;
background:var(--ok-soft);color:var(--ok)}
.tag.d{background:var(--deg-soft);color:var(--text)}.tag.p{background:var(--part-soft);color:var(--part)}
.tag.m{background:var(--maj-soft);color:var(--maj)}.tag.u{background:var(--mnt-soft);color:var(--mnt)}
.comps{list-style:none;margin:0;padding:0}
.comps>li{padding:12px 0;border-top:1px solid var(--line)}.comps>li:first-child{border-top:0}
.ch{display:flex;justify-content:space-between;align-items:center;gap:8px;flex-wrap:wrap}.ch h3{margin:0}
.cn{font-weight:600;overflow-wrap:anywhere}
.b{display:flex;gap:1px;height:30px;align-items:flex-end;list-style:none;margin:8px 0 4px;padding:0}
.b li{flex:1;height:100%;border-radius:1px;background:var(--ok);position:relative}
.b .d{background:var(--deg)}.b .p{background:var(--part)}.b .m{background:var(--maj)}
.b .u{background:var(--mnt)}.b .n{background:var(--none)}
.b .h1{height:85%}.b .h2{height:70%}.b .h3{height:50%}.b .h4{height:30%}
.b li:hover{outline:2px solid var(--text)}
.b li::before{display:none;position:absolute;bottom:calc(100% + 6px);left:50%;transform:translateX(-50%);
white-space:nowrap;background:var(--tip);color:var(--on-tip);font-size:.75rem;padding:2px 6px;border-radius:4px;
z-index:1}
.b li:hover::before{display:block}
.cf{display:flex;justify-content:space-between;font-size:.75rem;color:var(--muted)}
.cf .s{display:none}
@media (max-width:600px){.b li:nth-child(-n+60){display:none}.cf .l{display:none}.cf .s{display:inline}}
form.sub{display:flex;gap:8px;flex-wrap:wrap;align-items:end}
form.sub label{flex-basis:100%;font-weight:600}
form.sub input{flex:1;min-width:200px;font:inherit;padding:6px 10px;border:1px solid var(--line);border-radius:6px;
background:var(--card);color:var(--text)}
form.sub button{font:inherit;padding:6px 14px;border:0;border-radius:6px;background:var(--accent);color:var(--card);
cursor:pointer}
:focus-visible{outline:2px solid var(--accent);outline-offset:2px}
footer{margin:32px 0 16px;font-size:.85rem;color:var(--muted);display:flex;gap:14px;flex-wrap:wrap}`;

/** The stylesheet for a page whose uptime bars cover `dates` (YYYY-MM-DD, oldest first); none for a message page. */
export function pageStyle(dates: readonly string[] = []): string {
  // One rule per day column labels the hovered cell with its date, shared by every component's bar, so
  // a clean day needs no title of its own (see page-html.ts).
  const labels = dates.map((d, i) => `.b li:nth-child(${i + 1})::before{content:"${shortDate(d)}"}`).join('');
  return BASE.replace(/\n/g, '') + labels;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "3 Mar 2026" for a YYYY-MM-DD day (the uptime days are UTC calendar days, so no zone applies). */
export function shortDate(day: string): string {
  const [y, m, d] = day.split('-');
  return `${Number(d)} ${MONTHS[Number(m) - 1] ?? ''} ${y}`;
}
