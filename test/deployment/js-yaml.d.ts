// js-yaml 3 (in node_modules through Jest's coverage tooling) ships no types; the deployment specs use only this.
declare module 'js-yaml' {
  interface JsYaml {
    /** Parses one YAML document with the safe schema (anchors, aliases and `<<` merge keys resolved). */
    safeLoad(text: string, options?: { filename?: string }): unknown;
  }
  const jsYaml: JsYaml;
  export default jsYaml;
}
