import type { TransactionOp, TransactionResult } from './operations/multi.js';
import type { CreateOptions, Data, OperationOptions } from './types.js';

/**
 * Collects writes for one multi: `zk.transaction().create('/a').setData('/b', 'x', { version: 3 }).commit()`.
 * Nothing is sent before `commit()`; a builder can be committed once.
 */
export class Transaction {
  readonly #ops: TransactionOp[] = [];
  readonly #commit: (ops: TransactionOp[], options: OperationOptions) => Promise<TransactionResult[]>;
  #committed = false;

  constructor(commit: (ops: TransactionOp[], options: OperationOptions) => Promise<TransactionResult[]>) {
    this.#commit = commit;
  }

  create(path: string, data?: Data, options: CreateOptions = {}): this {
    this.#ops.push({ type: 'create', path, data, options });
    return this;
  }

  delete(path: string, options: { version?: number } = {}): this {
    this.#ops.push({ type: 'delete', path, version: options.version });
    return this;
  }

  setData(path: string, data: Data, options: { version?: number } = {}): this {
    this.#ops.push({ type: 'setData', path, data, version: options.version });
    return this;
  }

  /** Asserts the node's version (the transaction fails with BadVersion otherwise). */
  check(path: string, version: number): this {
    this.#ops.push({ type: 'check', path, version });
    return this;
  }

  /** The ops collected so far. */
  get ops(): readonly TransactionOp[] {
    return this.#ops;
  }

  /** Sends the transaction; see `ZooKeeperClient.multi`. */
  commit(options: OperationOptions = {}): Promise<TransactionResult[]> {
    if (this.#committed) return Promise.reject(new Error('this transaction was already committed'));
    this.#committed = true;
    return this.#commit([...this.#ops], options);
  }
}
