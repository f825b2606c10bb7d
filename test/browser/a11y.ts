import type { Page } from "playwright-core";

export interface A11yReport {
  /** Form controls without a label (a <label for>, a wrapping label, aria-label or aria-labelledby). */
  unlabelled: string[];
  /** Text whose contrast against its background is below the bar, with the ratio. */
  lowContrast: { text: string; ratio: number; color: string; background: string }[];
  /** The lowest contrast ratio of any visible text on the page. */
  minContrast: number;
}

/**
 * Runs in the page (as plain JavaScript text, so nothing the test compiler adds reaches the
 * browser): labels of every visible control, and WCAG contrast of every visible text node's
 * colour over the first opaque background behind it.
 */
const AUDIT = `(function(bar){
function lin(c){c/=255;return c<=0.03928?c/12.92:Math.pow((c+0.055)/1.055,2.4)}
function rgb(s){var m=s.match(/rgba?\\(([^)]+)\\)/);if(!m)return null;var p=m[1].split(",").map(function(x){return parseFloat(x)});return{r:p[0],g:p[1],b:p[2],a:p.length>3?p[3]:1}}
function lum(c){return 0.2126*lin(c.r)+0.7152*lin(c.g)+0.0722*lin(c.b)}
function bg(el){for(var e=el;e;e=e.parentElement){var c=rgb(getComputedStyle(e).backgroundColor);if(c&&c.a>0.99)return c}return{r:255,g:255,b:255,a:1}}
function visible(el){var r=el.getBoundingClientRect();var s=getComputedStyle(el);return r.width>1&&r.height>1&&s.visibility!=="hidden"&&s.display!=="none"}
var unlabelled=[];
document.querySelectorAll("input,select,textarea").forEach(function(el){
if(el.type==="hidden"||el.type==="submit"||!visible(el))return;
var ok=(el.labels&&el.labels.length>0)||el.getAttribute("aria-label")||el.getAttribute("aria-labelledby");
if(!ok)unlabelled.push(el.outerHTML.slice(0,120));
});
var low=[],min=21;
var walker=document.createTreeWalker(document.body,NodeFilter.SHOW_TEXT);
for(var n=walker.nextNode();n;n=walker.nextNode()){
if(!n.textContent.trim())continue;var el=n.parentElement;if(!el||!visible(el))continue;
if(el.closest("option,script,style,noscript"))continue;
var fg=rgb(getComputedStyle(el).color),b=bg(el);if(!fg)continue;
var l1=lum(fg),l2=lum(b),ratio=(Math.max(l1,l2)+0.05)/(Math.min(l1,l2)+0.05);
if(ratio<min)min=ratio;
if(ratio<bar)low.push({text:n.textContent.trim().slice(0,40),ratio:Math.round(ratio*100)/100,color:getComputedStyle(el).color,background:"rgb("+b.r+","+b.g+","+b.b+")"});
}
return{unlabelled:unlabelled,lowContrast:low,minContrast:Math.round(min*100)/100};
})`;

export async function auditPage(page: Page, bar = 7): Promise<A11yReport> {
  return page.evaluate<A11yReport>(`${AUDIT}(${bar})`);
}

/**
 * Tabs through the first `steps` focusable elements and reports any whose focus is not visible
 * (no outline and no box-shadow while focused).
 */
export async function invisibleFocus(page: Page, steps = 12): Promise<string[]> {
  const bad: string[] = [];
  await page.evaluate("document.activeElement && document.activeElement.blur && document.activeElement.blur()");
  for (let i = 0; i < steps; i++) {
    await page.keyboard.press("Tab");
    const r = await page.evaluate<{
      tag: string;
      outline: boolean;
      shadow: boolean;
    } | null>(`(function(){var e=document.activeElement;if(!e||e===document.body)return null;var s=getComputedStyle(e);
return {tag:e.outerHTML.slice(0,80),outline:s.outlineStyle!=="none"&&parseFloat(s.outlineWidth)>=2,shadow:s.boxShadow!=="none"}})()`);
    if (r && !r.outline && !r.shadow) bad.push(r.tag);
  }
  return bad;
}
