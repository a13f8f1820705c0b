// The bucket on Cloud Storage. Every object write is atomic in GCS (a reader gets the old generation or the new
// one), so the folder bucket's temp-file-and-rename dance has no counterpart here; what matters instead is
// preconditions (create-only claims) and resumable uploads for streams.
import { randomUUID } from "node:crypto";
import { Readable, type Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import {
  type Bucket,
  type Clock,
  MAX_SIGNED_URL_SECONDS,
  type ObjectRange,
  type WriteOptions,
} from "../../shared/ports.ts";

// The slice of @google-cloud/storage used here, small enough for a recording fake.
export interface GcsPreconditions {
  ifGenerationMatch?: number | string;
}

export interface GcsUploadOptions {
  resumable?: boolean;
  contentType?: string;
  validation?: "crc32c" | "md5" | boolean;
  preconditionOpts?: GcsPreconditions;
}

export interface GcsObjectMetadata {
  name?: string;
  generation?: number | string;
  size?: number | string;
}

export interface GcsFile {
  readonly name: string;
  save(data: string | Uint8Array, options?: GcsUploadOptions): Promise<void>;
  createWriteStream(options?: GcsUploadOptions): Writable;
  /** `end` is included, as in the library's DownloadOptions. */
  download(options?: { start?: number; end?: number }): Promise<[Buffer, ...unknown[]]>;
  /** The object's bytes as a stream (the library checks the whole download's CRC32C at its end). */
  createReadStream(): Readable;
  exists(): Promise<[boolean, ...unknown[]]>;
  getMetadata(): Promise<[GcsObjectMetadata, ...unknown[]]>;
  delete(options?: { ignoreNotFound?: boolean; ifGenerationMatch?: number | string }): Promise<unknown>;
  copy(destination: string, options?: { preconditionOpts?: GcsPreconditions }): Promise<unknown>;
  getSignedUrl(config: { version: "v4"; action: "read"; expires: number }): Promise<[string, ...unknown[]]>;
}

export interface GcsListQuery {
  prefix: string;
  autoPaginate: false;
  maxResults: number;
  pageToken?: string;
}

export interface GcsBucketHandle {
  readonly name: string;
  file(path: string, options?: { generation?: number | string }): GcsFile;
  /** Cloud Storage's compose: `destination` becomes the sources' bytes in order (at most 32 sources a request). */
  /**
   * Cloud Storage's compose (the library's `bucket.combine`): `destination` becomes the sources' bytes in order,
   * at most 32 sources a request, with the given content type.
   */
  combine(sources: string[], destination: string, contentType?: string): Promise<unknown>;
  getFiles(
    query: GcsListQuery,
  ): Promise<[{ name: string }[], ({ pageToken?: string } | null)?, ...unknown[]]>;
}

export interface GcsBucketSettings {
  /** Lifetime of the links linkFor makes; v4 signed URLs cannot outlive 7 days. */
  linkTtlSeconds?: number;
  clock?: Clock;
  /** Objects per list request. */
  listPageSize?: number;
}

/** Cloud Storage composes at most 32 objects per request. */
export const MAX_COMPOSE_SOURCES = 32;

interface LibraryError {
  code?: unknown;
  status?: unknown;
  response?: { status?: unknown };
}

/**
 * The HTTP status of the library's error: the JSON API's errors carry it as `code`, a resumable upload's (gaxios)
 * as `status` or on its response.
 */
function statusOf(error: unknown): number | undefined {
  const candidate = error as LibraryError | undefined;
  return [candidate?.code, candidate?.status, candidate?.response?.status].find(
    (value): value is number => typeof value === "number",
  );
}

/** Node's code of a connection that failed before any answer (ECONNRESET, EPIPE, …), as the library keeps it. */
function socketCodeOf(error: unknown): string | undefined {
  const code = (error as LibraryError | undefined)?.code;
  return typeof code === "string" ? code : undefined;
}

function toBuffer(chunk: string | Uint8Array): Buffer {
  return typeof chunk === "string" ? Buffer.from(chunk, "utf8") : Buffer.from(chunk);
}

export class GcsBucket implements Bucket {
  readonly location: string;
  readonly scope = "shared";
  private readonly linkTtlSeconds: number;
  private readonly clock: Clock;
  private readonly listPageSize: number;

  constructor(
    private readonly bucket: GcsBucketHandle,
    settings: GcsBucketSettings = {},
  ) {
    this.location = `gs://${bucket.name}`;
    this.linkTtlSeconds = GcsBucket.checkedTtl(settings.linkTtlSeconds ?? MAX_SIGNED_URL_SECONDS);
    this.clock = settings.clock ?? { now: () => new Date() };
    this.listPageSize = settings.listPageSize ?? 1000;
  }

  private static checkedTtl(seconds: number): number {
    if (!Number.isInteger(seconds) || seconds <= 0 || seconds > MAX_SIGNED_URL_SECONDS) {
      throw new Error(
        `signed URLs live between 1 second and 7 days (${MAX_SIGNED_URL_SECONDS} s); got ${seconds}`,
      );
    }
    return seconds;
  }

  /** The object for a path; refuses paths GCS would accept but the folder bucket would not, to keep them alike. */
  private file(path: string, generation?: number | string): GcsFile {
    if (!path || path.startsWith("/") || path.includes("\0") || path.split("/").includes("..")) {
      throw new Error(`invalid object path "${path}"`);
    }
    return generation === undefined ? this.bucket.file(path) : this.bucket.file(path, { generation });
  }

  private explain(error: unknown, action: string, path: string): Error {
    const status = statusOf(error);
    const reason = error instanceof Error ? error.message : String(error);
    if (status === 403 || status === 401) {
      return Object.assign(
        new Error(
          `Cloud Storage denied ${action} ${this.location}/${path}: ${reason}. The function's service account needs roles/storage.objectAdmin on bucket ${this.bucket.name}.`,
          { cause: error },
        ),
        { status },
      );
    }
    // Keep the status and the socket error's code so isTransient (shared/step.ts) sees a 429/5xx or a dropped
    // connection and lets Pub/Sub retry: the library retries no write without a precondition itself.
    return Object.assign(
      new Error(`Cloud Storage ${action} ${this.location}/${path} failed: ${reason}`, { cause: error }),
      { status, code: socketCodeOf(error) },
    );
  }

  async write(path: string, data: string | Uint8Array, options: WriteOptions = {}): Promise<void> {
    try {
      // A single-request upload: small objects (ledger records, markers) do not need a resumable session.
      await this.file(path).save(data, { resumable: false, contentType: options.contentType });
    } catch (error) {
      throw this.explain(error, "writing", path);
    }
  }

  /** A resumable upload: the object exists only once the last chunk is in, so a failed stream leaves nothing. */
  async writeStream(
    path: string,
    chunks: AsyncIterable<string | Uint8Array>,
    options: WriteOptions = {},
  ): Promise<{ bytes: number }> {
    const file = this.file(path);
    let bytes = 0;
    async function* counted(): AsyncGenerator<Buffer> {
      for await (const chunk of chunks) {
        const buffer = toBuffer(chunk);
        bytes += buffer.byteLength;
        yield buffer;
      }
    }
    try {
      await pipeline(
        Readable.from(counted()),
        file.createWriteStream({ resumable: true, contentType: options.contentType, validation: "crc32c" }),
      );
    } catch (error) {
      throw this.explain(error, "streaming to", path);
    }
    return { bytes };
  }

  /** ifGenerationMatch: 0 means "only if no live object exists": exactly one concurrent caller wins. */
  async createIfAbsent(
    path: string,
    data: string | Uint8Array,
    options: WriteOptions = {},
  ): Promise<boolean> {
    try {
      await this.file(path).save(data, {
        resumable: false,
        contentType: options.contentType,
        preconditionOpts: { ifGenerationMatch: 0 },
      });
      return true;
    } catch (error) {
      if (statusOf(error) === 412) return false;
      throw this.explain(error, "creating", path);
    }
  }

  async read(path: string): Promise<Buffer | undefined> {
    try {
      const [data] = await this.file(path).download();
      return data;
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw this.explain(error, "reading", path);
    }
  }

  /** Streams the object's bytes: a dropped export of any size is read a chunk at a time, never downloaded whole. */
  async *readStream(path: string): AsyncIterable<Uint8Array> {
    try {
      for await (const chunk of this.file(path).createReadStream()) yield chunk as Buffer;
    } catch (error) {
      throw this.explain(error, "reading", path);
    }
  }

  /** The object with its generation, for compare-and-swap updates (see replaceIfGeneration). */
  async readVersioned(path: string): Promise<{ data: Buffer; generation: string } | undefined> {
    try {
      const [metadata] = await this.file(path).getMetadata();
      if (metadata.generation === undefined) return undefined;
      const generation = String(metadata.generation);
      // Download that very generation: a write landing in between cannot mix the data of one and the number of another.
      const [data] = await this.file(path, generation).download();
      return { data, generation };
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw this.explain(error, "reading", path);
    }
  }

  /**
   * A ranged download of one generation: the metadata first (size, and the live generation unless one is given),
   * then only the bytes asked for, of that generation, so that a write landing in between cannot mix two versions.
   */
  async readRange(
    path: string,
    start: number,
    end: number,
    generation?: string,
  ): Promise<ObjectRange | undefined> {
    try {
      const [metadata] = await this.file(path, generation).getMetadata();
      if (metadata.generation === undefined) return undefined;
      const pinned = String(metadata.generation);
      const size = Number(metadata.size ?? 0);
      const from = Math.min(Math.max(0, start), size);
      const to = Math.min(Math.max(from, end), size);
      if (to === from) return { data: Buffer.alloc(0), size, generation: pinned };
      const [data] = await this.file(path, pinned).download({ start: from, end: to - 1 });
      return { data, size, generation: pinned };
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw this.explain(error, "reading", path);
    }
  }

  /** Writes only if the object is still at `generation`; false when someone else wrote it first. */
  async replaceIfGeneration(
    path: string,
    data: string | Uint8Array,
    generation: string,
    options: WriteOptions = {},
  ): Promise<boolean> {
    try {
      await this.file(path).save(data, {
        resumable: false,
        contentType: options.contentType,
        preconditionOpts: { ifGenerationMatch: generation },
      });
      return true;
    } catch (error) {
      if (statusOf(error) === 412) return false;
      throw this.explain(error, "replacing", path);
    }
  }

  /**
   * Deletes only the generation that was read: taking over a stale claim this way cannot delete a fresh claim
   * that another delivery wrote in between.
   */
  async deleteIfGeneration(path: string, generation: string): Promise<boolean> {
    try {
      await this.file(path).delete({ ifGenerationMatch: generation });
      return true;
    } catch (error) {
      if (statusOf(error) === 412 || statusOf(error) === 404) return false;
      throw this.explain(error, "deleting", path);
    }
  }

  async exists(path: string): Promise<boolean> {
    try {
      const [found] = await this.file(path).exists();
      return found;
    } catch (error) {
      throw this.explain(error, "checking", path);
    }
  }

  /** Object names under a prefix, page by page (never one unbounded request), sorted. */
  async list(prefix: string): Promise<string[]> {
    const names: string[] = [];
    let pageToken: string | undefined;
    try {
      do {
        const [files, next] = await this.bucket.getFiles({
          prefix,
          autoPaginate: false,
          maxResults: this.listPageSize,
          pageToken,
        });
        for (const file of files) if (!file.name.endsWith("/")) names.push(file.name);
        pageToken = next?.pageToken ?? undefined;
      } while (pageToken);
    } catch (error) {
      throw this.explain(error, "listing", prefix);
    }
    return names.sort();
  }

  /** A server-side copy: one request, and `to` switches from its old generation to the new one atomically. */
  async copy(from: string, to: string): Promise<void> {
    this.file(to);
    try {
      await this.file(from).copy(to);
    } catch (error) {
      throw this.explain(error, "copying to", `${to} from ${from}`);
    }
  }

  /**
   * Server-side compose, the bytes never leaving Cloud Storage. Over 32 sources, groups of 32 are composed into
   * intermediate objects next to the destination, level after level, and the intermediates are deleted at the end
   * (also when a request fails). The destination is written by one request, so it appears whole or not at all.
   */
  async compose(sources: readonly string[], destination: string, options: WriteOptions = {}): Promise<void> {
    if (sources.length === 0) {
      await this.write(destination, "", options);
      return;
    }
    const intermediates: string[] = [];
    const run = randomUUID().slice(0, 8);
    const combine = async (group: readonly string[], target: string, contentType?: string) => {
      try {
        await this.bucket.combine(
          group.map((source) => this.file(source).name),
          this.file(target).name,
          contentType,
        );
      } catch (error) {
        throw this.explain(error, "composing", target);
      }
    };
    try {
      let level = [...sources];
      for (let depth = 0; level.length > MAX_COMPOSE_SOURCES; depth += 1) {
        const next: string[] = [];
        for (let start = 0; start < level.length; start += MAX_COMPOSE_SOURCES) {
          const group = level.slice(start, start + MAX_COMPOSE_SOURCES);
          if (group.length === 1) {
            next.push(group[0] as string);
            continue;
          }
          const intermediate = `${destination}.compose-${run}-${depth}-${start / MAX_COMPOSE_SOURCES}`;
          intermediates.push(intermediate);
          await combine(group, intermediate);
          next.push(intermediate);
        }
        level = next;
      }
      await combine(level, destination, options.contentType);
    } finally {
      for (const intermediate of intermediates) await this.delete(intermediate);
    }
  }

  async delete(path: string): Promise<void> {
    try {
      await this.file(path).delete({ ignoreNotFound: true });
    } catch (error) {
      throw this.explain(error, "deleting", path);
    }
  }

  /** A v4 signed URL for reading, valid for the configured lifetime (at most 7 days). */
  async linkFor(path: string, ttlSeconds: number = this.linkTtlSeconds): Promise<string> {
    const seconds = GcsBucket.checkedTtl(ttlSeconds);
    try {
      const [url] = await this.file(path).getSignedUrl({
        version: "v4",
        action: "read",
        expires: this.clock.now().getTime() + seconds * 1000,
      });
      return url;
    } catch (error) {
      throw this.explain(error, "signing a link to", path);
    }
  }
}
