/** The little of Eleventy's programmatic API scripts/docs.ts uses (the package ships no types). */
declare module '@11ty/eleventy' {
  export default class Eleventy {
    constructor(input: string, output: string, options: { quietMode?: boolean; config?: (cfg: never) => void });
    write(): Promise<unknown>;
  }
}
