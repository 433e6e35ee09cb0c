package org.gdpstore.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import org.gdpstore.sim.internal.FaultHook;
import org.gdpstore.wire.GdpName;

/**
 * The simulator's live fault rules ({@link GdpSimulator#faults()}), initialised from a
 * {@link FaultPlan} and adjustable while the simulator runs. Decisions are drawn from one
 * generator seeded with the plan's seed, so the same PDU sequence meets the same faults.
 * Thread-safe: rules may be changed from any thread; changes apply to PDUs routed afterwards.
 */
public final class FaultInjector {
  private final long seed;
  private final Runnable crashRestart;
  private final List<RuleState> rules = new ArrayList<>();
  private SplittableRandom random;
  private volatile boolean empty;

  FaultInjector(FaultPlan plan, Runnable crashRestart) {
    this.seed = plan.seed();
    this.crashRestart = crashRestart;
    this.random = new SplittableRandom(seed);
    for (FaultPlan.Rule r : plan.rules()) {
      rules.add(new RuleState(r));
    }
    empty = rules.isEmpty();
  }

  /** The seed decisions are drawn from. */
  public long seed() {
    return seed;
  }

  /** Adds a rule after the existing ones. */
  public synchronized FaultInjector add(FaultPlan.Rule rule) {
    rules.add(new RuleState(Objects.requireNonNull(rule, "rule")));
    empty = false;
    return this;
  }

  /** Removes every rule equal to {@code rule}; true if one was removed. */
  public synchronized boolean remove(FaultPlan.Rule rule) {
    boolean removed = rules.removeIf(s -> s.rule.equals(rule));
    empty = rules.isEmpty();
    return removed;
  }

  /** Removes all rules and restarts the generator from the seed. */
  public synchronized void clear() {
    rules.clear();
    random = new SplittableRandom(seed);
    empty = true;
  }

  /** The current rules, in order. */
  public synchronized List<FaultPlan.Rule> rules() {
    return rules.stream().map(s -> s.rule).toList();
  }

  /** How many times a rule has fired so far (0 if it is not installed). */
  public synchronized int firedCount(FaultPlan.Rule rule) {
    int n = 0;
    for (RuleState s : rules) {
      if (s.rule.equals(rule)) {
        n += s.fired;
      }
    }
    return n;
  }

  /**
   * Crashes the log server (its in-memory state and open files are dropped without a sync) and
   * restarts it from its data directory. Returns when the new log server is connected again.
   *
   * @throws IllegalStateException if the simulator is not in durable mode
   */
  public void crashAndRestartLogServer() {
    crashRestart.run();
  }

  FaultHook hook() {
    return new Hook();
  }

  private final class Hook implements FaultHook {
    @Override
    public boolean isEmpty() {
      return empty;
    }

    @Override
    public Decision decide(boolean toServer, int code, GdpName name, Map<Object, Integer> conn) {
      FaultPlan.Direction dir = toServer ? FaultPlan.Direction.TO_SERVER : FaultPlan.Direction.TO_CLIENT;
      synchronized (FaultInjector.this) {
        for (RuleState s : rules) {
          FaultPlan.Rule r = s.rule;
          if (!r.matches(dir, code, name)) {
            continue;
          }
          boolean close = r.action() == FaultPlan.Action.CLOSE_CONNECTION;
          // CLOSE_CONNECTION: a connection becomes eligible once closeAfter matching PDUs passed on it;
          // from then on skip, times and probability apply as to every other action
          if (close && conn.merge(r, 1, Integer::sum) < r.closeAfter()) {
            continue;
          }
          s.matched++;
          if (s.matched <= r.skip() || (r.times() >= 0 && s.fired >= r.times())) {
            continue;
          }
          if (r.probability() < 1.0 && random.nextDouble() >= r.probability()) {
            continue;
          }
          s.fired++;
          if (close) {
            return new Decision(null, 0, 0, true);
          }
          return new Decision(action(r.action()), r.delayMillis(), r.nakCode(), false);
        }
        return PASS;
      }
    }

    @Override
    public void crashAndRestartLogServer() {
      // never on an event loop: the crash waits for channels served by those loops
      Thread t = new Thread(() -> {
        try {
          crashRestart.run();
        } catch (RuntimeException e) {
          java.util.logging.Logger.getLogger(FaultInjector.class.getName())
              .warning("crash-and-restart fault not applied: " + e.getMessage());
        }
      }, "gdp-sim-crash-restart");
      t.setDaemon(true);
      t.start();
    }
  }

  private static FaultHook.Action action(FaultPlan.Action a) {
    return switch (a) {
      case DELAY -> FaultHook.Action.DELAY;
      case DROP -> FaultHook.Action.DROP;
      case DUPLICATE -> FaultHook.Action.DUPLICATE;
      case REORDER -> FaultHook.Action.REORDER;
      case NAK -> FaultHook.Action.NAK;
      case CRASH_LOG_SERVER -> FaultHook.Action.CRASH_LOG_SERVER;
      case CLOSE_CONNECTION -> throw new IllegalArgumentException("CLOSE_CONNECTION is decided by closeAfterDelivery");
    };
  }

  private static final class RuleState {
    final FaultPlan.Rule rule;
    int matched;
    int fired;

    RuleState(FaultPlan.Rule rule) {
      this.rule = rule;
    }
  }
}
