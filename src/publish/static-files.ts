// The files of a published tree. Each is written whole in DIR/.staging/, synced, then renamed to its place
// (one filesystem, so the rename is atomic): a web server or a sync to object storage sees no file or the
// whole file, never a short one. The directories that gained names are synced before the checkpoint that
// names those files is written, so after a power cut a checkpoint's tiles are there too.

import { open, readFile, readdir, rename, rm, rmdir, stat } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { makeDirectory, makePublicDirectory } from '../store/make-directory.js'

/** Where files are written before they are renamed into place; leave it out when copying DIR elsewhere. */
export const STAGING_DIRECTORY = '.staging'
/** A published file's mode, whatever the umask: a web server of another user reads DIR (directories: PUBLIC_DIRECTORY_MODE). */
export const PUBLIC_FILE_MODE = 0o644

export class StaticFiles {
  readonly root: string
  private readonly staging: string
  private readonly madeDirectories = new Set<string>()
  /** directories that gained a name since the last syncDirectories */
  private readonly changed = new Set<string>()
  private next = 0

  private constructor(root: string) {
    this.root = root
    this.staging = join(root, STAGING_DIRECTORY)
  }

  /** DIR, to read; prepare() before writing. */
  static at(root: string): StaticFiles {
    return new StaticFiles(root)
  }

  /** Creates DIR (readable by all) and empties its staging directory, which a crash may have left files in. */
  async prepare(): Promise<void> {
    await rm(this.staging, { recursive: true, force: true })
    await makePublicDirectory(this.root)
    await makeDirectory(this.staging)
  }

  /** Writes `bytes` at `path` (relative to DIR, '/'-separated), replacing any file there in one rename. */
  async write(path: string, bytes: Uint8Array): Promise<void> {
    const target = join(this.root, path)
    await this.makeDirectory(dirname(target))
    const temporary = join(this.staging, `${process.pid}-${this.next++}`)
    const handle = await open(temporary, 'w', PUBLIC_FILE_MODE)
    try {
      try {
        // The umask (UMask=0077 in a hardened service) takes bits from the mode open asked for.
        await handle.chmod(PUBLIC_FILE_MODE)
        await handle.writeFile(bytes)
        await handle.datasync()
      } finally {
        await handle.close()
      }
      await rename(temporary, target)
    } catch (error) {
      // A full disk fails the write part way: what was written would hold on to the space a retry needs.
      await rm(temporary, { force: true })
      throw error
    }
    this.changed.add(dirname(target))
  }

  /** Removes the file at `path` (relative to DIR) if it is there. */
  async remove(path: string): Promise<void> {
    await rm(join(this.root, path), { force: true })
  }

  /** Syncs every directory that gained a name, so what a checkpoint about to be written names is durable. */
  async syncDirectories(): Promise<void> {
    for (const directory of this.changed) {
      const handle = await open(directory, 'r')
      try {
        await handle.sync()
      } finally {
        await handle.close()
      }
    }
    this.changed.clear()
  }

  private async makeDirectory(directory: string): Promise<void> {
    if (this.madeDirectories.has(directory)) return
    // Each directory mkdir creates is a new name in its parent: that parent is synced with the rest.
    const created = await makePublicDirectory(directory)
    if (created !== undefined) {
      for (let made = directory; made.length >= created.length; made = dirname(made)) this.changed.add(dirname(made))
    }
    this.madeDirectories.add(directory)
  }

  /** Removes the directory at `path` (relative to DIR) if it is there and empty. */
  async removeEmptyDirectory(path: string): Promise<void> {
    const directory = join(this.root, path)
    this.madeDirectories.delete(directory)
    try {
      await rmdir(directory)
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      if (code !== 'ENOENT' && code !== 'ENOTEMPTY' && code !== 'EEXIST') throw error
    }
  }

  /** When the file at `path` (relative to DIR) was last written, in ms since the epoch, or undefined when it is not there. */
  async modifiedAt(path: string): Promise<number | undefined> {
    try {
      return (await stat(join(this.root, path))).mtimeMs
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
      throw error
    }
  }

  /** The bytes of the file at `path` (relative to DIR), or undefined when it is not there. */
  async read(path: string): Promise<Uint8Array | undefined> {
    try {
      return await readFile(join(this.root, path))
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
      throw error
    }
  }

  /** The names in a directory of DIR (relative path), or [] when it is not there or not a directory. */
  async list(path: string): Promise<string[]> {
    try {
      return await readdir(join(this.root, path))
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      if (code === 'ENOENT' || code === 'ENOTDIR') return []
      throw error
    }
  }
}
