declare module 'mjml' {
  interface MjmlError {
    line: number;
    message: string;
    tagName: string;
    formattedMessage: string;
  }
  interface MjmlResult {
    html: string;
    errors: MjmlError[];
  }
  interface MjmlOptions {
    validationLevel?: 'strict' | 'soft' | 'skip';
    minify?: boolean;
    keepComments?: boolean;
  }
  // biome-ignore lint/style/noDefaultExport: the package's own export is its default
  export default function mjml2html(input: string, options?: MjmlOptions): Promise<MjmlResult>;
}
