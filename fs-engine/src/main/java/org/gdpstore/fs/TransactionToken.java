package org.gdpstore.fs;

/**
 * TensorFlow's TransactionToken: an opaque handle of one open transaction of one
 * {@link GdpFileSystem}. Invalid once the transaction ended or aborted. Immutable.
 */
public final class TransactionToken {
  private final long id;
  private final Object owner;

  TransactionToken(long id, Object owner) {
    this.id = id;
    this.owner = owner;
  }

  /** The transaction's id within its filesystem (also the txn id written with its commit). */
  public long id() {
    return id;
  }

  Object owner() {
    return owner;
  }

  @Override
  public String toString() {
    return "TransactionToken[" + id + "]";
  }
}
