/** What a fake executable gets instead of `process`: tests can run one in-process with buffers. */
export interface ToolIo {
  stdout: { write(chunk: string): unknown };
  stderr: { write(chunk: string): unknown };
  stdin: NodeJS.ReadableStream;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

/** A fake executable: returns its exit code. */
export type ToolMain = (argv: string[], io: ToolIo) => Promise<number>;

export interface ToolModule {
  main: ToolMain;
}
