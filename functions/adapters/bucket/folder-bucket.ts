// The bucket on a local folder. Writes go to a temporary file and are renamed into place, so a reader sees
// the old object or the new one, never half of one (the same promise Cloud Storage makes).
import { randomUUID } from "node:crypto";
import { createWriteStream, type Dirent } from "node:fs";
import { copyFile, mkdir, open, readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { dirname, join, relative, resolve, sep } from "node:path";
import { pipeline } from "node:stream/promises";
import type { Bucket } from "../../shared/ports.ts";

export class FolderBucket implements Bucket {
  readonly location: string;

  constructor(root: string) {
    this.location = resolve(root);
  }

  /** Maps an object path to a file, refusing paths that would leave the bucket folder. */
  pathOf(objectPath: string): string {
    if (!objectPath || objectPath.startsWith("/") || objectPath.includes("\\")) {
      throw new Error(`invalid object path "${objectPath}"`);
    }
    const full = resolve(this.location, objectPath);
    if (full !== this.location && !full.startsWith(this.location + sep)) {
      throw new Error(`object path "${objectPath}" leaves the bucket`);
    }
    return full;
  }

  private tempPathFor(full: string): string {
    return join(dirname(full), `.${randomUUID()}.tmp`);
  }

  async write(path: string, data: string | Uint8Array): Promise<void> {
    const full = this.pathOf(path);
    await mkdir(dirname(full), { recursive: true });
    const temp = this.tempPathFor(full);
    await writeFile(temp, data);
    await rename(temp, full);
  }

  async writeStream(path: string, chunks: AsyncIterable<string | Uint8Array>): Promise<{ bytes: number }> {
    const full = this.pathOf(path);
    await mkdir(dirname(full), { recursive: true });
    const temp = this.tempPathFor(full);
    try {
      await pipeline(chunks, createWriteStream(temp));
      await rename(temp, full);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
    return { bytes: (await stat(full)).size };
  }

  async createIfAbsent(path: string, data: string | Uint8Array): Promise<boolean> {
    const full = this.pathOf(path);
    await mkdir(dirname(full), { recursive: true });
    try {
      const handle = await open(full, "wx");
      try {
        await handle.writeFile(data);
      } finally {
        await handle.close();
      }
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
      throw error;
    }
  }

  async read(path: string): Promise<Buffer | undefined> {
    try {
      return await readFile(this.pathOf(path));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw error;
    }
  }

  async exists(path: string): Promise<boolean> {
    try {
      return (await stat(this.pathOf(path))).isFile();
    } catch {
      return false;
    }
  }

  async list(prefix: string): Promise<string[]> {
    const found: string[] = [];
    const walk = async (folder: string): Promise<void> => {
      let entries: Dirent[];
      try {
        entries = await readdir(folder, { withFileTypes: true });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") return;
        throw error;
      }
      for (const entry of entries) {
        const full = join(folder, entry.name);
        if (entry.isDirectory()) await walk(full);
        else if (!entry.name.endsWith(".tmp")) found.push(relative(this.location, full).split(sep).join("/"));
      }
    };
    // Walk from the deepest folder the prefix names, then filter on the full prefix.
    const folderPart = prefix.includes("/") ? prefix.slice(0, prefix.lastIndexOf("/")) : "";
    await walk(folderPart ? this.pathOf(folderPart) : this.location);
    return found.filter((path) => path.startsWith(prefix)).sort();
  }

  async copy(from: string, to: string): Promise<void> {
    const target = this.pathOf(to);
    await mkdir(dirname(target), { recursive: true });
    const temp = this.tempPathFor(target);
    await copyFile(this.pathOf(from), temp);
    await rename(temp, target);
  }

  async delete(path: string): Promise<void> {
    await rm(this.pathOf(path), { force: true });
  }

  async linkFor(path: string): Promise<string> {
    return this.pathOf(path);
  }
}
