package org.gdpstore.fs.internal;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.gdpstore.fs.internal.LogStoreException.Kind;
import org.gdpstore.wire.Ed25519Keys;
import org.gdpstore.wire.GdpName;

/**
 * A {@link LogStore} held in memory, for fast tests (fs-engine test-jar). It keeps the properties the
 * engine relies on: single writer per log (checked by public key), per-record integrity (a stored
 * SHA-256 checked on every verified read), and acknowledged appends that are never lost. Faults:
 * {@link #crashAfterAppends(long)} makes the writer "die" after n more appends, and
 * {@link #tamper(GdpName, long, int)} flips a stored byte. Thread-safe; futures complete on the
 * calling thread.
 */
public final class InMemoryLogStore implements LogStore {

  private final Map<GdpName, MemLog> logs = new ConcurrentHashMap<>();
  private final LongSupplier clockNanos;
  private final SecureRandom random = new SecureRandom();
  /** Appends still allowed before the simulated crash; negative = no crash planned. */
  private final AtomicLong appendsLeft = new AtomicLong(-1);
  private final AtomicLong appendCount = new AtomicLong();
  /** Appends still to be stored without their acknowledgement (they fail UNAVAILABLE). */
  private final AtomicLong acksToLose = new AtomicLong();
  private volatile int rangeLimit = Integer.MAX_VALUE;
  private volatile boolean refuseDeletes;
  private final AtomicLong deleteCount = new AtomicLong();

  public InMemoryLogStore() {
    this(() -> {
      java.time.Instant now = java.time.Instant.now();
      return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    });
  }

  /** A store whose record timestamps come from {@code clockNanos} (ns since the epoch). */
  private final AtomicLong recordsRead = new AtomicLong();
  private final AtomicLong recordsVerified = new AtomicLong();

  public InMemoryLogStore(LongSupplier clockNanos) {
    this.clockNanos = clockNanos;
  }

  /**
   * After {@code n} more successful appends (or deletes) every append and delete fails
   * (UNAVAILABLE) and changes nothing.
   */
  public void crashAfterAppends(long n) {
    appendsLeft.set(n);
  }

  /** Range reads return at most {@code max} records (as a server limiting its answers may). */
  public void limitRangeReads(int max) {
    rangeLimit = max;
  }

  /**
   * The next {@code n} appends (of any appender) are stored but fail UNAVAILABLE, as if their
   * acknowledgement was lost on the way back.
   */
  public void loseAcks(long n) {
    acksToLose.set(n);
  }

  /** Cancels a planned crash. */
  public void heal() {
    appendsLeft.set(-1);
  }

  /** Records returned by reads (single and range) since this store was made or {@link #resetReads}. */
  public long recordsRead() {
    return recordsRead.get();
  }

  /** Of {@link #recordsRead()}, those checked against their stored hash (the verified ones). */
  public long recordsVerified() {
    return recordsVerified.get();
  }

  public void resetReads() {
    recordsRead.set(0);
    recordsVerified.set(0);
  }

  /** Appends acknowledged since this store was made. */
  public long appendCount() {
    return appendCount.get();
  }

  /** Flips one byte of a stored record's payload (its stored hash is left alone). */
  public void tamper(GdpName log, long recno, int byteIndex) {
    MemLog l = logs.get(log);
    synchronized (l) {
      byte[] p = l.records.get((int) recno - 1).payload;
      p[byteIndex % p.length] ^= 0x5a;
    }
  }

  /**
   * Flips one byte of a stored record and re-computes its stored hash, as a record forged with
   * the writer's key would look: record verification passes, only content hashes can catch it.
   */
  public void forge(GdpName log, long recno, int byteIndex) {
    MemLog l = logs.get(log);
    synchronized (l) {
      Stored s = l.records.get((int) recno - 1);
      byte[] p = s.payload.clone();
      p[byteIndex % p.length] ^= 0x5a;
      l.records.set((int) recno - 1, new Stored(s.recno, s.ts, p));
    }
  }

