// Parses every diagram of a stream in which each diagram follows a line `%% case NAME`;
// prints the cases that do not parse, and how many did.
import { JSDOM } from 'jsdom';
import fs from 'fs';
const dom = new JSDOM('<!doctype html><html><body></body></html>');
globalThis.window = dom.window;
globalThis.document = dom.window.document;
const { default: mermaid } = await import('mermaid');
const parts = fs.readFileSync(0, 'utf8').split(/^%% case /m).slice(1);
let ok = 0, bad = 0;
for (const part of parts) {
  const nl = part.indexOf('\n');
  const name = part.slice(0, nl), text = part.slice(nl + 1);
  try { await mermaid.parse(text); ok++; }
  catch (e) { bad++; console.log(name + ': ' + e.message.split('\n').slice(0, 4).join(' | ')); }
}
console.log(`parsed ${ok}, failed ${bad}`);
process.exit(bad ? 1 : 0);
