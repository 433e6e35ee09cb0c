package org.gdpstore.nio.internal;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.NotDirectoryException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;

/**
 * A watch service of one gdp filesystem. Events come from commits: those this filesystem instance
 * makes, and those the writer (another process) appends to the directory log, which the
 * filesystem follows while a watch service is open. Thread-safe.
 */
final class GdpWatchService implements WatchService {
  private final GdpNioFileSystem fs;
  private final Map<String, Key> keys = new ConcurrentHashMap<>();
  private final LinkedBlockingDeque<Key> signalled = new LinkedBlockingDeque<>();
  private final Key closedMarker;
  private volatile boolean closed;

  GdpWatchService(GdpNioFileSystem fs) {
    this.fs = fs;
    this.closedMarker = new Key(null, null, Set.of());
  }

  GdpNioFileSystem fs() {
    return fs;
  }

  WatchKey register(GdpPath dir, WatchEvent.Kind<?>[] kinds) throws IOException {
    if (closed) {
      throw new ClosedWatchServiceException();
    }
    Ops.Kind k = fs.ops().kind(dir);
    if (k == Ops.Kind.MISSING) {
      throw new NoSuchFileException(dir.toString());
    }
    if (k == Ops.Kind.FILE) {
      throw new NotDirectoryException(dir.toString());
    }
    Set<WatchEvent.Kind<?>> wanted = ConcurrentHashMap.newKeySet();
    for (WatchEvent.Kind<?> kind : kinds) {
      if (kind == StandardWatchEventKinds.ENTRY_CREATE || kind == StandardWatchEventKinds.ENTRY_DELETE
          || kind == StandardWatchEventKinds.ENTRY_MODIFY) {
        wanted.add(kind);
      } else if (kind != StandardWatchEventKinds.OVERFLOW) {
        throw new UnsupportedOperationException("unsupported watch event kind " + kind);
      }
    }
    String ep = dir.enginePath();
    Key key = keys.compute(ep, (p, old) -> old != null && old.isValid() ? old : new Key(dir.withTxn(null), p, wanted));
    if (key.kinds != wanted) { // registering again replaces the kinds
      key.kinds.retainAll(wanted);
      key.kinds.addAll(wanted);
    }
    return key;
  }

  void deliver(String dir, String name, WatchEvent.Kind<Path> kind) {
    Key key = keys.get(dir);
    if (key != null && key.isValid() && key.kinds.contains(kind)) {
      key.add(new Event(kind, fs.getPath(name)));
    }
  }

  private Key check(Key k) {
    if (k == closedMarker || closed) {
      if (k == closedMarker) {
        signalled.offer(closedMarker); // wake the next waiter too
      }
      throw new ClosedWatchServiceException();
    }
    return k;
  }

  @Override
  public WatchKey poll() {
    if (closed) {
      throw new ClosedWatchServiceException();
    }
    Key k = signalled.poll();
    return k == null ? null : check(k);
  }

  @Override
  public WatchKey poll(long timeout, TimeUnit unit) throws InterruptedException {
    if (closed) {
      throw new ClosedWatchServiceException();
    }
    Key k = signalled.poll(timeout, unit);
    return k == null ? null : check(k);
  }

  @Override
  public WatchKey take() throws InterruptedException {
    if (closed) {
      throw new ClosedWatchServiceException();
    }
    return check(signalled.take());
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (Key k : keys.values()) {
      k.cancel();
    }
    signalled.offer(closedMarker);
    fs.watcherClosed(this);
  }

  private record Event(WatchEvent.Kind<Path> kind, Path context) implements WatchEvent<Path> {
    @Override
    public int count() {
      return 1;
    }
  }

  /** A watched directory: pending events, and whether it is queued (signalled). */
  private final class Key implements WatchKey {
    private final Path dir;
    private final String enginePath;
    final Set<WatchEvent.Kind<?>> kinds;
    private List<WatchEvent<?>> events = new ArrayList<>();
    private boolean signalledState;
    private volatile boolean valid = true;

    Key(Path dir, String enginePath, Set<WatchEvent.Kind<?>> kinds) {
      this.dir = dir;
      this.enginePath = enginePath;
      this.kinds = kinds;
    }

    synchronized void add(WatchEvent<?> e) {
      events.add(e);
      if (!signalledState) {
        signalledState = true;
        signalled.offer(this);
      }
    }

    @Override
    public boolean isValid() {
      return valid && !closed;
    }

    @Override
    public synchronized List<WatchEvent<?>> pollEvents() {
      List<WatchEvent<?>> out = events;
      events = new ArrayList<>();
      return out;
    }

    @Override
    public synchronized boolean reset() {
      if (!isValid()) {
        return false;
      }
      if (!events.isEmpty()) {
        signalled.offer(this);
      } else {
        signalledState = false;
      }
      return true;
    }

    @Override
    public void cancel() {
      valid = false;
      if (enginePath != null) {
        keys.remove(enginePath, this);
      }
    }

    @Override
    public Path watchable() {
      return dir;
    }
  }
}
