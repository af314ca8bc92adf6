// Functions that run in a tab, as source text. tsx compiles with esbuild's keepNames, which wraps
// named inner functions in `__name(...)` calls that do not exist in the page (privatenumber/tsx#113),
// so the text brings a no-op `__name` of its own, scoped to its closure. Arguments travel as JSON;
// functions among them (`{ fn }`) travel as their own source, and must use only their parameters.

export type ScriptArg = { fn: (...args: never[]) => unknown } | unknown;

const isFn = (arg: ScriptArg): arg is { fn: (...args: never[]) => unknown } =>
  typeof arg === 'object' && arg !== null && 'fn' in arg && typeof (arg as { fn: unknown }).fn === 'function';

/** `fn(...args)` as an expression for page.evaluate or addInitScript; its value is fn's (awaited by Playwright). */
export function pageScript(fn: (...args: never[]) => unknown, ...args: ScriptArg[]): string {
  const list = args.map((arg) => (isFn(arg) ? arg.fn.toString() : JSON.stringify(arg))).join(', ');
  return `(() => {
  const __name = (target) => target;
  return (${fn.toString()})(${list});
})()`;
}
