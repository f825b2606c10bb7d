/**
 * The console's additions to the layout's CSS (views/layout.tsx): a wider page for tables on a
 * desktop, a navigation bar, buttons and form controls. Every text colour is ≥ 7:1 on its
 * background (checked in test/browser); focus is always visible (3 px outline).
 */
const CSS = `
main{max-width:72rem}
a{color:#1e40af}
a:focus-visible,button:focus-visible,input:focus-visible,select:focus-visible,summary:focus-visible,textarea:focus-visible{outline:3px solid #1e40af;outline-offset:2px}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
.skip{position:absolute;left:-999px;top:0;background:#fff;color:#111827;padding:.5rem}
.skip:focus{left:.5rem}
button .en,nav a .en,.st .en{color:inherit}
.top{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:center;justify-content:space-between}
.top .who{color:#374151}
nav ul{list-style:none;padding:0;margin:.5rem 0 0;display:flex;flex-wrap:wrap;gap:.25rem}
nav li{margin:0}
nav a{display:inline-block;padding:.45rem .65rem;min-height:2.5rem;border-radius:.4rem;text-decoration:none;color:#1e3a8a;background:#eff6ff}
nav a[aria-current=page]{background:#1e40af;color:#fff}
.menu{display:none}
.menu summary{display:flex;align-items:center;padding:.45rem .65rem;min-height:2.75rem;border-radius:.4rem;color:#1e3a8a;background:#eff6ff}
.menu summary::after{content:"▾";margin-left:auto}
.menu[open] summary::after{content:"▴"}
label{display:block;font-weight:600;margin:.8rem 0 .25rem}
label.inline{display:inline;font-weight:400;margin:0}
input,select,textarea{font:inherit;padding:.5rem .6rem;min-height:2.75rem;border:1px solid #4b5563;border-radius:.4rem;background:#fff;color:#111827;max-width:100%}
input[type=text],input[type=url],input[type=password],input[type=search],input[type=number],select.wide{width:100%}
input[type=checkbox],input[type=radio]{min-height:auto;width:1.2rem;height:1.2rem;vertical-align:middle}
input[aria-invalid=true]{border-color:#991b1b;border-width:2px}
button{font:inherit;font-weight:600;padding:.55rem .9rem;min-height:2.75rem;border:1px solid #1e40af;border-radius:.4rem;background:#1e40af;color:#fff;cursor:pointer}
button.secondary{background:#fff;color:#1e40af}
button.danger{background:#991b1b;border-color:#991b1b;color:#fff}
button.small{padding:.25rem .6rem;min-height:2.25rem;font-size:.95rem}
form.inline{display:inline}
td.actions{white-space:nowrap}
.row{display:flex;flex-wrap:wrap;gap:.5rem;align-items:flex-end}
.row>div{flex:1 1 12rem}
.hint{color:#374151;font-size:.92rem;margin:.2rem 0 0}
.field-error{color:#7f1d1d;font-weight:600;margin:.25rem 0 0}
.ok{border-color:#15803d;border-left-width:.35rem}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(15rem,1fr));gap:1rem}
.grid .card{margin:0}
.grid.charts{margin-top:1rem;grid-template-columns:repeat(auto-fit,minmax(min(100%,22rem),1fr))}
.scroll{overflow-x:auto}
table.data th{white-space:nowrap}
table.data td,table.data th{padding:.45rem .4rem}
.st{display:inline-block;padding:.05rem .45rem;border-radius:.3rem;font-weight:600;border:1px solid currentColor;white-space:nowrap}
.st-imported,.st-cancelled{background:#e5e7eb;color:#1f2937}
.st-invited,.st-queued,.st-running,.st-pending{background:#dbeafe;color:#1e3a8a}
.st-active,.st-succeeded,.st-delivered,.st-enabled{background:#dcfce7;color:#14532d}
.st-locked,.st-needs_confirmation,.st-failing{background:#fef3c7;color:#713f12}
.st-deauthorized,.st-failed,.st-disabled{background:#fee2e2;color:#7f1d1d}
.st-removed{background:#e5e7eb;color:#374151}
.tree ul{padding-left:1.3rem;border-left:1px solid #d1d5db}
.tree>ul{border-left:0;padding-left:0;list-style:none}
.copy{display:flex;gap:.5rem;align-items:center;flex-wrap:wrap}
.copy code{flex:1 1 16rem;padding:.5rem;display:block}
ol.steps li{margin:.5rem 0}
.pager{display:flex;gap:1rem;flex-wrap:wrap;align-items:center}
details summary{cursor:pointer;font-weight:600;min-height:2rem}
figure.chart{margin:0}
.chart>svg{display:block;overflow:visible}
.swatch{vertical-align:-1px}
.chart svg text{fill:currentColor;font-size:14px}
.chart figcaption{color:#374151;font-size:.92rem;margin:.4rem 0 0}
.legend{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:.25rem 1rem}
.legend li{margin:0}
pre{white-space:pre-wrap;overflow-wrap:anywhere;font-size:.85rem;margin:.25rem 0}
@media (max-width:40rem){.menu{display:block;margin:.5rem 0 0}nav ul.bar{display:none}
table.stack.compact tbody tr{display:grid;grid-template-columns:auto auto minmax(0,1fr) auto;grid-template-areas:"pick name name state" "pick id dept act";gap:.15rem .5rem;align-items:center;padding:.35rem 0}
table.stack.compact td{padding:0;min-width:0}
table.stack.compact td[data-label]::before{content:none}
table.stack.compact td:nth-child(1){grid-area:pick}table.stack.compact td:nth-child(2){grid-area:name}table.stack.compact td:nth-child(3){grid-area:id}
table.stack.compact td:nth-child(4){grid-area:dept;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}table.stack.compact td:nth-child(5){grid-area:state;text-align:right}table.stack.compact td:nth-child(6){grid-area:act;text-align:right}
table.stack thead{display:none}table.stack tr{display:block;border-bottom:1px solid #d1d5db;padding:.4rem 0}table.stack td{display:block;border:0;padding:.15rem 0}table.stack td[data-label]::before{content:attr(data-label) ": ";font-weight:600}}
`;

export function ConsoleStyle(props: { nonce: string }) {
  return <style nonce={props.nonce} dangerouslySetInnerHTML={{ __html: CSS }} />;
}
