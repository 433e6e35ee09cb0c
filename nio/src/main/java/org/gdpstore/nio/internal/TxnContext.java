package org.gdpstore.nio.internal;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import org.gdpstore.fs.CommitResult;
import org.gdpstore.fs.FsException;
import org.gdpstore.fs.Transaction;
import org.gdpstore.nio.GdpTransaction;

/** A {@link GdpTransaction}: an engine {@link Transaction} whose paths carry it. */
final class TxnContext implements GdpTransaction {
  private final GdpNioFileSystem fs;
  private final Transaction tx;
  private volatile boolean ended;

  TxnContext(GdpNioFileSystem fs, Transaction tx) {
    this.fs = fs;
    this.tx = tx;
  }

  /** The engine transaction; a FileSystemException once this transaction ended. */
  Transaction transaction() {
    if (ended) {
      throw new IllegalStateException("transaction " + tx.token().id() + " has ended; its paths are unusable");
    }
    return tx;
  }

  @Override
  public Path path(String first, String... more) {
    fs.checkOpen();
    return GdpPath.parse(fs, this, first, more);
  }

  @Override
  public Path path(Path path) {
    GdpPath p = GdpPath.check(path);
    if (p.getFileSystem() != fs) {
      throw new java.nio.file.ProviderMismatchException("path of another gdp filesystem");
    }
    return p.withTxn(this);
  }

  @Override
  public long commit() throws IOException {
    fs.checkOpen();
    if (ended) {
      throw new FileSystemException("/", null, "transaction has ended already");
    }
    ended = true;
    try {
      CommitResult c = tx.commit();
      fs.committed(c);
      return c.recno();
    } catch (FsException e) {
      throw Errors.map(e, "/");
    }
  }

  @Override
  public void abort() throws IOException {
    if (ended) {
      return;
    }
    ended = true;
    try {
      tx.abort();
    } catch (FsException e) {
      throw Errors.map(e, "/");
    }
  }

  @Override
  public void close() throws IOException {
    abort();
  }

  @Override
  public String toString() {
    return "GdpTransaction[" + tx.token().id() + (ended ? ", ended" : "") + "]";
  }
}