  /**
   * Writes every log (name, writer key, records with their timestamps) to {@code out}, so a store
   * written by one version of the code can be checked in and reopened by later versions.
   */
  public void save(java.io.OutputStream out) throws java.io.IOException {
    java.io.DataOutputStream d = new java.io.DataOutputStream(out);
    List<GdpName> names = new ArrayList<>(logs.keySet());
    names.sort(java.util.Comparator.comparing(GdpName::printable));
    d.writeInt(names.size());
    for (GdpName n : names) {
      MemLog l = logs.get(n);
      synchronized (l) {
        d.write(n.toBytes());
        d.writeInt(l.writerKey.length);
        d.write(l.writerKey);
        d.writeInt(l.records.size());
        for (Stored s : l.records) {
          d.writeLong(s.ts);
          d.writeInt(s.payload.length);
          d.write(s.payload);
        }
      }
    }
    d.flush();
  }

  /** A store holding the logs {@link #save} wrote. */
  public static InMemoryLogStore load(java.io.InputStream in) throws java.io.IOException {
    java.io.DataInputStream d = new java.io.DataInputStream(in);
    InMemoryLogStore store = new InMemoryLogStore();
    int n = d.readInt();
    for (int i = 0; i < n; i++) {
      byte[] name = d.readNBytes(32);
      byte[] key = d.readNBytes(d.readInt());
      MemLog l = new MemLog(GdpName.of(name), key);
      int recs = d.readInt();
      for (int r = 1; r <= recs; r++) {
        long ts = d.readLong();
        l.records.add(new Stored(r, ts, d.readNBytes(d.readInt())));
      }
      store.logs.put(l.name, l);
    }
    return store;
  }

  /** Names of all logs. */
  public java.util.Set<GdpName> logNames() {
    return java.util.Set.copyOf(logs.keySet());
  }

  /** The number of logs. */
  public int logCount() {
    return logs.size();
  }

  /** The newest recno of a log (0 if empty). */
  public long lastRecno(GdpName log) {
    MemLog l = logs.get(log);
    synchronized (l) {
      return l.records.size();
    }
  }

  @Override
  public CompletableFuture<GdpName> createLog(Ed25519Keys writer, String label) {
    byte[] nonce = new byte[16];
    random.nextBytes(nonce);
    byte[] seed = new byte[32 + 16 + label.length()];
    System.arraycopy(writer.publicKey(), 0, seed, 0, 32);
    System.arraycopy(nonce, 0, seed, 32, 16);
    GdpName name = GdpName.sha256(seed);
    logs.put(name, new MemLog(name, writer.publicKey()));
    return CompletableFuture.completedFuture(name);
  }

  /** Derived names: SHA-256 of writer key, nonce and creation time (no chaining in memory). */
  @Override
  public CompletableFuture<GdpName> createLog(Ed25519Keys writer, String label, LogIntents.Identity id) {
    GdpName name = possibleNames(writer.publicKey(), id).get(0);
    logs.putIfAbsent(name, new MemLog(name, writer.publicKey()));
    return CompletableFuture.completedFuture(name);
  }

  @Override
  public List<GdpName> possibleNames(byte[] writerKey, LogIntents.Identity id) {
    byte[] seed = java.nio.ByteBuffer.allocate(32 + 16 + 8).put(writerKey, 0, 32).put(id.nonce())
        .putLong(id.created().toEpochMilli()).array();
    return List.of(GdpName.sha256(seed));
  }

  @Override
  public CompletableFuture<Source> openSource(GdpName log, boolean verify) {
    MemLog l = logs.get(log);
    if (l == null) {
      return CompletableFuture.failedFuture(new LogStoreException(Kind.NOT_FOUND, "no log " + log));
    }
    return CompletableFuture.completedFuture(new MemSource(l, verify));
  }

