// A well-behaved client that keeps working while the fuzzer runs: create, getData, setData and
// delete in a loop. Every request must succeed; anything else is recorded as a failure.
import { ZooKeeperClient } from '@zookit/client';

/** Options of {@link HealthyClient.start}. */
export interface HealthyClientOptions {
  /** Parent of the client's nodes; created if missing. */
  readonly root: string;
  /** Credentials (e.g. the super user, so fuzzed ACLs cannot lock it out). */
  readonly auth?: ReadonlyArray<{ scheme: string; credentials: string }>;
}

/** Runs the loop until {@link HealthyClient.stop}. Not restartable. */
export class HealthyClient {
  /** Requests that succeeded. */
  ops = 0;
  /** Every failed request or wrong answer, in order. */
  readonly failures: string[] = [];
  readonly #client: ZooKeeperClient;
  readonly #root: string;
  #running = true;
  readonly #loop: Promise<void>;

  private constructor(client: ZooKeeperClient, root: string) {
    this.#client = client;
    this.#root = root;
    this.#loop = this.#run();
  }

  static async start(connectString: string, options: HealthyClientOptions): Promise<HealthyClient> {
    const client = await ZooKeeperClient.connect(connectString, {
      sessionTimeout: 10_000,
      auth: options.auth ?? [],
    });
    await client.create(options.root).catch((e: Error) => {
      if (e.name !== 'NodeExistsError') throw e;
    });
    return new HealthyClient(client, options.root);
  }

  /** The client's session id (its connection is the only one a fuzz run should leave behind). */
  get sessionId(): bigint {
    return this.#client.sessionId;
  }

  /** Resolves once `n` more requests have succeeded (rejects after `timeoutMs`). */
  async progress(n: number, timeoutMs = 10_000): Promise<void> {
    const target = this.ops + n;
    const deadline = Date.now() + timeoutMs;
    while (this.ops < target) {
      if (Date.now() > deadline)
        throw new Error(`healthy client made ${this.ops - target + n} of ${n} requests in ${timeoutMs} ms`);
      if (this.failures.length > 0) throw new Error(`healthy client failed: ${this.failures[0]}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  /** Stops the loop (after its current request) and closes the session. */
  async stop(): Promise<void> {
    this.#running = false;
    await this.#loop;
    await this.#client.close();
  }

  async #step<T>(what: string, request: () => Promise<T>, check?: (value: T) => string | undefined): Promise<void> {
    try {
      const value = await request();
      const wrong = check?.(value);
      if (wrong) this.failures.push(`${what}: ${wrong}`);
      else this.ops++;
    } catch (e) {
      this.failures.push(`${what}: ${(e as Error).name}: ${(e as Error).message}`);
    }
  }

  async #run(): Promise<void> {
    for (let i = 0; this.#running; i++) {
      const path = `${this.#root}/n-${i}`;
      const data = Buffer.from(`value ${i}`);
      await this.#step('create', () => this.#client.create(path, data));
      await this.#step(
        'getData',
        () => this.#client.getData(path),
        (r) => (Buffer.from(r.data ?? []).equals(data) ? undefined : 'wrong data'),
      );
      await this.#step(
        'setData',
        () => this.#client.setData(path, Buffer.from('changed')),
        (stat) => (stat.version === 1 ? undefined : `version ${stat.version}`),
      );
      await this.#step('delete', () => this.#client.delete(path, { version: 1 }));
    }
  }
}
