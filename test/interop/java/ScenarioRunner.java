import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The step runner shared by the Java interop scenarios: runs every step under its own base path
 * (root/stepName), prints "ok <step>" or "FAIL <step>: <why>" for each, closes what the step
 * registered, and exits 0 only when every step passed (1 when one failed, 2 on bad usage, 3 when
 * the watchdog fired). One step's failure does not stop the others, so one run reports every
 * difference at once.
 */
final class ScenarioRunner {
  /** Bound on one wait inside a step, in ms. */
  static final long WAIT_MS = 5_000;
  /** Bound on the whole run (the test kills the JVM at 30 s). */
  static final long WATCHDOG_MS = 26_000;

  /** A step; it registers what it opens with {@link Context#use}. */
  interface Step {
    void run(Context context) throws Exception;
  }

  /** Code that may throw, for {@link #checkThrows}. */
  interface Action {
    Object run() throws Exception;
  }

  /** Creates and removes the run's root znode with the scenario's own client. */
  interface Root {
    void create(String connectString, String root) throws Exception;

    void delete(String connectString, String root) throws Exception;
  }

  /** What a step sees: the server, its own base path, and a place to register closeables. */
  static final class Context {
    final String connectString;
    final String base;
    private final Deque<AutoCloseable> closeables = new ArrayDeque<>();

    Context(String connectString, String base) {
      this.connectString = connectString;
      this.base = base;
    }

    /** Closes {@code closeable} when the step ends, in reverse order of registration. */
    <T extends AutoCloseable> T use(T closeable) {
      closeables.push(closeable);
      return closeable;
    }

    void closeAll() {
      while (!closeables.isEmpty()) {
        try {
          closeables.pop().close();
        } catch (Exception ignored) {
          // A step's cleanup must not hide the step's own result.
        }
      }
    }
  }

  /** A behaviour a ZooKeeper server would not have produced. */
  static final class Failure extends AssertionError {
    Failure(String message) {
      super(message);
    }
  }

  private final String scenario;
  private final List<String> names = new ArrayList<>();
  private final List<Step> steps = new ArrayList<>();
  private volatile String current = "connect";

  ScenarioRunner(String scenario) {
    this.scenario = scenario;
  }

  ScenarioRunner step(String name, Step step) {
    names.add(name);
    steps.add(step);
    return this;
  }

  /** Runs every step against args[0] and exits the JVM. */
  void runAndExit(String[] args, Root root) {
    if (args.length != 1) {
      System.err.println("usage: java " + scenario + " HOST:PORT");
      System.exit(2);
    }
    String connectString = args[0];
    Thread watchdog = new Thread(() -> {
      try {
        Thread.sleep(WATCHDOG_MS);
      } catch (InterruptedException e) {
        return;
      }
      System.out.println("FAIL " + current + ": still running after the " + WATCHDOG_MS + " ms watchdog");
      dumpThreads();
      System.out.flush();
      Runtime.getRuntime().halt(3);
    }, "watchdog");
    watchdog.setDaemon(true);
    watchdog.start();

    String rootPath = "/" + scenario + "-" + UUID.randomUUID();
    List<String> failed = new ArrayList<>();
    try {
      root.create(connectString, rootPath);
    } catch (Exception e) {
      System.out.println("FAIL connect: creating " + rootPath + ": " + e);
      e.printStackTrace(System.out);
      System.out.flush();
      Runtime.getRuntime().halt(1);
    }
    for (int i = 0; i < steps.size(); i++) {
      current = names.get(i);
      Context context = new Context(connectString, rootPath + "/" + current);
      long started = System.nanoTime();
      try {
        steps.get(i).run(context);
        System.out.printf("ok %s (%.2fs)%n", current, (System.nanoTime() - started) / 1e9);
      } catch (Throwable e) {
        failed.add(current);
        System.out.println("FAIL " + current + ": " + (e instanceof Failure ? e.getMessage() : e.toString()));
        if (!(e instanceof Failure)) e.printStackTrace(System.out);
      } finally {
        context.closeAll();
      }
      System.out.flush();
    }
    current = "cleanup";
    try {
      root.delete(connectString, rootPath);
    } catch (Exception e) {
      failed.add("cleanup");
      System.out.println("FAIL cleanup: deleting " + rootPath + ": " + e);
    }
    if (failed.isEmpty()) {
      System.out.println("all " + steps.size() + " steps passed");
    } else {
      System.out.println(failed.size() + " of " + steps.size() + " steps (and cleanup) failed: " + String.join(", ", failed));
    }
    System.out.flush();
    // halt, not exit: a client thread stuck in a failed step must not keep the JVM alive.
    Runtime.getRuntime().halt(failed.isEmpty() ? 0 : 1);
  }

  private static void dumpThreads() {
    Thread.getAllStackTraces().forEach((thread, stack) -> {
      if (stack.length == 0 || thread == Thread.currentThread()) return;
      System.out.println("thread " + thread.getName() + ":");
      for (int i = 0; i < Math.min(stack.length, 12); i++) System.out.println("    at " + stack[i]);
    });
  }

  static void check(boolean condition, String message) {
    if (!condition) throw new Failure(message);
  }

  static void checkEqual(Object actual, Object expected, String what) {
    if (!Objects.equals(actual, expected)) {
      throw new Failure(what + ": expected " + expected + ", got " + actual);
    }
  }

  static <T extends Throwable> T checkThrows(Class<T> type, String what, Action action) {
    Object result;
    try {
      result = action.run();
    } catch (Throwable e) {
      if (type.isInstance(e)) return type.cast(e);
      throw new Failure(what + ": expected " + type.getSimpleName() + ", got " + e);
    }
    throw new Failure(what + ": expected " + type.getSimpleName() + ", got result " + result);
  }

  static void waitUntil(BooleanSupplier condition, String what) throws InterruptedException {
    waitUntil(condition, what, WAIT_MS);
  }

  static void waitUntil(BooleanSupplier condition, String what, long timeoutMs) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) throw new Failure("timed out after " + timeoutMs + " ms waiting for " + what);
      Thread.sleep(20);
    }
  }
}