  @Override
  public CompletableFuture<Appender> openAppender(GdpName log, Ed25519Keys writer) {
    MemLog l = logs.get(log);
    if (l == null) {
      return CompletableFuture.failedFuture(new LogStoreException(Kind.NOT_FOUND, "no log " + log));
    }
    if (!Arrays.equals(l.writerKey, writer.publicKey())) {
      return CompletableFuture.failedFuture(
          new LogStoreException(Kind.PERMISSION, "not the writer of log " + log));
    }
    return CompletableFuture.completedFuture(new MemAppender(l));
  }

  /**
   * Removes a log; a planned crash ({@link #crashAfterAppends}) counts deletes with appends. With
   * {@link #refuseDeletes} it fails UNSUPPORTED, as the reference gdplogd does.
   */
  @Override
  public CompletableFuture<Boolean> deleteLog(GdpName log) {
    if (refuseDeletes) {
      return CompletableFuture.failedFuture(new LogStoreException(Kind.UNSUPPORTED, "DELETE is not implemented"));
    }
    long left = appendsLeft.getAndUpdate(v -> v > 0 ? v - 1 : v);
    if (left == 0) {
      return CompletableFuture.failedFuture(new LogStoreException(Kind.UNAVAILABLE, "simulated writer crash"));
    }
    deleteCount.incrementAndGet();
    return CompletableFuture.completedFuture(logs.remove(log) != null);
  }

  /** Makes every delete fail UNSUPPORTED (a reference gdplogd). */
  public void refuseDeletes(boolean refuse) {
    refuseDeletes = refuse;
  }

  /** Deletes attempted (not refused) since this store was made. */
  public long deleteCount() {
    return deleteCount.get();
  }

  @Override
  public void close() {}

  private static final class Stored {
    final long recno;
    final long ts;
    final byte[] payload;
    final byte[] hash;

    Stored(long recno, long ts, byte[] payload) {
      this.recno = recno;
      this.ts = ts;
      this.payload = payload;
      this.hash = sha256(payload);
    }
  }

  private static final class MemLog {
    final GdpName name;
    final byte[] writerKey;
    final List<Stored> records = new ArrayList<>();
    final List<MemSubscription> subscriptions = new java.util.concurrent.CopyOnWriteArrayList<>();

    MemLog(GdpName name, byte[] writerKey) {
      this.name = name;
      this.writerKey = writerKey;
    }
  }

  private class MemSource implements Source {
    final MemLog log;
    final boolean verify;

    MemSource(MemLog log, boolean verify) {
      this.log = log;
      this.verify = verify;
    }

    @Override
    public GdpName name() {
      return log.name;
    }

    @Override
    public byte[] writerKey() {
      return log.writerKey.clone();
    }

    @Override
    public CompletableFuture<Long> lastRecno() {
      synchronized (log) {
        return CompletableFuture.completedFuture((long) log.records.size());
      }
    }

    @Override
    public CompletableFuture<StoredRecord> read(long recno) {
      synchronized (log) {
        if (recno < 1 || recno > log.records.size()) {
          return CompletableFuture.failedFuture(new LogStoreException(
              Kind.OUT_OF_RANGE, "record " + recno + " of " + log.name + " does not exist"));
        }
        try {
          return CompletableFuture.completedFuture(toRecord(log.records.get((int) recno - 1)));
        } catch (LogStoreException e) {
          return CompletableFuture.failedFuture(e);
        }
      }
    }

    @Override
    public CompletableFuture<List<StoredRecord>> readRange(long first, int count) {
      synchronized (log) {
        List<StoredRecord> out = new ArrayList<>();
        try {
          long end = first + Math.min(count, rangeLimit);
          for (long r = Math.max(1, first); r < end && r <= log.records.size(); r++) {
            out.add(toRecord(log.records.get((int) r - 1)));
          }
        } catch (LogStoreException e) {
          return CompletableFuture.failedFuture(e);
        }
        return CompletableFuture.completedFuture(out);
      }
    }

