// The few Node.js declarations this package uses. `@types/node` cannot be installed here (no npm
// registry), so only what the sources and tests touch is declared, checked against Node 20's API.

interface NodeBuffer extends Uint8Array {
  toString(encoding?: "utf8" | "base64" | "hex" | "latin1"): string;
  subarray(start?: number, end?: number): NodeBuffer;
  readUInt16BE(offset: number): number;
  readUInt32BE(offset: number): number;
  writeUInt16BE(value: number, offset: number): number;
  writeUInt32BE(value: number, offset: number): number;
  indexOf(value: number | string | Uint8Array, byteOffset?: number): number;
}

declare var Buffer: {
  from(data: string, encoding?: "utf8" | "base64" | "hex" | "latin1"): NodeBuffer;
  from(data: Uint8Array | number[]): NodeBuffer;
  alloc(size: number, fill?: number): NodeBuffer;
  allocUnsafe(size: number): NodeBuffer;
  concat(list: readonly Uint8Array[], totalLength?: number): NodeBuffer;
  byteLength(text: string, encoding?: "utf8"): number;
};

declare var process: {
  env: Record<string, string | undefined>;
  argv: string[];
  pid: number;
  cwd(): string;
  exit(code?: number): never;
  kill(pid: number, signal?: string | number): boolean;
  platform: string;
};

declare module "node:events" {
  export class EventEmitter {
    on(event: string, listener: (...args: any[]) => void): this;
    once(event: string, listener: (...args: any[]) => void): this;
    off(event: string, listener: (...args: any[]) => void): this;
    removeAllListeners(event?: string): this;
  }
}

declare module "node:net" {
  import { EventEmitter } from "node:events";
  export class Socket extends EventEmitter {
    write(data: string | Uint8Array, cb?: (err?: Error) => void): boolean;
    end(data?: string | Uint8Array): this;
    destroy(error?: Error): this;
    pause(): this;
    resume(): this;
    setNoDelay(noDelay?: boolean): this;
    setTimeout(ms: number, cb?: () => void): this;
    readonly destroyed: boolean;
    readonly remoteAddress?: string;
    readonly remotePort?: number;
  }
  export interface AddressInfo { address: string; family: string; port: number }
  export class Server extends EventEmitter {
    listen(port: number, host: string, cb?: () => void): this;
    close(cb?: (err?: Error) => void): this;
    address(): AddressInfo | string | null;
    readonly listening: boolean;
  }
  export function connect(options: { host: string; port: number; noDelay?: boolean }, onConnect?: () => void): Socket;
  export function createServer(listener?: (socket: Socket) => void): Server;
}

declare module "node:tls" {
  import { Socket } from "node:net";
  export function connect(options: { host: string; port: number; servername?: string; ALPNProtocols?: string[] },
                          onSecureConnect?: () => void): Socket;
}

declare module "node:crypto" {
  interface Hash { update(data: string | Uint8Array): Hash; digest(encoding: "base64" | "hex"): string }
  export function createHash(algorithm: "sha1" | "sha256"): Hash;
  export function randomBytes(size: number): NodeBuffer;
}

declare module "node:http" {
  import { EventEmitter } from "node:events";
  import { AddressInfo, Socket } from "node:net";
  export class IncomingMessage extends EventEmitter {
    readonly url?: string;
    readonly method?: string;
    readonly headers: Record<string, string | string[] | undefined>;
    readonly socket: Socket;
  }
  export class ServerResponse extends EventEmitter {
    statusCode: number;
    writeHead(status: number, headers?: Record<string, string | number>): this;
    setHeader(name: string, value: string | number): this;
    write(chunk: string | Uint8Array): boolean;
    end(data?: string | Uint8Array): this;
    destroy(error?: Error): this;
    readonly headersSent: boolean;
  }
  export class Server extends EventEmitter {
    listen(port: number, host: string, cb?: () => void): this;
    close(cb?: (err?: Error) => void): this;
    closeAllConnections(): void;
    address(): AddressInfo | string | null;
  }
  export function createServer(listener: (req: IncomingMessage, res: ServerResponse) => void): Server;
}

declare module "node:child_process" {
  import { EventEmitter } from "node:events";
  interface Readable extends EventEmitter { setEncoding(enc: "utf8"): void }
  export class ChildProcess extends EventEmitter {
    readonly pid?: number;
    readonly exitCode: number | null;
    readonly signalCode: string | null;
    readonly stdout: Readable | null;
    readonly stderr: Readable | null;
    kill(signal?: string): boolean;
  }
  export function spawn(command: string, args: readonly string[],
                        options?: { cwd?: string; env?: Record<string, string | undefined>; stdio?: any; detached?: boolean }): ChildProcess;
}

declare module "node:fs" {
  export function existsSync(path: string): boolean;
}

declare module "node:path" {
  export function resolve(...parts: string[]): string;
  export function join(...parts: string[]): string;
  export function dirname(path: string): string;
}

declare module "node:url" {
  export function fileURLToPath(url: string | URL): string;
}

declare module "node:test" {
  type Fn = (t: any) => void | Promise<void>;
  export function describe(name: string, fn: () => void | Promise<void>): void;
  export function describe(name: string, options: { timeout?: number; skip?: boolean | string }, fn: () => void | Promise<void>): void;
  export function it(name: string, fn: Fn): void;
  export function it(name: string, options: { timeout?: number; skip?: boolean | string }, fn: Fn): void;
  export function test(name: string, fn: Fn): void;
  export function before(fn: () => void | Promise<void>, options?: { timeout?: number }): void;
  export function after(fn: () => void | Promise<void>, options?: { timeout?: number }): void;
}

declare module "node:assert/strict" {
  interface Assert {
    (value: unknown, message?: string): asserts value;
    ok(value: unknown, message?: string): asserts value;
    equal<T>(actual: unknown, expected: T, message?: string): asserts actual is T;
    notEqual(actual: unknown, expected: unknown, message?: string): void;
    deepEqual<T>(actual: unknown, expected: T, message?: string): asserts actual is T;
    match(value: string, re: RegExp, message?: string): void;
    doesNotMatch(value: string, re: RegExp, message?: string): void;
    rejects(fn: Promise<unknown> | (() => Promise<unknown>), expected?: unknown, message?: string): Promise<void>;
    throws(fn: () => unknown, expected?: unknown, message?: string): void;
    fail(message?: string): never;
  }
  const assert: Assert;
  export default assert;
}
