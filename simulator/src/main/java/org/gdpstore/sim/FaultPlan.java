package org.gdpstore.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.gdpstore.wire.GdpName;

/**
 * An immutable, seeded set of fault rules for the simulator's router. Rules look at REGULAR PDUs on
 * client connections (never on the log server's own link) and decide, deterministically from the
 * seed and the order of PDUs, whether to delay, drop, duplicate, reorder, answer with a NAK, close
 * the connection, or crash and restart the log server.
 *
 * <pre>{@code
 * FaultPlan plan = FaultPlan.builder(42)
 *     .rule(FaultPlan.on(Direction.TO_SERVER).code(MsgCode.CMD_APPEND).probability(0.1).drop())
 *     .rule(FaultPlan.on(Direction.TO_CLIENT).delay(20))
 *     .build();
 * }</pre>
 *
 * <p>For each PDU the rules are tried in order; the first rule that matches and fires decides.
 * Thread-safe (immutable).
 */
public final class FaultPlan {
  /** Which way a PDU travels, seen from the client. */
  public enum Direction {
    /** Client to router (commands towards the log server). */
    TO_SERVER,
    /** Router to client (responses and subscription data). */
    TO_CLIENT,
    /** Either way. */
    BOTH;

    boolean matches(Direction actual) {
      return this == BOTH || this == actual;
    }
  }

  /** What a rule does to a PDU it fires on. */
  public enum Action {
    /** Deliver it {@code delayMillis} later (scheduled on the event loop, never a sleep). */
    DELAY,
    /** Discard it. */
    DROP,
    /** Deliver it twice. */
    DUPLICATE,
    /** Hold it and deliver it after the next PDU in the same direction on that connection (or after delayMillis). */
    REORDER,
    /** Do not deliver it; answer the sender of a command (or replace a response) with NAK {@code nakCode}, same rid. */
    NAK,
    /**
     * Deliver it, and close the client's connection. A connection is eligible once {@code closeAfter}
     * matching PDUs have passed on it; each later matching PDU then closes it subject to
     * {@code skip}, {@code probability} and {@code times} (counted over all connections). With the
     * defaults (probability 1, unlimited times) every connection closes at its closeAfter-th
     * matching PDU, so a client that keeps reconnecting keeps being cut off: bound it with times.
     */
    CLOSE_CONNECTION,
    /** Drop it and crash the log server, then restart it from its data directory (durable mode only). */
    CRASH_LOG_SERVER
  }

  /**
   * One rule.
   *
   * @param direction which PDUs it looks at
   * @param code message code to match ({@code cmd}), or -1 for any
   * @param log log (or server) name to match: the destination of a command, the source of a response; null for any
   * @param action what to do
   * @param delayMillis for DELAY (and the longest hold of REORDER)
   * @param nakCode for NAK: the code to answer with (192..239)
   * @param closeAfter for CLOSE_CONNECTION: a connection may be closed from its closeAfter-th matching PDU on (>= 1)
   * @param probability chance that a matching PDU fires the rule (drawn from the plan's seeded generator)
   * @param skip let this many matching PDUs pass before the rule may fire
   * @param times fire at most this many times in all (-1 = unlimited)
   */
  public record Rule(Direction direction, int code, GdpName log, Action action, long delayMillis, int nakCode,
                     int closeAfter, double probability, int skip, int times) {
    public Rule {
      Objects.requireNonNull(direction, "direction");
      Objects.requireNonNull(action, "action");
      if (probability < 0 || probability > 1) {
        throw new IllegalArgumentException("probability must be in [0, 1], got " + probability);
      }
      if (delayMillis < 0 || skip < 0 || times < -1) {
        throw new IllegalArgumentException("delayMillis and skip must be >= 0, times >= -1");
      }
      if (action == Action.NAK && (nakCode < 192 || nakCode > 239)) {
        throw new IllegalArgumentException("a NAK code is 192..239, got " + nakCode);
      }
      if (action == Action.CLOSE_CONNECTION && closeAfter < 1) {
        throw new IllegalArgumentException("closeAfter must be >= 1, got " + closeAfter);
      }
    }

    /** True if this rule looks at a PDU with these properties. */
    public boolean matches(Direction actual, int actualCode, GdpName actualLog) {
      return direction.matches(actual) && (code < 0 || code == actualCode) && (log == null || log.equals(actualLog));
    }
  }

