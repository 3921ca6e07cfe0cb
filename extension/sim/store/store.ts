// The typed object store: one table per kind of kernel object. Whole-store images (one map per table) are what
// snapshots and forkAtPosition keep.

import {
  COUNTERS, FILES, HOST, MMS, NSPROXIES, OPEN_FILES, PAGES, TASKS, TIME_NAMESPACES, USER_NAMESPACES, VMAS,
  type Counters, type FileRec, type FilesRec, type HostClocks, type MmRec, type NsRec, type NsproxyRec, type PageRec, type TaskRec, type UserRec, type VmaRec,
} from './records';
import { Table } from './table';

/** The store's contents: a map per table, in the order of Store.all. */
export type StoreImage = readonly ReadonlyMap<string, object>[];

export class Store {
  readonly host: Table<HostClocks>;
  readonly counters: Table<Counters>;
  readonly tasks: Table<TaskRec>;
  readonly nsproxies: Table<NsproxyRec>;
  readonly timeNamespaces: Table<NsRec>;
  readonly userNamespaces: Table<UserRec>;
  readonly mms: Table<MmRec>;
  readonly vmas: Table<VmaRec>;
  readonly pages: Table<PageRec>;
  readonly files: Table<FilesRec>;
  /** The struct files (one per open file description) the fd tables point at. */
  readonly openFiles: Table<FileRec>;
  /** Every table, in a fixed order (the order of a StoreImage). */
  readonly all: readonly Table<object>[];

  constructor(image?: StoreImage) {
    // The casts below only narrow the image's maps back to the kind each table was written with.
    const m = <R extends object>(i: number): ReadonlyMap<string, R> | undefined => image?.[i] as ReadonlyMap<string, R> | undefined;
    this.host = new Table(HOST, 0, m(0));
    this.counters = new Table(COUNTERS, 1, m(1));
    this.tasks = new Table(TASKS, 2, m(2));
    this.nsproxies = new Table(NSPROXIES, 3, m(3));
    this.timeNamespaces = new Table(TIME_NAMESPACES, 4, m(4));
    this.userNamespaces = new Table(USER_NAMESPACES, 5, m(5));
    this.mms = new Table(MMS, 6, m(6));
    this.vmas = new Table(VMAS, 7, m(7));
    this.pages = new Table(PAGES, 8, m(8));
    this.files = new Table(FILES, 9, m(9));
    this.openFiles = new Table(OPEN_FILES, 10, m(10));
    this.all = [this.host, this.counters, this.tasks, this.nsproxies, this.timeNamespaces, this.userNamespaces, this.mms, this.vmas, this.pages, this.files, this.openFiles];
  }

  /** A plain copy of every table. */
  image(): StoreImage {
    return this.all.map((t) => t.toMap());
  }

  /** Start every table over from a full image. */
  reset(image: StoreImage): void {
    this.all.forEach((t, i) => t.reset(image[i]));
  }
}