    private StoredRecord toRecord(Stored s) {
      recordsRead.incrementAndGet();
      if (verify) {
        recordsVerified.incrementAndGet();
      }
      if (verify && !Arrays.equals(s.hash, sha256(s.payload))) {
        throw new LogStoreException(Kind.INTEGRITY,
            "record " + s.recno + " of log " + log.name + " failed verification");
      }
      return new StoredRecord(s.recno, s.ts, ByteBuffer.wrap(s.payload.clone()).asReadOnlyBuffer(),
          ByteBuffer.wrap(s.hash.clone()).asReadOnlyBuffer(), verify);
    }

    @Override
    public AutoCloseable subscribe(long from, java.util.function.Consumer<StoredRecord> onRecord,
        java.util.function.Consumer<LogStoreException> onError) {
      MemSubscription sub = new MemSubscription(this, Math.max(1, from), onRecord, onError);
      synchronized (log) {
        log.subscriptions.add(sub);
        sub.catchUp();
      }
      return () -> log.subscriptions.remove(sub);
    }

    @Override
    public void close() {}
  }

  /** Delivers records synchronously, with the log's lock held (so in order, one at a time). */
  private static final class MemSubscription {
    final MemSource source;
    long next;
    final java.util.function.Consumer<StoredRecord> onRecord;
    final java.util.function.Consumer<LogStoreException> onError;
    boolean failed;

    MemSubscription(MemSource source, long next, java.util.function.Consumer<StoredRecord> onRecord,
        java.util.function.Consumer<LogStoreException> onError) {
      this.source = source;
      this.next = next;
      this.onRecord = onRecord;
      this.onError = onError;
    }

    void catchUp() {
      while (!failed && next <= source.log.records.size()) {
        StoredRecord r;
        try {
          r = source.toRecord(source.log.records.get((int) next - 1));
        } catch (LogStoreException e) {
          failed = true;
          source.log.subscriptions.remove(this);
          onError.accept(e);
          return;
        }
        next++;
        onRecord.accept(r);
      }
    }
  }

  /**
   * Numbers its records itself as the log client does: an append whose number another appender
   * took fails CONFLICT (nothing stored) and the next one continues after the log's last record.
   */
  private final class MemAppender extends MemSource implements Appender {
    private long next;

    MemAppender(MemLog log) {
      super(log, true);
      synchronized (log) {
        next = log.records.size() + 1;
      }
    }

    @Override
    public CompletableFuture<Long> append(ByteBuffer payload) {
      try {
        return CompletableFuture.completedFuture(appendOne(payload));
      } catch (LogStoreException e) {
        return CompletableFuture.failedFuture(e);
      }
    }

    @Override
    public CompletableFuture<List<Long>> appendBatch(List<ByteBuffer> payloads) {
      List<Long> out = new ArrayList<>();
      try {
        for (ByteBuffer p : payloads) {
          out.add(appendOne(p));
        }
      } catch (LogStoreException e) {
        return CompletableFuture.failedFuture(e);
      }
      return CompletableFuture.completedFuture(out);
    }

    private long appendOne(ByteBuffer payload) {
      long left = appendsLeft.getAndUpdate(v -> v > 0 ? v - 1 : v);
      if (left == 0) {
        throw new LogStoreException(Kind.UNAVAILABLE, "simulated writer crash");
      }
      byte[] p = new byte[payload.remaining()];
      payload.duplicate().get(p);
      synchronized (log) {
        long recno = log.records.size() + 1;
        if (next != recno) {
          long taken = next;
          next = recno;
          throw new LogStoreException(Kind.CONFLICT, "record " + taken + " of " + log.name
              + " already holds different content");
        }
        next++;
        log.records.add(new Stored(recno, clockNanos.getAsLong(), p));
        appendCount.incrementAndGet();
        for (MemSubscription sub : log.subscriptions) {
          sub.catchUp();
        }
        if (acksToLose.getAndUpdate(v -> v > 0 ? v - 1 : v) > 0) {
          throw new LogStoreException(Kind.UNAVAILABLE, "acknowledgement of record " + recno + " lost");
        }
        return recno;
      }
    }
  }

  static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