  /** Starts a rule for PDUs going {@code direction}. */
  public static RuleBuilder on(Direction direction) {
    return new RuleBuilder(direction);
  }

  /** A builder of plans. */
  public static Builder builder(long seed) {
    return new Builder(seed);
  }

  /** A plan without rules. */
  public static FaultPlan none() {
    return new FaultPlan(0, List.of());
  }

  private final long seed;
  private final List<Rule> rules;

  private FaultPlan(long seed, List<Rule> rules) {
    this.seed = seed;
    this.rules = List.copyOf(rules);
  }

  public long seed() {
    return seed;
  }

  public List<Rule> rules() {
    return rules;
  }

  @Override
  public String toString() {
    return "FaultPlan[seed=" + seed + ", rules=" + rules + "]";
  }

  /** Collects rules. */
  public static final class Builder {
    private final long seed;
    private final List<Rule> rules = new ArrayList<>();

    private Builder(long seed) {
      this.seed = seed;
    }

    public Builder rule(Rule rule) {
      rules.add(Objects.requireNonNull(rule, "rule"));
      return this;
    }

    public FaultPlan build() {
      return new FaultPlan(seed, rules);
    }
  }

  /** Fluent construction of one {@link Rule}; the action methods end it. */
  public static final class RuleBuilder {
    private final Direction direction;
    private int code = -1;
    private GdpName log;
    private double probability = 1.0;
    private int skip;
    private int times = -1;

    private RuleBuilder(Direction direction) {
      this.direction = Objects.requireNonNull(direction, "direction");
    }

    /** Only PDUs with this message code. */
    public RuleBuilder code(int cmd) {
      this.code = cmd;
      return this;
    }

    /** Only PDUs to (commands) or from (responses) this name. */
    public RuleBuilder log(GdpName name) {
      this.log = name;
      return this;
    }

    /** Fire on a matching PDU with this probability (seeded). */
    public RuleBuilder probability(double p) {
      this.probability = p;
      return this;
    }

    /** Let the first {@code n} matching PDUs pass. */
    public RuleBuilder skip(int n) {
      this.skip = n;
      return this;
    }

    /** Fire at most {@code n} times. */
    public RuleBuilder times(int n) {
      this.times = n;
      return this;
    }

    /** Fire once. */
    public RuleBuilder once() {
      return times(1);
    }

    public Rule delay(long millis) {
      return build(Action.DELAY, millis, 0, 0);
    }

    public Rule drop() {
      return build(Action.DROP, 0, 0, 0);
    }

    public Rule duplicate() {
      return build(Action.DUPLICATE, 0, 0, 0);
    }

    /** Swap with the next PDU; a held PDU goes out after {@code maxHoldMillis} at the latest. */
    public Rule reorder(long maxHoldMillis) {
      return build(Action.REORDER, maxHoldMillis, 0, 0);
    }

    public Rule reorder() {
      return reorder(100);
    }

    public Rule nak(int nakCode) {
      return build(Action.NAK, 0, nakCode, 0);
    }

    public Rule closeConnectionAfter(int pdus) {
      return build(Action.CLOSE_CONNECTION, 0, 0, pdus);
    }

    public Rule crashLogServer() {
      return build(Action.CRASH_LOG_SERVER, 0, 0, 0);
    }

    private Rule build(Action action, long delay, int nakCode, int closeAfter) {
      return new Rule(direction, code, log, action, delay, nakCode, closeAfter, probability, skip, times);
    }
  }
}
