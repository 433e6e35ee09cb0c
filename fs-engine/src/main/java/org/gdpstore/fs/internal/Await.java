package org.gdpstore.fs.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.gdpstore.client.Blocking;
import org.gdpstore.fs.FsCode;
import org.gdpstore.fs.FsException;
import org.gdpstore.fs.IntegrityException;

/** Waiting for {@link LogStore} futures, and their failures as {@link FsException}s. Stateless. */
public final class Await {
  private Await() {}

  /** Waits for a store future, translating its failure. */
  public static <T> T await(CompletableFuture<T> f, String path) throws FsException {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new FsException(FsCode.CANCELLED, path, "interrupted", e);
    } catch (ExecutionException e) {
      throw translate(e.getCause(), path);
    }
  }

  /** A store failure as the filesystem error of {@code path}. */
  public static FsException translate(Throwable t, String path) {
    t = Blocking.cause(t);
    if (t instanceof FsException fe) {
      return fe;
    }
    if (t instanceof LogStoreException le) {
      return switch (le.kind()) {
        case NOT_FOUND -> new FsException(FsCode.NOT_FOUND, path, le.getMessage(), le);
        case INTEGRITY -> new IntegrityException(path, le.getMessage(), le);
        case PERMISSION -> new FsException(FsCode.PERMISSION_DENIED, path, le.getMessage(), le);
        case OUT_OF_RANGE -> new IntegrityException(path, "missing record: " + le.getMessage(), le);
        case UNAVAILABLE -> new FsException(FsCode.UNAVAILABLE, path, le.getMessage(), le);
        case CONFLICT -> new FsException(FsCode.ABORTED, path, le.getMessage(), le);
        case UNSUPPORTED -> new FsException(FsCode.UNIMPLEMENTED, path, le.getMessage(), le);
        case OTHER -> new FsException(FsCode.INTERNAL, path, le.getMessage(), le);
      };
    }
    return new FsException(FsCode.INTERNAL, path, String.valueOf(t), t);
  }
}
